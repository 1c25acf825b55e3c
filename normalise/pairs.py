"""Stage 10: quality checks and deduplication of English/French pairs.

Each check is a small scorer in the OpusFilter style: ``score(pair) -> float`` then
``verdict(score) -> "ok" | "flag" | "reject"``, its thresholds in :class:`PairConfig`. Scores go
into ``pair.scores[<check>]``; a hard failure sends the pair to the rejected list as
``Rejected(kind="pair", reason="pair:<check>", detail={...scores...})``; a softer problem adds
the flag ``pair:<check>`` to ``pair.flags`` and keeps the pair.

Checks: ``length`` (character length ratio), ``lang`` (language of each side, through
``normalise.langid.detect_language`` when that module is importable), ``numbers`` (numbers, dates
and URLs consistent, read language-aware: "4,300" = "4 300", "May 2" = "2 mai"), ``terms``
(``term:missing`` / ``term:mismatch`` entries left by the terms stage), ``punct`` (terminal
punctuation), ``copy`` (untranslated copy: both sides the same text) and ``repeat`` (a piece of
text repeated many times, typical of MT hallucination).

What it does not do yet:

* No fluency or adequacy model (no LM scores, no cross-lingual embeddings).
* The language check is skipped (once-logged note, no score) when ``normalise.langid`` is
  missing; it is not reimplemented here.
* Dedup folds pairs whose both sides agree after normalisation; it does not yet fold pairs that
  share one side and differ on the other (one English sentence, two French translations).
"""

from __future__ import annotations

import logging
import re
import string
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from .align import dates, fold, numbers
from .document import Pair, Rejected

log = logging.getLogger(__name__)

OK, FLAG, REJECT = "ok", "flag", "reject"


@dataclass
class PairConfig:
    """Thresholds of the pair checks (all tunable as data, e.g. from YAML)."""

    # length: ratio longer/shorter side in characters. OpusFilter's LengthRatioFilter uses 3 as
    # a typical hard limit; above 2 we keep the pair but flag it. Pairs where both sides are
    # shorter than ``length_min_chars`` are not judged (headlines, names).
    length_reject: float = 3.0
    length_flag: float = 2.0
    length_min_chars: int = 15
    # lang: a side detected as another language with at least this confidence is rejected; a
    # lower-confidence mismatch is flagged. Sides shorter than ``lang_min_chars`` are not judged
    # (language id is unreliable on short text, see DESIGN.md).
    lang_reject_confidence: float = 0.9
    lang_min_chars: int = 25
    # numbers: score = share of numbers/dates/URLs found on both sides (multiset Dice); below
    # ``numbers_reject`` the pair is rejected, below 1 it is flagged. When only one side has any,
    # the score is ``numbers_one_sided`` (flagged, not rejected by default): the other side may
    # spell the number out ("two minutes" / "2 minutes").
    numbers_reject: float = 0.5
    numbers_one_sided: float = 0.5
    # terms: ``pair.terms`` entries (filled by normalise.terms.verify_pair) whose ``status`` is
    # one of these make the pair flagged; "repaired" and "ok" are fine. A pair with no entries
    # but one of the matching ``term:<status>`` flags counts as inconsistent too.
    term_bad_status: tuple[str, ...] = ("missing", "mistranslated")
    # copy: both sides equal after folding case/accents/spaces -> reject, when the text has at
    # least ``copy_min_words`` words (a bare name like "Emmanuel Macron" is the same in both
    # languages and only flagged).
    copy_min_words: int = 3
    # repeat: a piece of ``repeat_min_len``..``repeat_max_len`` characters occurring
    # ``repeat_reject`` times in a row on one side is rejected, ``repeat_flag`` times flagged.
    # Same idea as OpusFilter's RepetitionFilter (which rejects at 3 occurrences); we flag at 3
    # and reject at 4 because doubles and triples are legitimate in news ("nous nous", "coast to
    # coast to coast", "very, very, very") while MT loops run longer.
    repeat_min_len: int = 2
    repeat_max_len: int = 80
    repeat_flag: int = 3
    repeat_reject: int = 4
    # Checks to run, by name, in this order (the first hard failure is the reason given).
    checks: tuple[str, ...] = ("copy", "length", "lang", "numbers", "repeat", "terms", "punct")


class Check:
    """One pair check: :meth:`score` then :meth:`verdict` (OpusFilter's score/accept)."""

    name = "check"

    def __init__(self, cfg: PairConfig) -> None:
        self.cfg = cfg

    def score(self, pair: Pair) -> float | None:
        """The check's measure, or None when the check does not apply to this pair."""
        raise NotImplementedError

    def verdict(self, score: float) -> str:
        raise NotImplementedError

    def accept(self, score: float) -> bool:
        """False only for a hard failure (the pair is rejected)."""
        return self.verdict(score) != REJECT


class LengthRatio(Check):
    name = "length"

    def score(self, pair: Pair) -> float | None:
        a, b = len(pair.en.strip()), len(pair.fr.strip())
        if max(a, b) < self.cfg.length_min_chars:
            return None
        if min(a, b) == 0:
            return float("inf")
        return max(a, b) / min(a, b)

    def verdict(self, score: float) -> str:
        if score > self.cfg.length_reject:
            return REJECT
        return FLAG if score > self.cfg.length_flag else OK


def _langid() -> Callable[[str], tuple[str, float]] | None:
    try:
        from .langid import detect_language  # type: ignore[attr-defined]
    except Exception:  # module not there yet, or its model failed to load
        return None
    return detect_language


class Language(Check):
    """Score 1 when each side is in its language (or too short to tell); otherwise the
    confidence of the wrong detection, negated (so -0.95 = "surely another language")."""

    name = "lang"
    _warned = False

    def __init__(self, cfg: PairConfig, detect: Callable[[str], tuple[str, float]] | None = None) -> None:
        super().__init__(cfg)
        self.detect = detect if detect is not None else _langid()
        if self.detect is None and not Language._warned:
            log.warning("pairs: normalise.langid not importable; language check skipped")
            Language._warned = True

    def score(self, pair: Pair) -> float | None:
        if self.detect is None:
            return None
        worst = 1.0
        judged = False
        for text, want in ((pair.en, "en"), (pair.fr, "fr")):
            if len(text.strip()) < self.cfg.lang_min_chars:
                continue
            lang, conf = self.detect(text)
            if lang == "und":  # the detector declined (too few letters)
                continue
            judged = True
            if lang != want:
                worst = min(worst, -float(conf))
        return worst if judged else None

    def verdict(self, score: float) -> str:
        if score >= 0:
            return OK
        return REJECT if -score >= self.cfg.lang_reject_confidence else FLAG


_URL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+", re.IGNORECASE)


def anchors(text: str, lang: str) -> list[str]:
    """Numbers, months and URLs/e-mails of ``text``, canonical so that the two languages compare
    equal."""
    urls = [u.rstrip(".,;:)»\"'").lower() for u in _URL.findall(text)]
    rest = _URL.sub(" ", text)
    # Months only: weekdays are left out because a release says "on Friday" where its
    # translation says "le 11 novembre" (same day, different words).
    months_named = [d for d in dates(rest, lang) if d.startswith("m")]
    return ["#" + n for n in numbers(rest, lang)] + months_named + ["u:" + u for u in urls]


class NumbersConsistent(Check):
    """Multiset Dice of the anchors of both sides; None when neither side has any;
    ``numbers_one_sided`` when only one side has some."""

    name = "numbers"

    def score(self, pair: Pair) -> float | None:
        a, b = anchors(pair.en, "en"), anchors(pair.fr, "fr")
        if not a and not b:
            return None
        if not a or not b:
            return self.cfg.numbers_one_sided
        rest = list(b)
        common = 0
        for x in a:
            if x in rest:
                rest.remove(x)
                common += 1
        return 2 * common / (len(a) + len(b))

    def verdict(self, score: float) -> str:
        if score < self.cfg.numbers_reject:
            return REJECT
        return FLAG if score < 1.0 else OK


class TermsConsistent(Check):
    """Share of the pair's term entries that carry no bad flag (None without entries)."""

    name = "terms"

    def score(self, pair: Pair) -> float | None:
        bad = set(self.cfg.term_bad_status)
        entries = pair.terms
        if not entries and not any(f in {"term:" + b for b in bad} for f in pair.flags):
            return None
        if not entries:
            return 0.0

        def is_bad(t: dict[str, Any]) -> bool:
            status = str(t.get("status", ""))
            return status in bad or status.removeprefix("term:") in bad

        return sum(not is_bad(t) for t in entries) / len(entries)

    def verdict(self, score: float) -> str:
        return FLAG if score < 1.0 else OK


_TERMINAL = {".": ".", "!": "!", "?": "?", "…": ".", ":": ":", ";": "."}
_CLOSERS = "\"'”’»)] \u00a0\u202f"


def terminal_class(text: str) -> str:
    """The kind of terminal punctuation (``.``, ``!``, ``?``, ``:`` or ``""``), looking through
    closing quotes and brackets."""
    t = text.rstrip(_CLOSERS)
    return _TERMINAL.get(t[-1], "") if t else ""


class TerminalPunctuation(Check):
    """1 when both sides end the same way, else 0 (a soft check: flag only)."""

    name = "punct"

    def score(self, pair: Pair) -> float | None:
        return 1.0 if terminal_class(pair.en) == terminal_class(pair.fr) else 0.0

    def verdict(self, score: float) -> str:
        return OK if score >= 1.0 else FLAG


_SQUASH = re.compile(r"[\W_]+", re.UNICODE)


class UntranslatedCopy(Check):
    """0 when the sides differ; when both sides are the same text after folding case, accents,
    spaces and punctuation, the number of words copied (so that a copied sentence is told from a
    bare name such as "Emmanuel Macron", the same in both languages)."""

    name = "copy"

    def score(self, pair: Pair) -> float | None:
        a, b = _SQUASH.sub("", fold(pair.en)), _SQUASH.sub("", fold(pair.fr))
        if not a and not b:
            return None
        return float(len(pair.en.split())) if a == b else 0.0

    def verdict(self, score: float) -> str:
        if score <= 0:
            return OK
        return REJECT if score >= self.cfg.copy_min_words else FLAG


class Repetition(Check):
    """Highest count of a consecutively repeated substring on either side (1 = no repeat)."""

    name = "repeat"

    def __init__(self, cfg: PairConfig) -> None:
        super().__init__(cfg)
        # A unit starts and ends on a word boundary and repeats are separated by spaces or
        # commas, so "This is" (the "is" of "This") or "very, very" count as a repeat only when
        # they really are one.
        self.rx = re.compile(r"(?<!\w)(\w.{%d,%d}?)(?!\w)(?:[\s,;]+\1(?!\w))+"
                             % (max(cfg.repeat_min_len - 2, 0), cfg.repeat_max_len - 1), re.IGNORECASE)

    def _count(self, text: str) -> int:
        best = 1
        for m in self.rx.finditer(text):
            unit = m.group(1)
            best = max(best, len(re.findall(re.escape(unit), m.group(0), re.IGNORECASE)))
        return best

    def score(self, pair: Pair) -> float | None:
        return float(max(self._count(pair.en), self._count(pair.fr)))

    def verdict(self, score: float) -> str:
        if score >= self.cfg.repeat_reject:
            return REJECT
        return FLAG if score >= self.cfg.repeat_flag else OK


CHECKS: dict[str, type[Check]] = {
    c.name: c for c in (LengthRatio, Language, NumbersConsistent, TermsConsistent,
                        TerminalPunctuation, UntranslatedCopy, Repetition)
}


def build_checks(cfg: PairConfig) -> list[Check]:
    return [CHECKS[name](cfg) for name in cfg.checks]


def check(pair: Pair, checks: Sequence[Check]) -> list[tuple[str, str, float]]:
    """Run ``checks`` on one pair: scores into ``pair.scores``; returns (name, verdict, score)
    for every check that applied."""
    out = []
    for c in checks:
        s = c.score(pair)
        if s is None:
            continue
        pair.scores[c.name] = round(s, 4) if s != float("inf") else s
        v = c.verdict(s)
        out.append((c.name, v, s))
    return out


def check_pairs(pairs: Sequence[Pair], cfg: PairConfig | None = None,
                checks: Sequence[Check] | None = None) -> tuple[list[Pair], list[Rejected]]:
    """Check every pair. Returns (kept, rejected): a pair failing any hard check goes to
    ``rejected`` with the first failing check as reason (``pair:<check>``) and every check's
    score and verdict in ``detail``; a kept pair gets ``pair:<check>`` flags for soft problems."""
    cfg = cfg or PairConfig()
    checks = list(checks) if checks is not None else build_checks(cfg)
    kept: list[Pair] = []
    rejected: list[Rejected] = []
    for pair in pairs:
        results = check(pair, checks)
        failed = [name for name, v, _ in results if v == REJECT]
        if failed:
            rejected.append(Rejected(
                kind="pair", id=pair.pair_id, doc_id=pair.doc_id, reason="pair:" + failed[0],
                text=pair.en + "\t" + pair.fr,
                detail={"failed": failed, "scores": dict(pair.scores),
                        "verdicts": {n: v for n, v, _ in results}, "origin": pair.origin,
                        "seg_ids": list(pair.seg_ids)},
            ))
            continue
        for name, v, _ in results:
            if v == FLAG and "pair:" + name not in pair.flags:
                pair.flags.append("pair:" + name)
        kept.append(pair)
    return kept, rejected


# ---------------------------------------------------------------------------------------------
# Deduplication
# ---------------------------------------------------------------------------------------------

_PUNCT_SPACE = re.compile(r"[\s%s«»“”‘’„…–—]+" % re.escape(string.punctuation), re.UNICODE)
_DIGITS = re.compile(r"\d+")


def dedup_key(text: str) -> str:
    """Normalised form for duplicate detection: case and accents folded, punctuation and
    whitespace removed, every run of digits replaced by ``0``."""
    return _DIGITS.sub("0", _PUNCT_SPACE.sub(" ", fold(text))).strip()


def dedup_pairs(pairs: Sequence[Pair]) -> tuple[list[Pair], list[Rejected]]:
    """Fold duplicate pairs. The first pair of each group is kept and lists the other pair ids
    in ``duplicates``; each duplicate also goes to ``rejected`` with reason ``pair:duplicate``
    and ``detail={"duplicate_of": <kept id>, "match": "exact" | "normalised"}``."""
    kept: list[Pair] = []
    rejected: list[Rejected] = []
    exact: dict[tuple[str, str], Pair] = {}
    normal: dict[tuple[str, str], Pair] = {}
    for pair in pairs:
        ek = (pair.en, pair.fr)
        nk = (dedup_key(pair.en), dedup_key(pair.fr))
        first, match = exact.get(ek), "exact"
        if first is None:
            first, match = normal.get(nk), "normalised"
        if first is None:
            exact[ek] = pair
            normal[nk] = pair
            kept.append(pair)
            continue
        first.duplicates.append(pair.pair_id)
        rejected.append(Rejected(
            kind="pair", id=pair.pair_id, doc_id=pair.doc_id, reason="pair:duplicate",
            text=pair.en + "\t" + pair.fr,
            detail={"duplicate_of": first.pair_id, "match": match, "origin": pair.origin,
                    "seg_ids": list(pair.seg_ids)},
        ))
    return kept, rejected
