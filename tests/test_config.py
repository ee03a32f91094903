import hashlib
import re
from pathlib import Path

import pytest

from csat.config import Config, tuning_from_env
from csat.errors import ConfigurationError
from csat.regions import resolve_region

SECRET = "s3cr3t-value-never-shown"
CREDS = {"GENESYS_CLIENT_ID": "client-1", "GENESYS_CLIENT_SECRET": SECRET}


def test_no_credentials_means_demo() -> None:
    assert Config.from_env({}) is None
    assert Config.from_env({"CSAT_RATE_PER_MINUTE": "100"}, secrets={}) is None


def test_blank_values_count_as_unset() -> None:
    assert Config.from_env({"GENESYS_CLIENT_ID": "  ", "GENESYS_REGION": ""}) is None


@pytest.mark.parametrize(
    ("region", "api", "login", "apps", "domain"),
    [
        pytest.param(
            "mypurecloud.ie",
            "https://api.mypurecloud.ie",
            "https://login.mypurecloud.ie",
            "https://apps.mypurecloud.ie",
            "mypurecloud.ie",
            id="domain",
        ),
        pytest.param(
            "eu_west_1",
            "https://api.mypurecloud.ie",
            "https://login.mypurecloud.ie",
            "https://apps.mypurecloud.ie",
            "mypurecloud.ie",
            id="enum-name",
        ),
        pytest.param(
            "US-EAST-1",
            "https://api.mypurecloud.com",
            "https://login.mypurecloud.com",
            "https://apps.mypurecloud.com",
            "mypurecloud.com",
            id="enum-name-hyphens-upper",
        ),
        pytest.param(
            "https://api.mypurecloud.com.au/",
            "https://api.mypurecloud.com.au",
            "https://login.mypurecloud.com.au",
            "https://apps.mypurecloud.com.au",
            "mypurecloud.com.au",
            id="api-url",
        ),
        pytest.param(
            "eusc_de_east_1",
            "https://api.edee1.eusc-pure.cloud",
            "https://login.edee1.eusc-pure.cloud",
            "https://apps.edee1.eusc-pure.cloud",
            "edee1.eusc-pure.cloud",
            id="sovereign-cloud",
        ),
        pytest.param(
            "use2.us-gov-pure.cloud",
            "https://api.use2.us-gov-pure.cloud",
            "https://login.use2.us-gov-pure.cloud",
            "https://apps.use2.us-gov-pure.cloud",
            "use2.us-gov-pure.cloud",
            id="fedramp-domain",
        ),
    ],
)
def test_region_gives_api_login_and_apps_hosts(
    region: str, api: str, login: str, apps: str, domain: str
) -> None:
    config = Config.from_env({**CREDS, "GENESYS_REGION": region})

    assert config is not None
    assert (config.api_base_url, config.login_base_url) == (api, login)
    assert (config.apps_base_url, config.region) == (apps, domain)


def test_every_region_of_the_reference_resolves() -> None:
    # The 18 enum names of the reference's section 3 table.
    names = [
        "us_east_1",
        "eu_west_1",
        "ap_southeast_2",
        "ap_northeast_1",
        "eu_central_1",
        "us_west_2",
        "ca_central_1",
        "ap_northeast_2",
        "eu_west_2",
        "ap_south_1",
        "us_east_2",
        "sa_east_1",
        "me_central_1",
        "ap_northeast_3",
        "eu_central_2",
        "mx_central_1",
        "ap_southeast_1",
        "eusc_de_east_1",
    ]

    domains = {resolve_region(name) for name in names}

    assert len(domains) == 18
    assert resolve_region("ca_central_1") == "cac1.pure.cloud"


def test_unknown_region_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="mars_north_1") as caught:
        Config.from_env({**CREDS, "GENESYS_REGION": "mars_north_1"})

    assert "eu_west_1" in caught.value.hint


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        pytest.param(
            {"GENESYS_CLIENT_ID": "x"},
            ["GENESYS_CLIENT_SECRET", "GENESYS_REGION"],
            id="id-only",
        ),
        pytest.param(
            {"GENESYS_CLIENT_SECRET": SECRET, "GENESYS_REGION": "eu_west_1"},
            ["GENESYS_CLIENT_ID"],
            id="no-id",
        ),
        pytest.param(CREDS, ["GENESYS_REGION (or GENESYS_BASE_URL)"], id="no-host"),
    ],
)
def test_partial_credentials_name_what_is_missing(
    environ: dict[str, str], missing: list[str]
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Config.from_env(environ)

    for name in missing:
        assert name in str(caught.value)
    assert SECRET not in str(caught.value)


def test_simulator_base_url_logs_in_on_the_same_host() -> None:
    environ = {**CREDS, "GENESYS_BASE_URL": "http://127.0.0.1:8765/"}

    config = Config.from_env(environ)

    assert config is not None
    assert config.api_base_url == "http://127.0.0.1:8765"
    assert config.login_base_url == "http://127.0.0.1:8765"
    assert config.apps_base_url is None
    assert config.region is None
    assert config.interaction_url("c-1") is None


def test_base_url_with_api_host_swaps_to_login_and_apps() -> None:
    environ = {**CREDS, "GENESYS_BASE_URL": "https://api.example.test"}

    config = Config.from_env(environ)

    assert config is not None
    assert config.login_base_url == "https://login.example.test"
    assert config.apps_base_url == "https://apps.example.test"


def test_login_url_override_and_base_url_precedence() -> None:
    environ = {
        **CREDS,
        "GENESYS_REGION": "eu_west_1",
        "GENESYS_BASE_URL": "http://localhost:9000",
        "GENESYS_LOGIN_URL": "http://localhost:9001",
    }

    config = Config.from_env(environ)

    assert config is not None
    assert config.api_base_url == "http://localhost:9000"
    assert config.login_base_url == "http://localhost:9001"


def test_malformed_base_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="GENESYS_BASE_URL"):
        Config.from_env({**CREDS, "GENESYS_BASE_URL": "ftp://example.test"})


def test_streamlit_secrets_section_is_read() -> None:
    secrets = {
        "genesys": {"client_id": "sid", "client_secret": SECRET, "region": "jp"},
    }
    with pytest.raises(ConfigurationError, match="'jp'"):
        Config.from_env({}, secrets=secrets)

    secrets["genesys"]["region"] = "ap_northeast_1"
    config = Config.from_env({}, secrets=secrets)

    assert config is not None
    assert config.client_id == "sid"
    assert config.api_base_url == "https://api.mypurecloud.jp"


def test_flat_secrets_and_csat_section_are_read(tmp_path: Path) -> None:
    secrets = {
        **CREDS,
        "GENESYS_BASE_URL": "http://127.0.0.1:1234",
        "csat": {"rate_per_minute": 120, "max_concurrency": 3, "store": str(tmp_path)},
    }

    config = Config.from_env({}, secrets=secrets)

    assert config is not None
    assert config.requests_per_minute == 120.0
    assert config.max_concurrency == 3
    assert config.store_path == tmp_path


def test_environment_credentials_win_over_secrets() -> None:
    secrets = {"genesys": {"client_id": "other", "client_secret": "x", "region": "x"}}

    config = Config.from_env({**CREDS, "GENESYS_REGION": "eu_west_1"}, secrets)

    assert config is not None
    assert config.client_id == "client-1"


def test_tuning_variables(tmp_path: Path) -> None:
    environ = {
        **CREDS,
        "GENESYS_REGION": "eu_west_1",
        "CSAT_RATE_PER_MINUTE": "150.5",
        "CSAT_MAX_CONCURRENCY": "4",
        "CSAT_STORE": str(tmp_path / "store"),
    }

    config = Config.from_env(environ)

    assert config is not None
    assert config.requests_per_minute == 150.5
    assert config.max_concurrency == 4
    assert config.store_path == tmp_path / "store"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CSAT_RATE_PER_MINUTE", "fast"),
        ("CSAT_RATE_PER_MINUTE", "0"),
        ("CSAT_MAX_CONCURRENCY", "2.5"),
        ("CSAT_MAX_CONCURRENCY", "-1"),
    ],
)
def test_bad_tuning_values_are_configuration_errors(name: str, value: str) -> None:
    environ = {**CREDS, "GENESYS_REGION": "eu_west_1", name: value}

    with pytest.raises(ConfigurationError, match=name):
        Config.from_env(environ)


def test_tuning_from_env_for_demo_mode(tmp_path: Path) -> None:
    overrides = tuning_from_env({"CSAT_MAX_CONCURRENCY": "2", "CSAT_STORE": "~/x"})

    config = Config.for_base_url(
        "http://127.0.0.1:1", "id", "s", demo=True, **overrides
    )

    assert config.max_concurrency == 2
    assert config.store_path == Path.home() / "x"


def test_default_store_is_the_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CSAT_STORE", raising=False)

    config = Config.for_base_url("http://127.0.0.1:1", "id", "s")

    assert config.store_path == Path.home() / ".cache" / "csat-explorer"


def test_secret_never_appears_in_repr_or_str() -> None:
    config = Config.from_env({**CREDS, "GENESYS_REGION": "eu_west_1"})

    assert config is not None
    assert SECRET not in repr(config)
    assert SECRET not in str(config)
    assert config.client_secret == SECRET


def test_org_key_is_stable_safe_and_free_of_the_secret() -> None:
    config = Config.for_base_url("https://api.mypurecloud.ie", "client-1", SECRET)
    digest = hashlib.sha256(b"client-1").hexdigest()[:12]

    assert config.org_key() == f"api.mypurecloud.ie-{digest}"
    assert re.fullmatch(r"[a-z0-9._-]+", config.org_key())
    other = Config.for_base_url("https://api.mypurecloud.ie", "client-2", SECRET)
    assert other.org_key() != config.org_key()


def test_org_key_of_a_local_server_includes_its_port() -> None:
    config = Config.for_base_url("http://127.0.0.1:8765", "id", "s")

    assert config.org_key().startswith("127.0.0.1_8765-")


def test_demo_org_key() -> None:
    config = Config.for_base_url("http://127.0.0.1:8765", "id", "s", demo=True)

    assert config.org_key() == "demo"


def test_interaction_url_for_a_region() -> None:
    config = Config.for_base_url("https://api.mypurecloud.de", "id", "s")

    assert config.region == "mypurecloud.de"
    assert config.interaction_url("c0c0-1") == (
        "https://apps.mypurecloud.de/directory/#/analytics/interactions/c0c0-1/admin"
    )


def test_for_base_url_takes_overrides() -> None:
    config = Config.for_base_url(
        "http://127.0.0.1:1", "id", "s", max_attempts=2, timeout_s=5.0
    )

    assert (config.max_attempts, config.timeout_s) == (2, 5.0)


def test_invalid_numbers_in_code_are_rejected() -> None:
    with pytest.raises(ConfigurationError, match="max_attempts"):
        Config.for_base_url("http://127.0.0.1:1", "id", "s", max_attempts=0)
