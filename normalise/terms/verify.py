"""Verifying terms across an English/French pair, repairing what can be repaired.

:func:`verify_pair` finds the terms on both sides, pairs occurrences of the same term id in order
of appearance, and fills ``pair.terms`` with one dict per term occurrence::

    {"term_id": "barkhane", "en_span": [s, e], "fr_span": [s, e],
     "en_surface": "Barkhane", "fr_surface": "Barkhane", "status": "ok"}

A span is ``None`` when that side has no counterpart. Status and flags:

* ``ok``: both sides have the term.
* ``mistranslated``: one side lacks the term but contains one of the entry's known
  mistranslations (``canapé`` for Sofa, ``junta`` in French). When that side is machine output
  (``pair.origin`` ``mt:en->fr`` makes the French side MT) the mistranslation is replaced by the
  target form and the status is ``repaired``; the pair gets ``term:mistranslated`` either way, and
  ``term:repaired`` when repaired.
* ``missing``: the counterpart is simply absent: flag ``term:missing``. Not repaired (inserting a
  term into a sentence is a translation decision, not a spelling fix).

An ambiguous form is disambiguated once for the pair: when one side's context cues make "Wagner"
the group (or "Sofa" the agreement), the other side's bare "Wagner" is accepted as its counterpart
without cue words of its own (only as many such occurrences as the other side has mentions).

An expansion followed by its acronym in brackets ("Status of Force Agreements (Sofa)") is one
mention, so "the SOFA" / "l'accord sur le statut des forces (Sofa)" is not a missing term.

Not done yet: no span alignment by position or by word alignment (occurrences of the same term are
paired in order); a counterpart expressed by a pronoun or paraphrase is reported missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..document import Pair
from .match import find_terms, fold
from .protect import Slot, target_form
from .termbase import Termbase


@dataclass
class VerifyConfig:
    """repair: replace known mistranslations on the machine-translated side (default True).
    ignore_types: entry types not checked (default: none)."""

    repair: bool = True
    ignore_types: tuple[str, ...] = ()


def mt_sides(pair: Pair) -> set[str]:
    """Which sides of a pair are machine output, from ``pair.origin`` (``mt:en->fr`` -> {"fr"})."""
    m = re.match(r"mt:([a-z]+)->([a-z+]+)", pair.origin or "")
    if not m:
        return set()
    return set(m.group(2).split("+")) - {m.group(1)}


def _find_mistranslation(text: str, phrases: tuple[str, ...]) -> tuple[int, int] | None:
    folded = fold(text).lower()
    for ph in sorted(phrases, key=len, reverse=True):
        m = re.search(rf"(?<!\w){re.escape(fold(ph).lower())}(?:s|es|x)?(?!\w)", folded)
        if m:
            return m.span()
    return None


# Text between two occurrences of the same term that makes them one mention: an expansion and
# its acronym, "Status of Force Agreements (Sofa)", "accords ... (Status of Force Agreements, ou
# Sofa)", "ECOWAS, or CEDEAO". From the way news copy introduces acronyms.
_SAME_MENTION = re.compile(r"\s*(?:[(,]\s*)?(?:(?:ou|or|soit|i\.e\.|called|dit|dite)\s+)?[\"«“‘']?\s*$",
                           re.IGNORECASE)


def mentions(text: str, lang: str, tb: Termbase, trusted: frozenset[str] = frozenset()) -> list:
    """Term occurrences with an expansion and its acronym in brackets counted once (the first).
    ``trusted`` term ids need no context cues (see :func:`_pairs`)."""
    out = []
    prev = None  # the previous occurrence, counted or not (A (B, or C) is one mention)
    found = tb.matcher(lang).find(text, trusted) if trusted and lang in ("en", "fr") else find_terms(text, lang, tb)
    for o in found:
        gap = text[prev.end:o.start] if prev is not None else ""
        same = prev is not None and prev.term_id == o.term_id and gap.strip() and _SAME_MENTION.fullmatch(gap)
        prev = o
        if not same:
            out.append(o)
    return out


def _pairs(pair: Pair, tb: Termbase, cfg: VerifyConfig):
    occ = {"en": mentions(pair.en, "en", tb), "fr": mentions(pair.fr, "fr", tb)}
    # A pair is disambiguated as a whole: when one side's cues made an ambiguous form a term
    # ("the Russian Wagner fighters"), the other side's bare "Wagner" is its counterpart even with
    # no cue word of its own. Such cue-less occurrences are added only as far as the other side
    # needs counterparts, in text order, so the composer named later in the sentence stays out.
    first = {lang: list(lst) for lang, lst in occ.items()}
    for lang, other in (("en", "fr"), ("fr", "en")):
        need: dict[str, int] = {}
        for o in first[other]:
            need[o.term_id] = need.get(o.term_id, 0) + 1
        for o in first[lang]:
            need[o.term_id] = need.get(o.term_id, 0) - 1
        need = {k: n for k, n in need.items() if n > 0}
        if not need:
            continue
        have = {(o.start, o.end) for o in first[lang]}
        added = []
        for o in mentions(getattr(pair, lang), lang, tb, frozenset(need)):
            if (o.start, o.end) not in have and need.get(o.term_id, 0) > 0:
                need[o.term_id] -= 1
                added.append(o)
        if added:
            occ[lang] = sorted(first[lang] + added, key=lambda o: o.start)
    if cfg.ignore_types:
        occ = {k: [o for o in v if tb[o.term_id].type not in cfg.ignore_types] for k, v in occ.items()}
    by_id: dict[str, dict[str, list]] = {}
    for lang, lst in occ.items():
        for o in lst:
            by_id.setdefault(o.term_id, {"en": [], "fr": []})[lang].append(o)
    return by_id


def verify_pair(pair: Pair, tb: Termbase, cfg: VerifyConfig | None = None) -> None:
    """Check that each term on one side has its counterpart on the other (see module docstring)."""
    cfg = cfg or VerifyConfig()
    mt = mt_sides(pair)
    # First pass: repair known mistranslations on the MT side, then recompute from the new text.
    repairs: list[dict[str, Any]] = []
    if cfg.repair and mt:
        for _ in range(8):  # each pass repairs at most one phrase; bounded
            rep = _repair_once(pair, tb, cfg, mt)
            if rep is None:
                break
            repairs.append(rep)
    terms: list[dict[str, Any]] = []
    flags: set[str] = set()
    for term_id, sides in _pairs(pair, tb, cfg).items():
        en, fr = sides["en"], sides["fr"]
        for i in range(max(len(en), len(fr))):
            e = en[i] if i < len(en) else None
            f = fr[i] if i < len(fr) else None
            rec: dict[str, Any] = {"term_id": term_id,
                                   "en_span": [e.start, e.end] if e else None,
                                   "fr_span": [f.start, f.end] if f else None,
                                   "en_surface": e.surface if e else None, "fr_surface": f.surface if f else None,
                                   "status": "ok"}
            if e is None or f is None:
                other = "fr" if f is None else "en"
                entry = tb[term_id]
                if _find_mistranslation(getattr(pair, other), entry.mistranslations.get(other, ())):
                    rec["status"] = "mistranslated"
                    flags.add("term:mistranslated")
                else:
                    rec["status"] = "missing"
                    flags.add("term:missing")
            terms.append(rec)
    for rep in repairs:
        for t in terms:
            if t["term_id"] == rep["term_id"] and t["status"] == "ok" and t[rep["side"] + "_surface"] == rep["after"]:
                t.update(status="repaired", before=rep["before"])
                flags.update(("term:mistranslated", "term:repaired"))
                break
    terms.sort(key=lambda t: (t["en_span"] or t["fr_span"] or [0])[0])
    pair.terms = terms
    for f in sorted(flags):
        if f not in pair.flags:
            pair.flags.append(f)


def _repair_once(pair: Pair, tb: Termbase, cfg: VerifyConfig, mt: set[str]) -> dict[str, Any] | None:
    for term_id, sides in _pairs(pair, tb, cfg).items():
        for side in ("en", "fr"):
            other = "fr" if side == "en" else "en"
            if other not in mt or len(sides[side]) <= len(sides[other]):
                continue
            entry = tb[term_id]
            text = getattr(pair, other)
            span = _find_mistranslation(text, entry.mistranslations.get(other, ()))
            if not span:
                continue
            src = sides[side][len(sides[other])]
            slot = Slot(index=0, term_id=term_id, surface=src.surface, start=src.start, end=src.end,
                        form=src.form, plural=src.plural)
            form = target_form(slot, side, other, tb)
            old = text[span[0]:span[1]]
            if old[:1].isupper() and form[:1].islower():
                form = form[0].upper() + form[1:]
            setattr(pair, other, text[:span[0]] + form + text[span[1]:])
            return {"term_id": term_id, "side": other, "before": old, "after": form}
    return None
