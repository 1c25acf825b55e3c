"""Literal machine translations of web chrome ("How to continue to inform you about our sites and
branches", "I subscribe", "Take international news everywhere with you").

A line is chrome when, stripped, it matches one of the patterns of
``data/artefacts/chrome_literal.tsv`` as a whole (final punctuation allowed) and is short
(``max_words``). Rows of kind ``literal`` (word-for-word renderings: "I subscribe", "Access to the comments") drop the
line with reason ``chrome:mt-literal`` and count as MT evidence; rows of kind ``generic`` ("Read
more") drop it as ``chrome:generic`` (the boilerplate stage owns chrome in general; this catches
what its lists miss, and tells the translated kind apart).
Not done yet: only whole lines; chrome glued to content on the same line is not split off.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .base import Finding, load_table

MAX_WORDS = 20


@lru_cache(maxsize=None)
def patterns() -> list[tuple[re.Pattern, str, str]]:
    """(regex, kind, source) rows; kind ``literal`` (a tell of MT) or ``generic``."""
    out = []
    for rx, kind, source in load_table("chrome_literal.tsv", 3):
        out.append((re.compile(r"(?:" + rx + r")[\s.!?:…]*", re.IGNORECASE | re.UNICODE), kind.strip(), source))
    return out


def detect(text: str, lang: str = "en", cfg=None, max_words: int = MAX_WORDS) -> list[Finding]:
    line = text.strip()
    if not line or len(line.split()) > max_words:
        return []
    for rx, kind, source in patterns():
        if rx.fullmatch(line):
            detail = "mt-literal" if kind == "literal" else "generic"
            return [Finding("chrome", detail, 0, len(text), evidence=line, extra={"source": source})]
    return []
