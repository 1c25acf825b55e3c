"""Tests for normalise/encoding.py: decoding, repair, whitespace and the quote policy."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalise.document import Document
from normalise.encoding import (
    BinaryInput,
    EncodingConfig,
    apply_quote_policy,
    decode_bytes,
    normalise_whitespace,
    quote_english,
    quote_french,
    quote_german,
    repair_document,
)

TEXT = "Le café « crème » coûte 3 € à Zürich — naïve façade"

# (bytes, expected text, expected encoding, a note that must be present or None)
DECODE_CASES = [
    (TEXT.encode("utf-8"), TEXT, "utf-8", None),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), TEXT, "utf-8", "bom:utf-8"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), TEXT, "utf-16-le", "bom:utf-16-le"),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT, "utf-16-be", "bom:utf-16-be"),
    (TEXT.encode("utf-16"), TEXT, "utf-16-le", "bom:utf-16-le"),  # Python writes a LE BOM
    (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), TEXT, "utf-32-le", "bom:utf-32-le"),
    (TEXT.encode("cp1252"), TEXT, "cp1252", None),
    ("Il a dit “oui” – déjà".encode("cp1252"), "Il a dit “oui” – déjà", "cp1252", None),
    ("Grüße aus Köln, schöne Straße".encode("latin-1"), "Grüße aus Köln, schöne Straße", "cp1252", None),
    ("Bonjour à tous".encode("utf-16-le"), "Bonjour à tous", "utf-16-le", "utf-16-without-bom"),
    (b"plain ascii", "plain ascii", "utf-8", None),
    (b"", "", "utf-8", None),
    (b"old\rmac\rfile", "old\nmac\nfile", "utf-8", "newlines:cr-to-lf:2"),
]


@pytest.mark.parametrize("data,text,encoding,note", DECODE_CASES)
def test_decode(data, text, encoding, note):
    d = decode_bytes(data)
    assert d.text == text
    assert d.encoding == encoding
    assert 0.0 <= d.confidence <= 1.0
    if note:
        assert note in d.notes


def test_decode_mostly_utf8_with_stray_cp1252_byte():
    data = ("Déjà vu, très bien, à côté, élève " * 3).encode("utf-8") + b"caf\xe9"
    d = decode_bytes(data)
    assert d.encoding == "utf-8"
    assert d.text.endswith("café")
    assert any(n.startswith("mixed-cp1252-bytes:1") for n in d.notes)


def test_decode_counts_replacements_never_raises():
    # bytes undefined in cp1252 and invalid in UTF-8: decoded with a fallback, never an exception
    d = decode_bytes(b"abc \x81\x8d\x8f\x90\x9d def")
    assert isinstance(d.text, str) and "abc" in d.text


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary:signature:pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary:signature:png"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "binary:signature:gzip"),
        (b"hello\x00\x00\x00world\x00\x07\x00\x00\x01\x02", "binary:nul-bytes"),
        (bytes(range(1, 32)) * 20 + b"some text", "binary:control-chars"),
    ],
)
def test_binary_input_raises(data, reason):
    with pytest.raises(BinaryInput) as e:
        decode_bytes(data)
    assert e.value.reason.startswith(reason)


def test_text_with_a_few_control_chars_is_not_binary():
    data = ("A normal news paragraph with a stray form feed.\x0c " * 20 + "\x07").encode()
    assert decode_bytes(data).text.startswith("A normal")


@given(st.binary(max_size=2000))
@settings(max_examples=200, deadline=None)
def test_decode_never_crashes_on_arbitrary_bytes(data):
    try:
        d = decode_bytes(data)
    except BinaryInput as e:
        assert e.reason.startswith("binary:")
    else:
        assert isinstance(d.text, str)


# ---------------------------------------------------------------------------------------------
# repair

REPAIR_CASES = [
    # (input line, expected output, reasons in order)
    ("CafÃ© crÃ¨me", "Café crème", ["encoding:ftfy"]),
    ("Mali\u2019s junta â€œdeniesâ€\x9d it", "Mali\u2019s junta \u201cdenies\u201d it", ["encoding:ftfy"]),
    ("Fish &amp; chips", "Fish & chips", ["encoding:ftfy"]),
    ("a\u00a0b\u202fc\u2009d", "a b c d", ["encoding:whitespace"]),
    ("zero\u200bwidth\ufeff and soft\u00adhyphen", "zerowidth and softhyphen", ["encoding:ftfy", "encoding:whitespace"]),
    ("zero\u200bwidth space", "zerowidth space", ["encoding:whitespace"]),
    ("  padded\t\ttabs  ", "padded tabs", ["encoding:whitespace"]),
    ("carriage return\r", "carriage return", ["encoding:whitespace"]),
    ("bell\x07 char", "bell char", ["encoding:whitespace"]),
]


@pytest.mark.parametrize("line,expected,reasons", REPAIR_CASES)
def test_repair_line(line, expected, reasons):
    doc = Document.from_text("d", line + "\n")
    repair_document(doc, EncodingConfig())
    rec = doc.lines[0]
    assert rec.current == expected
    assert [e["reason"] for e in rec.events] == reasons
    assert rec.text == line  # the raw line never changes


@pytest.mark.parametrize(
    "line",
    ["Plain English sentence, untouched.", "Déjà vu à Zürich — « guillemets »", "“curly” stays curly here", ""],
)
def test_repair_leaves_clean_lines_alone(line):
    doc = Document.from_text("d", line + "\nnext\n")
    repair_document(doc)
    assert doc.lines[0].events == []
    assert doc.lines[0].action == "keep"


def test_ftfy_explanation_kept_in_event():
    doc = Document.from_text("d", "CafÃ©\n")
    repair_document(doc)
    ev = doc.lines[0].events[0]
    assert ev["reason"] == "encoding:ftfy" and ev["before"] == "CafÃ©" and ev["after"] == "Café"
    assert ["decode", "utf-8"] in ev["explanation"]


def test_repair_skips_dropped_lines():
    doc = Document.from_text("d", "CafÃ©\nCafÃ©\n")
    doc.lines[0].drop("boilerplate", "nav:menu")
    repair_document(doc)
    assert doc.lines[0].current == "CafÃ©" and doc.lines[1].current == "Café"


def test_whitespace_policy_function():
    assert normalise_whitespace("\u3000a\u2028b\u0085c  ") == "a b c"
    assert normalise_whitespace("keep\u200dzwj") == "keep\u200dzwj"


# ---------------------------------------------------------------------------------------------
# quotes

QUOTE_CASES = [
    ("en", "He said “yes” and ‘no’.", "He said \"yes\" and 'no'."),
    ("en", "It’s « fine »", "It's \"fine\""),
    ("en", 'Already "straight"', 'Already "straight"'),
    ("fr", 'Il a dit "bonjour".', "Il a dit «\u202fbonjour\u202f»."),
    ("fr", "Il a dit “bonjour”.", "Il a dit «\u202fbonjour\u202f»."),
    ("fr", "«Oui» et « non »", "«\u202fOui\u202f» et «\u202fnon\u202f»"),
    ("fr", "« Il a dit “non” hier »", "«\u202fIl a dit “non” hier\u202f»"),  # nested quotes kept
    ("fr", 'Un seul " guillemet', 'Un seul " guillemet'),  # odd count: untouched
    ("de", 'Er sagte "ja".', "Er sagte „ja“."),
    ("de", "Er sagte “ja”.", "Er sagte „ja“."),
    ("de", "Er sagte „ja“.", "Er sagte „ja“."),
    ("de", "Er sagte »ja«.", "Er sagte »ja«."),
    ("es", "Dijo “sí”.", "Dijo “sí”."),  # other languages untouched
]


@pytest.mark.parametrize("lang,line,expected", QUOTE_CASES)
def test_quote_policy(lang, line, expected):
    doc = Document.from_text("d", line + "\n")
    doc.lang = lang
    apply_quote_policy(doc, EncodingConfig())
    rec = doc.lines[0]
    assert rec.current == expected
    if expected != line:
        assert rec.events[-1]["reason"] == "typography:quotes"
    else:
        assert rec.events == []


def test_quote_policy_uses_line_language_first():
    doc = Document.from_text("d", 'He said "yes".\nIl a dit "oui".\n')
    doc.lang = "en"
    doc.lines[1].lang = "fr"
    apply_quote_policy(doc)
    assert doc.lines[0].current == 'He said "yes".'
    assert doc.lines[1].current == "Il a dit «\u202foui\u202f»."


@pytest.mark.parametrize("text,expected", [
    ("»", "»"),                      # a lone closing guillemet (found by the property test below)
    ("« ", "«"),                     # a line cut right after an opening one
    (" » fin", "» fin"),
    ("« Bonjour »", "«\u202fBonjour\u202f»"),
    ("Il a dit «bonjour» hier.", "Il a dit «\u202fbonjour\u202f» hier."),
])
def test_french_guillemet_spacing_stays_inside_the_line(text, expected):
    assert quote_french(text) == expected


def test_quote_functions_are_idempotent():
    for f, s in ((quote_english, "“a” ‘b’"), (quote_french, 'x "a" y'), (quote_german, 'x "a" y')):
        once = f(s)
        assert f(once) == once


@given(st.lists(st.text(max_size=80), max_size=20), st.sampled_from(["en", "fr", "de", "es", None]))
@settings(max_examples=150, deadline=None)
def test_repair_and_quotes_never_crash_and_keep_one_record_per_line(lines, lang):
    doc = Document.from_text("d", "\n".join(lines))
    before = [(r.line, r.text) for r in doc.lines]
    repair_document(doc)
    doc.lang = lang
    apply_quote_policy(doc)
    assert [(r.line, r.text) for r in doc.lines] == before
    for r in doc.lines:
        assert "\r" not in r.current and "\u00a0" not in r.current
        assert r.current == r.current.strip()
