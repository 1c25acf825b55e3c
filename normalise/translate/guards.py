"""Guard rails on machine-translation output.

``check_translation(src, out, src_lang, tgt_lang) -> list[str]`` returns machine-readable reasons
(empty list: the output passes). The caller rejects a segment with reasons (``rejected.jsonl``).
Each check is one small function ``(src, out, ctx) -> reason | None`` in :data:`CHECKS`, in the
spirit of OpusFilter's filters; thresholds live in :class:`GuardConfig` and the expected length
ratio per direction in ``normalise/data/translate/length_ratios.tsv``.

Reasons:

* ``guard:empty``: no output for a non-empty source.
* ``guard:too-short`` / ``guard:too-long``: character-length ratio, divided by the direction's
  expected ratio, outside ``[min_ratio, max_ratio]`` (sources shorter than ``min_chars`` are not
  checked: "Bamako." may well stay "Bamako.").
* ``guard:hallucinated-length``: output far longer than any translation (``hallucination_ratio``),
  the typical runaway decoder; reported instead of ``too-long``. Short sources are measured as if
  ``min_chars`` long, so "Bamako." -> 300 characters is caught too.
* ``guard:looping-ngram``: an n-gram (n = 1..4 words) repeated back to back more often than the
  source repeats it (``loop_repeats``), or a 4-gram occurring 3+ times anywhere (``span_*``).
* ``guard:untranslated-copy``: the output is the source again (identical after case and
  punctuation folding with >= ``copy_min_words`` words), or nearly all its words
  (``copy_overlap``) are source words in a sentence of >= ``copy_overlap_min_words`` words.
* ``guard:untranslated-lang``: the output is confidently in the source language (lingua, two
  languages only, so it is fast and steady on short text); catches a model that paraphrases the
  source instead of translating it.

What it does not do: no semantic adequacy check (pair QA scores that); ratios are character
based, so scripts without spaces are not calibrated; the language check needs both languages to
be known to lingua and >= ``lang_min_words`` words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Callable

__all__ = ["GuardConfig", "check_translation", "CHECKS", "expected_ratio"]

_WORD = re.compile(r"\w+(?:['\u2019]\w+)*", re.UNICODE)


@dataclass
class GuardConfig:
    """Thresholds of the guard rails (defaults chosen wide: a rejection should be a clear failure).

    min_chars: sources shorter than this skip the length-ratio checks.
    min_ratio / max_ratio: bounds of (len(out)/len(src)) / expected ratio of the direction.
    hallucination_ratio: above this (same normalisation) the output is a runaway.
    loop_repeats: back-to-back repetitions of an n-gram that count as a loop, by n (1..4).
    span_n / span_repeats: an n-gram of ``span_n`` words occurring ``span_repeats`` times anywhere
        (not only back to back: a whole clause emitted again and again) is a loop too.
    copy_min_words: an identical copy is flagged from this many words.
    copy_overlap / copy_overlap_min_words: share of output words found in the source above which
        a sentence of at least that many words counts as untranslated.
    lang_min_words / lang_min_confidence: an output of at least that many words that lingua
        (restricted to the two languages of the direction) puts in the SOURCE language with at
        least that confidence is untranslated (0 words disables the check).
    """

    min_chars: int = 20
    min_ratio: float = 0.4
    max_ratio: float = 2.2
    hallucination_ratio: float = 3.5
    loop_repeats: dict[int, int] = field(default_factory=lambda: {1: 4, 2: 3, 3: 3, 4: 3})
    span_n: int = 4
    span_repeats: int = 3
    copy_min_words: int = 3
    copy_overlap: float = 0.85
    copy_overlap_min_words: int = 6
    lang_min_words: int = 5
    lang_min_confidence: float = 0.9


@lru_cache(maxsize=None)
def _ratio_table() -> dict[tuple[str, str], float]:
    text = resources.files("normalise.data").joinpath("translate/length_ratios.tsv").read_text("utf-8")
    table = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            s, t, r = line.split("\t")
            table[(s, t)] = float(r)
    return table


def expected_ratio(src_lang: str, tgt_lang: str) -> float:
    """Expected len(target)/len(source) for the direction (1.0 when not in the table)."""
    return _ratio_table().get((src_lang, tgt_lang), 1.0)


@dataclass
class _Ctx:
    src_lang: str
    tgt_lang: str
    cfg: GuardConfig


def _fold(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(text)


def check_empty(src: str, out: str, ctx: _Ctx) -> str | None:
    return "guard:empty" if src.strip() and not out.strip() else None


def check_length(src: str, out: str, ctx: _Ctx) -> str | None:
    s, o = len(src.strip()), len(out.strip())
    if o == 0:
        return None
    if s < ctx.cfg.min_chars:
        # too short to judge a ratio, but a runaway is still a runaway: measure it against a
        # source of min_chars
        r = (o / ctx.cfg.min_chars) / expected_ratio(ctx.src_lang, ctx.tgt_lang)
        return "guard:hallucinated-length" if r > ctx.cfg.hallucination_ratio else None
    r = (o / s) / expected_ratio(ctx.src_lang, ctx.tgt_lang)
    if r > ctx.cfg.hallucination_ratio:
        return "guard:hallucinated-length"
    if r > ctx.cfg.max_ratio:
        return "guard:too-long"
    if r < ctx.cfg.min_ratio:
        return "guard:too-short"
    return None


def _max_run(tokens: list[str], n: int) -> dict[tuple[str, ...], int]:
    """For each n-gram, the longest run of back-to-back repetitions."""
    best: dict[tuple[str, ...], int] = {}
    for start in range(n):
        prev, run = None, 0
        for i in range(start, len(tokens) - n + 1, n):
            g = tuple(tokens[i:i + n])
            run = run + 1 if g == prev else 1
            prev = g
            if run > best.get(g, 0):
                best[g] = run
    return best


def check_loop(src: str, out: str, ctx: _Ctx) -> str | None:
    o, s = _fold(out), _fold(src)
    for n, limit in sorted(ctx.cfg.loop_repeats.items()):
        if len(o) < n * limit:
            continue
        src_runs = _max_run(s, n)
        for g, run in _max_run(o, n).items():
            if run >= limit and run > src_runs.get(g, 0):
                return "guard:looping-ngram"
    n, limit = ctx.cfg.span_n, ctx.cfg.span_repeats
    if len(o) >= n * limit:
        src_counts = Counter(tuple(s[i:i + n]) for i in range(len(s) - n + 1))
        counts = Counter(tuple(o[i:i + n]) for i in range(len(o) - n + 1))
        if any(c >= limit and c > src_counts.get(g, 0) for g, c in counts.items()):
            return "guard:looping-ngram"
    return None


def check_copy(src: str, out: str, ctx: _Ctx) -> str | None:
    s, o = _fold(src), _fold(out)
    if not o:
        return None
    if o == s and len(o) >= ctx.cfg.copy_min_words:
        return "guard:untranslated-copy"
    if len(o) >= ctx.cfg.copy_overlap_min_words:
        src_words = set(s)
        if sum(w in src_words for w in o) / len(o) >= ctx.cfg.copy_overlap:
            return "guard:untranslated-copy"
    return None


@lru_cache(maxsize=None)
def _detector(a: str, b: str):
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    try:
        codes = [getattr(IsoCode639_1, x.upper()) for x in (a, b)]
    except AttributeError:
        return None
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def check_lang(src: str, out: str, ctx: _Ctx) -> str | None:
    n = ctx.cfg.lang_min_words
    if not n or ctx.src_lang == ctx.tgt_lang or len(_fold(out)) < n:
        return None
    det = _detector(ctx.src_lang, ctx.tgt_lang)
    if det is None:
        return None
    for cv in det.compute_language_confidence_values(out):
        if cv.language.iso_code_639_1.name.lower() == ctx.src_lang and cv.value >= ctx.cfg.lang_min_confidence:
            return "guard:untranslated-lang"
    return None


#: the checks, in the order their reasons are reported; ``guard:empty`` first (it makes the
#: others moot).
CHECKS: list[Callable[[str, str, _Ctx], str | None]] = [check_empty, check_length, check_loop, check_copy,
                                                         check_lang]


def check_translation(src: str, out: str, src_lang: str, tgt_lang: str,
                      cfg: GuardConfig | None = None) -> list[str]:
    """Reasons why ``out`` is not an acceptable translation of ``src`` (empty list: acceptable)."""
    ctx = _Ctx(src_lang, tgt_lang, cfg or GuardConfig())
    if not src.strip():
        return []
    reasons: list[str] = []
    for check in CHECKS:
        r = check(src, out, ctx)
        if r and r not in reasons:
            reasons.append(r)
        if r == "guard:empty":
            break
    return reasons
