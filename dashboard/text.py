"""Text that is not ours (names, form titles) made inert before Markdown sees it."""

from __future__ import annotations

import re

# Every character CommonMark treats as punctuation may start markup.
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def escape_markdown(text: str) -> str:
    """`text` with every Markdown-significant character backslash-escaped."""
    return _MARKUP.sub(r"\\\1", text).replace("\n", " ")
