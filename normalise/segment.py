"""Stage 7: sentence segmentation, per language.

``split_sentences(text, lang)`` runs pysbd (rule-based Golden Rules segmenter, per-language
abbreviation lists) and then joins sentences that pysbd ended after an abbreviation listed in
``normalise/data/segment/abbreviations.tsv`` (titles such as French ``col.`` / ``Gén.``, German
``Hrn.`` / ``Oberstlt.``, which pysbd 0.3.4 splits after). A sentence that starts in lower case
is also joined to the one before (a real sentence does not start that way in en/fr/de).

``segment_document(doc)`` turns each live line of a document (a paragraph after boilerplate and
repairs) into segments: a heading line is one segment with ``heading=True``; other lines are split
into sentences. ``seg_id`` is ``"<doc_id>:<n>"`` (n from 1 in document order); ``lines`` is the
line's own number plus every line merged into it (the ``absorbed`` field of its merge events).

Nothing is lost: if pysbd's output does not add up to the input text (ignoring whitespace), the
line falls back on a plain punctuation splitter rather than losing characters.

What it does not do: no splitting inside a sentence on ";" or ":"; languages pysbd does not
support use its English rules (generic Latin punctuation); lines are never joined across line
breaks (a sentence broken over two lines stays two segments unless an earlier stage merged them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .document import Document, Segment

__all__ = ["split_sentences", "segment_document", "abbreviations", "SegmentConfig"]

_WS = re.compile(r"\s+")
# A "sentence" that is only a list marker ("2.", "iv)", "(b)", "•"): it belongs to what follows.
_MARKER = re.compile(r"^(?:\(?(?:\d{1,3}|[ivxlc]{1,5}|[A-Za-z])[.)]|[-*\u2022\u2013\u2014\u25aa\u25cf])$")
# Fallback splitter: end punctuation (with closing quotes/brackets) then space then something
# that can start a sentence.
_FALLBACK = re.compile(r"(?<=[.!?\u2026])([\"'\u201d\u2019\u00bb)\]]*)\s+(?=[\"'\u201c\u2018\u00ab(\[]?[^\W\d_a-z]|\d)")


@dataclass
class SegmentConfig:
    """Options of sentence segmentation (kept for the pipeline's config; no options are needed yet).

    default_lang: language used for a line whose language (and its document's) is unknown.
    """

    default_lang: str = "en"


@lru_cache(maxsize=None)
def abbreviations() -> dict[str, dict[str, str]]:
    """``{lang: {abbreviation: kind}}`` from ``data/segment/abbreviations.tsv``."""
    text = resources.files("normalise.data").joinpath("segment/abbreviations.tsv").read_text("utf-8")
    table: dict[str, dict[str, str]] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 3 or cols[2] not in ("title", "any"):
            raise ValueError(f"abbreviations.tsv line {n}: expected lang<TAB>abbreviation<TAB>title|any: {line!r}")
        table.setdefault(cols[0], {})[cols[1]] = cols[2]
    return table


@lru_cache(maxsize=None)
def _segmenter(lang: str):
    import pysbd
    from pysbd.languages import LANGUAGE_CODES

    return pysbd.Segmenter(language=lang if lang in LANGUAGE_CODES else "en", clean=False)


def _squash(s: str) -> str:
    return _WS.sub("", s)


def _fallback_split(text: str) -> list[str]:
    parts, start = [], 0
    for m in _FALLBACK.finditer(text):
        end = m.end(1)
        parts.append(text[start:end])
        start = m.end()
    parts.append(text[start:])
    return parts


def _starts_lower_or_digit(s: str) -> bool:
    for ch in s:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return True
        if ch in "\"'\u201c\u2018\u00ab([":
            continue
        return False
    return False


def _starts_lower(s: str) -> bool:
    """First letter (after opening quotes/brackets) is lower case; a digit or anything else: no."""
    return _starts_lower_or_digit(s) and not s.lstrip("\"'\u201c\u2018\u00ab([")[:1].isdigit()


def _join_abbreviations(sents: list[str], lang: str) -> list[str]:
    table = abbreviations().get(lang, {})
    out: list[str] = []
    for s in sents:
        if out and _MARKER.match(out[-1]):
            out[-1] = out[-1] + " " + s
            continue
        if out:
            prev_last = out[-1].rsplit(None, 1)[-1] if out[-1].split() else ""
            kind = table.get(prev_last)
            if kind == "title" or (kind == "any" and _starts_lower_or_digit(s)) or _starts_lower(s):
                out[-1] = out[-1] + " " + s
                continue
        out.append(s)
    return out


def split_sentences(text: str, lang: str | None) -> list[str]:
    """Sentences of ``text`` (one paragraph) in ``lang``, stripped, none empty.

    Every non-space character of ``text`` is in exactly one sentence, in order.
    """
    if not text or not text.strip():
        return []
    lang = (lang or "en").lower().split("-")[0]
    try:
        raw = _segmenter(lang).segment(text)
    except Exception:  # pysbd raises on some odd inputs (regex edge cases); never lose the line
        raw = None
    if raw is None or _squash("".join(raw)) != _squash(text):
        raw = _fallback_split(text)
    sents = [s.strip() for s in raw if s.strip()]
    return _join_abbreviations(sents, lang)


def segment_document(doc: Document, cfg: SegmentConfig | None = None) -> list[Segment]:
    """Segments of ``doc``'s live lines, in order (see the module docstring)."""
    cfg = cfg or SegmentConfig()
    if not doc.ok:
        return []
    segs: list[Segment] = []
    for rec in doc.live_lines():
        text = rec.current.strip()
        if not text:
            continue
        lang = rec.lang or doc.lang or cfg.default_lang
        lines = [rec.line] + [e["absorbed"] for e in rec.events if e.get("action") == "merge" and "absorbed" in e]
        pieces = [text] if rec.heading else split_sentences(text, lang)
        for piece in pieces:
            segs.append(Segment(seg_id=f"{doc.doc_id}:{len(segs) + 1}", doc_id=doc.doc_id, lang=lang,
                                text=piece, lines=list(lines), heading=rec.heading))
    return segs
