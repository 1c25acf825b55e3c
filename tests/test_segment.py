"""Sentence segmentation (normalise/segment.py): tables of cases per language, negative cases
that must split, nothing lost, and segments of a document."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalise.document import Document
from normalise.segment import abbreviations, segment_document, split_sentences

# (lang, text, expected sentences)
CASES = [
    # English: titles and initialisms do not end sentences
    ("en", "Col. Diallo met the U.N. envoy on Monday. He left at 5 p.m. for Gao.",
     ["Col. Diallo met the U.N. envoy on Monday.", "He left at 5 p.m. for Gao."]),
    ("en", "Dr. Smith and Mr. Jones arrived. Lt. Col. Maiga was in the U.S. yesterday.",
     ["Dr. Smith and Mr. Jones arrived.", "Lt. Col. Maiga was in the U.S. yesterday."]),
    ("en", "Sen. Kaine and Gov. Brown spoke. Capt. Ag Ghaly denied it.",
     ["Sen. Kaine and Gov. Brown spoke.", "Capt. Ag Ghaly denied it."]),
    ("en", "Prices rose 3.5% in 2021. Officials were worried.",
     ["Prices rose 3.5% in 2021.", "Officials were worried."]),
    ("en", "\u201cWe will stay,\u201d said Gen. Goita. \u201cThe U.N. agrees.\u201d He left.",
     ["\u201cWe will stay,\u201d said Gen. Goita.", "\u201cThe U.N. agrees.\u201d", "He left."]),
    ("en", "2. Skip to main menu", ["2. Skip to main menu"]),
    # French: M., Mme, col., Gén., lt-col., p.
    ("fr", "M. Traor\u00e9 a rencontr\u00e9 Mme Ke\u00efta. Ils ont parl\u00e9 du Mali.",
     ["M. Traor\u00e9 a rencontr\u00e9 Mme Ke\u00efta.", "Ils ont parl\u00e9 du Mali."]),
    ("fr", "Le col. Diallo est arriv\u00e9. Le G\u00e9n. Mbaye aussi.",
     ["Le col. Diallo est arriv\u00e9.", "Le G\u00e9n. Mbaye aussi."]),
    ("fr", "Le lt-col. Diarra \u00e9tait l\u00e0. Il est reparti \u00e0 14 h.",
     ["Le lt-col. Diarra \u00e9tait l\u00e0.", "Il est reparti \u00e0 14 h."]),
    ("fr", "Voir p. 12 pour les d\u00e9tails. Selon l'ONU, la situation est grave.",
     ["Voir p. 12 pour les d\u00e9tails.", "Selon l'ONU, la situation est grave."]),
    ("fr", "\u00ab Nous restons \u00bb, a dit M. Go\u00efta. La MINUSMA est partie.",
     ["\u00ab Nous restons \u00bb, a dit M. Go\u00efta.", "La MINUSMA est partie."]),
    ("fr", "Selon l'art. 5 de la Constitution, l'État décide. Les É.-U. ont réagi.",
     ["Selon l'art. 5 de la Constitution, l'État décide.", "Les É.-U. ont réagi."]),
    # German: Dr., Hrn., Gen., Oberstlt., z.B., bzw., ordinal numbers
    ("de", "Dr. M\u00fcller traf Hrn. Schmidt. Sie sprachen \u00fcber Mali.",
     ["Dr. M\u00fcller traf Hrn. Schmidt.", "Sie sprachen \u00fcber Mali."]),
    ("de", "Gen. Schulz und Oberstlt. Kraus kamen. Sie gingen bzw. fuhren nach Gao.",
     ["Gen. Schulz und Oberstlt. Kraus kamen.", "Sie gingen bzw. fuhren nach Gao."]),
    ("de", "Am 3. Oktober kam er an. Er blieb z.B. zwei Tage.",
     ["Am 3. Oktober kam er an.", "Er blieb z.B. zwei Tage."]),
    # Month abbreviations before a day or year, and "hon." (seen on real bilingual press releases)
    ("fr", "Le sommet a eu lieu le 11 nov. 2022 \u00e0 Paris. Il a dur\u00e9 deux jours.",
     ["Le sommet a eu lieu le 11 nov. 2022 \u00e0 Paris.", "Il a dur\u00e9 deux jours."]),
    ("fr", "MONTR\u00c9AL, le 23 oct. 2024 - Air Canada a annonc\u00e9.", ["MONTR\u00c9AL, le 23 oct. 2024 - Air Canada a annonc\u00e9."]),
    ("fr", "Le tr\u00e8s hon. Justin Trudeau a parl\u00e9. Il est parti.",
     ["Le tr\u00e8s hon. Justin Trudeau a parl\u00e9.", "Il est parti."]),
    ("en", "The talks ended on Oct. 3 in Paris. Then it left.", ["The talks ended on Oct. 3 in Paris.", "Then it left."]),
    ("de", "Sie kam am 3. Okt. 2023 an. Dann ging sie.", ["Sie kam am 3. Okt. 2023 an.", "Dann ging sie."]),
    # Negative cases: real sentence ends must still split
    ("en", "The vote was held in Nov. The result came later.", ["The vote was held in Nov.", "The result came later."]),
    ("en", "The army left. The U.N. stayed.", ["The army left.", "The U.N. stayed."]),
    ("en", "Is it over? Nobody knows! Talks resume today.", ["Is it over?", "Nobody knows!", "Talks resume today."]),
    ("fr", "Il est arriv\u00e9. Il est reparti.", ["Il est arriv\u00e9.", "Il est reparti."]),
    ("fr", "Ils ont vendu du riz, du mil, etc. Le march\u00e9 a ferm\u00e9.",
     ["Ils ont vendu du riz, du mil, etc.", "Le march\u00e9 a ferm\u00e9."]),
    ("de", "Er kam an. Dann ging er.", ["Er kam an.", "Dann ging er."]),
    ("en", "The   army left.  Then it returned.", ["The   army left.", "Then it returned."]),  # text kept as is
    ("en", "Mali's junta said so on Monday.It ended the pact.", ["Mali's junta said so on Monday.It ended the pact."]),
    # No terminal punctuation, unsupported or unknown language
    ("en", "Skip to content", ["Skip to content"]),
    ("sw", "Habari za leo. Jeshi limeondoka.", ["Habari za leo.", "Jeshi limeondoka."]),
    (None, "One thing. Another thing.", ["One thing.", "Another thing."]),
    ("en", "", []),
    ("en", "   ", []),
]


@pytest.mark.parametrize("lang,text,expected", CASES)
def test_split_sentences(lang, text, expected):
    assert split_sentences(text, lang) == expected


def test_abbreviation_table_is_well_formed():
    table = abbreviations()
    assert {"en", "fr", "de"} <= set(table)
    for lang, entries in table.items():
        for abbr, kind in entries.items():
            assert abbr.endswith(".") and kind in ("title", "any"), (lang, abbr)


_text = st.lists(
    st.sampled_from(["The", "army", "Col.", "M.", "U.N.", "left", "Gao.", "2.", "\u00ab", "\u00bb", "?", "!",
                     "said:", "\u201cYes.\u201d", "Dr.", "etc.", "p.", "Mme", "a)", "  ", "\u00e9t\u00e9."]),
    min_size=0, max_size=30).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(_text, st.sampled_from(["en", "fr", "de", "xx"]))
def test_nothing_is_lost_or_reordered(text, lang):
    sents = split_sentences(text, lang)
    assert re.sub(r"\s+", "", "".join(sents)) == re.sub(r"\s+", "", text)
    assert all(s and s == s.strip() and s in text for s in sents)


def _doc():
    text = "\n".join([
        "Mali ends defence pact",          # 1 heading
        "Skip to content",                 # 2 dropped
        "Col. Maiga spoke on TV. He read a statement.",  # 3
        "The junta said it was",           # 4 head of a merge
        "\"denouncing\" the accords.",     # 5 merged into 4
        "",                                # 6 empty (dropped)
        "M. Goïta a parlé. Il a fini.",    # 7 a French line in an English document
    ])
    doc = Document.from_text("d1", text, lang="en")
    doc.lines[0].heading = True
    doc.lines[1].drop("boilerplate", "nav:skip-link")
    doc.lines[4].merge_into(doc.lines[3], "artefacts", "mt:split-phrase", "The junta said it was \"denouncing\" the accords.")
    doc.lines[5].drop("boilerplate", "empty")
    doc.lines[6].lang = "fr"
    return doc


def test_segment_document():
    segs = segment_document(_doc())
    assert [s.seg_id for s in segs] == [f"d1:{i}" for i in range(1, 7)]
    assert [(s.text, s.lines, s.heading, s.lang) for s in segs] == [
        ("Mali ends defence pact", [1], True, "en"),
        ("Col. Maiga spoke on TV.", [3], False, "en"),
        ("He read a statement.", [3], False, "en"),
        ("The junta said it was \"denouncing\" the accords.", [4, 5], False, "en"),
        ("M. Goïta a parlé.", [7], False, "fr"),
        ("Il a fini.", [7], False, "fr"),
    ]


def test_heading_is_never_split():
    doc = Document.from_text("h", "Gen. Staff meets. Talks end.\n", lang="en")
    doc.lines[0].heading = True
    assert [s.text for s in segment_document(doc)] == ["Gen. Staff meets. Talks end."]


def test_quarantined_document_has_no_segments():
    doc = Document.from_text("q", "Some text.\n", lang="en", status="quarantined")
    assert segment_document(doc) == []


# --- pysbd's compile cache (normalise.segment._CompileCachedRe) ---------------------------------

ABBREVIATION_HEAVY = [
    ("Dr. Smith met Gen. Jones at 5 p.m. on Jan. 5 in Washington D.C. and left. He said so.", "en"),
    ("Le col. Martin et M. Dupont sont arrivés vers 10 h. Ils ont parlé, p. ex. de la météo. Fin.", "fr"),
    ("Hr. Müller kam am 3. Jan. mit Oberstlt. Meyer an, z. B. zur Sitzung. Dann ging er.", "de"),
]


def test_pysbd_modules_use_the_compile_cache():
    import pysbd.abbreviation_replacer
    import pysbd.utils

    from normalise import segment

    split_sentences("One. Two.", "en")
    assert pysbd.abbreviation_replacer.re is segment._PYSBD_RE
    assert pysbd.utils.re is segment._PYSBD_RE
    assert segment._PYSBD_RE._cached.cache_info().maxsize > 512  # more than CPython's own cache


def test_compile_cache_changes_no_sentence():
    import pysbd.utils

    from normalise import segment

    try:
        segment.pysbd_regex_cache(False)
        segment._segmenter.cache_clear()  # a segmenter built now must respect the setting
        baseline = [split_sentences(t, lang) for t, lang in ABBREVIATION_HEAVY]
        assert pysbd.utils.re is re  # the baseline really ran without the cache
    finally:
        segment.pysbd_regex_cache(True)
    assert pysbd.utils.re is segment._PYSBD_RE
    assert [split_sentences(t, lang) for t, lang in ABBREVIATION_HEAVY] == baseline
    assert len(baseline[0]) == 2 and baseline[0][0].startswith("Dr. Smith")


def test_compile_cache_behaves_like_re():
    from normalise.segment import _PYSBD_RE as cre

    assert cre.escape("a.b") == re.escape("a.b") and cre.IGNORECASE == re.IGNORECASE
    assert cre.sub(r"(?<=\sDr)\.", "∯", " Dr. X") == " Dr∯ X"
    assert cre.findall("a", "AbA", flags=re.IGNORECASE) == ["A", "A"]
    assert cre.split(r"\s", "a b c", 1) == ["a", "b c"]
    assert cre.search("b", "abc").start() == 1 and cre.match("b", "abc") is None
    assert cre.compile("x") is cre.compile("x")  # compiled once


def test_compile_cache_leaves_long_one_off_patterns_to_re():
    from normalise.segment import _PYSBD_RE as cre

    cre.cache_clear()
    sentence = re.escape("A whole sentence that pysbd escapes into a pattern of its own, " * 5) + r"\s*"
    assert len(sentence) > cre.max_chars
    assert cre.match(sentence, "A whole sentence that pysbd escapes into a pattern of its own, " * 5)
    assert cre._cached.cache_info().currsize == 0
    cre.sub(r"x", "y", "x")
    assert cre._cached.cache_info().currsize == 1
