"""Orphan detector: a stray full stop before a lower-case continuation."""

import pytest

from normalise.artefacts import orphan, repair_line

REPAIRED = [
    ("burying bodies near this base. to accuse France of war crimes.",
     "burying bodies near this base to accuse France of war crimes."),
    ("The army left the town. which it had held for years.", "The army left the town which it had held for years."),
    ("Il a quitté la ville. pour rejoindre la capitale.", "Il a quitté la ville pour rejoindre la capitale."),
]
FLAGGED = [
    "They left the base. the army said nothing.",  # a lost capital or an orphan? unsure
]
UNCHANGED = [
    "Products, e.g. bread and milk, are exempt.",
    "The U.S. and Canada signed.",
    "at 10 a.m. on Monday",
    "Smith et al. found that",
    "See p. 12 and fig. 3.",
    "He left. The army stayed.",
    "He bought a new phone. iPhones are expensive.",
    "Visit p.dw.com for more",
    "And so on... and then",
    "Il est monté au col. Pour redescendre ensuite.",
]


@pytest.mark.parametrize("text,expected", REPAIRED)
def test_orphan_repaired(text, expected):
    found = orphan.detect(text, "fr" if " la " in text else "en")
    assert len(found) == 1 and found[0].replacement is not None
    assert repair_line(text, "en")[0] == expected


@pytest.mark.parametrize("text", FLAGGED)
def test_orphan_flag_only(text):
    found = orphan.detect(text)
    assert len(found) == 1 and found[0].replacement is None
    new, repairs, flags = repair_line(text, "en")
    assert new == text and [f.type for f in flags] == ["orphan"]


@pytest.mark.parametrize("text", UNCHANGED)
def test_orphan_negatives(text):
    assert orphan.detect(text) == []
