"""Discovery of French-origin terms not in the termbase: each kind of evidence, negatives."""

import io

import pytest

from normalise.document import Document
from normalise.terms import discover_candidates, load_termbase, write_candidates_tsv
from normalise.terms.discover import TSV_COLUMNS, read_candidates_tsv


@pytest.fixture(scope="module")
def tb():
    return load_termbase()


def doc(doc_id, text, lang):
    d = Document.from_text(doc_id, text)
    d.lang = lang
    return d


def kinds(cands):
    return {(c.kind, c.surface) for c in cands}


CASES = [
    # (documents [(text, lang)], expected (kind, surface) present)
    ([("Fighting near Léré killed ten.", "en")], ("diacritic", "Léré")),
    ([("A statement from the Ministère des Armées in Paris.", "en")], ("french-particle", "Ministère des Armées")),
    ([("Officials called it \"la grande muette\" again.", "en")], ("quoted-foreign", "la grande muette")),
    ([("Le Mouvement national de libération de l'Azawad (MNLA) a signé.", "fr"),
      ("The MNLA signed the deal.", "en")], ("acronym-fr-expansion", "MNLA")),
    ([("General Tiémoko Diarra spoke.", "fr"), ("General Tiemoko Diarra spoke.", "en")], ("two-spellings", "Tiémoko")),
]


@pytest.mark.parametrize("texts,expected", CASES)
def test_discovery_kinds(tb, texts, expected):
    docs = [doc(f"d{i}", t, lang) for i, (t, lang) in enumerate(texts)]
    assert expected in kinds(discover_candidates(docs, tb))


NEGATIVE = [
    # text (English) that must give no candidate at all
    "Colonel Abdoulaye Maïga said the Élysée and MINUSMA agreed.",   # all in the termbase
    "The café owner said \"flagrant violations\" happened.",           # English loanword; English quote
    "The NATO summit and the USA.",                                    # acronyms without French expansion
    "Mali's junta, Mali’s junta.",                                     # apostrophe variants are not two spellings
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_no_candidates(tb, text):
    assert discover_candidates([doc("n", text, "en")], tb) == []


def test_expansion_is_recorded_and_ranked(tb):
    docs = [doc("a", "Le Mouvement national de libération de l'Azawad (MNLA) et Léré.", "fr"),
            doc("b", "The MNLA and the MNLA again, near Léré.", "en")]
    cands = discover_candidates(docs, tb)
    mnla = next(c for c in cands if c.surface == "MNLA")
    assert mnla.variants == ["Mouvement national de libération de l'Azawad"]
    assert mnla.count == 3 and mnla.docs == ["a", "b"]
    assert cands[0] is mnla  # strongest evidence first
    assert all(c.contexts for c in cands)


def test_dropped_lines_ignored(tb):
    d = doc("a", "Léré\nNothing.", "en")
    d.lines[0].drop("boilerplate", "nav:menu")
    assert discover_candidates([d], tb) == []


def test_tsv_round_trip(tb, tmp_path):
    cands = discover_candidates([doc("a", "Fighting near Léré, \"la grande muette\".", "en")], tb)
    p = write_candidates_tsv(cands, tmp_path / "terms" / "candidates.tsv")
    header = p.read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert tuple(header) == TSV_COLUMNS
    back = read_candidates_tsv(p)
    assert [(c.cand_id, c.kind, c.surface, c.count) for c in back] == [(c.cand_id, c.kind, c.surface, c.count) for c in cands]
    buf = io.StringIO()
    write_candidates_tsv(cands, buf)
    assert buf.getvalue() == p.read_text(encoding="utf-8")
