"""Genesys Cloud regions: SDK enum names, their domains and the hosts derived.

The table is the SDK's `PureCloudRegionHosts` (genesys-api.md, section 3). The API
host of a region is `api.{domain}`; its login and apps hosts swap `api.` for
`login.` and `apps.`, as the SDK does by regex on `//api.`.
"""

from __future__ import annotations

from csat.errors import ConfigurationError

REGION_DOMAINS: dict[str, str] = {
    "us_east_1": "mypurecloud.com",
    "eu_west_1": "mypurecloud.ie",
    "ap_southeast_2": "mypurecloud.com.au",
    "ap_northeast_1": "mypurecloud.jp",
    "eu_central_1": "mypurecloud.de",
    "us_west_2": "usw2.pure.cloud",
    "ca_central_1": "cac1.pure.cloud",
    "ap_northeast_2": "apne2.pure.cloud",
    "eu_west_2": "euw2.pure.cloud",
    "ap_south_1": "aps1.pure.cloud",
    "us_east_2": "use2.us-gov-pure.cloud",
    "sa_east_1": "sae1.pure.cloud",
    "me_central_1": "mec1.pure.cloud",
    "ap_northeast_3": "apne3.pure.cloud",
    "eu_central_2": "euc2.pure.cloud",
    "mx_central_1": "mxc1.pure.cloud",
    "ap_southeast_1": "apse1.pure.cloud",
    "eusc_de_east_1": "edee1.eusc-pure.cloud",
}

_HOST_PREFIXES = ("api.", "login.", "apps.")


def resolve_region(value: str) -> str:
    """Return the domain of a region given as an enum name, a domain or a host.

    Accepts `eu_west_1`, `eu-west-1`, `mypurecloud.ie`, `api.mypurecloud.ie` and
    `https://api.mypurecloud.ie/`; anything else raises `ConfigurationError`.
    """
    text = value.strip().lower()
    enum_name = text.replace("-", "_")
    if enum_name in REGION_DOMAINS:
        return REGION_DOMAINS[enum_name]

    domain = _strip_host(text)
    if domain in REGION_DOMAINS.values():
        return domain
    raise ConfigurationError(
        f"Unknown Genesys Cloud region {value.strip()!r}.",
        hint="Use a region domain such as mypurecloud.ie or an enum name such as "
        "eu_west_1 (known: " + ", ".join(sorted(REGION_DOMAINS)) + "), or set "
        "GENESYS_BASE_URL for any other host.",
    )


def api_url(domain: str) -> str:
    return f"https://api.{domain}"


def login_url(domain: str) -> str:
    return f"https://login.{domain}"


def apps_url(domain: str) -> str:
    return f"https://apps.{domain}"


def _strip_host(text: str) -> str:
    host = text.split("://", 1)[-1].split("/", 1)[0]
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host
