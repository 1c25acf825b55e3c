"""Tests for normalise/langid.py."""

from __future__ import annotations

import pytest

from normalise.document import Document
from normalise.langid import LangIdConfig, detect_language, identify_document

LINES = [
    ("Mali's ruling junta announced Monday it was breaking off defence accords.", "en"),
    ("La junte au pouvoir au Mali a annoncé lundi la fin des accords de défense.", "fr"),
    ("Die Militärjunta in Mali hat am Montag die Verteidigungsabkommen gekündigt.", "de"),
    ("El gobierno de Malí anunció el lunes la ruptura de los acuerdos de defensa.", "es"),
    ("Il governo del Mali ha annunciato lunedì la rottura degli accordi di difesa.", "it"),
    ("De regering van Mali heeft maandag de defensieakkoorden met Frankrijk opgezegd.", "nl"),
    ("O governo do Mali anunciou na segunda-feira o fim dos acordos de defesa.", "pt"),
    # looks like chrome, is French prose
    ("Partager le pouvoir avec les civils reste la priorité des partenaires.", "fr"),
]


@pytest.mark.parametrize("text,lang", LINES)
def test_detect_language(text, lang):
    got, conf = detect_language(text)
    assert got == lang
    assert 0.5 <= conf <= 1.0


@pytest.mark.parametrize("text", ["", "Skip to content", "12:45", "© 2024", "!!!", "   "])
def test_short_or_letterless_text_is_undetermined(text):
    assert detect_language(text) == ("und", 0.0)


def test_detect_is_deterministic():
    text = "Le gouvernement a annoncé de nouvelles mesures pour les agriculteurs."
    assert len({detect_language(text) for _ in range(5)}) == 1


def test_restricted_language_set():
    cfg = LangIdConfig(languages=("en", "fr"))
    lang, _ = detect_language("Die Regierung hat neue Maßnahmen für die Landwirte angekündigt.", cfg)
    assert lang in ("en", "fr")


def test_identify_document_majority_by_characters_and_short_lines():
    text = "\n".join([
        "Le Monde",  # short: takes the document language
        "La junte au pouvoir au Mali a annoncé lundi la fin des accords de défense avec la France.",
        "Le gouvernement français a jugé cette décision injustifiée et a contesté toute violation.",
        "The spokesman said the decision was unjustified.",
        "",
    ])
    doc = Document.from_text("d", text)
    identify_document(doc, LangIdConfig())
    assert doc.lang == "fr"
    assert doc.lang_scores["fr"] > doc.lang_scores["en"] > 0
    assert abs(sum(doc.lang_scores.values()) - 1.0) < 1e-3
    assert doc.lines[0].lang == "fr"  # short line -> document language
    assert doc.lines[1].lang == "fr"
    assert doc.lines[3].lang == "en"


def test_identify_document_skips_dropped_lines():
    doc = Document.from_text("d", "Die Regierung hat am Montag ein neues Gesetz beschlossen.\nThe government passed a new law on Monday afternoon.\n")
    doc.lines[0].drop("boilerplate", "nav:menu")
    identify_document(doc)
    assert doc.lang == "en"
    assert doc.lines[0].lang is None


def test_identify_document_without_text_is_und():
    doc = Document.from_text("d", "Menu\nHome\n")
    identify_document(doc)
    assert doc.lang == "und" and doc.lang_scores == {}
    assert all(r.lang == "und" for r in doc.lines)
