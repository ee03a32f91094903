"""The two naive ways of pulling survey answers, as baselines for the product.

Both are plain, sequential `httpx` scripts, written the way public samples are,
and kept here only to be measured against `csat`:

* `tutorial_extract`: the tutorial's way. The filtered details query one page at
  a time (7-day windows, paging until a page comes back without
  `conversations`), one survey request per finished survey, and a fresh name
  lookup (user, then queue) for every response row.
* `per_conversation_extract`: many scripts' way. The unfiltered details query at
  its default page size of 25, then one
  `GET /api/v2/quality/conversations/{id}/surveys` per conversation in the range.

Like the official SDK (genesys-api.md, section 13) they retry a 429 after its
`Retry-After`, up to ten times, and nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

DETAILS_PATH = "/api/v2/analytics/conversations/details/query"
SURVEY_PATH = "/api/v2/quality/surveys/{survey_id}"
CONVERSATION_SURVEYS_PATH = "/api/v2/quality/conversations/{conversation_id}/surveys"
USER_PATH = "/api/v2/users/{user_id}"
QUEUE_PATH = "/api/v2/routing/queues/{queue_id}"
FORMS_PATH = "/api/v2/quality/forms/surveys"
WINDOW_DAYS = 7
SDK_MAX_RETRIES = 10

Json = dict[str, Any]


@dataclass
class NaiveResult:
    """What a naive run did: requests sent, time taken, data read."""

    requests: int = 0
    rate_limited: int = 0
    seconds: float = 0.0
    conversations: int = 0
    response_rows: int = 0
    finished_answered: set[str] = field(default_factory=set)


class NaiveClient:
    """A sequential client: one token, one request at a time, 429s slept off."""

    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.result = NaiveResult()
        self._sleep = sleep
        self._http = httpx.Client(base_url=base_url, timeout=60, transport=transport)
        self._auth = (client_id, client_secret)
        self._token: str | None = None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> NaiveClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET `path`; `None` for a 404, as scripts skip what is not found."""
        return self._call("GET", path, params=params)

    def post(self, path: str, body: Json) -> Any:
        return self._call("POST", path, json=body)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self._login()}"}
        for _ in range(SDK_MAX_RETRIES + 1):
            response = self._send(method, path, headers=headers, **kwargs)
            if response.status_code != httpx.codes.TOO_MANY_REQUESTS:
                break
            self.result.rate_limited += 1
            self._sleep(float(response.headers.get("Retry-After", "1")))
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        response.raise_for_status()
        return response.json()

    def _login(self) -> str:
        if self._token is None:
            response = self._send(
                "POST",
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=self._auth,
            )
            response.raise_for_status()
            self._token = str(response.json()["access_token"])
        return self._token

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        self.result.requests += 1
        return self._http.request(method, path, **kwargs)


def tutorial_extract(
    client: NaiveClient, start: datetime, end: datetime, context_id: str
) -> NaiveResult:
    """The tutorial's way over `[start, end)`; see the module docstring."""
    began = time.perf_counter()
    client.get(FORMS_PATH, {"pageSize": 25, "pageNumber": 1})
    filters = _form_filters(context_id)
    for window_start, window_end in seven_day_windows(start, end):
        for conversation in _pages(client, window_start, window_end, 100, filters):
            if _starts_in(conversation, start, end):
                _tutorial_rows(client, conversation, context_id)
    client.result.seconds = time.perf_counter() - began
    return client.result


def per_conversation_extract(
    client: NaiveClient, start: datetime, end: datetime, context_id: str
) -> NaiveResult:
    """Many scripts' way over `[start, end)`; see the module docstring."""
    began = time.perf_counter()
    for window_start, window_end in seven_day_windows(start, end):
        for conversation in _pages(client, window_start, window_end, 25, {}):
            if not _starts_in(conversation, start, end):
                continue
            client.result.conversations += 1
            path = CONVERSATION_SURVEYS_PATH.format(
                conversation_id=conversation["conversationId"]
            )
            for survey in client.get(path) or []:
                _note_survey(client.result, survey, context_id)
    client.result.seconds = time.perf_counter() - began
    return client.result


def seven_day_windows(
    start: datetime, end: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """`[start, end)` in consecutive windows of at most seven days."""
    cursor = start
    while cursor < end:
        following = min(cursor + timedelta(days=WINDOW_DAYS), end)
        yield cursor, following
        cursor = following


def interval_text(start: datetime, end: datetime) -> str:
    """The details query's `interval`: two ISO instants with milliseconds."""
    return f"{_iso(start)}/{_iso(end)}"


def _pages(
    client: NaiveClient, start: datetime, end: datetime, page_size: int, filters: Json
) -> Iterator[Json]:
    """Every conversation of one window, paging until a page has none."""
    page = 1
    while True:
        body = {
            "interval": interval_text(start, end),
            "paging": {"pageSize": page_size, "pageNumber": page},
            **filters,
        }
        conversations = client.post(DETAILS_PATH, body).get("conversations")
        if not conversations:
            return
        yield from conversations
        page += 1


def _tutorial_rows(client: NaiveClient, conversation: Json, context_id: str) -> None:
    client.result.conversations += 1
    for survey in conversation.get("surveys") or []:
        if survey.get("surveyFormContextId") != context_id:
            continue
        client.result.response_rows += 1
        survey_id = str(survey["surveyId"])
        if str(survey.get("surveyStatus", "")).casefold() == "finished":
            answered = client.get(SURVEY_PATH.format(survey_id=survey_id))
            if answered is not None:
                client.result.finished_answered.add(survey_id)
        if survey.get("userId"):
            client.get(USER_PATH.format(user_id=survey["userId"]))
        if survey.get("queueId"):
            client.get(QUEUE_PATH.format(queue_id=survey["queueId"]))


def _note_survey(result: NaiveResult, survey: Json, context_id: str) -> None:
    form = survey.get("surveyForm") or {}
    if form.get("contextId") != context_id:
        return
    result.response_rows += 1
    if str(survey.get("status", "")).casefold() == "finished":
        result.finished_answered.add(str(survey["id"]))


def _form_filters(context_id: str) -> Json:
    predicate = {
        "type": "dimension",
        "dimension": "surveyFormContextId",
        "operator": "matches",
        "value": context_id,
    }
    return {"surveyFilters": [{"type": "and", "predicates": [predicate]}]}


def _starts_in(conversation: Json, start: datetime, end: datetime) -> bool:
    text = str(conversation.get("conversationStart", ""))
    started = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return start <= started < end


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{instant.microsecond // 1000:03d}Z"
    )
