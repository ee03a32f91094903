"""Connection settings: credentials, hosts, request budget and the store location.

`Config.from_env` reads the environment (or a Streamlit secrets mapping) and
returns `None` when no credentials are configured at all, which means demo mode.
The client secret is kept out of `repr`, logs and error messages.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from csat.errors import ConfigurationError
from csat.regions import (
    REGION_DOMAINS,
    api_url,
    apps_url,
    login_url,
    resolve_region,
)

CLIENT_ID = "GENESYS_CLIENT_ID"
CLIENT_SECRET = "GENESYS_CLIENT_SECRET"
REGION = "GENESYS_REGION"
BASE_URL = "GENESYS_BASE_URL"
LOGIN_URL = "GENESYS_LOGIN_URL"
APPS_URL = "GENESYS_APPS_URL"
RATE = "CSAT_RATE_PER_MINUTE"
CONCURRENCY = "CSAT_MAX_CONCURRENCY"
STORE = "CSAT_STORE"

_CREDENTIAL_NAMES = (CLIENT_ID, CLIENT_SECRET, REGION, BASE_URL)
_LOCATION_NAMES = (REGION, BASE_URL, LOGIN_URL, APPS_URL)
_TUNING_NAMES = (RATE, CONCURRENCY, STORE)

# Keys of the `[genesys]` and `[csat]` sections of .streamlit/secrets.toml.
_SECRET_SECTIONS: dict[str, dict[str, str]] = {
    "genesys": {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "region": REGION,
        "base_url": BASE_URL,
        "login_url": LOGIN_URL,
        "apps_url": APPS_URL,
    },
    "csat": {
        "rate_per_minute": RATE,
        "max_concurrency": CONCURRENCY,
        "store": STORE,
    },
}

# Not a documented API: the newer of the two deep-link forms seen in public code
# (genesys-api.md, section 11).
INTERACTION_PATH = "/directory/#/analytics/interactions/{conversation_id}/admin"


def default_store_path(environ: Mapping[str, str] | None = None) -> Path:
    """`$CSAT_STORE`, else `~/.cache/csat-explorer/`: a directory."""
    env = os.environ if environ is None else environ
    configured = env.get(STORE, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "csat-explorer"


@dataclass(frozen=True)
class Config:
    """Everything needed to talk to one Genesys Cloud org (or the simulator)."""

    client_id: str
    client_secret: str = field(repr=False)
    api_base_url: str
    login_base_url: str
    region: str | None = None
    apps_base_url: str | None = None
    demo: bool = False
    requests_per_minute: float = 280.0  # a little under 300 per token per minute
    max_concurrency: int = 8
    timeout_s: float = 30.0
    max_attempts: int = 6
    store_path: Path = field(default_factory=default_store_path)
    include_pii: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "api_base_url", _clean_url(self.api_base_url))
        object.__setattr__(self, "login_base_url", _clean_url(self.login_base_url))
        if self.apps_base_url is not None:
            object.__setattr__(self, "apps_base_url", _clean_url(self.apps_base_url))
        object.__setattr__(self, "store_path", Path(self.store_path).expanduser())
        _check_positive("requests_per_minute", self.requests_per_minute)
        _check_positive("max_concurrency", self.max_concurrency)
        _check_positive("timeout_s", self.timeout_s)
        _check_positive("max_attempts", self.max_attempts)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        secrets: Mapping[str, Any] | None = None,
    ) -> Config | None:
        """Read credentials from the environment, else from Streamlit secrets.

        Returns `None` when neither configures any credential (demo mode). Raises
        `ConfigurationError` naming what is missing when they are partly set, or
        when the region is unknown. `GENESYS_BASE_URL` wins over `GENESYS_REGION`.
        """
        env = _clean(os.environ if environ is None else environ)
        from_secrets = _flatten_secrets(secrets)
        source = next((s for s in (env, from_secrets) if _has_credentials(s)), None)
        if source is None:
            return None

        _check_complete(source)
        return cls(
            client_id=source[CLIENT_ID],
            client_secret=source[CLIENT_SECRET],
            **_location(source),
            **tuning_from_env(environ, secrets),
        )

    @classmethod
    def for_base_url(
        cls,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        demo: bool = False,
        **overrides: Any,
    ) -> Config:
        """Settings for one API host; login and apps hosts follow the `//api.` rule."""
        api = _clean_url(base_url)
        values: dict[str, Any] = {
            "client_id": client_id,
            "client_secret": client_secret,
            "api_base_url": api,
            "login_base_url": _swap_api_host(api, "login") or api,
            "apps_base_url": _swap_api_host(api, "apps"),
            "region": _known_domain(api),
            "demo": demo,
        }
        values.update(overrides)
        return cls(**values)

    def org_key(self) -> str:
        """A stable, filesystem-safe name for this org's store (never the secret)."""
        if self.demo:
            return "demo"
        url = httpx.URL(self.api_base_url)
        host = re.sub(r"[^a-z0-9.-]+", "-", url.host.lower())
        if url.port is not None:
            host = f"{host}_{url.port}"
        digest = hashlib.sha256(self.client_id.encode()).hexdigest()[:12]
        return f"{host}-{digest}"

    def interaction_url(self, conversation_id: str) -> str | None:
        """The Genesys Cloud page of one interaction, or `None` without an apps host."""
        if self.apps_base_url is None:
            return None
        path = INTERACTION_PATH.format(conversation_id=quote(conversation_id, safe=""))
        return self.apps_base_url + path


def tuning_from_env(
    environ: Mapping[str, str] | None = None,
    secrets: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """`Config` overrides from `CSAT_*` settings (the environment wins over secrets).

    Demo mode builds its `Config` with `Config.for_base_url`, so it passes these on
    to keep the rate, concurrency and store settings.
    """
    merged = {
        **_flatten_secrets(secrets),
        **_clean(os.environ if environ is None else environ),
    }
    overrides: dict[str, Any] = {"store_path": default_store_path(merged)}
    if RATE in merged:
        overrides["requests_per_minute"] = _parse_number(RATE, merged[RATE], float)
    if CONCURRENCY in merged:
        overrides["max_concurrency"] = _parse_number(
            CONCURRENCY, merged[CONCURRENCY], int
        )
    return overrides


def _location(source: Mapping[str, str]) -> dict[str, Any]:
    if BASE_URL in source:
        api = _clean_url(source[BASE_URL], BASE_URL)
        login = _swap_api_host(api, "login") or api
        apps = _swap_api_host(api, "apps")
        region = _known_domain(api)
    else:
        region = resolve_region(source[REGION])
        api, login, apps = api_url(region), login_url(region), apps_url(region)
    if APPS_URL in source:
        apps = _clean_url(source[APPS_URL], APPS_URL)
    return {
        "api_base_url": api,
        "login_base_url": _clean_url(source.get(LOGIN_URL, login), LOGIN_URL),
        "apps_base_url": apps,
        "region": region,
    }


def _check_complete(source: Mapping[str, str]) -> None:
    missing = [name for name in (CLIENT_ID, CLIENT_SECRET) if name not in source]
    if REGION not in source and BASE_URL not in source:
        missing.append(f"{REGION} (or {BASE_URL})")
    if missing:
        raise ConfigurationError(
            "Genesys Cloud credentials are only partly configured: missing "
            + ", ".join(missing)
            + "."
        )


def _has_credentials(source: Mapping[str, str]) -> bool:
    return any(name in source for name in _CREDENTIAL_NAMES)


def _clean(environ: Mapping[str, str]) -> dict[str, str]:
    """Only the settings this module reads, with blank values treated as unset."""
    names = (CLIENT_ID, CLIENT_SECRET, *_LOCATION_NAMES, *_TUNING_NAMES)
    values = {name: str(environ.get(name, "")).strip() for name in names}
    return {name: value for name, value in values.items() if value}


def _flatten_secrets(secrets: Mapping[str, Any] | None) -> dict[str, str]:
    if not secrets:
        return {}
    flat: dict[str, Any] = {k: v for k, v in secrets.items() if isinstance(k, str)}
    for section, keys in _SECRET_SECTIONS.items():
        values = secrets.get(section)
        if isinstance(values, Mapping):
            flat.update({keys[k]: v for k, v in values.items() if k in keys})
    return _clean({k: v for k, v in flat.items() if not isinstance(v, Mapping)})


def _clean_url(url: str, name: str = "base URL") -> str:
    text = url.strip().rstrip("/")
    try:
        parsed = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise ConfigurationError(f"{name} is not a valid URL.") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigurationError(f"{name} must be an http(s) URL with a host.")
    return text


def _swap_api_host(url: str, prefix: str) -> str | None:
    if "//api." not in url:
        return None
    return url.replace("//api.", f"//{prefix}.", 1)


def _known_domain(url: str) -> str | None:
    host = httpx.URL(url).host
    domain = host.removeprefix("api.")
    return domain if domain in REGION_DOMAINS.values() else None


def _parse_number(name: str, text: str, kind: type[float] | type[int]) -> Any:
    try:
        value = kind(text)
    except ValueError as exc:
        raise ConfigurationError(
            f"{name} must be a number, not {text!r}.", hint=_setting_hint(name)
        ) from exc
    _check_positive(name, value)
    return value


def _check_positive(name: str, value: float) -> None:
    if not value > 0:
        raise ConfigurationError(
            f"{name} must be greater than 0, not {value!r}.", hint=_setting_hint(name)
        )


def _setting_hint(name: str) -> str:
    return f"Set {name} to a number greater than 0, or unset it for the default."
