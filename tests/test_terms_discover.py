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
    ([("General Tiémoko Diarra spoke.", "en"), ("General Tiemoko Diarra spoke.", "en")], ("two-spellings", "Tiémoko")),
    ([("Le Conseil national de transition (CNT) a voté.", "fr")], ("acronym-fr-expansion", "CNT")),
    ([("The CNT (Conseil national de transition) voted.", "en")], ("acronym-fr-expansion", "CNT")),
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
    "The Islamic State (IS) and the African Union summit (AUS).",      # English long forms
    "The AES said it had expressed its views (AES).",                  # initials by chance, not a definition
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


def test_two_spellings_not_across_languages(tb):
    docs = [doc("a", "Le Président a parlé.", "fr"), doc("b", "The President spoke.", "en")]
    assert [c for c in discover_candidates(docs, tb) if c.kind == "two-spellings"] == []


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


@pytest.mark.parametrize("a,b,expected", [
    ("takumba", "takuba", True), ("munisma", "minusma", False), ("minsuma", "minusma", True), ("minusman", "minusma", True),
    ("barhan", "barkhane", False), ("goita", "goita", True), ("bamako", "bamaki", True),
    ("abdullaye", "abdoulaye", False), ("serval", "several", False),
])
def test_within_one_edit(a, b, expected):
    from normalise.terms.discover import within_one_edit

    assert within_one_edit(a, b) is expected
    assert within_one_edit(b, a) is expected


def test_near_termbase_spellings(tb):
    d = doc("a", "the European Takumba force and the Minusman peacekeepers; Malians and Bamako.", "en")
    cands = {c.surface: c for c in discover_candidates([d], tb) if c.kind == "near-termbase"}
    assert set(cands) == {"Takumba", "Minusman"}
    assert cands["Takumba"].variants == ["Takuba (takuba)"]
