"""verify_pair: counterparts across a pair, flags, repairs on the MT side only."""

import pytest

from normalise.document import Pair
from normalise.terms import load_termbase, verify_pair
from normalise.terms.verify import mt_sides


@pytest.fixture(scope="module")
def tb():
    return load_termbase()


def pair(en, fr, origin="aligned"):
    return Pair(pair_id="p1", en=en, fr=fr, origin=origin, doc_id="d", src_lang="en")


CASES = [
    # (en, fr, origin, expected flags, expected statuses by term id)
    ("The Barkhane force left Gao.", "La force Barkhane a quitté Gao.", "aligned", [],
     {"barkhane": "ok", "gao": "ok"}),
    ("The Barkhane force left Gao.", "La force a quitté Gao.", "aligned", ["term:missing"],
     {"barkhane": "missing", "gao": "ok"}),
    ("ECOWAS lifted sanctions.", "La Cédéao a levé les sanctions.", "aligned", [], {"ecowas": "ok"}),
    ("The junta denounced the SOFA.", "La junte a dénoncé le Sofa.", "mt:en->fr", [], {"junta": "ok", "sofa": "ok"}),
    ("The junta spoke.", "La junta a parlé.", "aligned", ["term:mistranslated"], {"junta": "mistranslated"}),
    ("Mali ended the SOFA.", "Le Mali a mis fin au canapé.", "aligned", ["term:mistranslated"],
     {"sofa": "mistranslated"}),
    ("Colonel Abdoulaye Maiga spoke.", "Le colonel Abdoulaye Maïga a parlé.", "aligned", [],
     {"abdoulaye_maiga": "ok"}),
    ("Nothing here.", "Rien ici.", "aligned", [], {}),
]


@pytest.mark.parametrize("en,fr,origin,flags,statuses", CASES)
def test_verify_table(tb, en, fr, origin, flags, statuses):
    p = pair(en, fr, origin)
    verify_pair(p, tb)
    assert sorted(p.flags) == sorted(flags)
    assert {t["term_id"]: t["status"] for t in p.terms} == statuses


def test_spans_point_at_surfaces(tb):
    p = pair("Bamako and the UN Security Council.", "Bamako et le Conseil de sécurité de l'ONU.")
    verify_pair(p, tb)
    for t in p.terms:
        s, e = t["en_span"]
        assert p.en[s:e] == t["en_surface"]
        s, e = t["fr_span"]
        assert p.fr[s:e] == t["fr_surface"]


def test_mistranslation_repaired_on_mt_side(tb):
    p = pair("Mali ended the SOFA.", "Le Mali a mis fin au canapé.", "mt:en->fr")
    verify_pair(p, tb)
    assert p.fr == "Le Mali a mis fin au Sofa."
    assert "term:mistranslated" in p.flags and "term:repaired" in p.flags
    (t,) = p.terms
    assert t["status"] == "repaired" and t["before"] == "canapé" and p.fr[slice(*t["fr_span"])] == "Sofa"


def test_human_side_is_never_rewritten(tb):
    p = pair("Mali ended the SOFA.", "Le Mali a mis fin au canapé.", "mt:fr->en")
    verify_pair(p, tb)
    assert p.fr == "Le Mali a mis fin au canapé."
    assert p.flags == ["term:mistranslated"]


def test_french_junta_in_mt_output_repaired(tb):
    p = pair("The junta spoke.", "La junta a parlé.", "mt:en->fr")
    verify_pair(p, tb)
    assert p.fr == "La junte a parlé."


def test_repeated_terms_paired_in_order(tb):
    p = pair("Gao, then Gao again.", "Gao, puis encore.")
    verify_pair(p, tb)
    assert [t["status"] for t in p.terms] == ["ok", "missing"]


@pytest.mark.parametrize("origin,sides", [("aligned", set()), ("mt:en->fr", {"fr"}), ("mt:fr->en", {"en"}),
                                          ("mt:de->en+fr", {"en", "fr"})])
def test_mt_sides(origin, sides):
    assert mt_sides(pair("a", "b", origin)) == sides


@pytest.mark.parametrize("en,fr,flags", [
    ("Mali ended the SOFA.", "Le Mali a dénoncé l'accord sur le statut des forces (Sofa).", []),
    ("the Status of Force Agreements (Sofa)", "les accords de statut des forces (Status of Force Agreements, ou Sofa)", []),
    ("ECOWAS met.", "La Communauté économique des États de l'Afrique de l'Ouest (Cédéao) s'est réunie.", []),
    # two separate mentions are still two
    ("Gao, then Gao.", "Gao, puis Gao, et Gao.", ["term:missing"]),
    ("Sofa and later the Sofa.", "Le Sofa.", ["term:missing"]),
])
def test_expansion_and_acronym_are_one_mention(tb, en, fr, flags):
    p = pair(en, fr)
    verify_pair(p, tb)
    assert p.flags == flags


# An ambiguous form disambiguated on one side is the term on the other side too, without cue words
# of its own there (issue 5 follow-up: a French "Wagner" with no French cue was term:missing).
DISAMBIGUATED_ONCE = [
    # (en, fr, expected flags, expected (term_id, status, fr surface) rows)
    ("Russian mercenaries of the Wagner group arrived in Mali.", "Wagner est arrivé.", [],
     [("wagner", "ok", "Wagner")]),
    ("The Russian Wagner fighters left.", "Les hommes de Wagner sont partis.", [],
     [("wagner", "ok", "Wagner")]),
    ("Wagner left.", "Les mercenaires russes de Wagner sont partis.", [],   # cues on the French side
     [("wagner", "ok", "Wagner")]),
    ("France denounced the Sofa.", "Le Sofa, tel qu'il se lit, est caduc.", [],  # "lit" is a furniture cue
     [("sofa", "ok", "Sofa")]),
    ("The Sofa, the minister said, lets troops sit there.", "Le Mali a dénoncé le Sofa.", [],  # "sit" is a cue
     [("sofa", "ok", "Sofa")]),
    # only as many cue-less counterparts as the other side has mentions: the composer stays out
    ("The Russian Wagner fighters left.", "Les hommes de Wagner sont partis, puis on joua du Wagner.", [],
     [("wagner", "ok", "Wagner")]),
    # negatives: nothing disambiguated on either side, or no counterpart at all
    ("They played Wagner at the opera.", "On joua du Wagner à l'opéra.", [], []),
    ("They played Wagner.", "On joua du Wagner.", [], []),
    ("The Russian Wagner fighters left.", "Les combattants sont partis.", ["term:missing"],
     [("wagner", "missing", None)]),
]


@pytest.mark.parametrize("en,fr,flags,rows", DISAMBIGUATED_ONCE)
def test_counterpart_needs_no_cues_of_its_own(tb, en, fr, flags, rows):
    p = pair(en, fr)
    verify_pair(p, tb)
    assert sorted(p.flags) == sorted(flags)
    assert [(t["term_id"], t["status"], t["fr_surface"]) for t in p.terms] == rows
    for t in p.terms:
        if t["fr_span"]:
            assert p.fr[slice(*t["fr_span"])] == t["fr_surface"]


def test_detection_alone_still_needs_cues(tb):
    from normalise.terms import find_terms
    assert find_terms("Wagner est arrivé.", "fr", tb) == []
    assert [o.term_id for o in tb.matcher("fr").find("Wagner est arrivé.", frozenset({"wagner"}))] == ["wagner"]
