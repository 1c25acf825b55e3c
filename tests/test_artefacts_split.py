"""Cross-line detector: split segments, echoed lines, orphan lines (and what must stay apart)."""

import pytest

from normalise.artefacts import split
from normalise.document import Document
from normalise.artefacts import repair_document


def joined(texts, lang="en"):
    plans, flags = split.plan(texts, lang=lang)
    return [(p.head, [(s.index, s.role) for s in p.steps], p.steps[-1].joined) for p in plans], flags


CASES = [
    # seed 002 shape: open bracket, echoed line, continuation opening with a comma
    (["They denounced the Status of Force Agreements (", "Status of Force Agreements", ', called "Sofa") setting the frame.'],
     [(0, [(1, "echo"), (2, "split")], 'They denounced the Status of Force Agreements (called "Sofa") setting the frame.')]),
    (["The army said it would", "leave the region soon."], [(0, [(1, "split")], "The army said it would leave the region soon.")]),
    (["The army said it would", "leave the region", "within six months."],
     [(0, [(1, "split"), (2, "split")], "The army said it would leave the region within six months.")]),
    (["Troops left the town", ", officials said."], [(0, [(1, "split")], "Troops left the town, officials said.")]),
    (["They buried bodies near this base.", "to accuse France of war crimes."],
     [(0, [(1, "orphan")], "They buried bodies near this base to accuse France of war crimes.")]),
    (['"It is a sad day for the', "day for the", 'town," said the mayor.'],
     [(0, [(1, "echo"), (2, "split")], '"It is a sad day for the town," said the mayor.')]),
    (["The U.S.", "and Canada signed."], [(0, [(1, "split")], "The U.S. and Canada signed.")]),
]
APART = [
    ["Mali seeks closer ties with Russia", "Maiga also spoke about France."],  # heading + paragraph
    ["He left.", "The army stayed."],
    ["The summary of the", "France 24 week invites you"],  # capital opening: never joined
    ["France said Malian troops were trying to accuse French soldiers.", "rm,es/dj (AFP, dpa)"],  # credit line
    ["The new phone is out.", "iPhone sales rose."],
    ["Prices rose (by 0.8 percent in January.", "Then they fell."],  # stray bracket in a finished sentence
    ["A French soldier in Gao.", "A French soldier in Gao."],  # duplicate caption: boilerplate's job
    ["Mali withdraws from military pacts with France", "by John Smith"],  # byline: the sentence never ends
    ["Paris considers the decision unjustified", "par France Inter"],
]


def test_lowercase_line_not_joined_onto_heading():
    assert split.plan(["Mali ends its cooperation", "by our correspondent in Bamako."], [True, False]) == ([], [])


@pytest.mark.parametrize("texts,expected", CASES)
def test_joins(texts, expected):
    plans, flags = joined(texts)
    assert plans == expected and flags == []


@pytest.mark.parametrize("texts", APART)
def test_kept_apart(texts):
    assert joined(texts) == ([], [])


def test_unsure_orphan_line_is_flagged_not_joined():
    plans, flags = joined(["They left the base.", "the army said nothing."])
    assert plans == [] and flags == [(1, "lowercase-after-stop")]


def test_french_join_keeps_narrow_space():
    plans, _ = joined(["Le porte-parole a déclaré", ": « Non. »"], lang="fr")
    assert plans[0][2] == "Le porte-parole a déclaré\u202f: « Non. »"


def test_looks_across_dropped_empty_lines_and_audits():
    text = "Intro line.\n\nThe junta denounced the Status of Force Agreements (\n\nStatus of Force Agreements\n\n, called \"Sofa\") setting the framework.\n"
    doc = Document.from_text("d", text, lang="en")
    for r in doc.lines:
        if not r.text:
            r.drop("boilerplate", "empty")
    repair_document(doc)
    acts = [(r.line, r.action, r.reason) for r in doc.lines if r.text]
    assert acts == [(1, "keep", "content"), (3, "merge", "mt:split"), (5, "merge", "mt:echo"), (7, "merge", "mt:split")]
    assert doc.clean_text() == 'Intro line.\nThe junta denounced the Status of Force Agreements (called "Sofa") setting the framework.\n'
    assert doc.lines[4].merged_into == 3 and doc.lines[6].merged_into == 3
    assert len(doc.audit_records()) == len(doc.lines)
