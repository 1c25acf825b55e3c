"""Stages 1-2: bytes -> text, encoding repair, whitespace and the per-language quote policy.

``decode_bytes`` turns raw bytes into text and says how it decided:

* a byte-order mark wins (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
* otherwise strict UTF-8; a stream that is UTF-8 apart from a few stray single bytes (a cp1252
  byte pasted into a UTF-8 page) is decoded as UTF-8 with those bytes read as cp1252 and counted
  in ``notes``;
* otherwise cp1252 when it decodes (the usual legacy encoding of English, French and German news
  pages; charset-normalizer guesses cp1250/mac-roman on short Western text, so we only ask it
  when cp1252 cannot decode), then charset-normalizer's best guess, then latin-1 (never fails);
* UTF-16 without a BOM is recognised by its pattern of NUL bytes;
* input that is clearly binary (NUL bytes in a non-UTF-16 stream, a known binary file signature,
  or a high share of control bytes) raises :class:`BinaryInput` so ingest can quarantine it.

It never raises on bad bytes in text: undecodable bytes become U+FFFD and are counted in ``notes``.
Lone ``\\r`` line ends (old Mac files) are turned into ``\\n`` so lines can be numbered; ``\\r\\n``
is left as it is (the audit shows raw lines; :func:`repair_document` strips the ``\\r``).

``repair_document`` runs ftfy's ``fix_and_explain`` on every live line with
``uncurl_quotes=False`` (quotes are decided per language later) and ``fix_line_breaks=False``
(lines are already split), keeping ftfy's explanation in the event (``encoding:ftfy``). It then
normalises whitespace (``encoding:whitespace``): ``\\r`` stripped, NBSP / narrow NBSP / other
Unicode spaces and tabs become a plain space, zero-width space / word joiner / BOM / soft hyphen are
removed, control characters are removed, runs of spaces collapse, ends are trimmed.
ZWJ/ZWNJ are kept (they carry meaning in some scripts and emoji).

``apply_quote_policy`` (run after language id) makes quotes consistent per line language
(``typography:quotes``):

* English: straight ASCII quotes ``"`` and ``'``. We chose straight over curly because turning
  curly into straight is unambiguous, whereas the reverse needs a guess at which quote opens, and
  because MT tokenisers and downstream corpora mostly use ASCII quotes.
* French: guillemets ``« … »`` with a narrow no-break space (U+202F) inside. Paired ``"…"`` and
  ``“…”`` become guillemets; inside a line that already has guillemets, ``“ ”`` are nested quotes
  and are kept. Apostrophes are left as they are.
* German: ``„…“``. Paired ``"…"`` and English-style ``“…”`` become ``„…“``; ``»…«`` (also
  correct German) is left alone. Apostrophes are left as they are.
* Other languages: untouched.

Not done yet: quotes with an odd count of ``"`` on a line are left untouched (a quotation that spans
lines cannot be paired without the neighbouring line); single-quote nesting in French/German is not
converted; French spacing before ``; : ! ?`` is not changed.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

import ftfy

from normalise.document import Document

STAGE_ENCODING = "encoding"
STAGE_TYPOGRAPHY = "typography"


class BinaryInput(ValueError):
    """The input is not text (ingest quarantines it). ``reason`` is machine-readable."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Decoded:
    """Result of :func:`decode_bytes`: the text, the codec used, how sure we are (0..1), and notes
    such as ``bom:utf-16-le``, ``replaced:3`` or ``mixed-cp1252-bytes:2``."""

    text: str
    encoding: str
    confidence: float
    notes: list[str] = field(default_factory=list)


@dataclass
class EncodingConfig:
    """Options of decoding and repair.

    max_control_ratio: share of control bytes (other than tab, LF, CR, FF, VT, ESC) above which the
        input is treated as binary. Default 0.05.
    mixed_utf8_max_bad: in a stream that is not strict UTF-8, if the bad bytes are at most this share
        of the valid multi-byte UTF-8 sequences, read it as UTF-8 with stray cp1252 bytes. Default 0.25.
    ftfy: run ftfy's ``fix_and_explain`` on each line. Default True.
    normalise_whitespace: apply the whitespace policy. Default True.
    quote_languages: languages the quote policy rewrites (others untouched). Default en, fr, de.
    french_quote_space: the space put inside French guillemets. Default U+202F (narrow NBSP).
    """

    max_control_ratio: float = 0.05
    mixed_utf8_max_bad: float = 0.25
    ftfy: bool = True
    normalise_whitespace: bool = True
    quote_languages: tuple[str, ...] = ("en", "fr", "de")
    french_quote_space: str = "\u202f"


# --------------------------------------------------------------------------------------------
# decoding

# BOMs, longest first (the UTF-32 LE BOM starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# File signatures of common binary formats that get scraped by mistake (magic numbers from the
# formats' specifications).
_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\x7fELF", "elf"),
    (b"RIFF", "riff"),
    (b"\xd0\xcf\x11\xe0", "ole2"),
)

_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x1b")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _TEXT_CONTROLS) + b"\x7f"
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_LONE_CR = re.compile(r"\r(?!\n)")


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    """Codec error handler: read each undecodable byte as cp1252 (U+FFFD if undefined there)."""
    bad = err.object[err.start : err.end]
    out = []
    for b in bad:
        out.append("\ufffd" if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252"))
    return "".join(out), err.end


codecs.register_error("normalise-cp1252", _cp1252_fallback)


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when NULs sit on alternate bytes as in Latin text in UTF-16."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    n = len(even)
    even_nul, odd_nul = even.count(0) / n, odd.count(0) / n
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _finish(text: str, encoding: str, confidence: float, notes: list[str]) -> Decoded:
    replaced = text.count("\ufffd")
    if replaced:
        notes.append(f"replaced:{replaced}")
    if "\r" in text and _LONE_CR.search(text):
        n = len(_LONE_CR.findall(text))
        text = _LONE_CR.sub("\n", text)
        notes.append(f"newlines:cr-to-lf:{n}")
    return Decoded(text=text, encoding=encoding, confidence=round(confidence, 3), notes=notes)


def decode_bytes(data: bytes, cfg: EncodingConfig | None = None) -> Decoded:
    """Decode ``data`` (see the module docstring for the order of evidence).

    Raises :class:`BinaryInput` for input that is clearly not text; never raises on bad bytes in
    text."""
    cfg = cfg or EncodingConfig()
    notes: list[str] = []
    if not data:
        return Decoded("", "utf-8", 1.0, notes)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            notes.append(f"bom:{enc}")
            body = data[len(bom):]
            return _finish(body.decode(enc, errors="replace"), enc, 1.0, notes)
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise BinaryInput(f"binary:signature:{kind}")
    if b"\x00" in data:
        enc = _utf16_without_bom(data)
        if enc is None:
            raise BinaryInput("binary:nul-bytes")
        notes.append("utf-16-without-bom")
        return _finish(data.decode(enc, errors="replace"), enc, 0.8, notes)
    sample = data[:65536]
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    if controls / len(sample) > cfg.max_control_ratio:
        raise BinaryInput(f"binary:control-chars:{controls / len(sample):.2f}")
    try:
        text = data.decode("utf-8")
        return _finish(text, "utf-8", 1.0 if max(data) > 127 else 0.99, notes)
    except UnicodeDecodeError:
        pass
    multi = len(_UTF8_MULTI.findall(data))
    lossy = data.decode("utf-8", errors="replace")
    bad = lossy.count("\ufffd")
    if multi and bad <= cfg.mixed_utf8_max_bad * multi:
        notes.append(f"mixed-cp1252-bytes:{bad}")
        text = data.decode("utf-8", errors="normalise-cp1252")
        return _finish(text, "utf-8", max(0.5, 1.0 - bad / (multi + bad)), notes)
    if not any(b in _CP1252_UNDEFINED for b in data):
        # cp1252 is a superset of latin-1's printable range; C1 controls never occur in real text.
        return _finish(data.decode("cp1252"), "cp1252", 0.8, notes)
    try:  # charset-normalizer where cp1252 cannot decode (other legacy code pages)
        import charset_normalizer

        best = charset_normalizer.from_bytes(data[:200_000]).best()
    except Exception:  # pragma: no cover - the detector is an optional aid, never a failure
        best = None
    if best is not None and best.encoding:
        notes.append("charset-normalizer")
        return _finish(data.decode(best.encoding, errors="replace"), best.encoding,
                       max(0.1, 1.0 - float(best.chaos)), notes)
    return _finish(data.decode("latin-1"), "latin-1", 0.3, notes)


# --------------------------------------------------------------------------------------------
# line repair

_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, explain=True)

# Zero-width and invisible formatting characters removed outright. ZWJ/ZWNJ (U+200D/U+200C) are
# kept on purpose: they change rendering in Indic/Persian scripts and emoji sequences.
_INVISIBLE = "\u200b\u2060\ufeff\u00ad\u180e\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE_RE = re.compile("[" + _INVISIBLE + "]")
# Every Unicode space separator (Zs) other than the plain space, plus tab and the line/paragraph
# separators, become one plain space.
_SPACES = "".join(chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Zs" and c != 0x20)
_SPACE_RE = re.compile("[\t\u2028\u2029\u0085" + _SPACES + "]")
_CONTROL_RE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x84\x86-\x9f]")
_MULTISPACE = re.compile(" {2,}")


def normalise_whitespace(text: str) -> str:
    """The whitespace policy as a pure function (see the module docstring)."""
    text = text.replace("\r", "")
    text = _INVISIBLE_RE.sub("", text)
    text = _SPACE_RE.sub(" ", text)
    text = _CONTROL_RE.sub("", text)
    return _MULTISPACE.sub(" ", text).strip()


def fix_line(text: str) -> tuple[str, list[list[str]]]:
    """ftfy on one line: the fixed text and ftfy's explanation as ``[[action, parameter], ...]``."""
    res = ftfy.fix_and_explain(text, config=_FTFY_CONFIG)
    expl = [list(step) for step in (res.explanation or [])]
    return res.text, expl


def repair_document(doc: Document, cfg: EncodingConfig | None = None) -> None:
    """Repair every live line of ``doc`` in place (ftfy, then whitespace), one event per change."""
    cfg = cfg or EncodingConfig()
    for rec in doc.live_lines():
        text = rec.current
        # ftfy only changes ASCII text through HTML entities and terminal escapes: skip the rest.
        if cfg.ftfy and (not text.isascii() or "&" in text or "\x1b" in text):
            fixed, expl = fix_line(text)
            if expl:
                rec.repair(STAGE_ENCODING, "encoding:ftfy", fixed, explanation=expl)
        if cfg.normalise_whitespace:
            rec.repair(STAGE_ENCODING, "encoding:whitespace", normalise_whitespace(rec.current))


# --------------------------------------------------------------------------------------------
# quote policy

_EN_DOUBLE = re.compile("[\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033]")
_EN_SINGLE = re.compile("[\u2018\u2019\u201a\u201b\u2032]")
_CURLY_PAIR = re.compile("\u201c([^\u201c\u201d\"]*)\u201d")


def _pair_straight(text: str, open_q: str, close_q: str) -> str:
    """Replace paired ASCII double quotes by ``open_q``/``close_q``; odd counts are left alone."""
    if text.count('"') % 2:
        return text
    out, opening = [], True
    for part in re.split('(")', text):
        if part == '"':
            out.append(open_q if opening else close_q)
            opening = not opening
        else:
            out.append(part)
    return "".join(out)


def quote_english(text: str) -> str:
    text = re.sub("\u00ab[ \u00a0\u202f]*", '"', text)
    text = re.sub("[ \u00a0\u202f]*\u00bb", '"', text)
    return _EN_SINGLE.sub("'", _EN_DOUBLE.sub('"', text))


def quote_french(text: str, space: str = "\u202f") -> str:
    if "\u00ab" not in text:
        text = _CURLY_PAIR.sub("\u00ab\\1\u00bb", text)
    text = _pair_straight(text, "\u00ab", "\u00bb")
    # exactly one narrow no-break space inside each guillemet, between it and the quoted text: none
    # at the edges of the line (a lone "»" or a "«" that ends a line cut by the scraper)
    text = re.sub("\u00ab[ \u00a0\u202f]*(?=\\S)", "\u00ab" + space, text)
    text = re.sub("\u00ab[ \u00a0\u202f]+$", "\u00ab", text)
    text = re.sub("(?<=\\S)[ \u00a0\u202f]*\u00bb", space + "\u00bb", text)
    text = re.sub("^[ \u00a0\u202f]+\u00bb", "\u00bb", text)
    return text


def quote_german(text: str) -> str:
    if "\u201e" not in text:
        text = _CURLY_PAIR.sub("\u201e\\1\u201c", text)
    return _pair_straight(text, "\u201e", "\u201c")


def apply_quote_policy(doc: Document, cfg: EncodingConfig | None = None) -> None:
    """Make quotes consistent per line language (``record.lang`` or ``doc.lang``)."""
    cfg = cfg or EncodingConfig()
    for rec in doc.live_lines():
        lang = rec.lang or doc.lang
        if lang not in cfg.quote_languages:
            continue
        text = rec.current
        if lang == "en":
            new = quote_english(text)
        elif lang == "fr":
            new = quote_french(text, cfg.french_quote_space)
        elif lang == "de":
            new = quote_german(text)
        else:
            continue
        rec.repair(STAGE_TYPOGRAPHY, "typography:quotes", new, lang=lang)
