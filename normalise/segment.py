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

pysbd's modules get a ``re`` with a larger compile cache (``pysbd_regex_cache``): pysbd builds a
pattern per abbreviation and rule, more than CPython caches, and recompiled them on every
paragraph; same sentences, 1.13x faster on text not seen before (``bench/segment_speed.py``).

Nothing is lost: if pysbd's output does not add up to the input text (ignoring whitespace), the
line falls back on a plain punctuation splitter rather than losing characters.

What it does not do: no splitting inside a sentence on ";" or ":"; languages pysbd does not
support use its English rules (generic Latin punctuation); lines are never joined across line
breaks (a sentence broken over two lines stays two segments unless an earlier stage merged them).
"""

from __future__ import annotations

import re
import sys
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


class _CompileCachedRe:
    """Stands in for the ``re`` module inside pysbd's modules, with a larger compile cache.

    pysbd builds a fresh pattern string per abbreviation it meets (``(?<=\\s{abbr})\\.(?=...)``)
    and per rule, and hands it to ``re.sub``/``re.findall``; across three languages' abbreviation
    lists that is more distinct patterns than CPython's own cache holds (512), so that cache
    thrashed and they were compiled again on every paragraph. Here compiled patterns of up to
    ``max_chars`` characters are kept in an LRU of ``maxsize``; longer ones (pysbd also escapes
    each whole sentence into a one-off pattern) go to ``re`` as before, so they neither fill the
    cache nor hold memory. Same functions, same results. Written here because pysbd has no hook."""

    def __init__(self, maxsize: int = 4096, max_chars: int = 200) -> None:
        self._cached = lru_cache(maxsize=maxsize)(re.compile)
        self.max_chars = max_chars

    def __getattr__(self, name: str):  # escape, IGNORECASE, error, ...: the real module's
        return getattr(re, name)

    def _compile(self, pattern, flags=0):
        if isinstance(pattern, (str, bytes)) and len(pattern) > self.max_chars:
            return re.compile(pattern, flags)
        return self._cached(pattern, flags)

    def cache_clear(self) -> None:
        self._cached.cache_clear()

    def compile(self, pattern, flags=0):
        return self._compile(pattern, flags)

    def sub(self, pattern, repl, string, count=0, flags=0):
        return self._compile(pattern, flags).sub(repl, string, count)

    def subn(self, pattern, repl, string, count=0, flags=0):
        return self._compile(pattern, flags).subn(repl, string, count)

    def search(self, pattern, string, flags=0):
        return self._compile(pattern, flags).search(string)

    def match(self, pattern, string, flags=0):
        return self._compile(pattern, flags).match(string)

    def fullmatch(self, pattern, string, flags=0):
        return self._compile(pattern, flags).fullmatch(string)

    def findall(self, pattern, string, flags=0):
        return self._compile(pattern, flags).findall(string)

    def finditer(self, pattern, string, flags=0):
        return self._compile(pattern, flags).finditer(string)

    def split(self, pattern, string, maxsplit=0, flags=0):
        return self._compile(pattern, flags).split(string, maxsplit)


_PYSBD_RE = _CompileCachedRe()
_PYSBD_CACHE_ON = True


def pysbd_regex_cache(enabled: bool | None = None) -> int:
    """Point every loaded pysbd module's ``re`` at :data:`_PYSBD_RE` (``enabled=False``: back at
    the real module, for ``bench/segment_speed.py``'s baseline; ``None``: as last set, on by
    default). The setting holds for segmenters built later too. Returns how many modules moved."""
    global _PYSBD_CACHE_ON
    if enabled is not None:
        _PYSBD_CACHE_ON = enabled
    old, new = (re, _PYSBD_RE) if _PYSBD_CACHE_ON else (_PYSBD_RE, re)
    n = 0
    for name, mod in list(sys.modules.items()):
        if (name == "pysbd" or name.startswith("pysbd.")) and getattr(mod, "re", None) is old:
            mod.re = new
            n += 1
    return n


@lru_cache(maxsize=None)
def _segmenter(lang: str):
    import pysbd
    from pysbd.languages import LANGUAGE_CODES

    seg = pysbd.Segmenter(language=lang if lang in LANGUAGE_CODES else "en", clean=False)
    pysbd_regex_cache()  # pysbd imports all its modules with the package
    return seg


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


# French/Italian elision before an abbreviation: "l'art.", "d'env.", "qu'..."
_ELISION = re.compile(r"^[^\W\d_]{1,2}['\u2019]", re.UNICODE)
_OPENERS = "\"'\u201c\u2018\u00ab(["


def _last_token(s: str) -> str:
    parts = s.split()
    if not parts:
        return ""
    return _ELISION.sub("", parts[-1].lstrip(_OPENERS))


def _spans(text: str, pieces: list[str]) -> list[tuple[int, int]] | None:
    """(start, end) of each stripped piece in ``text``, in order; None if one cannot be found."""
    spans, cur = [], 0
    for p in pieces:
        p = p.strip()
        if not p:
            continue
        i = text.find(p, cur)
        if i < 0:
            return None
        spans.append((i, i + len(p)))
        cur = i + len(p)
    return spans


def _join(text: str, spans: list[tuple[int, int]], lang: str) -> list[str]:
    """Join spans that are not real sentence boundaries; return the sentence texts."""
    table = abbreviations().get(lang, {})
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out:
            pa, pb = out[-1]
            prev, cur = text[pa:pb], text[a:b]
            kind = table.get(_last_token(prev))
            if (pb == a                              # no space in the text: "É.-U.", "3.5"
                    or _MARKER.match(prev)           # "2." then the list item
                    or kind == "title"
                    or (kind == "any" and _starts_lower_or_digit(cur))
                    or _starts_lower(cur)):
                out[-1] = (pa, b)
                continue
        out.append((a, b))
    return [text[a:b] for a, b in out]


def split_sentences(text: str, lang: str | None) -> list[str]:
    """Sentences of ``text`` (one paragraph) in ``lang``, stripped, none empty.

    Every non-space character of ``text`` is in exactly one sentence, in order, and each sentence
    is an exact substring of ``text`` (inner whitespace kept as it was).
    """
    if not text or not text.strip():
        return []
    lang = (lang or "en").lower().split("-")[0]
    try:
        raw = _segmenter(lang).segment(text)
    except Exception:  # pysbd raises on some odd inputs (regex edge cases); never lose the line
        raw = None
    spans = None
    if raw is not None and _squash("".join(raw)) == _squash(text):
        spans = _spans(text, raw)
    if spans is None:
        spans = _spans(text, _fallback_split(text))
    assert spans is not None  # the fallback's pieces are slices of text
    return _join(text, spans, lang)


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
