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


# Human repetition that is rhetoric or a name, never an echo (issue 4 follow-up). The first rows
# were collapsed before the chain rule ("coast to coast to coast" -> "coast to coast", a real
# Canadian government phrase).
RHETORIC = [
    ("en", "Service is offered from coast to coast to coast."),
    ("en", "Prices rose more and more and more."),
    # a binomial with its own coordination (a council statement on the boilerplate dev set)
    ("en", "When money is very tight and more and more people have access to the internet."),
    ("de", "Er hat es immer und immer und immer wieder gesagt."),
    ("en", "They rebuilt it step by step by step."),
    ("en", "We heard it day after day after day."),
    ("en", "The hotel New York New York opened in 1997."),
    ("en", "It was all blah blah from the minister."),
    ("fr", "Ils avancent jour après jour après jour."),
    ("fr", "Ils ont reconstruit la ville petit à petit à petit."),
    ("de", "Die Lage besserte sich nach und nach und nach."),
    ("de", "Sie gingen Schritt für Schritt für Schritt vor."),
    # never candidates (no adjacent repeated n-gram, a listed double, a capitalised name, punctuation)
    ("en", "They tried again and again."),
    ("en", "More and more people left."),
    ("fr", "Il y a de plus en plus de réfugiés."),
    ("de", "Nach und nach kehrten sie zurück."),
    ("en", "He waved bye bye."),
    ("en", "It was very very cold."),
    ("fr", "Entrez, s'il vous plaît."),
    ("fr", "Nous nous sommes vus."),
    ("en", "They drove to Walla Walla."),
    ("de", "Er kurte in Baden-Baden."),
    ("en", "He served time in Sing Sing."),
    ("en", "She sang New York, New York."),
]


@pytest.mark.parametrize("lang,text", RHETORIC)
def test_rhetorical_repetition_untouched(lang, text):
    assert echo.detect(text, lang) == []
    assert repair_line(text, lang)[0] == text


# Negatives of the rule: an echo that merely contains a connective, or a chain that does not close
# on its word, is still repaired.
CHAIN_NOT = [
    ("He flew to Gao to Gao on Monday.", "He flew to Gao on Monday."),  # "Gao to Gao" is no listed idiom
    ("Troops moved north to north to the border.", "Troops moved north to the border."),
    ("He spoke to the press to the press today.", "He spoke to the press today."),
    ("They fought in the north and in the north and the east.", "They fought in the north and the east."),
]


@pytest.mark.parametrize("text,expected", CHAIN_NOT)
def test_echo_with_connectives_still_repaired(text, expected):
    assert apply_findings(text, echo.detect(text))[0] == expected


def test_chain_rule_reads_its_table():
    conn, phrases, binomials = echo.repetition_ok()
    assert {"to", "and", "à", "und"} <= conn and ("new", "york") in phrases and ("more", "and", "more") in binomials
    assert "the" not in conn  # "the north the north the" is not a chain
    assert echo.is_chain("coast to coast to coast".split(), 0, 2)
    assert echo.is_chain("coast to coast to coast".split(), 1, 2)
    assert not echo.is_chain("gao to gao to sea".split(), 0, 2)
    assert echo.is_chain("tight and more and more people".split(), 1, 2)
