"""Literal machine translations of web chrome ("How to continue to inform you about our sites and
branches", "I subscribe", "Take international news everywhere with you").

A line is chrome when, stripped, it matches one of the patterns of
``data/artefacts/chrome_literal.tsv`` as a whole (final punctuation allowed) and is short
(``max_words``). Such lines are dropped with reason ``chrome:mt-literal`` (the boilerplate stage
owns chrome in general; this catches what its own lists miss because the wording is a translation).
Not done yet: only whole lines; chrome glued to content on the same line is not split off.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .base import Finding, load_table

MAX_WORDS = 20


@lru_cache(maxsize=None)
def patterns() -> list[tuple[re.Pattern, str]]:
    out = []
    for rx, source in load_table("chrome_literal.tsv", 2):
        out.append((re.compile(r"(?:" + rx + r")[\s.!?:…]*", re.IGNORECASE | re.UNICODE), source))
    return out


def detect(text: str, lang: str = "en", cfg=None, max_words: int = MAX_WORDS) -> list[Finding]:
    line = text.strip()
    if not line or len(line.split()) > max_words:
        return []
    for rx, source in patterns():
        if rx.fullmatch(line):
            return [Finding("chrome", "mt-literal", 0, len(text), evidence=line, extra={"source": source})]
    return []
