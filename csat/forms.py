"""Survey and evaluation forms: which form holds CSAT, and what each version asks.

A form has one context id and many versions; a survey records the version id it
was answered on, and ids of groups, questions and answers change from version to
version (reference section 5). So versions are merged by context id to choose a
form, and every version a survey names is read on its own, once, to label its
answers.

The CSAT question of a version is its first multiple-choice question whose text
mentions satisfaction, else its first multiple-choice question with three or more
answer options; its scale is the set of that question's answer option values
(architecture.md). Nothing assumes a 1-5 scale.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from csat.client import GenesysClient
from csat.dataset import FormChoice, FormInfo, Source
from csat.errors import FormSelectionError, NotFoundError
from csat.paging import iter_entities

if TYPE_CHECKING:
    from csat.store import Store

__all__ = [
    "FormVersion",
    "FormVersionCache",
    "QuestionInfo",
    "ResolvedForm",
    "Source",
    "form_info",
    "list_form_choices",
    "looks_like_csat",
    "parse_evaluation_form",
    "parse_survey_form",
    "resolve_form",
]

logger = logging.getLogger(__name__)

PAGE_SIZE = 100
_CSAT_NAME = re.compile(r"csat|satisf", re.IGNORECASE)
_SATISFACTION = re.compile(r"satisf", re.IGNORECASE)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class QuestionInfo:
    """One question of one form version."""

    id: str
    group_name: str
    text: str
    type: str
    answer_texts: dict[str, str]  # answer option id -> text
    answer_values: dict[str, int]  # answer option id -> value


@dataclass(frozen=True)
class FormVersion:
    """One version of a form, with its CSAT and NPS questions identified."""

    id: str
    context_id: str
    name: str
    source: Source
    csat_question_id: str | None
    csat_question_text: str | None
    scale: tuple[int, ...]  # answer values of the CSAT question, ascending
    nps_question_id: str | None
    nps_question_text: str | None
    free_text_question_ids: tuple[str, ...]
    questions: dict[str, QuestionInfo]

    def top_two(self) -> frozenset[int]:
        """The two highest values of the scale: the top-two box of CSAT %."""
        return frozenset(self.scale[-2:])


@dataclass(frozen=True)
class ResolvedForm:
    """The form whose responses are extracted, and how it was chosen."""

    source: Source
    context_id: str
    name: str
    version_ids: tuple[str, ...]  # published versions, oldest first
    latest_version_id: str
    chosen_automatically: bool
    warning: str | None = None


def parse_survey_form(form: Mapping[str, Any]) -> FormVersion:
    """Read a `SurveyForm` (one version) as returned by its GET by id."""
    return _parse_form(form, "survey")


def parse_evaluation_form(form: Mapping[str, Any]) -> FormVersion:
    """Read an `EvaluationFormResponse` (one version), the "scorecard" source."""
    return _parse_form(form, "evaluation")


def looks_like_csat(name: str) -> bool:
    """Whether a form's name says it measures customer satisfaction."""
    return bool(_CSAT_NAME.search(name))


def form_info(resolved: ResolvedForm, version: FormVersion) -> FormInfo:
    """The dataset's description of a form, from its choice and newest version."""
    return FormInfo(
        source=resolved.source,
        name=resolved.name,
        context_id=resolved.context_id,
        version_ids=resolved.version_ids,
        scale=version.scale,
        csat_question=version.csat_question_text or "",
        nps_question=version.nps_question_text,
        chosen_automatically=resolved.chosen_automatically,
        warning=resolved.warning,
    )


async def list_form_choices(
    client: GenesysClient, source: Source = "survey"
) -> list[FormChoice]:
    """Every form of the org for the override list, CSAT-like forms first."""
    entries = await _load_forms(client, source)
    chosen = _automatic(entries)
    choices = [
        FormChoice(
            source=source,
            name=entry.name,
            context_id=entry.context_id,
            published=entry.published,
            looks_like_csat=looks_like_csat(entry.name),
            automatic=entry is chosen,
        )
        for entry in entries
    ]
    return sorted(choices, key=lambda c: (not c.looks_like_csat, c.name.casefold()))


async def resolve_form(
    client: GenesysClient, override: str | None, source: Source = "survey"
) -> ResolvedForm:
    """Choose the form to extract: the override if given, else the CSAT form.

    The override is a form name (case-insensitive), a version id or a context id.
    Without one, the only published form named like a CSAT form is chosen; an org
    with a single form gets that form and a warning; anything else is a
    `FormSelectionError` listing the candidates.
    """
    entries = await _load_forms(client, source)
    if override and override.strip():
        return await _resolve_override(client, entries, override.strip(), source)
    return _resolve_automatically(entries, source)


class FormVersionCache:
    """Form versions by id, each fetched once: from memory, the store, then the API."""

    def __init__(self, client: GenesysClient, store: Store | None) -> None:
        self._client = client
        self._store = store
        self._versions: dict[str, FormVersion] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, form_id: str, source: Source = "survey") -> FormVersion:
        """The version `form_id`, parsed; concurrent calls share one fetch."""
        cached = self._versions.get(form_id)
        if cached is not None:
            return cached
        async with self._locks.setdefault(form_id, asyncio.Lock()):
            cached = self._versions.get(form_id)
            if cached is None:
                payload = await self._payload(form_id, source)
                cached = _parse_form(payload, source)
                self._versions[form_id] = cached
            return cached

    async def _payload(self, form_id: str, source: Source) -> Mapping[str, Any]:
        stored = self._store.get_form_version(form_id) if self._store else None
        if stored is not None:
            return stored
        payload: dict[str, Any] = await self._client.get(_paths(source).one(form_id))
        if self._store is not None:
            self._store.put_form_version(form_id, payload)
        logger.info("Fetched %s form version %s", source, form_id)
        return payload


def stored_version(store: Store, form_id: str, source: Source) -> FormVersion | None:
    """The version `form_id` as the store holds it; None when it was never fetched."""
    payload = store.get_form_version(form_id)
    return None if payload is None else _parse_form(payload, source)


# Parsing one version


def _parse_form(form: Mapping[str, Any], source: Source) -> FormVersion:
    questions = _questions(form)
    csat = _csat_question(questions.values())
    nps = next((q for q in questions.values() if q.type == "npsQuestion"), None)
    free_text = tuple(q.id for q in questions.values() if q.type == "freeTextQuestion")
    return FormVersion(
        id=str(form.get("id") or ""),
        context_id=str(form.get("contextId") or ""),
        name=str(form.get("name") or ""),
        source=source,
        csat_question_id=csat.id if csat else None,
        csat_question_text=csat.text if csat else None,
        scale=tuple(sorted(set(csat.answer_values.values()))) if csat else (),
        nps_question_id=nps.id if nps else None,
        nps_question_text=nps.text if nps else None,
        free_text_question_ids=free_text,
        questions=questions,
    )


def _questions(form: Mapping[str, Any]) -> dict[str, QuestionInfo]:
    questions: dict[str, QuestionInfo] = {}
    for group in form.get("questionGroups") or []:
        group_name = str(group.get("name") or "")
        for question in group.get("questions") or []:
            info = _question(question, group_name)
            questions[info.id] = info
    return questions


def _question(question: Mapping[str, Any], group_name: str) -> QuestionInfo:
    options = question.get("answerOptions") or []
    return QuestionInfo(
        id=str(question.get("id") or ""),
        group_name=group_name,
        text=str(question.get("text") or ""),
        type=str(question.get("type") or ""),
        answer_texts={str(o["id"]): str(o.get("text") or "") for o in options},
        answer_values={
            str(o["id"]): int(o["value"]) for o in options if o.get("value") is not None
        },
    )


def _csat_question(questions: Iterable[QuestionInfo]) -> QuestionInfo | None:
    choices = [q for q in questions if q.type == "multipleChoiceQuestion"]
    by_text = next((q for q in choices if _SATISFACTION.search(q.text)), None)
    if by_text is not None:
        return by_text
    return next((q for q in choices if len(q.answer_values) >= 3), None)


# Listing forms


@dataclass(frozen=True)
class _Paths:
    working: str
    published: str

    def one(self, form_id: str) -> str:
        return f"{self.working}/{form_id}"


def _paths(source: Source) -> _Paths:
    kind = "surveys" if source == "survey" else "evaluations"
    return _Paths(
        working=f"/api/v2/quality/forms/{kind}",
        published=f"/api/v2/quality/publishedforms/{kind}",
    )


@dataclass
class _FormEntry:
    """Everything known about one form (one context id) from the listings."""

    context_id: str
    name: str
    form_ids: set[str] = field(default_factory=set)  # working copy and versions
    versions: dict[str, str] = field(default_factory=dict)  # version id -> modified

    @property
    def published(self) -> bool:
        return bool(self.versions)

    def version_ids(self) -> tuple[str, ...]:
        ordered = sorted(self.versions.items(), key=lambda item: (item[1], item[0]))
        return tuple(version_id for version_id, _ in ordered)

    def label(self) -> str:
        return f"{self.name} ({self.context_id})"


async def _load_forms(client: GenesysClient, source: Source) -> list[_FormEntry]:
    paths = _paths(source)
    working = await _list_entities(client, paths.working, {"expand": "publishHistory"})
    entries: dict[str, _FormEntry] = {}
    for entity in working:
        _merge_working_copy(entries, entity)
    if any(not _history_complete(entity) for entity in working):
        # A truncated or missing publish history: ask for every published version.
        for entity in await _list_entities(client, paths.published, {}):
            _merge_version(entries, entity)
    return list(entries.values())


def _merge_working_copy(
    entries: dict[str, _FormEntry], entity: Mapping[str, Any]
) -> None:
    entry = _entry_for(entries, entity)
    entry.name = str(entity.get("name") or entry.name)
    history = entity.get("publishedVersions") or {}
    for version in history.get("entities") or []:
        _merge_version(entries, version)
    if entity.get("published"):
        _merge_version(entries, entity)


def _merge_version(entries: dict[str, _FormEntry], version: Mapping[str, Any]) -> None:
    entry = _entry_for(entries, version)
    version_id = str(version.get("id") or "")
    if version_id:
        entry.versions[version_id] = str(version.get("modifiedDate") or "")
        entry.form_ids.add(version_id)


def _entry_for(entries: dict[str, _FormEntry], entity: Mapping[str, Any]) -> _FormEntry:
    context_id = str(entity.get("contextId") or entity.get("id") or "")
    entry = entries.setdefault(
        context_id, _FormEntry(context_id, str(entity.get("name") or ""))
    )
    if entity.get("id"):
        entry.form_ids.add(str(entity["id"]))
    return entry


def _history_complete(entity: Mapping[str, Any]) -> bool:
    history = entity.get("publishedVersions")
    if not isinstance(history, Mapping):
        return False
    listed = len(history.get("entities") or [])
    return listed >= int(history.get("total") or 0)


async def _list_entities(
    client: GenesysClient, path: str, params: Mapping[str, Any]
) -> list[dict[str, Any]]:
    return [entity async for entity in iter_entities(client, path, params, PAGE_SIZE)]


# Choosing a form


async def _resolve_override(
    client: GenesysClient, entries: list[_FormEntry], override: str, source: Source
) -> ResolvedForm:
    wanted = override.casefold()
    matches = [
        e
        for e in entries
        if wanted == e.context_id.casefold()
        or wanted in {i.casefold() for i in e.form_ids}
        or wanted == e.name.casefold()
    ]
    if len(matches) > 1:
        matches = [e for e in matches if e.published] or matches
    if len(matches) == 1:
        return _resolved(matches[0], source, automatic=False)
    if matches:
        raise FormSelectionError(
            f"Several {source} forms are called {override!r}; give a context id.",
            candidates=[e.label() for e in matches],
        )
    found = await _fetch_unlisted(client, override, source)
    if found is not None:
        return _resolved(found, source, automatic=False)
    raise FormSelectionError(
        f"No {source} form has the name, id or context id {override!r}.",
        candidates=_labels(entries),
    )


async def _fetch_unlisted(
    client: GenesysClient, form_id: str, source: Source
) -> _FormEntry | None:
    """A version id missing from the listings (an old version), read directly."""
    if not _UUID.match(form_id.casefold()):
        return None
    try:
        form = await client.get(_paths(source).one(form_id.casefold()))
    except NotFoundError:
        return None
    entry = _FormEntry(
        str(form.get("contextId") or form_id), str(form.get("name") or "")
    )
    _merge_version({entry.context_id: entry}, form)
    return entry


def _automatic(entries: list[_FormEntry]) -> _FormEntry | None:
    """The form the automatic choice takes: the one published form named like
    CSAT, else the org's only (published) form; None when it cannot choose."""
    published = [e for e in entries if e.published]
    named = [e for e in published if looks_like_csat(e.name)]
    if named:
        return named[0] if len(named) == 1 else None
    pool = published or entries
    return pool[0] if len(pool) == 1 else None


def _resolve_automatically(entries: list[_FormEntry], source: Source) -> ResolvedForm:
    if not entries:
        raise FormSelectionError(f"This org has no {source} forms.")
    chosen = _automatic(entries)
    if chosen is not None and chosen.published and looks_like_csat(chosen.name):
        return _resolved(chosen, source, automatic=True)
    if chosen is not None:
        warning = (
            f"No {source} form is named like a CSAT form; using the only one, "
            f"{chosen.name!r}."
        )
        return _resolved(chosen, source, automatic=True, warning=warning)
    named = [e for e in entries if e.published and looks_like_csat(e.name)]
    if named:
        raise FormSelectionError(
            f"Several published {source} forms look like CSAT forms; choose one.",
            candidates=_labels(named),
        )
    raise FormSelectionError(
        f"No published {source} form is named like a CSAT form; choose one.",
        candidates=_labels(entries),
    )


def _resolved(
    entry: _FormEntry, source: Source, *, automatic: bool, warning: str | None = None
) -> ResolvedForm:
    versions = entry.version_ids()
    if not versions:
        warning = warning or f"The {source} form {entry.name!r} was never published."
    latest = versions[-1] if versions else min(entry.form_ids, default=entry.context_id)
    return ResolvedForm(
        source=source,
        context_id=entry.context_id,
        name=entry.name,
        version_ids=versions,
        latest_version_id=latest,
        chosen_automatically=automatic,
        warning=warning,
    )


def _labels(entries: Iterable[_FormEntry]) -> list[str]:
    ordered = sorted(entries, key=lambda e: (not e.published, e.name.casefold()))
    return [e.label() for e in ordered]
