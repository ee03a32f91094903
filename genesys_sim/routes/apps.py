"""A stand-in for the Genesys Cloud web app's interaction page, for the demo org.

The real link of an interaction is `https://apps.{region}/directory/#/analytics/
interactions/{id}/admin`; its id sits behind `#`, which a browser never sends. So
`/directory/` answers a page whose script moves to `/directory/interactions/{id}`,
and that page shows the simulated conversation: who took part, in which order,
in which queue, with which wrap-up code, and its surveys. Neither page is part of
the API: no token, no rate limit. Every value is escaped as text.
"""

from __future__ import annotations

from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from genesys_sim.routes.common import state_of

Json = dict[str, Any]

_REDIRECT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Interaction</title></head>
<body><p>Opening the interaction…</p>
<script>
const found = location.hash.match(/interactions\\/([^/?#]+)/);
if (found) { location.replace("interactions/" + found[1]); }
else { document.body.textContent = "No interaction id in this link."; }
</script></body></html>
"""

_STYLE = """body{font-family:sans-serif;margin:2rem;color:#24292f}
table{border-collapse:collapse;margin-bottom:1.5rem}
td,th{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}
th{background:#f6f8fa}"""


async def directory(request: Request) -> Response:
    """GET /directory/: the web app's entry, reading the id behind `#`."""
    return HTMLResponse(_REDIRECT)


async def interaction(request: Request) -> Response:
    """GET /directory/interactions/{conversationId}: one conversation as a page."""
    org = state_of(request).org
    conversation_id = request.path_params["conversationId"]
    if org.conversation(conversation_id) is None:
        return HTMLResponse(
            _page("Interaction not found", "<p>No such interaction.</p>"),
            status_code=404,
        )
    conversation = org.conversation_json(conversation_id)
    names = _names(org)
    body = _facts(conversation) + _segments(conversation, names)
    body += _surveys(conversation)
    title = f"Interaction {conversation_id}"
    return HTMLResponse(_page(title, body))


def _names(org: Any) -> dict[str, str]:
    listed = [*org.users, *org.queues, *org.wrapup_codes]
    return {str(item["id"]): str(item.get("name") or "") for item in listed}


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>Simulated org: a stand-in for the "
        f"Genesys Cloud interaction page.</p>{body}</body></html>"
    )


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    cells = "".join(
        "<tr>" + "".join(f"<td>{_text(v)}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{cells}</table>"


def _text(value: Any) -> str:
    return "" if value is None else escape(str(value))


def _facts(conversation: Json) -> str:
    rows = [
        ["Start", conversation.get("conversationStart")],
        ["End", conversation.get("conversationEnd") or "still running"],
        ["Direction", conversation.get("originatingDirection")],
    ]
    return _table(["", "Value"], rows)


def _segments(conversation: Json, names: dict[str, str]) -> str:
    rows = []
    for participant in conversation.get("participants") or []:
        for session in participant.get("sessions") or []:
            for segment in session.get("segments") or []:
                queue = names.get(str(segment.get("queueId")), segment.get("queueId"))
                code = segment.get("wrapUpCode")
                rows.append(
                    [
                        segment.get("segmentStart"),
                        participant.get("purpose"),
                        participant.get("participantName"),
                        session.get("mediaType"),
                        segment.get("segmentType"),
                        queue,
                        names.get(str(code), code) if code else None,
                    ]
                )
    rows.sort(key=lambda row: str(row[0]))
    headers = ["Start", "Purpose", "Name", "Media", "Segment", "Queue", "Wrap-up"]
    return "<h2>Who handled it</h2>" + _table(headers, rows)


def _surveys(conversation: Json) -> str:
    rows = [
        [
            survey.get("surveyId"),
            survey.get("surveyFormName"),
            survey.get("surveyStatus"),
            survey.get("oSurveyTotalScore"),
            survey.get("surveyPromoterScore"),
        ]
        for survey in conversation.get("surveys") or []
    ]
    if not rows:
        return "<h2>Surveys</h2><p>None.</p>"
    headers = ["Survey", "Form", "Status", "Total score", "NPS"]
    return "<h2>Surveys</h2>" + _table(headers, rows)


ROUTES = [
    Route("/directory/", directory, methods=["GET"]),
    Route("/directory/interactions/{conversationId}", interaction, methods=["GET"]),
]
