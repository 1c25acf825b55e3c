"""Residue detector: foreign spans found by lexicon marks and confirmed by lingua; asset ids."""

import pytest

from normalise.artefacts import residue

FOUND = [
    ("en", "The army said that les forces armées sont parties hier and then left.", "fr", "les forces armées sont parties hier"),
    ("en", "Rescue workers searched nach den wahlen im herbst throughout the night.", "de", "nach den wahlen im herbst"),
    ("en", "The deal was signed avec les autorités de transition on Monday.", "fr", "avec les autorités de transition"),
    ("fr", "Le gouvernement a annoncé according to the ministry une hausse.", "en", "to the ministry"),
    ("en", "google-play-badge_FR", "fr", "google-play-badge_FR"),
]
CLEAN = [
    ("en", "Marine Le Pen met Charles de Gaulle's heirs in Côte d'Ivoire."),
    ("en", "The coup d'état took place while the president was abroad."),
    ("en", "The minister described the deal as a fait accompli."),
    ("en", "The newspaper Le Monde and Der Spiegel reported it."),
    ("en", "Paris has objected to the regime's rapprochement with the Kremlin."),
    ("fr", "Le journal Le Monde a révélé le scandale du Watergate."),
    ("fr", "Il a passé le week-end à Londres."),
    ("en", "Colonel Abdoulaye Maïga spoke on television."),
]


@pytest.mark.parametrize("lang,text,flang,span", FOUND)
def test_residue_found(lang, text, flang, span):
    found = residue.detect(text, lang)
    assert [(f.extra["lang"], f.evidence) for f in found] == [(flang, span)]
    assert all(f.replacement is None for f in found)  # flags only


@pytest.mark.parametrize("lang,text", CLEAN)
def test_residue_negatives(lang, text):
    assert residue.detect(text, lang) == []


@pytest.mark.parametrize("word,expected", [("les", {"fr"}), ("du", {"fr", "de"}), ("the", {"en"}),
                                           ("armées", {"fr"}), ("über", {"de"}), ("Les", set()), ("in", {"en", "de"})])
def test_marks(word, expected):
    assert residue.marks(word) == expected
