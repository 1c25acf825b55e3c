"""Term matching: table of positive cases (with the expected surface) and negative cases."""

import pytest

from normalise.terms import find_terms, fold, load_termbase


@pytest.fixture(scope="module")
def tb():
    return load_termbase()


def found(text, lang, tb):
    return [(o.term_id, o.surface) for o in find_terms(text, lang, tb)]


POSITIVE = [
    # (lang, text, term_id, surface)
    ("en", "Colonel Abdoulaye Maiga said on television.", "abdoulaye_maiga", "Abdoulaye Maiga"),
    ("en", "Colonel Abdoulaye Maïga said on television.", "abdoulaye_maiga", "Abdoulaye Maïga"),
    ("en", "Maiga cited violations of the airspace.", "abdoulaye_maiga", "Maiga"),
    ("en", "the Status of Force Agreements that framed it", "sofa", "Status of Force Agreements"),
    ("en", "the Status of Forces Agreement of 2013", "sofa", "Status of Forces Agreement"),
    ("en", "the status-of-forces agreements were denounced", "sofa", "status-of-forces agreements"),
    ("en", "Bamako ended the SOFA with France.", "sofa", "SOFA"),
    ("en", "the agreements (Sofa) setting the framework for French troops", "sofa", "Sofa"),
    ("en", "the French Barkhane force", "barkhane", "Barkhane force"),
    ("en", "Operation Barkhane ended in 2022.", "barkhane", "Operation Barkhane"),
    ("en", "soldiers of Barkhane left Gossi", "barkhane", "Barkhane"),
    ("en", "the European Task Force Takuba", "takuba", "Task Force Takuba"),
    ("en", "the French force Serval, then Barkhane", "serval", "Serval"),
    ("en", "peacekeepers of MINUSMA were attacked", "minusma", "MINUSMA"),
    ("en", "the EUTM Mali training mission", "eutm_mali", "EUTM Mali"),
    ("en", "sanctions imposed by ECOWAS in January", "ecowas", "ECOWAS"),
    ("en", "the UN Security Council met on Tuesday", "un_security_council", "UN Security Council"),
    ("en", "a closed-door session of the U.N. Security Council", "un_security_council", "U.N. Security Council"),
    ("en", "the UN said", "un", "UN"),
    ("en", "the EU suspended its training missions", "eu", "EU"),
    ("en", "the AU suspended Mali", "au", "AU"),
    ("en", "the G5 Sahel joint force", "g5_sahel", "G5 Sahel"),
    ("en", "the G5-Sahel force", "g5_sahel", "G5-Sahel"),
    ("en", "Russian mercenaries of the Wagner group", "wagner", "Wagner group"),
    ("en", "Russian paramilitaries from Wagner were seen in Mali", "wagner", "Wagner"),
    ("en", "after talks in Bamako", "bamako", "Bamako"),
    ("en", "the base in Gao", "gao", "Gao"),
    ("en", "the junta announced", "junta", "junta"),
    ("en", "Mali's Junta Breaks Off From Defense Accords", "junta", "Junta"),
    ("en", "juntas in the region", "junta", "juntas"),
    ("en", "jihadists attacked the camp", "jihadist", "jihadists"),
    ("en", "djihadists attacked the camp", "jihadist", "djihadists"),
    ("en", "interim president Assimi Goita", "assimi_goita", "Assimi Goita"),
    ("en", "foreign minister Abdoulaye Diop said", "abdoulaye_diop", "Abdoulaye Diop"),
    ("en", "President Emmanuel Macron announced", "emmanuel_macron", "Emmanuel Macron"),
    ("en", "then President Francois Hollande decided", "francois_hollande", "Francois Hollande"),
    ("en", "the Quai d’Orsay said", "quai_dorsay", "Quai d’Orsay"),
    ("en", "a statement from the Elysee", "elysee", "Elysee"),
    ("en", "the Élysée Palace said", "elysee", "Élysée Palace"),
    ("en", "the FAMa and their partners", "fama", "FAMa"),
    ("en", "the Malian Armed Forces", "fama", "Malian Armed Forces"),
    ("en", "alongside members of the Mali Armed Forces", "fama", "Mali Armed Forces"),
    ("en", "the CEDEAO summit", "ecowas", "CEDEAO"),
    ("fr", "la junte au pouvoir au Mali", "junta", "junte"),
    ("fr", "les Accords de statut des forces (Status of Force Agreements, ou Sofa)", "sofa", "Accords de statut des forces"),
    ("fr", "les accords déterminant le statut des forces Barkhane", "sofa", "accords déterminant le statut des forces"),
    ("fr", "la dénonciation de l'accord sur le statut des forces", "sofa", "accord sur le statut des forces"),
    ("fr", "le retrait de la force Barkhane", "barkhane", "force Barkhane"),
    ("fr", "l'opération Barkhane a pris fin", "barkhane", "opération Barkhane"),
    ("fr", "la task force Takuba", "takuba", "task force Takuba"),
    ("fr", "la Minusma a perdu des casques bleus", "minusma", "Minusma"),
    ("fr", "les sanctions de la Cédéao", "ecowas", "Cédéao"),
    ("fr", "les sanctions de la CEDEAO", "ecowas", "CEDEAO"),
    ("fr", "le Conseil de sécurité de l’ONU s'est réuni", "un_security_council", "Conseil de sécurité de l’ONU"),
    ("fr", "selon l'ONU", "un", "ONU"),
    ("fr", "les Nations unies", "un", "Nations unies"),
    ("fr", "l'UE a suspendu", "eu", "UE"),
    ("fr", "l'Union africaine", "au", "Union africaine"),
    ("fr", "des djihadistes ont attaqué", "jihadist", "djihadistes"),
    ("fr", "des jihadistes ont attaqué", "jihadist", "jihadistes"),
    ("fr", "le colonel Assimi Goïta", "assimi_goita", "Assimi Goïta"),
    ("fr", "le président François Hollande", "francois_hollande", "François Hollande"),
    ("fr", "les Forces armées maliennes (FAMa)", "fama", "Forces armées maliennes"),
    ("fr", "les mercenaires russes du groupe Wagner", "wagner", "groupe Wagner"),
    ("fr", "le Quai d'Orsay a réagi", "quai_dorsay", "Quai d'Orsay"),
    ("fr", "l'Élysée a réagi", "elysee", "Élysée"),
]


@pytest.mark.parametrize("lang,text,term_id,surface", POSITIVE)
def test_positive(tb, lang, text, term_id, surface):
    assert (term_id, surface) in found(text, lang, tb)


NEGATIVE = [
    # (lang, text, term_id that must NOT be found)
    ("en", "She fell asleep on the sofa in the living room.", "sofa"),
    ("en", "Sofa cushions and a leather armchair furnish the lounge.", "sofa"),
    ("en", "The Sofa was upholstered in green velvet; the room was small.", "sofa"),
    ("en", "Richard Wagner composed the Ring cycle for Bayreuth.", "wagner"),
    ("en", "The composer Wagner admired Liszt; his operas are long.", "wagner"),
    ("en", "Wagner's Tristan und Isolde changed music.", "wagner"),
    ("en", "A barkhane dune is crescent-shaped, shaped by the wind.", "barkhane"),
    ("en", "Barkhane dunes migrate across the sand sea under steady wind.", "barkhane"),
    ("en", "The serval is a wild cat of the African savanna.", "serval"),
    ("en", "Serval cats hunt small prey in the savanna.", "serval"),
    ("en", "the unfounded claims", "un"),
    ("en", "Our union, a European club", "eu"),
    ("en", "Gold (Au) prices", "au"),
    ("en", "a GAO report on federal spending", "gao"),
    ("en", "UNESCO listed the tombs", "un"),
    ("en", "the Champs-Élysées were crowded", "elysee"),
    ("en", "the Sahelian states", "sahel"),
    ("en", "antijihadist", "jihadist"),
    ("en", "Prime Minister Choguel Maïga said", "abdoulaye_maiga"),
    ("fr", "un soldat est mort au Mali", "un"),
    ("fr", "un soldat est mort au Mali", "au"),
    ("fr", "il est parti en Hollande, aux Pays-Bas, pour voir les tulipes", "francois_hollande"),
    ("fr", "Il dort sur le sofa du salon.", "sofa"),
    ("fr", "Le compositeur Wagner et son opéra Parsifal.", "wagner"),
    ("fr", "une barkhane est une dune en croissant", "barkhane"),
]


@pytest.mark.parametrize("lang,text,term_id", NEGATIVE)
def test_negative(tb, lang, text, term_id):
    assert term_id not in [t for t, _ in found(text, lang, tb)]


def test_offsets_index_the_original_text(tb):
    text = "« Le colonel Abdoulaye Maïga », dit l’ONU à Bamako."
    for o in find_terms(text, "fr", tb):
        assert text[o.start:o.end] == o.surface


def test_longest_match_wins(tb):
    assert found("the UN Security Council said", "en", tb) == [("un_security_council", "UN Security Council")]
    assert found("Operation Barkhane", "en", tb) == [("barkhane", "Operation Barkhane")]


def test_plural_is_reported(tb):
    occ = find_terms("the Status of Force Agreements", "en", tb)
    assert occ[0].plural
    assert not find_terms("the Status of Forces Agreement", "en", tb)[0].plural


def test_canonical_restores_diacritics_keeps_case(tb):
    occ = {o.surface: o.canonical for o in find_terms("MAIGA said. Maiga said. Francois Hollande. Elysee.", "en", tb)}
    assert occ == {"MAIGA": "MAÏGA", "Maiga": "Maïga", "Francois Hollande": "François Hollande", "Elysee": "Élysée"}


def test_unknown_language_gives_nothing(tb):
    assert find_terms("Barkhane Bamako", "de", tb) == []


@pytest.mark.parametrize("raw,folded", [("Maïga", "Maiga"), ("l’ONU", "l'ONU"), ("Élysée", "Elysee"),
                                        ("a\u00a0b", "a b"), ("œuvre", "œuvre")])
def test_fold_is_one_to_one(raw, folded):
    assert fold(raw) == folded
    assert len(fold(raw)) == len(raw)


@pytest.mark.parametrize("lang,text,expected", [
    # a bare surname shared by two people goes to the one whose cues accept it
    ("en", "Mali PM Choguel Maiga placed on rest by doctor Maiga is exhausted.",
     [("choguel_maiga", "Choguel Maiga"), ("choguel_maiga", "Maiga")]),
    ("en", "Colonel Abdoulaye Maiga spoke. Maiga added that the army would stay.",
     [("abdoulaye_maiga", "Abdoulaye Maiga"), ("abdoulaye_maiga", "Maiga")]),
    ("fr", "Le Premier ministre Choguel Kokalla Maïga a parlé. Maïga a ajouté que rien ne changeait.",
     [("choguel_maiga", "Choguel Kokalla Maïga"), ("choguel_maiga", "Maïga")]),
    # the plural of the FAMa acronym in French, and the English adjective jihadi
    ("fr", "la base a été rétrocédée aux FAMas", [("fama", "FAMas")]),
    ("en", "a region plagued with jihadi violence", [("jihadist", "jihadi")]),
])
def test_shared_forms_and_inflections(tb, lang, text, expected):
    assert found(text, lang, tb) == expected


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_WORDS = st.sampled_from(["Maïga", "Maiga", "Barkhane", "sofa", "Sofa", "UN", "un", "l’ONU", "Cédéao", "Wagner",
                          "the", "le", "junta", "dune", "Élysée", "Status of Forces Agreement", "G5-Sahel",
                          "\u00a0", "«", "»", "—", "\n", ",", "İ", "ß", "ﬁ", "e\u0301"])


@settings(max_examples=150, deadline=None)
@given(words=st.lists(_WORDS, max_size=25), lang=st.sampled_from(["en", "fr"]))
def test_offsets_always_index_the_surface(tb, words, lang):
    text = " ".join(words)
    assert len(fold(text)) == len(text)
    for o in find_terms(text, lang, tb):
        assert text[o.start:o.end] == o.surface


@settings(max_examples=150, deadline=None)
@given(words=st.lists(_WORDS.filter(lambda w: w != "le"), max_size=25), lang=st.sampled_from(["en", "fr"]))
def test_identity_model_restores_same_language_text(tb, words, lang):
    from normalise.terms import canonicalise_text, protect, restore

    # ("le" is left out: restore() elides "le Élysée" to "l'Élysée" on purpose)
    text = " ".join(words)
    p = protect(text, lang, tb)
    out = restore(p.masked, p, lang, tb)
    # translating "into the same language" with a model that copies gives the canonicalised
    # text back, apart from sentence-initial capitals restore may add
    assert out.lower() == canonicalise_text(text, lang, tb)[0].lower() or p.flags


# All-capital headlines (issue 5 follow-up): case no longer tells UN from French "un", so a short
# acronym is kept when the line reads as the matcher's language (known neighbours, no marker of
# the other language). Before, every such acronym in a shouting line was dropped, and a short
# all-caps line ("UN SOLDAT") was not seen as shouting at all.
HEADLINE_FOUND = [
    ("en", "UN SAYS MALI MUST EXTEND PEACEKEEPING MANDATE", "un", "UN"),
    ("en", "MALI: UN CHIEF WARNS OF JIHADIST THREAT", "un", "UN"),
    ("en", "FRENCH TROOPS LEAVE MALI AS UN WARNS OF VACUUM", "un", "UN"),
    ("en", "EU, AU BACK ECOWAS SANCTIONS ON MALI", "au", "AU"),
    ("en", "EU, AU BACK ECOWAS SANCTIONS ON MALI", "eu", "EU"),
    ("fr", "L'ONU APPELLE AU CALME AU MALI", "un", "ONU"),
    # was a negative before this change: in a French headline UE and UA are the EU and the AU
    ("fr", "MALI : LA JUNTE ROMPT LES ACCORDS, UE ET UA EN ALERTE", "eu", "UE"),
]
HEADLINE_NOT = [
    ("en", "UN SOLDAT FRANÇAIS TUÉ PRÈS DE GAO", "un"),
    ("en", "UN SOLDAT", "un"),
    ("en", "AU MALI, LA JUNTE ROMPT LES ACCORDS", "au"),
    ("en", "LE CHEF DE L'UN DES GROUPES ARMÉS", "un"),
    ("en", "IL A EU PEUR", "eu"),
    ("fr", "THE UN SAYS MALI MUST ACT", "un"),       # English line given to the French matcher
    ("en", "UN GOLPE DE ESTADO EN MALÍ", "un"),      # Spanish: neighbours are no English words
]


@pytest.mark.parametrize("lang,text,term_id,surface", HEADLINE_FOUND)
def test_headline_acronym_found(tb, lang, text, term_id, surface):
    assert (term_id, surface) in found(text, lang, tb)


@pytest.mark.parametrize("lang,text,term_id", HEADLINE_NOT)
def test_headline_acronym_not_found(tb, lang, text, term_id):
    assert term_id not in [t for t, _ in found(text, lang, tb)]


def test_mixed_case_acronyms_unchanged(tb):
    assert found("the UN said", "en", tb) == [("un", "UN")]
    assert found("un soldat est mort", "fr", tb) == []


@pytest.mark.parametrize("lang,text,expected", [
    ("en", "MALI ENDS SOFA WITH FRANCE", True),                 # positive cues (mali, france)
    ("en", "JUNTA DENOUNCES SOFA", True),                       # no cue: the entry's default (accept)
    ("en", "NEW SOFA BED FOR THE LIVING ROOM", False),          # furniture cues, now read in capitals
    ("fr", "UN SOFA EN VELOURS POUR LE SALON", False),
    ("en", "Bamako ended the SOFA with France.", True),         # mixed case: the exact form, no cue check
])
def test_acronym_form_in_capitals_checks_cues(tb, lang, text, expected):
    assert ("sofa" in [t for t, _ in found(text, lang, tb)]) == expected


# Whole-word cues (`word$` in the termbase): a short furniture or animal cue no longer fires
# inside an unrelated word ("situation", "litige", "category"), and still fires on the word.
@pytest.mark.parametrize("lang,text,term_id,expected", [
    ("en", "The Sofa was denounced given the security situation.", "sofa", True),
    ("fr", "Le Sofa est caduc, selon le litige.", "sofa", True),
    ("en", "The Serval operation was a catastrophe for the jihadists in every category.", "serval", True),
    ("en", "Barkhane troops left through the window of the base.", "barkhane", True),
    ("en", "Sit on the Sofa.", "sofa", False),
    ("en", "The Sofa sits next to the bed.", "sofa", False),
    ("fr", "Le Sofa du salon se transforme en lit.", "sofa", False),
    ("en", "The Serval is a wild cat; cats of that kind hunt at night.", "serval", False),
])
def test_whole_word_cues(tb, lang, text, term_id, expected):
    assert (term_id in [t for t, _ in found(text, lang, tb)]) == expected
