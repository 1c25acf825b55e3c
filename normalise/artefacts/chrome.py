"""Literal machine translations of web chrome ("How to continue to inform you about our sites and
branches", "I subscribe", "Take international news everywhere with you").

A line is chrome when, stripped, it matches one of the patterns of
``data/artefacts/chrome_literal.tsv`` as a whole (final punctuation allowed) and is short
(``max_words``). Rows of kind ``literal`` (word-for-word renderings: "I subscribe", "Access to the comments") drop the
line with reason ``chrome:mt-literal`` and count as MT evidence; rows of kind ``generic`` ("Read
more") drop it as ``chrome:generic`` (the boilerplate stage owns chrome in general; this catches
what its lists miss, and tells the translated kind apart).
A line that is short and made only of web-interface words (:func:`vocabulary_only`) is generic
chrome too. Not done yet: only whole lines; the vocabulary test is English only; chrome glued to content on the same line is not split off.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .base import WORD_RE, Finding, function_words, load_table, load_wordset

MAX_WORDS = 20


@lru_cache(maxsize=None)
def patterns() -> list[tuple[re.Pattern, str, str]]:
    """(regex, kind, source) rows; kind ``literal`` (a tell of MT) or ``generic``."""
    out = []
    for rx, kind, source in load_table("chrome_literal.tsv", 3):
        out.append((re.compile(r"(?:" + rx + r")[\s.!?:…]*", re.IGNORECASE | re.UNICODE), kind.strip(), source))
    return out


VOCAB_MAX_WORDS = 6


def vocabulary_only(line: str) -> bool:
    """A short line (at most :data:`VOCAB_MAX_WORDS` words, no sentence stop) made only of web
    interface words (``data/artefacts/web_vocab_en.txt``) and English function words, with at
    least one interface word: "Watch the video", "Manage my cookies". English only."""
    if re.search(r"[.!]\s*$", line) or re.search(r"\d", line):
        return False
    ws = [w.lower() for w in WORD_RE.findall(line)]
    if not ws or len(ws) > VOCAB_MAX_WORDS:
        return False
    vocab, fw = load_wordset("web_vocab_en.txt"), function_words("en")
    return all(w in vocab or w in fw for w in ws) and any(w in vocab for w in ws)


def detect(text: str, lang: str = "en", cfg=None, max_words: int = MAX_WORDS, vocabulary: bool = True) -> list[Finding]:
    """Chrome findings for one line; ``vocabulary=False`` uses the pattern table only (the stage
    runs the vocabulary test after rejoining split lines: "The weather" / "service issued ..."
    must not be taken for a weather widget)."""
    line = text.strip()
    if not line or len(line.split()) > max_words:
        return []
    for rx, kind, source in patterns():
        if rx.fullmatch(line):
            detail = "mt-literal" if kind == "literal" else "generic"
            return [Finding("chrome", detail, 0, len(text), evidence=line, extra={"source": source})]
    if vocabulary and lang == "en" and vocabulary_only(line):
        return [Finding("chrome", "generic", 0, len(text), evidence=line, extra={"source": "web vocabulary"})]
    return []
