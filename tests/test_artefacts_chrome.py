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
]
NOT_CHROME = [
    "He said he would subscribe to the plan.",
    "I subscribe to the view that the treaty failed, the minister told reporters on Monday evening in Paris.",
    "Read also the report published by the commission last year.",
    "The summary of the report was published on Monday.",
    "Mali ends its cooperation with France",
    "",
]


@pytest.mark.parametrize("line", CHROME)
def test_chrome(line):
    found = chrome.detect(line)
    assert len(found) == 1 and found[0].flag == "chrome:mt-literal"


@pytest.mark.parametrize("line", NOT_CHROME)
def test_not_chrome(line):
    assert chrome.detect(line) == []
