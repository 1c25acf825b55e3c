"""Protecting terms through machine translation: mask before, restore the target form after.

Placeholder choice: ``XTERM0X``, ``XTERM1X``... (configurable through :class:`ProtectConfig`).
Why this shape:

* OPUS-MT (MarianMT) models use a sentencepiece vocabulary. An all-capital Latin token with a digit
  inside is segmented into short pieces (``▁X`` ``TERM`` ``0`` ``X`` or single letters) that the
  model has learned to copy from source to target, as it copies product codes, acronyms and
  reference numbers. It is not a word of either language, so the model has nothing to translate
  it into, and its capitals and digit survive casing and detokenisation.
* Brackets, underscores and XML-like tags (``<t0>``, ``__T0__``, ``{0}``) are unreliable: they are
  rare in the training data of these models, often dropped, split or "corrected".
* Each placeholder is one word with no spaces, so a model that moves words around moves it as a
  whole; the number says which slot it was even when the order changes.

:func:`restore` accepts the placeholder with spaces inserted or its case changed (``xterm 0 x``),
writes the target-language form of each slot (the variant's ``to`` / ``to_plural``, else the
target canonical form), fixes French elision before a vowel-initial form (``le XTERM0X`` ->
``l'ONU``) and capitalises a form placed at the start of a sentence. A slot the model dropped is
re-inserted at the same relative position (snapped to a word boundary) and flagged
``term:placeholder-dropped`` on ``protected.flags``; placeholders the model invented are removed
and flagged ``term:placeholder-unknown``.

A source language without termbase forms (German, for DE->EN/FR) is searched with the forms of
``ProtectConfig.foreign_lang`` (English), and only names and acronyms are masked there.

Not done yet: the French elision fix only handles le/la/de/que before a vowel; no gender
agreement of articles around a restored form (``la XTERM0X`` -> ``la ECOWAS`` is left alone); no
German forms in the termbase (German common nouns such as Dschihadisten are left to the model).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .match import find_terms, fold
from .termbase import LANGS, Termbase


def _is_acronym(surface: str) -> bool:
    return " " not in surface and sum(c.isupper() for c in surface) >= 2


@dataclass
class ProtectConfig:
    """Placeholder shape: ``prefix + number + suffix``. The defaults give ``XTERM0X``."""

    prefix: str = "XTERM"
    suffix: str = "X"
    protect_all: bool = False  # also mask entries whose ``protect`` is false (common nouns)
    # For a source language the termbase has no forms for (German): look for the forms of this
    # language, and mask only names and acronyms (written alike across these languages).
    foreign_lang: str = "en"


@dataclass
class Slot:
    index: int
    term_id: str
    surface: str
    start: int
    end: int
    form: str
    plural: bool = False
    lang: str = ""  # language whose forms matched (the source language, or foreign_lang)
    canonical: str = ""  # the surface in its canonical spelling (that language's policy)


@dataclass
class Protected:
    """A masked text and what each placeholder stands for."""

    masked: str
    slots: list[Slot]
    src_lang: str
    text: str = ""
    placeholder: str = "XTERM{}X"
    flags: list[str] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)

    def token(self, i: int) -> str:
        return self.placeholder.format(i)

    def to_dict(self) -> dict[str, Any]:
        return {"masked": self.masked, "src_lang": self.src_lang,
                "slots": [s.__dict__ for s in self.slots], "flags": list(self.flags)}


def protect(text: str, src_lang: str, tb: Termbase, cfg: ProtectConfig | None = None) -> Protected:
    """Replace each protected term in ``text`` by a numbered placeholder."""
    cfg = cfg or ProtectConfig()
    prefix = cfg.prefix
    # A text that already contains something shaped like our placeholders (a code, or an earlier
    # masking) gets another prefix, so restore() can never confuse the two.
    while re.search(rf"{re.escape(prefix)}\s*\d+\s*{re.escape(cfg.suffix)}", text, re.IGNORECASE):
        prefix = prefix + "Q"
    slots: list[Slot] = []
    pieces: list[str] = []
    pos = 0
    foreign = src_lang not in LANGS
    match_lang = cfg.foreign_lang if foreign else src_lang
    for occ in find_terms(text, match_lang, tb):
        entry = tb[occ.term_id]
        if not (entry.protect or cfg.protect_all):
            continue
        if foreign and not (entry.do_not_translate or _is_acronym(occ.surface)):
            continue
        i = len(slots)
        slots.append(Slot(index=i, term_id=occ.term_id, surface=occ.surface, start=occ.start, end=occ.end,
                          form=occ.form, plural=occ.plural, lang=match_lang, canonical=occ.canonical))
        pieces.append(text[pos:occ.start])
        pieces.append(f"{prefix}{i}{cfg.suffix}")
        pos = occ.end
    pieces.append(text[pos:])
    return Protected(masked="".join(pieces), slots=slots, src_lang=src_lang, text=text,
                     placeholder=prefix + "{}" + cfg.suffix)


def target_form(slot: Slot, src_lang: str, tgt_lang: str, tb: Termbase) -> str:
    """The form to write in ``tgt_lang`` for a slot (see the module docstring)."""
    entry = tb.entries.get(slot.term_id)
    if entry is None or tgt_lang not in entry.forms:
        return slot.surface
    form_lang = slot.lang or src_lang
    if tgt_lang == form_lang:
        return slot.canonical or slot.surface
    variant = next((v for v in entry.forms[form_lang].variants if v.form == slot.form), None) \
        if form_lang in entry.forms else None
    if variant is not None:
        if slot.plural and variant.to_plural:
            return variant.to_plural
        if variant.to:
            return variant.to
    return entry.forms[tgt_lang].canonical


_VOWEL_START = re.compile(r"[aeiouyAEIOUY]")
# French words elided before a vowel: (full form, elided form). From French orthography rules.
_FR_ELISION = {"le": "l'", "la": "l'", "de": "d'", "que": "qu'", "Le": "L'", "La": "L'", "De": "D'", "Que": "Qu'"}
_SENT_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)$")


def _placeholder_regex(p: Protected) -> re.Pattern[str]:
    prefix, suffix = p.placeholder.split("{}")
    spaced = lambda s: r"\s*".join(re.escape(c) for c in s)  # noqa: E731
    return re.compile(rf"(?<!\w){spaced(prefix)}\s*(\d+)\s*{spaced(suffix)}(?!\w)", re.IGNORECASE)


def restore(text: str, protected: Protected, tgt_lang: str, tb: Termbase) -> str:
    """Put the target-language form of each slot back in place of its placeholder.

    Records problems on ``protected.flags`` / ``protected.dropped`` (see module docstring)."""
    by_index = {s.index: s for s in protected.slots}
    rx = _placeholder_regex(protected)
    present = {int(m.group(1)) for m in rx.finditer(text)}
    missing = [s for s in protected.slots if s.index not in present]
    if missing:
        # Put the dropped placeholders back first (on word boundaries of the model output), so
        # that the re-insertion can never split a restored multi-word form.
        protected.dropped.extend(s.index for s in missing)
        if "term:placeholder-dropped" not in protected.flags:
            protected.flags.append("term:placeholder-dropped")
        src_len = max(1, len(protected.text))
        for s in sorted(missing, key=lambda s: s.start, reverse=True):
            text = _insert_at_ratio(text, protected.token(s.index), s.start / src_len)
    out: list[str] = []
    pos = 0
    for m in rx.finditer(text):
        idx = int(m.group(1))
        before = text[pos:m.start()]
        slot = by_index.get(idx)
        pos = m.end()
        if slot is None:
            if "term:placeholder-unknown" not in protected.flags:
                protected.flags.append("term:placeholder-unknown")
            if before.endswith(" ") and (pos >= len(text) or text[pos] in " .,;:!?"):
                before = before[:-1]
            out.append(before)
            continue
        form = target_form(slot, protected.src_lang, tgt_lang, tb)
        if tgt_lang == "fr" and _VOWEL_START.match(fold(form)):
            wm = re.search(r"(?<!\w)(\w+)\s+$", before)
            if wm and wm.group(1) in _FR_ELISION:
                before = before[:wm.start()] + _FR_ELISION[wm.group(1)]
        if form[:1].islower() and _SENT_START.search("".join(out) + before):
            form = form[0].upper() + form[1:]
        out.append(before)
        out.append(form)
    out.append(text[pos:])
    return "".join(out)


_FINAL_PUNCT = re.compile(r"[.!?…\"'”»)\]]*\s*$")


def _insert_at_ratio(text: str, token: str, ratio: float) -> str:
    """Insert ``token`` at the word boundary nearest to ``ratio`` of ``text`` (never after the
    sentence-final punctuation)."""
    if not text.strip():
        return token
    body_end = _FINAL_PUNCT.search(text).start()
    at = ratio * body_end
    cands = [0] + [i for i, c in enumerate(text[:body_end]) if c == " "] + [body_end]
    best = min(cands, key=lambda i: abs(i - at))
    if best == 0:
        return token + " " + text
    if best == body_end:
        return text[:body_end] + " " + token + text[body_end:]
    return text[:best] + " " + token + text[best:]
