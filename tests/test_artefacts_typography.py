"""Typography detector and the punctuation policy of output text."""

import pytest

from normalise.artefacts import normalise_punctuation, repair_line, typography

N = "\u202f"

REPAIRED = [
    ("en", "Takuba , the grouping of units.", "Takuba, the grouping of units."),
    ("en", "He left ; she stayed .", "He left; she stayed."),
    ("en", "The agency ( founded in 1972 ) grew.", "The agency (founded in 1972) grew."),
    ("en", "Really ?", "Really?"),
    ("fr", "Il a dit: non!", f"Il a dit{N}: non{N}!"),
    ("fr", "Le texte , adopté hier .", "Le texte, adopté hier."),
    ("fr", "«Bonjour»", f"«{N}Bonjour{N}»"),
]
UNCHANGED = [
    ("en", "At 10:30 the meeting began."),
    ("en", "See https://example.invalid/a:b for details."),
    ("en", "He said: \"no\"."),
    ("en", "Prices rose (by 0.8 percent) in January."),
    ("en", "It cost 4.5 million and that was that..."),
    ("fr", f"Il a dit{N}: «{N}non{N}»."),
    ("fr", "Il a dit : non !"),  # ordinary spaces are fine in input; the output policy narrows them
    ("fr", "La réunion commence à 9 h 15."),
]
FLAGGED = [
    ("en", "The agency (founded in 1972 grew.", "unbalanced"),
    ("en", "He said “no\" to it.", "mixed-quotes"),
    ("fr", "Il a dit « non.", "unbalanced"),
]


@pytest.mark.parametrize("lang,text,expected", REPAIRED)
def test_typography_repaired(lang, text, expected):
    assert repair_line(text, lang)[0] == expected


@pytest.mark.parametrize("lang,text", UNCHANGED)
def test_typography_negatives(lang, text):
    assert typography.detect(text, lang) == []
    assert repair_line(text, lang)[0] == text


@pytest.mark.parametrize("lang,text,detail", FLAGGED)
def test_typography_flags(lang, text, detail):
    found = typography.detect(text, lang)
    assert detail in [f.detail for f in found]
    assert repair_line(text, lang)[0] == text


@pytest.mark.parametrize("lang,text,expected", [
    ("fr", "Il a dit : « non » ; puis il est parti !", f"Il a dit{N}: «{N}non{N}»{N}; puis il est parti{N}!"),
    ("fr", "Pourquoi?", f"Pourquoi{N}?"),
    ("fr", "Le texte , adopté hier .", "Le texte, adopté hier."),
    ("fr", "à 10:30 précises", "à 10:30 précises"),
    ("en", "Takuba , the ( special ) units ; ok ?", "Takuba, the (special) units; ok?"),
    ("en", "Clean text stays: as it is.", "Clean text stays: as it is."),
    ("en", "Spaces  between   words", "Spaces between words"),
])
def test_normalise_punctuation(lang, text, expected):
    out = normalise_punctuation(text, lang)
    assert out == expected
    assert normalise_punctuation(out, lang) == out  # idempotent
