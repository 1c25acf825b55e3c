"""Stage 5: detect and repair machine-translation artefacts (issue 4).

Public API (ARCHITECTURE.md):

* :class:`ArtefactConfig`; :func:`repair_document` (repairs through ``LineRecord.repair`` /
  ``merge_into``, flags the rest with an audit event, drops literal chrome translations with
  ``chrome:mt-literal``);
* :func:`score_document` (``doc.mt_score`` in [0, 1] and ``doc.mt_evidence``);
* :func:`check_output` (flags only, for one MT output segment);
* :func:`normalise_punctuation` (English spacing / French typography policy for output text).

One module per artefact type: :mod:`.split` (cross-line: split segments, echoed lines, orphan
lines), :mod:`.echo`, :mod:`.orphan`, :mod:`.typography`, :mod:`.grammar`, :mod:`.residue`,
:mod:`.chrome`; :mod:`.score` for the document score. Tables live in ``normalise/data/artefacts``.
Every repair passes the content-word guard (:func:`.base.content_words_safe`): if a repair would
lose a content word that was not the second copy of an echo, it is flagged instead.

Not done yet: the detectors know English, French and (for residue) German only; a document whose
language is unknown is treated as English.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..document import Document, LineRecord
from . import chrome, echo, grammar, orphan, residue, split, typography
from .base import Finding, apply_findings, content_words_safe
from .score import score_document
from .typography import normalise_punctuation

__all__ = ["ArtefactConfig", "repair_document", "score_document", "check_output", "check_findings",
           "normalise_punctuation", "Finding"]

STAGE = "artefacts"
INLINE = {"echo": echo, "orphan": orphan, "typography": typography, "grammar": grammar, "residue": residue}


@dataclass
class ArtefactConfig:
    """Options of the artefact stage.

    * ``detectors``: in-line detectors run on each live line, in this order (default: all of
      echo, orphan, typography, grammar, residue). Remove one to switch it off.
    * ``cross_line``: look for split segments, echoed lines and orphan lines across lines (True).
    * ``repair``: apply safe repairs (True). False: flag everything, change nothing.
    * ``drop_chrome``: drop chrome lines with ``chrome:mt-literal`` / ``chrome:generic`` (True);
      False only flags them.
    * ``max_dropped_between``: split pieces are joined across dropped lines (the empty lines
      between fragments, a stripped link), but not across more than this many dropped lines with
      text (2).
    * ``residue_min_markers``: foreign-language marks needed in a span before lingua is asked (2).
    * ``fr_force_narrow_space``: in French lines also turn an ordinary space before ``; : ! ?``
      into U+202F (False: only a *missing* space is an artefact; the full policy is applied to
      output text by :func:`normalise_punctuation`).
    """

    detectors: tuple[str, ...] = ("echo", "orphan", "typography", "grammar", "residue")
    cross_line: bool = True
    max_dropped_between: int = 2
    repair: bool = True
    drop_chrome: bool = True
    residue_min_markers: int = 2
    fr_force_narrow_space: bool = False

    def __post_init__(self) -> None:
        self.detectors = tuple(self.detectors)
        unknown = [d for d in self.detectors if d not in INLINE]
        if unknown:
            raise ValueError(f"unknown artefact detector(s) {unknown}; known: {sorted(INLINE)}")


def _lang(rec: LineRecord, doc: Document) -> str:
    return (rec.lang or doc.lang or "en").split("-")[0]


def _flag(rec: LineRecord, f: Finding) -> None:
    """Flag the line and record the evidence once (a second run adds nothing)."""
    rec.flag(f.flag)
    ev = {"stage": STAGE, "reason": f.flag, "action": "flag", "evidence": f.as_evidence()}
    if ev not in rec.events:
        rec.events.append(ev)


def _detect(name: str, text: str, lang: str, cfg: ArtefactConfig) -> list[Finding]:
    if name == "residue":
        return residue.detect(text, lang, cfg, min_markers=cfg.residue_min_markers)
    found = INLINE[name].detect(text, lang, cfg)
    if name == "typography" and lang == "fr" and cfg.fr_force_narrow_space:
        fixed = typography.normalise_punctuation(text, "fr")
        if fixed != text and not any(f.replacement is not None for f in found):
            found.append(Finding("typography", "fr-policy", 0, len(text), evidence=text, replacement=fixed))
    return found


def repair_line(text: str, lang: str, cfg: ArtefactConfig | None = None) -> tuple[str, list[tuple[str, list[Finding]]], list[Finding]]:
    """Run the in-line detectors on one text. Returns the repaired text, the repairs applied per
    type ``[(type, findings)]`` in order, and the findings left as flags. Pure: no record."""
    cfg = cfg or ArtefactConfig()
    repairs: list[tuple[str, list[Finding]]] = []
    flags: list[Finding] = []
    cur = text
    for name in cfg.detectors:
        found = _detect(name, cur, lang, cfg)
        fixable = [f for f in found if f.replacement is not None] if cfg.repair else []
        flags.extend(f for f in found if f.replacement is None or not cfg.repair)
        if not fixable:
            continue
        new, applied = apply_findings(cur, fixable)
        echoed = [cur[f.start : f.end] for f in applied if f.removes_echo]
        if new != cur and content_words_safe(cur, new, echoed):
            repairs.append((name, applied))
            cur = new
        else:
            flags.extend(applied)
    return cur, repairs, flags


def _chrome_pass(doc: Document, cfg: ArtefactConfig, vocabulary: bool) -> None:
    for rec in list(doc.live_lines()):
        if not rec.current.strip() or any(fl.startswith("chrome:") for fl in rec.flags):
            continue
        found = chrome.detect(rec.current, _lang(rec, doc), vocabulary=vocabulary)
        if vocabulary:
            found = [f for f in found if f.extra.get("source") == "web vocabulary"]
        for f in found:
            if cfg.drop_chrome:
                rec.drop(STAGE, f.flag, evidence=f.as_evidence())
            else:
                _flag(rec, f)


def repair_document(doc: Document, cfg: ArtefactConfig | None = None) -> None:
    """Detect and repair MT artefacts on the live lines of ``doc`` (see module doc). Idempotent:
    a second run finds nothing more to repair."""
    cfg = cfg or ArtefactConfig()
    if not doc.ok:
        return
    # 1. chrome by the pattern table (literal translations and generic chrome)
    _chrome_pass(doc, cfg, vocabulary=False)
    # 2. split segments, echoed lines and orphan lines, across dropped lines
    if cfg.cross_line:
        live, barriers, dropped = [], [], 0
        for r in doc.lines:
            if r.alive and r.current.strip():
                live.append(r)
                barriers.append(dropped > cfg.max_dropped_between)
                dropped = 0
            elif r.action == "drop" and r.text.strip():
                dropped += 1
        plans, unsure = split.plan([r.current for r in live], [r.heading for r in live],
                                   (doc.lang or "en").split("-")[0], barriers)
        for p in plans:
            head = live[p.head]
            before_all = head.current
            texts = [before_all] + [live[s.index].current for s in p.steps]
            echoed = [live[s.index].current for s in p.steps if s.role == "echo"]
            final = p.steps[-1].joined
            if not cfg.repair or not content_words_safe("\n".join(texts), final, echoed):
                for s in p.steps:
                    _flag(live[s.index], Finding(s.role, "unsafe-join" if cfg.repair else "join", 0, 0,
                                                 evidence=live[s.index].current, extra=s.evidence))
                continue
            for s in p.steps:
                live[s.index].merge_into(head, STAGE, f"mt:{s.role}", s.joined, evidence=s.evidence)
        for idx, detail in unsure:
            _flag(live[idx], Finding("orphan", detail, 0, len(live[idx].current), evidence=live[idx].current))
    # 3. short lines made only of web-interface words, now that split pieces are rejoined
    _chrome_pass(doc, cfg, vocabulary=True)
    # 4. in-line detectors
    for rec in doc.live_lines():
        if not rec.current.strip():
            continue
        new, repairs, flags = repair_line(rec.current, _lang(rec, doc), cfg)
        for name, applied in repairs:
            before = rec.current
            # replay type by type so each repair has its own before/after in the audit
            after, _ = apply_findings(before, applied)
            rec.repair(STAGE, f"mt:{name}", after, evidence=[f.as_evidence() for f in applied])
        for f in flags:
            _flag(rec, f)


def check_findings(text: str, lang: str) -> list[Finding]:
    """Every finding of every detector on one segment (nothing repaired)."""
    cfg = ArtefactConfig(repair=False)
    out = list(chrome.detect(text, lang))
    for name in cfg.detectors:
        out.extend(_detect(name, text, lang, cfg))
    return out


def check_output(text: str, lang: str) -> list[str]:
    """Flags (``mt:<type>``, ``chrome:mt-literal``, ``chrome:generic``) for one MT output segment;
    sorted, unique."""
    return sorted({f.flag for f in check_findings(text, lang)})
