"""Document-level MT-origin score: how likely the text is a machine translation, with evidence.

``score_document(doc)`` sets ``doc.mt_evidence`` (artefacts per 1,000 words by type, residue spans,
names keeping French diacritics in English text, calques, French/German date and number formats,
literal chrome and locale asset ids even on lines another stage dropped) and ``doc.mt_score`` =
``(1 - exp(-weighted_rate / SCALE)) x (1 - 0.5 ** kinds)`` in [0, 1), ``kinds`` being the number
of independent kinds of evidence (one kind alone, such as a single echo, gives at most half),
where ``weighted_rate`` is the sum over evidence kinds of weight x occurrences per 1,000 words (origin evidence in :data:`CORROBORATING` adds at
most as much as the MT evidence proper), the word count padded with :data:`PRIOR_WORDS` so
one slip in a short page does not read as MT (weights: :data:`WEIGHTS`, :data:`DETAIL_WEIGHTS`).
Artefacts are counted from the events and flags this stage left on the lines; when
:func:`repair_document` has not run, the detectors are run here (flag mode).

Not done yet: the weights are set by judgement, not fitted on labelled MT/human documents (the
only labels here: seeds 002/004 MT, 000/001/003 and the boilerplate dev pages human); a
short document (under ~100 words) gets a noisy rate; only French/German-to-English signals are
modelled (a French document's score relies on the artefact counts alone).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from ..document import Document
from .base import WORD_RE, load_table

STAGE = "artefacts"
WEIGHTS = {
    "split": 3.0, "echo": 3.0, "orphan": 3.0, "typography": 1.0, "residue": 2.0, "grammar": 2.0,
    "chrome": 2.0, "diacritic_names": 1.0, "calque": 2.0, "date-format": 1.0, "number-format": 1.0,
    "dropped_chrome": 1.0, "asset_ids": 1.0,
}
# Typography slips are also common in human web text (a space before ":" in German or French
# headlines, French without the space before ":"); only the English "word ," form is a tell of MT.
DETAIL_WEIGHTS = {
    "typography:fr-missing-space": 0.0, "typography:fr-guillemet-space": 0.0, "typography:fr-policy": 0.0,
    "typography:unbalanced": 0.25, "typography:mixed-quotes": 0.5, "typography:space-in-bracket": 0.5,
}
SCALE = 7.0
DIACRITIC_NAMES_CAP = 3
# Evidence of French/German *origin*, not of machine translation: a human English page about
# France keeps "François" and may print "18.12.2024"; a French site's English edition carries its
# "_FR" badges. These only corroborate: they add at most as much as the MT evidence proper.
CORROBORATING = frozenset({"diacritic_names", "date-format", "number-format", "asset_ids"})
# pseudo-words added to the length, so that one slip in a 100-word page is not "MT"
PRIOR_WORDS = 300
_DIACRITIC_NAME = re.compile(r"\b[A-ZÀ-Ý][a-zà-ÿ]*[àâäçéèêëîïôöùûüÿœ][a-zà-ÿ]*\b")


@lru_cache(maxsize=None)
def signals() -> list[tuple[str, str, re.Pattern, str]]:
    return [(lg, kind, re.compile(rx), src) for lg, kind, rx, src in load_table("mt_signals.tsv", 4)]


def _details(ev: dict) -> list[str]:
    e = ev.get("evidence")
    if isinstance(e, list):
        return [x.get("detail", "") for x in e if isinstance(x, dict)] or [""]
    if isinstance(e, dict):
        return [e.get("detail", "")]
    return [""]


def _artefact_counts(doc: Document) -> tuple[Counter, Counter, list[dict]]:
    """Occurrences per artefact type and per ``type:detail`` left by this stage (or found now)."""
    counts: Counter = Counter()
    details: Counter = Counter()
    residue: list[dict] = []
    seen_any = False
    for rec in doc.lines:
        for ev in rec.events:
            if ev.get("stage") != STAGE:
                continue
            seen_any = True
            if ev.get("action") == "merge" and "absorbed" in ev:
                continue  # the head's side of a merge; the absorbed line's event counts it
            reason = ev.get("reason", "")
            fam = reason.split(":", 1)[0]
            # only literal chrome is a tell of MT; generic chrome ("Read more") is on every site
            typ = reason.split(":", 1)[1] if fam == "mt" else ("chrome" if reason == "chrome:mt-literal" else None)
            if not typ:
                continue
            for d in _details(ev):
                counts[typ] += 1
                details[f"{typ}:{d}"] += 1
            if typ == "residue":
                residue.append({"line": rec.line, **(ev.get("evidence") or {})})
    if not seen_any:
        from . import check_findings

        for rec in doc.live_lines():
            for f in check_findings(rec.current, rec.lang or doc.lang or "en"):
                if f.type == "chrome" and f.detail != "mt-literal":
                    continue
                counts[f.type] += 1
                details[f"{f.type}:{f.detail}"] += 1
                if f.type == "residue":
                    residue.append({"line": rec.line, **f.as_evidence()})
    return counts, details, residue


def score_document(doc: Document) -> None:
    """Set ``doc.mt_score`` and ``doc.mt_evidence`` (see module doc)."""
    from . import chrome, residue as residue_mod

    lang = doc.lang or "en"
    live = [r for r in doc.live_lines() if r.current.strip()]
    text = "\n".join(r.current for r in live)
    n_words = max(1, len(WORD_RE.findall(text)))
    counts, details, residue_spans = _artefact_counts(doc)
    ev: dict = {"words": n_words}
    kinds: Counter = Counter(counts)
    names: Counter = Counter()
    sig_hits: dict[str, list[str]] = {}
    if lang == "en":
        names.update(m.group(0) for m in _DIACRITIC_NAME.finditer(text))
        # distinct names, at most DIACRITIC_NAMES_CAP: good English journalism keeps "François"
        # and "Élysée" too, so many such names must not outweigh the artefacts themselves
        kinds["diacritic_names"] = min(len(names), DIACRITIC_NAMES_CAP)
        for lg, kind, rx, _src in signals():
            if lg != lang:
                continue
            for m in rx.finditer(text):
                sig_hits.setdefault(kind, []).append(m.group(0))
                kinds[kind] += 1
    # lines another stage dropped still tell where the page came from
    dropped = [r for r in doc.lines if r.action == "drop" and not r.reason.startswith("chrome:") and r.current.strip()]
    dropped_chrome = [r.current.strip() for r in dropped
                      if any(f.detail == "mt-literal" for f in chrome.detect(r.current))]
    assets = [f.evidence for r in dropped for f in residue_mod.detect(r.current, "xx") if f.detail == "asset-id"]
    kinds["dropped_chrome"] = len(dropped_chrome)
    kinds["asset_ids"] = len(assets)
    per_k = {k: round(v * 1000.0 / n_words, 2) for k, v in sorted(kinds.items()) if v}
    core = corroborating = 0.0
    for k, v in kinds.items():
        if k in counts:  # an artefact type: weigh detail by detail
            w = sum(DETAIL_WEIGHTS.get(d, WEIGHTS.get(k, 1.0)) * n for d, n in details.items() if d.split(":", 1)[0] == k)
        else:
            w = WEIGHTS.get(k, 1.0) * v
        if k in CORROBORATING:
            corroborating += w
        else:
            core += w
    weight_sum = core + min(corroborating, core)
    n_kinds = sum(1 for k, v in kinds.items() if v and k not in CORROBORATING and WEIGHTS.get(k, 1.0) > 0)
    if n_kinds:
        n_kinds += sum(1 for k, v in kinds.items() if v and k in CORROBORATING)
    weighted = weight_sum * 1000.0 / (n_words + PRIOR_WORDS)
    ev.update({
        "per_1000_words": per_k,
        "counts": {k: v for k, v in sorted(kinds.items()) if v},
        "details": dict(sorted(details.items())),
        "residue_spans": residue_spans,
        "diacritic_names": dict(names),
        "signals": sig_hits,
        "dropped_chrome": dropped_chrome,
        "asset_ids": assets,
        "weighted_rate": round(weighted, 3),
    })
    doc.mt_evidence = ev
    # independent lines of evidence: one kind of slip (a human typo, one echo) is worth half
    diversity = 1.0 - 0.5 ** n_kinds
    ev["kinds"] = n_kinds
    doc.mt_score = round((1.0 - math.exp(-weighted / SCALE)) * diversity, 4)
