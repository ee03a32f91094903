"""Quality forms: survey forms and evaluation forms (reference sections 5 and 10).

A form has one unpublished working copy and any number of published versions;
`id` names a version, `contextId` the form across versions. Listings leave out
`questionGroups` (whether the service sends them is unconfirmed, so clients must
read a form by id); `expand=publishHistory` adds each form's `publishedVersions`.
The published-form endpoints accept a context id or any version id and answer
with the latest published version.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from genesys_sim.errors import bad_request, not_found
from genesys_sim.routes.common import (
    WireDict,
    bool_param,
    by_name,
    json_response,
    list_param,
    listing,
    page_request,
    requires,
    state_of,
)

if TYPE_CHECKING:
    from genesys_sim.org import Org

SURVEY_FORM_VIEW = "quality:surveyForm:view"
EVALUATION_FORM_VIEW = "quality:evaluationForm:view"
_LISTING_ONLY = ("questionGroups", "publishedVersions")
_HISTORY_PAGE_SIZE = 25


class FormCatalog:
    """The versions of every form of one kind."""

    def __init__(self, forms: Sequence[WireDict]) -> None:
        self.forms = list(forms)

    def working_copies(self, descending: bool = False) -> list[WireDict]:
        """One unpublished entry per form, by name."""
        copies = [form for form in self.forms if not form.get("published")]
        return sorted(
            copies, key=lambda f: (f.get("name", ""), f["id"]), reverse=descending
        )

    def find(self, form_id: str) -> WireDict | None:
        """Any version or working copy by id."""
        return next((form for form in self.forms if form["id"] == form_id), None)

    def published_versions(self, context_id: str) -> list[WireDict]:
        """Published versions of one form, newest first."""
        versions = [
            form
            for form in self.forms
            if form.get("published") and form.get("contextId") == context_id
        ]
        return sorted(
            versions, key=lambda f: (f.get("modifiedDate", ""), f["id"]), reverse=True
        )

    def all_published(self) -> list[WireDict]:
        """Every published version, by name then newest first."""
        published = [form for form in self.forms if form.get("published")]
        ordered = sorted(
            published, key=lambda f: (f.get("modifiedDate", ""), f["id"]), reverse=True
        )
        return sorted(ordered, key=lambda f: f.get("name", ""))

    def latest_published(self, any_id: str) -> WireDict | None:
        """The newest published version of the form `any_id` names (id or context)."""
        form = self.find(any_id)
        context_id = form.get("contextId", any_id) if form else any_id
        versions = self.published_versions(str(context_id))
        return versions[0] if versions else None

    def history(self, context_id: str, omit: frozenset[str] = frozenset()) -> WireDict:
        """The `publishedVersions` envelope of a listing entry."""
        versions = [
            {key: value for key, value in summary(form).items() if key not in omit}
            for form in self.published_versions(context_id)
        ]
        return {
            "entities": versions[:_HISTORY_PAGE_SIZE],
            "pageSize": _HISTORY_PAGE_SIZE,
            "pageNumber": 1,
            "total": len(versions),
            "pageCount": math.ceil(len(versions) / _HISTORY_PAGE_SIZE),
        }


def summary(form: WireDict) -> WireDict:
    """A form as listings show it: without questions or history."""
    return {key: value for key, value in form.items() if key not in _LISTING_ONLY}


@dataclass(frozen=True)
class FormKind:
    """What differs between survey forms and evaluation forms."""

    noun: str
    plural: str
    permission: str
    forms: Callable[[Org], Sequence[WireDict]]
    latest_param: str
    # Fields of the form model that its history entries' model does not have.
    history_omits: frozenset[str] = frozenset()


def _catalog(request: Request, kind: FormKind) -> FormCatalog:
    return FormCatalog(kind.forms(state_of(request).org))


def _form_or_404(kind: FormKind, form: WireDict | None, form_id: str) -> WireDict:
    if form is None:
        raise not_found(f"Unable to find a {kind.noun} form with id {form_id}")
    return form


def make_routes(kind: FormKind) -> list[Route]:
    """The listing, by-id, versions and published-form routes of one kind."""

    @requires(kind.permission)
    async def list_forms(request: Request) -> Response:
        catalog = _catalog(request, kind)
        descending = request.query_params.get("sortOrder", "asc").lower() == "desc"
        copies = by_name(
            catalog.working_copies(descending), request.query_params.get("name")
        )
        expand = "publishHistory" in list_param(request, "expand")
        entries = [_entry(catalog, form, expand, kind) for form in copies]
        return json_response(listing(request, entries, page_request(request)))

    @requires(kind.permission)
    async def get_form(request: Request) -> Response:
        form_id = request.path_params["formId"]
        return json_response(
            _form_or_404(kind, _catalog(request, kind).find(form_id), form_id)
        )

    @requires(kind.permission)
    async def list_versions(request: Request) -> Response:
        catalog = _catalog(request, kind)
        form_id = request.path_params["formId"]
        form = _form_or_404(kind, catalog.find(form_id), form_id)
        versions = catalog.published_versions(str(form.get("contextId")))
        return json_response(listing(request, versions, page_request(request)))

    @requires(kind.permission)
    async def list_published(request: Request) -> Response:
        catalog = _catalog(request, kind)
        published = by_name(catalog.all_published(), request.query_params.get("name"))
        if bool_param(request, kind.latest_param):
            published = _latest_enabled(published)
        entries = [summary(form) for form in published]
        return json_response(listing(request, entries, page_request(request)))

    @requires(kind.permission)
    async def get_published(request: Request) -> Response:
        form_id = request.path_params["formId"]
        latest = _catalog(request, kind).latest_published(form_id)
        return json_response(_form_or_404(kind, latest, form_id))

    base, published = (
        f"/api/v2/quality/forms/{kind.plural}",
        f"/api/v2/quality/publishedforms/{kind.plural}",
    )
    return [
        Route(base, list_forms),
        Route(f"{base}/{{formId}}", get_form),
        Route(f"{base}/{{formId}}/versions", list_versions),
        Route(published, list_published),
        Route(f"{published}/{{formId}}", get_published),
    ]


def _entry(
    catalog: FormCatalog, form: WireDict, expand: bool, kind: FormKind
) -> WireDict:
    entry = summary(form)
    if expand:
        context_id = str(form.get("contextId"))
        entry["publishedVersions"] = catalog.history(context_id, kind.history_omits)
    return entry


def _latest_enabled(published: list[WireDict]) -> list[WireDict]:
    seen: set[str] = set()
    latest: list[WireDict] = []
    for form in sorted(
        published, key=lambda f: f.get("modifiedDate", ""), reverse=True
    ):
        context = str(form.get("contextId"))
        if context not in seen and not form.get("disabled"):
            seen.add(context)
            latest.append(form)
    return sorted(latest, key=lambda f: f.get("name", ""))


SURVEY_FORMS = FormKind(
    "survey",
    "surveys",
    SURVEY_FORM_VIEW,
    lambda org: org.survey_forms,
    "onlyLatestEnabledPerContext",
)
EVALUATION_FORMS = FormKind(
    "evaluation",
    "evaluations",
    EVALUATION_FORM_VIEW,
    lambda org: org.evaluation_forms,
    "onlyLatestPerContext",
    # EvaluationFormResponse lists its versions as EvaluationForm (SDK 269).
    history_omits=frozenset({"weightMode"}),
)


@requires(SURVEY_FORM_VIEW)
async def bulk_survey_forms(request: Request) -> Response:
    """GET /forms/surveys/bulk?id=: a listing of the forms named by id."""
    ids = list_param(request, "id")
    if not ids:
        raise bad_request("The id parameter is required")
    catalog = FormCatalog(state_of(request).org.survey_forms)
    forms = [form for form in (catalog.find(form_id) for form_id in ids) if form]
    return json_response(listing(request, forms, page_request(request)))


@requires(SURVEY_FORM_VIEW)
async def bulk_survey_contexts(request: Request) -> Response:
    """GET /forms/surveys/bulk/contexts?contextId=: a bare array, one per context."""
    state = state_of(request)
    context_ids = list_param(request, "contextId")
    if not context_ids:
        raise bad_request("The contextId parameter is required")
    if len(context_ids) > state.limits.forms_max_context_ids:
        raise bad_request(
            f"At most {state.limits.forms_max_context_ids} contextId values"
        )
    catalog = FormCatalog(state.org.survey_forms)
    published = bool_param(request, "published", default=True)
    picked = [_for_context(catalog, cid, published) for cid in context_ids]
    return json_response([form for form in picked if form is not None])


def _for_context(
    catalog: FormCatalog, context_id: str, published: bool
) -> WireDict | None:
    if published:
        versions = catalog.published_versions(context_id)
        return versions[0] if versions else None
    copies = catalog.working_copies()
    return next((form for form in copies if form.get("contextId") == context_id), None)


ROUTES = [
    Route("/api/v2/quality/forms/surveys/bulk", bulk_survey_forms),
    Route("/api/v2/quality/forms/surveys/bulk/contexts", bulk_survey_contexts),
    *make_routes(SURVEY_FORMS),
    *make_routes(EVALUATION_FORMS),
]
