"""Sentence and document alignment: numbers/dates readers, DP aligner on hand cases (1-1, 2-1,
1-2, 1-0, 0-1), MT similarity, document matching among distractors."""

from __future__ import annotations

import pytest

from normalise.align import (
    AlignConfig,
    Bead,
    align_documents,
    align_sentences,
    canonical_number,
    dates,
    features,
    fold,
    length_probability,
    lexical_similarity,
    numbers,
)
from normalise.document import Document, Segment


@pytest.mark.parametrize(
    "raw,lang,want",
    [
        ("4,300", "en", "4300"),
        ("4 300", "fr", "4300"),
        ("4\u202f300", "fr", "4300"),
        ("4.300", "fr", "4300"),
        ("2.5", "en", "2.5"),
        ("2,5", "fr", "2.5"),
        ("2,50", "fr", "2.5"),
        ("1,234,567.0", "en", "1234567"),
        ("2 000", "en", "2000"),  # SI / Canadian federal style
        ("007", "en", "7"),
    ],
)
def test_canonical_number(raw: str, lang: str, want: str) -> None:
    assert canonical_number(raw, lang) == want


@pytest.mark.parametrize(
    "en,fr",
    [
        ("On May 2, 2022", "Le 2 mai 2022"),
        ("4,300 soldiers and 2.5 million", "4 300 soldats et 2,5 millions"),
        ("at 14:30", "à 14 h 30"),
        ("on the 1st of June", "le 1er juin"),
    ],
)
def test_numbers_and_dates_match_across_languages(en: str, fr: str) -> None:
    assert sorted(numbers(en, "en")) == sorted(numbers(fr, "fr"))
    assert dates(en, "en") == dates(fr, "fr")


@pytest.mark.parametrize(
    "text,lang,want",
    [
        ("They may leave.", "en", []),  # the verb
        ("May 2", "en", ["m5"]),
        ("On Monday", "en", ["d1"]),
        ("on monday", "en", []),  # English month/day names are capitalised
        ("en février", "fr", ["m2"]),
        ("en fevrier", "fr", ["m2"]),
        ("OTTAWA, Nov. 11, 2021", "en", ["m11"]),  # abbreviated, with its full stop
        ("le 11 nov. 2021", "fr", ["m11"]),
        ("Nov is a name", "en", []),  # no full stop: not a month
    ],
)
def test_dates(text: str, lang: str, want: list[str]) -> None:
    assert dates(text, lang) == want


def test_fold() -> None:
    assert fold("Maïga") == "maiga" and fold("Œuvre") == "oeuvre"


def test_similarity_prefers_translation() -> None:
    en = features("Colonel Abdoulaye Maiga said 4,300 soldiers left Gao.", "en")
    fr_good = features("Le colonel Abdoulaye Maïga a dit que 4 300 soldats avaient quitté Gao.", "fr")
    fr_bad = features("La saison des pluies commence tard cette année dans le sud.", "fr")
    assert lexical_similarity(en, fr_good) > 0.6 > 0.2 > lexical_similarity(en, fr_bad)


def test_length_probability() -> None:
    cfg = AlignConfig()
    assert length_probability(100, 112, cfg) > 0.9
    assert length_probability(100, 300, cfg) < 0.01
    assert length_probability(0, 0, cfg) == 1.0


EN = [
    "Mali's ruling junta announced Monday it was breaking off defence accords with France.",
    "The announcement had been threatened several times over the past few weeks.",
    "Spokesman Colonel Abdoulaye Maiga said so in a televised statement.",
    "He cited 50 violations of Malian airspace by French aircraft since January.",
    "France has not so far reacted.",
    "Tensions had been rising since the coup of August 2020.",
]
FR = [
    "La junte au pouvoir au Mali a annoncé lundi rompre les accords de défense avec la France.",
    "Cette annonce avait été brandie plusieurs fois ces dernières semaines.",
    "Le porte-parole, le colonel Abdoulaye Maïga, l'a dit dans une déclaration télévisée.",
    "Il a cité 50 violations de l'espace aérien malien par des avions français depuis janvier.",
    "La France n'a pas réagi pour l'instant.",
    "Les tensions montaient depuis le coup d'État d'août 2020.",
]


def kinds(beads: list[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.en, b.fr) for b in beads]


def test_one_to_one() -> None:
    beads = align_sentences(EN, FR)
    assert kinds(beads) == [((i,), (i,)) for i in range(6)]
    assert all(0 < b.score <= 1 for b in beads)
    assert all("lexical" in b.evidence and "length" in b.evidence for b in beads)


def test_two_to_one_and_one_to_two() -> None:
    fr = FR[:2] + ["Le porte-parole, le colonel Abdoulaye Maïga, l'a dit dans une déclaration télévisée "
                   "et a cité 50 violations de l'espace aérien malien par des avions français depuis janvier."] + FR[4:]
    beads = align_sentences(EN, fr)
    assert kinds(beads) == [((0,), (0,)), ((1,), (1,)), ((2, 3), (2,)), ((4,), (3,)), ((5,), (4,))]
    en = EN[:4] + ["France has not so far reacted, and tensions had been rising since the coup of August 2020."]
    beads = align_sentences(en, FR)
    assert kinds(beads)[-1] == ((4,), (4, 5))


def test_deletions() -> None:
    fr = FR[:2] + ["Abonnez-vous à notre lettre d'information pour recevoir les dernières nouvelles."] + FR[2:]
    beads = align_sentences(EN, fr)
    assert ((), (2,)) in kinds(beads)
    assert ((2,), (3,)) in kinds(beads)
    en = EN[:3] + ["Read more: The Sahel in ten maps, our interactive special report"] + EN[3:]
    beads = align_sentences(en, FR)
    assert ((3,), ()) in kinds(beads)
    assert ((4,), (3,)) in kinds(beads)
    assert next(b for b in beads if b.en == (3,)).score == 0.0


def test_every_sentence_covered_once_and_in_order() -> None:
    en, fr = EN[::-1][:4] + EN, FR[1:]
    beads = align_sentences(en, fr)
    assert [i for b in beads for i in b.en] == list(range(len(en)))
    assert [j for b in beads for j in b.fr] == list(range(len(fr)))


def test_empty_sides() -> None:
    assert kinds(align_sentences([], FR[:2])) == [((), (0,)), ((), (1,))]
    assert kinds(align_sentences(EN[:1], [])) == [((0,), ())]
    assert align_sentences([], []) == []


def test_accepts_segments() -> None:
    segs_en = [Segment(f"e:{i}", "e", "en", t) for i, t in enumerate(EN, 1)]
    segs_fr = [Segment(f"f:{i}", "f", "fr", t) for i, t in enumerate(FR, 1)]
    assert kinds(align_sentences(segs_en, segs_fr)) == kinds(align_sentences(EN, FR))


def test_translate_is_used() -> None:
    # Without lexical evidence (no names, numbers, cognates) the MT overlap decides.
    en = ["We ate bread.", "The dog sleeps now.", "It was raining all day long."]
    fr = ["Nous avons mangé du pain.", "Il a plu toute la journée."]
    table = {"Nous avons mangé du pain.": "We ate bread.", "Il a plu toute la journée.": "It rained all day long."}
    calls = []

    def translate(texts: list[str]) -> list[str]:
        calls.append(list(texts))
        return [table[t] for t in texts]

    beads = align_sentences(en, fr, translate=translate)
    assert calls == [fr]
    assert kinds(beads) == [((0,), (0,)), ((1,), ()), ((2,), (1,))]
    assert "mt" in beads[0].evidence and beads[0].evidence["mt"] > 0.9


def test_translate_wrong_length_is_an_error() -> None:
    with pytest.raises(ValueError):
        align_sentences(EN, FR, translate=lambda texts: texts[:1])


STORIES = {
    "mali": (
        "Mali's junta broke off its defence accords with France on Monday, May 2. Colonel Abdoulaye "
        "Maiga cited 50 violations of airspace. Barkhane troops numbered 4,300 in February.",
        "La junte malienne a rompu lundi 2 mai ses accords de défense avec la France. Le colonel "
        "Abdoulaye Maïga a cité 50 violations de l'espace aérien. Barkhane comptait 4 300 soldats en février.",
    ),
    "floods": (
        "Floods in Niger killed 192 people and displaced 263,000 since June, the humanitarian office "
        "OCHA said on Thursday, September 8.",
        "Les inondations au Niger ont tué 192 personnes et déplacé 263 000 depuis juin, a indiqué "
        "jeudi 8 septembre le bureau humanitaire OCHA.",
    ),
    "election": (
        "Burkina Faso's transitional president Ibrahim Traoré promised elections in July 2024 before "
        "the ECOWAS summit in Accra.",
        "Le président de la transition du Burkina Faso, Ibrahim Traoré, a promis des élections en "
        "juillet 2024 avant le sommet de la CEDEAO à Accra.",
    ),
}


def docs(lang: str, keys: list[str]) -> list[Document]:
    idx = 0 if lang == "en" else 1
    return [Document.from_text(f"{k}.{lang}", STORIES[k][idx] + "\n", lang=lang) for k in keys]


def test_align_documents_picks_the_right_pairs_among_distractors() -> None:
    en = docs("en", ["mali", "floods", "election"])
    fr = docs("fr", ["election", "mali", "floods"])
    matches = align_documents(en, fr, {})
    assert sorted((m.en_doc, m.fr_doc) for m in matches) == [
        ("election.en", "election.fr"), ("floods.en", "floods.fr"), ("mali.en", "mali.fr")]
    for m in matches:
        assert m.score > 0.15
    mali = next(m for m in matches if m.en_doc == "mali.en")
    assert "4300" in mali.evidence["numbers"] and "m5" in mali.evidence["dates"]
    assert any(fold(n) == "maiga" for n in mali.evidence["names"])


def test_align_documents_one_to_one_and_threshold() -> None:
    en = docs("en", ["mali", "floods"])
    fr = docs("fr", ["mali"])
    matches = align_documents(en, fr, {})
    assert [(m.en_doc, m.fr_doc) for m in matches] == [("mali.en", "mali.fr")]
    # A story without its translation is left unmatched.
    assert align_documents(docs("en", ["floods"]), docs("fr", ["election"]), {}) == []


def test_align_documents_uses_segments_when_given() -> None:
    en = docs("en", ["mali"])
    fr = docs("fr", ["floods"])
    segs = {"floods.fr": [Segment("floods.fr:1", "floods.fr", "fr", STORIES["mali"][1])]}
    matches = align_documents(en, fr, segs)
    assert [(m.en_doc, m.fr_doc) for m in matches] == [("mali.en", "floods.fr")]


def test_align_documents_with_translate() -> None:
    en = docs("en", ["mali", "floods"])
    fr = docs("fr", ["floods", "mali"])
    from normalise.segment import split_sentences

    back = {}
    for en_text, fr_text in STORIES.values():
        fr_s, en_s = split_sentences(fr_text, "fr"), split_sentences(en_text, "en")
        assert len(fr_s) == len(en_s)
        back.update(zip(fr_s, en_s))
    matches = align_documents(en, fr, {}, translate=lambda ts: [back.get(t, t) for t in ts])
    assert sorted((m.en_doc, m.fr_doc) for m in matches) == [("floods.en", "floods.fr"), ("mali.en", "mali.fr")]
    assert all(m.evidence["mt"] > 0.9 for m in matches)


def test_acronyms_match_when_letters_are_permuted() -> None:
    en, fr = features("About the ICRC and NATO", "en"), features("À propos du CICR et de l'OTAN", "fr")
    assert lexical_similarity(en, fr) > 0.5
    assert lexical_similarity(features("About the ICRC", "en"), features("À propos du FMI", "fr")) == 0.0


def test_three_to_one() -> None:
    en = EN[:2] + ["They built peace in 1945.", "They defended democracy.",
                   "And they enabled countless people to live in freedom."] + EN[2:]
    fr = FR[:2] + ["Ils ont défendu la démocratie, ils ont fait avancer la paix en 1945 et ils ont "
                   "protégé la liberté d'innombrables personnes."] + FR[2:]
    beads = align_sentences(en, fr)
    assert ((2, 3, 4), (2,)) in kinds(beads)
    assert kinds(beads)[-1] == ((8,), (6,))
    assert kinds(align_sentences(en, fr, cfg=AlignConfig(max_merge=2))) != kinds(beads)


def test_chrome_is_not_glued_to_a_neighbour() -> None:
    fr = FR + ["24 juin 2024 à 09:30"]
    en = ["Citation"] + EN
    beads = align_sentences(en, fr)
    assert ((), (6,)) in kinds(beads)
    assert ((0,), ()) in kinds(beads)
    assert [(b.en, b.fr) for b in beads if b.en and b.fr] == [((i + 1,), (i,)) for i in range(6)]


def test_stray_closing_mark_joins_the_sentence_before() -> None:
    en = EN[:3] + ["."] + EN[3:]
    beads = align_sentences(en, FR)
    assert ((2, 3), (2,)) in kinds(beads) or ((3,), ()) in kinds(beads)
    assert not any(b.en and b.en[0] == 3 and b.fr for b in beads)


def test_data_tables_are_well_formed() -> None:
    from normalise.align import DATA_DIR, lexicon, months, stopwords

    for name in ("lexicon.tsv", "months.tsv", "stopwords.tsv"):
        for raw in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
            if raw.strip() and not raw.startswith("#"):
                cells = raw.split("\t")
                assert len(cells) >= 2 and all(c.strip() for c in cells[:2]), (name, raw)
    assert lexicon().concepts("government", "en") & lexicon().concepts("gouvernementale", "fr")
    assert months()["fr"]["aout"] == "m8"
    assert "the" in stopwords()["en"] and "les" in stopwords()["fr"]


from hypothesis import given, settings, strategies as st  # noqa: E402

_WORDS = ["Mali", "France", "soldats", "troops", "2022", "4,300", "4 300", "mai", "May 2", "junte",
          "junta", "«", "»", ".", "Gao", "accords", "défense", "defence", "the", "les"]
_sentence = st.lists(st.sampled_from(_WORDS), min_size=0, max_size=8).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(_sentence, max_size=12), st.lists(_sentence, max_size=12))
def test_beads_cover_both_sides_once_in_order(en: list[str], fr: list[str]) -> None:
    beads = align_sentences(en, fr)
    assert [i for b in beads for i in b.en] == list(range(len(en)))
    assert [j for b in beads for j in b.fr] == list(range(len(fr)))
    for b in beads:
        assert 0.0 <= b.score <= 1.0
        assert b.en or b.fr
        assert len(b.en) <= AlignConfig().max_merge and len(b.fr) <= AlignConfig().max_merge
        if not (b.en and b.fr):
            assert b.score == 0.0


def test_align_documents_single_pair() -> None:
    """One English and one French document (the common small run): shared evidence must not be
    discounted as 'common to every document' just because there are only two documents."""
    matches = align_documents(docs("en", ["mali"]), docs("fr", ["mali"]), {})
    assert [(m.en_doc, m.fr_doc) for m in matches] == [("mali.en", "mali.fr")]
    assert matches[0].score > AlignConfig().doc_threshold
    assert align_documents(docs("en", ["mali"]), docs("fr", ["floods"]), {}) == []


def test_same_subject_but_not_a_translation_is_not_matched() -> None:
    """Last year's statement on the same subject shares names and words, not sentences."""
    other = ("Le colonel Abdoulaye Maïga a reçu la presse à Bamako. La junte a salué le retrait de Barkhane. "
             "Des manifestants ont défilé contre la France. La défense malienne recrute des soldats.")
    en = docs("en", ["mali"])
    fr = [Document.from_text("other.fr", other + "\n", lang="fr")]
    assert align_documents(en, fr, {}, cfg=AlignConfig(doc_verify=False))  # similar enough on words
    assert align_documents(en, fr, {}) == []  # but its sentences do not align
    m = align_documents(en, docs("fr", ["mali"]), {})[0]
    assert m.evidence["sentence_coverage"] >= AlignConfig().doc_min_coverage
    assert m.evidence["similarity"] <= 1.0 and 0 < m.score <= 1.0
