"""The simulator's login service and bearer-token checks (reference section 4)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from conftest import CLIENT_ID, CLIENT_SECRET, FakeClock

from genesys_sim import Faults, Limits, RunningSimulator

MakeSim = Callable[..., RunningSimulator]
GRANT = {"grant_type": "client_credentials"}
INVALID_CLIENT = {
    "error": "invalid_client",
    "description": "authentication failed",
    "error_description": "authentication failed",
}


def _token(
    sim: RunningSimulator, auth: tuple[str, str] = (CLIENT_ID, CLIENT_SECRET)
) -> httpx.Response:
    return httpx.post(f"{sim.base_url}/oauth/token", data=GRANT, auth=auth)


def _get(
    sim: RunningSimulator,
    token: str | None,
    path: str = "/api/v2/authorization/divisions",
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return httpx.get(f"{sim.base_url}{path}", headers=headers)


def test_client_credentials_give_an_opaque_bearer_token(make_sim: MakeSim) -> None:
    sim = make_sim(limits=Limits(token_expires_in=900))
    first, second = _token(sim), _token(sim)
    assert first.status_code == 200
    body = first.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert body["access_token"] != second.json()["access_token"]
    assert len(body["access_token"]) >= 32


def test_wrong_secret_is_refused_oauth_style(make_sim: MakeSim) -> None:
    response = _token(make_sim(), (CLIENT_ID, "not-the-secret"))
    assert response.status_code == 401
    assert response.json() == INVALID_CLIENT


def test_unknown_client_is_refused_with_client_not_found(make_sim: MakeSim) -> None:
    response = _token(make_sim(), ("someone-else", CLIENT_SECRET))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.json()["error_description"] == "client not found"


def test_credentials_only_in_the_form_are_refused(make_sim: MakeSim) -> None:
    sim = make_sim()
    form = {**GRANT, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    response = httpx.post(f"{sim.base_url}/oauth/token", data=form)
    assert response.status_code == 401
    assert response.json() == INVALID_CLIENT


def test_other_grant_types_are_refused(make_sim: MakeSim) -> None:
    sim = make_sim()
    response = httpx.post(
        f"{sim.base_url}/oauth/token",
        data={"grant_type": "password"},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize(
    ("token", "code"),
    [(None, "authentication.required"), ("made-up-token", "bad.credentials")],
    ids=["missing", "unknown"],
)
def test_api_calls_need_a_live_token(
    make_sim: MakeSim, token: str | None, code: str
) -> None:
    response = _get(make_sim(), token)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == code
    assert body["status"] == 401
    assert body["contextId"] == response.headers["ININ-Correlation-Id"]


def test_a_token_expires_after_its_lifetime(
    make_sim: MakeSim, clock: FakeClock
) -> None:
    sim = make_sim(limits=Limits(token_expires_in=300), clock=clock)
    token = _token(sim).json()["access_token"]
    clock.advance(299)
    assert _get(sim, token).status_code == 200
    clock.advance(1)
    expired = _get(sim, token)
    assert expired.status_code == 401
    assert expired.json()["code"] == "bad.credentials"


def test_token_expiry_fault_revokes_tokens_early(
    make_sim: MakeSim, clock: FakeClock
) -> None:
    sim = make_sim(clock=clock)
    token = _token(sim).json()["access_token"]
    sim.faults.token_expiry_s = 10
    clock.advance(9)
    assert _get(sim, token).status_code == 200
    clock.advance(1)
    assert _get(sim, token).status_code == 401
    assert _get(sim, _token(sim).json()["access_token"]).status_code == 200


def test_a_fresh_token_works_after_expiry(make_sim: MakeSim, clock: FakeClock) -> None:
    sim = make_sim(limits=Limits(token_expires_in=60), clock=clock)
    old = _token(sim).json()["access_token"]
    clock.advance(61)
    new = _token(sim).json()["access_token"]
    assert _get(sim, old).status_code == 401
    assert _get(sim, new).status_code == 200


def test_the_token_endpoint_needs_no_bearer_and_is_not_rate_limited(
    make_sim: MakeSim,
) -> None:
    sim = make_sim(limits=Limits(rate_limit_per_minute=1), faults=Faults())
    statuses = {_token(sim).status_code for _ in range(3)}
    assert statuses == {200}
