"""Starting, stopping and counting; determinism; the command line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import AS_OF, login, small_spec

from genesys_sim import SimSettings, build_org, run_simulator, start_simulator
from genesys_sim.cli import build_parser, main, sim_settings
from genesys_sim.server import bind_socket

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_port_zero_reports_the_real_port_and_stop_closes_it() -> None:
    spec = small_spec()
    with run_simulator(SimSettings(org=spec), port=0, org=build_org(spec)) as sim:
        assert sim.base_url == f"http://127.0.0.1:{sim.port}"
        assert sim.port > 0
        assert httpx.get(f"{sim.base_url}/nothing").status_code == 404
    assert not sim.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{sim.base_url}/nothing")
    sim.stop()


def test_a_chosen_port_is_used() -> None:
    port = _free_port()
    spec = small_spec()
    running = start_simulator(SimSettings(org=spec), port=port, org=build_org(spec))
    try:
        assert running.base_url == f"http://127.0.0.1:{port}"
    finally:
        running.stop()


def test_listening_socket_is_tcp_so_nagle_does_not_delay_responses() -> None:
    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_stats_count_by_route_and_status() -> None:
    spec = small_spec()
    with (
        run_simulator(SimSettings(org=spec), org=build_org(spec)) as sim,
        login(sim.base_url) as client,
    ):
        client.get("/api/v2/authorization/divisions")
        client.get("/api/v2/users/nobody")
        assert sim.stats.total == 3
        assert sim.stats.by_route == {
            "POST /oauth/token": 1,
            "GET /api/v2/authorization/divisions": 1,
            "GET /api/v2/users/{userId}": 1,
        }
        assert sim.stats.by_status == {200: 2, 404: 1}


def test_the_same_seed_serves_the_same_data() -> None:
    spec = small_spec(seed=23)
    query = {
        "interval": "2026-11-18T00:00:00Z/2026-11-19T00:00:00Z",
        "paging": {"pageSize": 20, "pageNumber": 1},
    }
    answers = []
    for _ in range(2):
        with (
            run_simulator(SimSettings(org=spec), org=build_org(spec)) as sim,
            login(sim.base_url) as client,
        ):
            page = client.post(
                "/api/v2/analytics/conversations/details/query", json=query
            ).json()
            survey_id = next(
                s["surveyId"]
                for c in page["conversations"]
                for s in c.get("surveys", [])
            )
            answers.append(
                (page, client.get(f"/api/v2/quality/surveys/{survey_id}").json())
            )
    assert answers[0] == answers[1]


def test_serve_options_become_settings() -> None:
    args = build_parser().parse_args(
        [
            "serve",
            "--port",
            "0",
            "--seed",
            "3",
            "--as-of",
            "2026-11-20T12:00:00",
            "--rate-limit",
            "50",
            "--token-lifetime",
            "600",
            "--share-429",
            "0.1",
            "--share-5xx",
            "0.2",
            "--latency",
            "0.5",
            "--deny-permission",
            "quality:survey:view",
            "--deny-permission",
            "routing:queue:view",
            "--visible-division",
            "d1",
        ]
    )
    settings = sim_settings(args)
    assert settings.org.seed == 3 and settings.org.as_of == AS_OF
    assert settings.limits.rate_limit_per_minute == 50
    assert settings.limits.token_expires_in == 600
    assert (
        settings.faults.share_429,
        settings.faults.share_5xx,
        settings.faults.latency_s,
    ) == (0.1, 0.2, 0.5)
    assert settings.faults.deny_permissions == {
        "quality:survey:view",
        "routing:queue:view",
    }
    assert settings.faults.visible_divisions == {"d1"}


def test_shares_outside_zero_to_one_are_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["serve", "--share-429", "1.5"])
    assert exited.value.code == 2


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_port_outside_0_to_65535_is_refused(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["serve", "--port", port])
    assert exited.value.code == 2
    assert "not a port number" in capsys.readouterr().err


def test_truth_into_a_missing_folder_is_a_plain_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nowhere" / "truth.csv"
    code = main(
        ["truth", "--from", "2026-11-01", "--to", "2026-11-02", "--out", str(out)]
    )
    assert code == 2
    assert "no folder" in capsys.readouterr().out
    assert not out.exists()


def test_truth_refuses_reversed_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "truth.csv"
    code = main(
        ["truth", "--from", "2026-11-10", "--to", "2026-11-01", "--out", str(out)]
    )
    assert code == 2
    assert not out.exists()


@pytest.mark.slow
def test_serve_prints_the_url_and_credentials_and_stops_on_sigterm() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "genesys_sim",
        "serve",
        "--port",
        "0",
        "--as-of",
        "2026-11-20T12:00:00Z",
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        credentials = process.stdout.readline() + process.stdout.readline()
        base_url = first.strip().rsplit(" ", 1)[-1]
        assert base_url.startswith("http://127.0.0.1:")
        assert "demo-client-id" in credentials and "demo-client-secret" in credentials
        with login(base_url) as client:
            assert client.get("/api/v2/authorization/divisions").status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
