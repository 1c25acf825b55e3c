"""Canonicalisation of term spellings in a document's live lines (stage 6).

For every live line, the terms of the line's language (``record.lang``, else ``doc.lang``) are
found and each surface is rewritten to what the entry's per-language policy says
(:func:`normalise.terms.match.canonical_surface`): accents restored (``Maiga`` -> ``Maïga`` in both
languages, ``Francois`` -> ``François``), acronym case fixed where the entry asks for it
(``Minusma`` -> ``MINUSMA`` in English only), and forms of the other language left by MT rewritten
(``CEDEAO`` in English -> ``ECOWAS``). Every change goes through
``LineRecord.repair(stage="terms", reason="term:canonical", changes=[...])`` so the audit shows each
term, its offsets in the line before the change, and the old and new surface.

Found terms are also recorded on the document: ``doc.metadata["terms"]`` gets one dict per
occurrence (line number, term id, offsets in the line *after* canonicalisation).

Not done yet: expanding an acronym at first mention (the issue mentions it where the source
expands it; we only keep what the source wrote); lines in languages other than en/fr are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..document import Document
from .match import find_terms
from .termbase import Termbase

STAGE = "terms"
REASON = "term:canonical"


@dataclass
class CanonicalConfig:
    """Options of :func:`canonicalise_document`.

    record_occurrences: store found terms in ``doc.metadata["terms"]`` (default True).
    fallback_lang: language used for lines whose ``record.lang`` and ``doc.lang`` are both unset
        (default None: such lines are skipped rather than guessed).
    """

    record_occurrences: bool = True
    fallback_lang: str | None = None


def canonicalise_text(text: str, lang: str, tb: Termbase) -> tuple[str, list[dict[str, Any]]]:
    """``text`` with every term rewritten to its canonical spelling, and the list of changes."""
    changes: list[dict[str, Any]] = []
    pieces: list[str] = []
    pos = 0
    for occ in find_terms(text, lang, tb):
        if occ.canonical != occ.surface:
            changes.append({"term_id": occ.term_id, "start": occ.start, "end": occ.end,
                            "before": occ.surface, "after": occ.canonical})
            pieces.append(text[pos:occ.start])
            pieces.append(occ.canonical)
            pos = occ.end
    if not changes:
        return text, []
    pieces.append(text[pos:])
    return "".join(pieces), changes


def canonicalise_document(doc: Document, tb: Termbase, cfg: CanonicalConfig | None = None) -> None:
    """Canonicalise term spellings on the live lines of ``doc`` (in place, audited)."""
    cfg = cfg or CanonicalConfig()
    found: list[dict[str, Any]] = []
    for rec in doc.live_lines():
        lang = rec.lang or doc.lang or cfg.fallback_lang
        if lang not in ("en", "fr") or not rec.current.strip():
            continue
        new_text, changes = canonicalise_text(rec.current, lang, tb)
        if changes:
            rec.repair(stage=STAGE, reason=REASON, new_text=new_text, changes=changes,
                       termbase=tb.version)
        if cfg.record_occurrences:
            for occ in find_terms(rec.current, lang, tb):
                found.append({"line": rec.line, "term_id": occ.term_id, "start": occ.start, "end": occ.end,
                              "surface": occ.surface, "lang": lang})
    if cfg.record_occurrences:
        doc.metadata["terms"] = found
