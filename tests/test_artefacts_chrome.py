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
