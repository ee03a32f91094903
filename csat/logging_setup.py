"""Logging for the entry points (the command line, the dashboard).

Library modules only call `logging.getLogger(__name__)`; this is the one place
that attaches a handler. It also quietens httpx and httpcore, whose own INFO
lines repeat each request with its full URL, and masks anything shaped like a
credential as a last line of defence.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable, Mapping
from typing import TextIO

LEVEL_VARIABLE = "CSAT_LOG_LEVEL"
HANDLER_NAME = "csat-explorer"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
NOISY_LOGGERS = ("httpx", "httpcore")

_CREDENTIAL = re.compile(
    # A credential has a digit or symbol in it, which spares "basic settings".
    r"(?i)\b(bearer|basic)\s+(?=[\w.~+/=-]*[\d.~+/=_-])[\w.~+/=-]{8,}"
    r"|\b(access_token|client_secret|password)([\"']?\s*[:=]\s*[\"']?)[^\s\"'&,]+"
)


class RedactingFilter(logging.Filter):
    """Masks bearer/basic credentials and secret-named values in a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def redact(text: str) -> str:
    """`text` with credentials replaced by `***`."""
    return _CREDENTIAL.sub(_mask, text)


def configure_logging(
    level: int | str | None = None,
    *,
    loggers: Iterable[str] = ("csat", "genesys_sim"),
    stream: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Send the named loggers to `stream` (stderr) at `level` ($CSAT_LOG_LEVEL, INFO).

    Calling it again replaces the handler instead of adding a second one. The
    named loggers stop propagating, so a host that logs the root logger (as
    Streamlit does) does not print each line twice.
    """
    env = os.environ if environ is None else environ
    chosen = level if level is not None else env.get(LEVEL_VARIABLE, "INFO")
    resolved = _level(chosen)
    handler = _handler(stream or sys.stderr)
    for name in loggers:
        _attach(logging.getLogger(name), handler, resolved)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(max(resolved, logging.WARNING))


def _handler(stream: TextIO) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    return handler


def _attach(logger: logging.Logger, handler: logging.Handler, level: int) -> None:
    for old in [h for h in logger.handlers if h.get_name() == HANDLER_NAME]:
        logger.removeHandler(old)
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def _level(value: int | str) -> int:
    if isinstance(value, int):
        return value
    named = logging.getLevelName(value.strip().upper())
    return named if isinstance(named, int) else logging.INFO


def _mask(match: re.Match[str]) -> str:
    if match.group(1):
        return f"{match.group(1)} ***"
    return f"{match.group(2)}{match.group(3)}***"
