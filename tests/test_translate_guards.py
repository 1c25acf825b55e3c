"""Guard rails on MT output (normalise/translate/guards.py): a table of verdicts, good
translations included as negative cases."""

from __future__ import annotations

import pytest

from normalise.translate.guards import GuardConfig, check_translation, expected_ratio

SRC = "The junta announced on Monday that it was ending the defence agreements with France."
GOOD_FR = "La junte a annoncé lundi qu'elle mettait fin aux accords de défense avec la France."

CASES = [
    # (src, out, src_lang, tgt_lang, expected reasons)
    (SRC, GOOD_FR, "en", "fr", []),
    (GOOD_FR, SRC, "fr", "en", []),
    ("Bamako.", "Bamako.", "en", "fr", []),  # names stay; too short to judge
    ("Bamako.", "Bamako, la capitale.", "en", "fr", []),
    ("Bamako.", "Bamako est une ville du Mali où le gouvernement de transition siège depuis 2020 et "
     "où les manifestations se multiplient contre la présence étrangère.", "en", "fr",
     ["guard:hallucinated-length"]),
    ("Barkhane and Takuba", "Barkhane et Takuba", "en", "fr", []),
    ("MINUSMA", "MINUSMA", "en", "fr", []),
    ("", "", "en", "fr", []),
    ("He said no, no, no to the plan.", "Il a dit non, non, non au plan.", "en", "fr", []),  # loop in source too
    (SRC, "", "en", "fr", ["guard:empty"]),
    (SRC, "   ", "en", "fr", ["guard:empty"]),
    (SRC, "La junte.", "en", "fr", ["guard:too-short"]),
    (SRC, GOOD_FR + " Elle a aussi dit que la France devait partir très vite du pays, que les soldats "
     "étrangers n'étaient plus les bienvenus et que le gouvernement de transition ne céderait pas.", "en", "fr",
     ["guard:too-long"]),
    (SRC, (GOOD_FR + " ") * 5, "en", "fr", ["guard:hallucinated-length", "guard:looping-ngram"]),
    (SRC, "La junte a annoncé la la la la fin des accords de défense avec la France.", "en", "fr",
     ["guard:looping-ngram"]),
    (SRC, "La junte a dit que que la France la France la France devait partir du Mali.", "en", "fr",
     ["guard:looping-ngram"]),
    # a copy of a long source is also in the source language: both reasons, the copy first
    (SRC, SRC, "en", "fr", ["guard:untranslated-copy", "guard:untranslated-lang"]),
    (SRC, SRC.upper().replace(".", " !"), "en", "fr", ["guard:untranslated-copy", "guard:untranslated-lang"]),
    (SRC, "The junta announced Monday that it was ending the defence agreements with France.", "en", "fr",
     ["guard:untranslated-copy", "guard:untranslated-lang"]),
    ("The army left Gao.", "The army left Gao.", "en", "fr", ["guard:untranslated-copy"]),
    # a paraphrase in the source language (few shared words) is still untranslated
    (SRC, "On Monday the military rulers said they would stop the security treaties signed with Paris.",
     "en", "fr", ["guard:untranslated-lang"]),
    (GOOD_FR, "Lundi, les militaires au pouvoir ont dit qu'ils arrêtaient les traités de sécurité avec Paris.",
     "fr", "en", ["guard:untranslated-lang"]),
    ("Die Armee teilte am Montag mit, dass drei Soldaten getötet wurden.",
     "The army said on Monday that three soldiers had been killed.", "de", "en", []),
    ("The talks were held in Bamako.", "Barkhane, Takuba, MINUSMA.", "en", "fr", []),  # too few words to judge
]


@pytest.mark.parametrize("src,out,sl,tl,expected", CASES)
def test_verdicts(src, out, sl, tl, expected):
    assert check_translation(src, out, sl, tl) == expected


def test_language_check_can_be_disabled():
    para = "On Monday the military rulers said they would stop the security treaties signed with Paris."
    assert check_translation(SRC, para, "en", "fr", GuardConfig(lang_min_words=0)) == []


def test_unknown_language_skips_the_language_check():
    assert check_translation(SRC, GOOD_FR, "en", "zz") == []


def test_thresholds_are_config():
    loose = GuardConfig(min_ratio=0.05)
    assert check_translation(SRC, "La junte.", "en", "fr", loose) == []
    strict = GuardConfig(copy_min_words=2)
    assert check_translation("Mali army", "Mali army", "en", "fr", strict) == ["guard:untranslated-copy"]


@pytest.mark.parametrize("s,t,r", [("en", "fr", 1.17), ("fr", "en", 0.85), ("xx", "yy", 1.0)])
def test_expected_ratio_table(s, t, r):
    assert expected_ratio(s, t) == r


def _pairs():
    from normalise.translate.tiny import corpus_sentences

    return list(zip(corpus_sentences("en"), corpus_sentences("fr")))


def test_real_translations_pass_and_their_copies_fail():
    """The hand-written pairs of the tiny corpus are good translations: no guard may fire on
    them, in either direction; each source given back as its own output must be caught."""
    pairs = _pairs()
    assert len(pairs) >= 30
    for en, fr in pairs:
        assert check_translation(en, fr, "en", "fr") == [], (en, fr)
        assert check_translation(fr, en, "fr", "en") == [], (fr, en)
        assert check_translation(en, en, "en", "fr"), en
        assert check_translation(fr, fr, "fr", "en"), fr
