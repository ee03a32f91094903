"""Async conversation details jobs (reference section 8).

Submit (202 `{jobId}`), poll the status, read results page by page with an
opaque `cursor` (absent on the last page), cancel with DELETE, and ask for the
datalake's `dataAvailabilityDate`. Jobs select conversations *active* during the
interval and leave out what the datalake does not hold yet. Results of a job that
expired, or was cancelled, are gone (404); results of a job that has not
succeeded are refused (400).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from genesys_sim.errors import bad_request, not_found
from genesys_sim.intervals import format_instant
from genesys_sim.jobs import CursorError, Job, decode_cursor, encode_cursor
from genesys_sim.routes.common import (
    WireDict,
    int_param,
    json_body,
    json_response,
    requires,
    state_of,
)
from genesys_sim.routes.details import (
    CONVERSATION_DETAIL_VIEW,
    parse_interval_field,
    parse_selection,
)
from genesys_sim.selection import order_records

JOBS_PATH = "/api/v2/analytics/conversations/details/jobs"


@requires(CONVERSATION_DETAIL_VIEW)
async def submit_job(request: Request) -> Response:
    """POST .../details/jobs: choose the conversations now, report them later."""
    state = state_of(request)
    body = await json_body(request)
    interval = parse_interval_field(body)
    filters, order, order_by = parse_selection(body)
    limit = body.get("limit")
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise bad_request("limit must be a positive integer")
    start_of_day = body.get("startOfDayIntervalMatching") is True
    selector = state.selector
    candidates = selector.active_during(
        interval, state.data_availability(), start_of_day
    )
    chosen = list(selector.select(candidates, filters, state.visible_divisions()))
    ids = [r.conversation_id for r in order_records(chosen, order, order_by)][:limit]
    outcome = state.injector.job_outcome()
    limits = state.limits
    job = state.jobs.submit(
        ids, outcome, limits.job_completion_delay_s, limits.job_expiry_hours
    )
    return json_response({"jobId": job.job_id}, status_code=202)


def _job_or_404(request: Request) -> Job:
    job_id = request.path_params["jobId"]
    job = state_of(request).jobs.get(job_id)
    if job is None:
        raise not_found(f"Unable to find a job with id {job_id}")
    return job


@requires(CONVERSATION_DETAIL_VIEW)
async def job_status(request: Request) -> Response:
    """GET .../details/jobs/{jobId}: the `AsyncQueryStatus`."""
    job = _job_or_404(request)
    return json_response(job.status_json(state_of(request).jobs.now()))


@requires(CONVERSATION_DETAIL_VIEW)
async def job_results(request: Request) -> Response:
    """GET .../details/jobs/{jobId}/results: one cursor page."""
    state = state_of(request)
    job = _job_or_404(request)
    job_state = job.state(state.jobs.now())
    if job_state in ("EXPIRED", "CANCELLED"):
        raise not_found(f"The results of job {job.job_id} are no longer available")
    if job_state != "FULFILLED":
        raise bad_request(f"Job {job.job_id} is {job_state}; results are not available")
    size = min(
        int_param(request, "pageSize", state.limits.job_results_default_page_size),
        state.limits.job_results_max_page_size,
    )
    return json_response(_results_page(request, job, size))


def _results_page(request: Request, job: Job, size: int) -> WireDict:
    state = state_of(request)
    cursor = request.query_params.get("cursor")
    try:
        offset = decode_cursor(job.job_id, cursor) if cursor else 0
    except CursorError as exc:
        raise bad_request(str(exc), "invalid.query.param.value") from exc
    page_ids = job.conversation_ids[offset : offset + size]
    body: WireDict = {}
    if page_ids:
        index = state.index
        body["conversations"] = [
            index.conversation_json(c, with_attributes=True) for c in page_ids
        ]
    if offset + size < len(job.conversation_ids):
        body["cursor"] = encode_cursor(job.job_id, offset + size)
    body["dataAvailabilityDate"] = format_instant(state.data_availability())
    return body


@requires(CONVERSATION_DETAIL_VIEW)
async def cancel_job(request: Request) -> Response:
    """DELETE .../details/jobs/{jobId}: cancel; 204 with no body."""
    _job_or_404(request).cancelled = True
    return Response(status_code=204)


@requires(CONVERSATION_DETAIL_VIEW)
async def availability(request: Request) -> Response:
    """GET .../details/jobs/availability."""
    moment = state_of(request).data_availability()
    return json_response({"dataAvailabilityDate": format_instant(moment)})


ROUTES = [
    Route(JOBS_PATH, submit_job, methods=["POST"]),
    Route(f"{JOBS_PATH}/availability", availability),
    Route(f"{JOBS_PATH}/{{jobId}}", job_status),
    Route(f"{JOBS_PATH}/{{jobId}}", cancel_job, methods=["DELETE"]),
    Route(f"{JOBS_PATH}/{{jobId}}/results", job_results),
]
