"""Literal chrome translations: whole short lines only."""

import pytest

from normalise.artefacts import chrome

CHROME = [
    "How to continue to inform you about our sites and branches.",
    "I subscribe",
    "Take international news everywhere with you!",
    "Download the France 24 app",
    "The summary of the",
    "France 24 week invites you to come back to the news that marked the week",
    "Read also:",
    "You still have 3 articles to read",
    "To the homepage",
    "Manage my cookies",  # web vocabulary only
    "Our partners",
]
NOT_CHROME = [
    "He said he would subscribe to the plan.",
    "I subscribe to the view that the treaty failed, the minister told reporters on Monday evening in Paris.",
    "Read also the report published by the commission last year.",
    "The summary of the report was published on Monday.",
    "Mali ends its cooperation with France",
    "",
    "The junta",  # no interface word
    "More news from the Sahel",  # a content word
    "Watch the video.",  # a sentence stop: a caption, not a button
    "Read 5 articles",  # digits
]


@pytest.mark.parametrize("line", CHROME)
def test_chrome(line):
    found = chrome.detect(line)
    assert len(found) == 1 and found[0].flag in ("chrome:mt-literal", "chrome:generic")


@pytest.mark.parametrize("line,flag", [("I subscribe", "chrome:mt-literal"), ("Access to the comments", "chrome:mt-literal"),
                                       ("Read more", "chrome:generic"), ("Manage my cookies", "chrome:generic")])
def test_literal_vs_generic(line, flag):
    assert chrome.detect(line)[0].flag == flag


@pytest.mark.parametrize("line", NOT_CHROME)
def test_not_chrome(line):
    assert chrome.detect(line) == []


# The structure test (issue 4 follow-up): interface vocabulary + label shape + no content word.
# Each row was missed by the vocabulary-only test (a word it lacked, a bracketed count, a price, or
# an action label longer than six words).
STRUCTURE_CHROME = [
    ("Accept and close", "noun-phrase"),
    ("Continue without accepting", "noun-phrase"),
    ("To know more", "noun-phrase"),
    ("Parameter the cookies", "noun-phrase"),
    ("Report an error", "noun-phrase"),
    ("The newsletter of the day", "noun-phrase"),
    ("Comments (3)", "noun-phrase"),
    ("Subscribe from 2 euros per month", "noun-phrase"),
    ("Subscribe now to read all our articles for 1 euro", "action"),
    ("You must be logged in to react to this article", "action"),
    ("Be the first to give your opinion on this content", "action"),
    ("Here you can modify all your personal settings", "action"),
]
STRUCTURE_NOT = [
    "The first day of the talks",    # content noun
    "Real time",                     # filler only, no interface word
    "Close the border",              # content noun
    "You have to be patient",        # content word
    "To know the truth about Gao",   # content word and a name
    "Accept the result.",            # a sentence stop
    "Read 5 articles",               # a digit that is neither a count in brackets nor a price
    "Comments on the 2022 budget",   # a year
    "Be the first to react to the decision of the junta in Bamako",  # too long, content words
    "Sorry for the delay",           # content word
    "How I see it",                  # an opinion column's title (boilerplate dev set), not a label
    "What you need to know about our site",  # wh-word + subject: a title
]


@pytest.mark.parametrize("line,shape", STRUCTURE_CHROME)
def test_structure_chrome(line, shape):
    assert chrome.structure_chrome(line) == shape
    found = chrome.detect(line, "en")
    assert len(found) == 1 and found[0].flag == "chrome:generic" and found[0].extra["shape"] == shape


@pytest.mark.parametrize("line", STRUCTURE_NOT)
def test_structure_not_chrome(line):
    assert chrome.structure_chrome(line) is None
    assert chrome.detect(line, "en") == []


def test_structure_is_english_only():
    assert chrome.detect("Accept and close", "fr") == []


def test_long_label_must_open_like_a_button():
    # seven words or more, all interface/function words, but opening on a determiner: a title, not a label
    assert chrome.structure_chrome("The most popular articles of all our site") is None
    assert chrome.structure_chrome("Read the most popular articles of all our site") == "action"
