"""Literal machine translations of web chrome ("How to continue to inform you about our sites and
branches", "I subscribe", "Take international news everywhere with you").

A line is chrome when, stripped, it matches one of the patterns of
``data/artefacts/chrome_literal.tsv`` as a whole (final punctuation allowed) and is short
(``max_words``). Rows of kind ``literal`` (word-for-word renderings: "I subscribe", "Access to the comments") drop the
line with reason ``chrome:mt-literal`` and count as MT evidence; rows of kind ``generic`` ("Read
more") drop it as ``chrome:generic`` (the boilerplate stage owns chrome in general; this catches
what its lists miss, and tells the translated kind apart).
A line with no content word, made of web-interface words in the shape of a label (a short noun
phrase, or an imperative/infinitive/modal action: :func:`structure_chrome`) is generic chrome too.
Not done yet: only whole lines; the structure test is English only and its word lists are
hand-written (a label made of interface words they lack is missed); chrome glued to content on the
same line is not split off.
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
ACTION_MAX_WORDS = 10

# Numbers a button or prompt may carry: a count in brackets at the end ("Comments (12)") or a price
# ("from 1 euro per month", "€2.99"). Any other digit (a date, a score, "Read 5 articles") is
# taken for content.
_NEUTRAL_NUMBER = re.compile(r"\(\d+\)\s*$|[€$£]\s?\d+(?:[.,]\d+)?|\d+(?:[.,]\d+)?\s?(?:€|\$|£|euros?\b|dollars?\b)")


@lru_cache(maxsize=None)
def structure_words() -> dict[str, frozenset[str]]:
    """Word sets of the structure test: ``core`` (web_vocab_en.txt plus the ``verb``/``noun`` rows
    of web_structure_en.tsv), ``filler``, ``lead``, ``wh`` and ``subject``."""
    roles: dict[str, set[str]] = {"core": set(load_wordset("web_vocab_en.txt")), "filler": set(), "lead": set(),
                                  "wh": set(), "subject": set()}
    for row in load_table("web_structure_en.tsv", 3):
        word, role = row[0].strip().lower(), row[1].strip()
        if role not in ("verb", "noun", "filler", "lead", "wh", "subject"):
            raise ValueError(f"web_structure_en.tsv: unknown role {role!r} for {word!r}")
        roles["core" if role in ("verb", "noun") else role].add(word)
    return {k: frozenset(v) for k, v in roles.items()}


def structure_chrome(line: str) -> str | None:
    """The structure test for English chrome: every word is interface vocabulary, a filler word
    chrome shares with news ("time", "first"), or a function word -- no content noun, no name
    that is not a listed platform --, at least one is interface vocabulary, and the line is
    either a short noun phrase (at most :data:`VOCAB_MAX_WORDS` words: "Personal data", "The
    newsletter of the day") or an action label (at most :data:`ACTION_MAX_WORDS` words) that
    opens as a button or prompt does: on an interface verb (imperative), or on a lead word of an
    infinitive, first/second person or polite form ("To ...", "I ...", "You must ...", "Here you
    ...", "Please ...", "Be the first to ..."): "You have to be connected to comment".
    Returns ``"noun-phrase"`` / ``"action"`` or ``None``.

    A line opening on a wh-word and a subject pronoun ("How I see it", "What we know") is a
    content title, not a label. A line ending in ``.`` or ``!`` is a sentence (a caption, a quote), never chrome here; digits
    only as a count in brackets or a price. English only; the lists are hand-written, so a label
    made of interface words they lack is missed (see bench/artefacts.py, held-out batches), and a
    short title made only of interface words ("Copy of the report") is taken for chrome."""
    if re.search(r"[.!]\s*$", line):
        return None
    if re.search(r"\d", _NEUTRAL_NUMBER.sub(" ", line)):
        return None
    ws = [w.lower() for w in WORD_RE.findall(line)]
    if not ws:
        return None
    sets, fw = structure_words(), function_words("en")
    core = sets["core"]
    if any(w not in core and w not in sets["filler"] and w not in sets["lead"] and w not in fw for w in ws):
        return None  # a content word
    if not any(w in core for w in ws):
        return None
    if len(ws) > 1 and ws[0] in sets["wh"] and ws[1] in sets["subject"]:
        return None  # "How I see it", "What we know": a title of content, not a label
    if len(ws) <= VOCAB_MAX_WORDS:
        return "noun-phrase"
    if len(ws) <= ACTION_MAX_WORDS and (ws[0] in core or ws[0] in sets["lead"]):
        return "action"
    return None


def vocabulary_only(line: str) -> bool:
    """Kept for callers of the first version: :func:`structure_chrome` says yes."""
    return structure_chrome(line) is not None


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
    if vocabulary and lang == "en":
        shape = structure_chrome(line)
        if shape:
            return [Finding("chrome", "generic", 0, len(text), evidence=line,
                            extra={"source": "web vocabulary", "shape": shape})]
    return []
