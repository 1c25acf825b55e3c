"""Shared pieces of the MT-artefact detectors: findings, tokens, data tables, the content-word guard.

Every detector module exposes ``detect(text, lang, cfg) -> list[Finding]`` over one line/segment.
A :class:`Finding` with a ``replacement`` is a repair proposal; one without is a flag only.
:func:`apply_findings` applies proposals right to left; :func:`content_words_safe` is the guard
every repair passes through: a repair may only remove content words that were part of an echo.

Not done yet: tokenisation is a regex (words, numbers, punctuation), not a real tokenizer; it does
not split French elisions beyond the apostrophe.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "artefacts"

# Words: letters (any script) with inner apostrophes/hyphens; numbers; any other non-space char.
TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:[.,]\d+)*|\S", re.UNICODE)
WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", re.UNICODE)


@dataclass
class Finding:
    """One artefact found in one text.

    ``type`` is the artefact family (``split``, ``echo``, ``orphan``, ``typography``, ``residue``,
    ``grammar``, ``chrome``); ``detail`` the rule that fired (``doubled-word``, ``space-before``...).
    ``start``/``end`` index the span in the text the detector saw. ``replacement`` is what the span
    should become (``None`` means: flag only, no safe repair). ``removes_echo`` marks a repair whose
    removed words are the second copy of an echo (the content-word guard allows those).
    """

    type: str
    detail: str
    start: int
    end: int
    evidence: str
    replacement: str | None = None
    removes_echo: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def flag(self) -> str:
        return f"chrome:{self.detail}" if self.type == "chrome" else f"mt:{self.type}"

    def as_evidence(self) -> dict[str, Any]:
        d = {"type": self.type, "detail": self.detail, "span": [self.start, self.end], "evidence": self.evidence}
        if self.replacement is not None:
            d["replacement"] = self.replacement
        d.update(self.extra)
        return d


def load_table(name: str, ncols: int | None = None) -> list[list[str]]:
    """Rows of a TSV/word-list file under ``normalise/data/artefacts``: ``#`` starts a comment
    line, blank lines are skipped, fields are tab-separated (trailing empty fields kept)."""
    rows: list[list[str]] = []
    for raw in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = raw.rstrip("\n").split("\t")
        if ncols is not None:
            parts = (parts + [""] * ncols)[:ncols]
        rows.append(parts)
    return rows


@lru_cache(maxsize=None)
def load_wordset(name: str) -> frozenset[str]:
    """A word list (first column, lower-cased) from ``normalise/data/artefacts``."""
    return frozenset(r[0].strip().lower() for r in load_table(name) if r[0].strip())


def function_words(lang: str) -> frozenset[str]:
    """Function words of ``lang`` (en/fr/de), used as stop words by the content-word guard."""
    try:
        return load_wordset(f"function_{lang}.txt")
    except FileNotFoundError:
        return frozenset()


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def content_words(text: str) -> Counter:
    """Multiset of lower-cased content words and numbers (function words of en/fr/de excluded)."""
    stop = function_words("en") | function_words("fr") | function_words("de")
    c: Counter = Counter()
    for tok in TOKEN_RE.findall(text):
        t = tok.lower()
        if (t[0].isalpha() and t not in stop) or t[0].isdigit():
            c[t] += 1
    return c


def content_words_safe(before: str, after: str, echo_removed: Iterable[str] = ()) -> bool:
    """True when every content word of ``before`` is still in ``after``, except the ones listed
    in ``echo_removed`` (texts removed as the second copy of an echo). Content words may be added
    (never by our repairs, but harmless for the guard)."""
    lost = content_words(before) - content_words(after)
    allowed = Counter()
    for span in echo_removed:
        allowed += content_words(span)
    return not (lost - allowed)


def apply_findings(text: str, findings: list[Finding]) -> tuple[str, list[Finding]]:
    """Apply the repairable findings (non-overlapping, right to left). Returns the new text and
    the findings actually applied (an overlapping later proposal is skipped)."""
    chosen: list[Finding] = []
    last_start = len(text) + 1
    for f in sorted((f for f in findings if f.replacement is not None), key=lambda f: (f.start, f.end), reverse=True):
        if f.end <= last_start:
            chosen.append(f)
            last_start = f.start
    out = text
    for f in chosen:  # already right to left
        out = out[: f.start] + f.replacement + out[f.end :]
    return out, list(reversed(chosen))


def starts_lower(text: str) -> bool:
    """First letter-or-digit of the text is a lower-case letter."""
    for ch in text:
        if ch.isalnum():
            return ch.islower()
    return False
