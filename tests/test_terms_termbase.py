"""Termbase loading (YAML, CSV, TBX), validation and the content version."""

import pytest

from normalise.terms import TermbaseError, find_terms, load_termbase
from normalise.terms.tbx import export_tbx, read_tbx
from normalise.terms.termbase import TYPES, dump_yaml

REQUIRED = ["barkhane", "serval", "takuba", "sofa", "minusma", "eutm_mali", "ecowas", "un", "un_security_council",
            "eu", "au", "g5_sahel", "wagner", "bamako", "gao", "gossi", "sahel", "junta", "abdoulaye_maiga",
            "assimi_goita", "abdoulaye_diop", "emmanuel_macron", "francois_hollande", "quai_dorsay", "elysee",
            "fama", "jihadist"]


def test_shipped_termbase_has_required_entries():
    tb = load_termbase()
    missing = [i for i in REQUIRED if i not in tb]
    assert not missing
    for e in tb.entries.values():
        assert e.type in TYPES
        assert set(e.forms) == {"en", "fr"}, e.id


@pytest.mark.parametrize("term_id,en,fr", [
    ("barkhane", "Operation Barkhane", "opération Barkhane"), ("takuba", "Task Force Takuba", "task force Takuba"),
    ("sofa", "Status of Forces Agreement", "accord sur le statut des forces"), ("ecowas", "ECOWAS", "CEDEAO"),
    ("un", "UN", "ONU"), ("eu", "EU", "UE"), ("au", "AU", "UA"), ("abdoulaye_maiga", "Abdoulaye Maïga", "Abdoulaye Maïga"),
    ("fama", "FAMa", "FAMa"), ("jihadist", "jihadist", "djihadiste"), ("junta", "junta", "junte"),
])
def test_canonical_forms(term_id, en, fr):
    tb = load_termbase()
    assert (tb[term_id].canonical("en"), tb[term_id].canonical("fr")) == (en, fr)


def test_version_is_stable_and_content_based(tmp_path):
    a, b = load_termbase(), load_termbase()
    assert a.version == b.version and len(a.version) == 16
    extra = tmp_path / "x.yaml"
    extra.write_text("entries:\n  - id: kidal\n    type: place\n    en: Kidal\n    fr: Kidal\n", encoding="utf-8")
    assert load_termbase([extra]).version != a.version
    # same content, different formatting and comments -> same version
    extra2 = tmp_path / "y.yaml"
    extra2.write_text("# comment\nentries: [{id: kidal, fr: Kidal, en: Kidal, type: place}]\n", encoding="utf-8")
    assert load_termbase([extra2]).version == load_termbase([extra]).version


def test_extra_yaml_adds_and_overrides(tmp_path):
    extra = tmp_path / "user.yaml"
    extra.write_text(
        "entries:\n"
        "  - id: kidal\n    type: place\n    en: {canonical: Kidal}\n    fr: {canonical: Kidal}\n"
        "  - id: gao\n    type: place\n    en: {canonical: Gao, variants: [Gao city]}\n    fr: {canonical: Gao}\n",
        encoding="utf-8")
    tb = load_termbase([extra])
    assert [o.term_id for o in find_terms("Kidal and Gao city", "en", tb)] == ["kidal", "gao"]


def test_csv_termbase(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("id,type,en,fr,en_variants,fr_variants,do_not_translate,note\n"
                 "jnim,organisation,JNIM,JNIM,Group to Support Islam and Muslims,GSIM|Groupe de soutien à l'islam et aux musulmans,yes,al-Qaeda affiliate\n",
                 encoding="utf-8")
    tb = load_termbase([p])
    assert tb["jnim"].do_not_translate
    assert [o.term_id for o in find_terms("le GSIM a revendiqué", "fr", tb)] == ["jnim"]


@pytest.mark.parametrize("text,err", [
    ("entries:\n  - id: x\n    type: weapon\n    en: X\n", "type"),
    ("entries:\n  - type: place\n    en: X\n", "id"),
    ("entries:\n  - id: x\n    type: place\n", "at least one"),
    ("entries:\n  - id: x\n    type: place\n    en: {canonical: X, variants: [{form: Y, kase: exact}]}\n", "unknown"),
])
def test_bad_termbase_rejected(tmp_path, text, err):
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(TermbaseError, match=err):
        load_termbase([p])


def test_unknown_format_rejected(tmp_path):
    p = tmp_path / "t.json"
    p.write_text("{}", encoding="utf-8")
    with pytest.raises(TermbaseError):
        load_termbase([p])


def test_tbx_round_trip_keeps_version(tmp_path):
    tb = load_termbase()
    out = export_tbx(tb, tmp_path / "tb.tbx")
    back = load_termbase([out], include_shipped=False)
    assert back.version == tb.version


def test_yaml_dump_round_trip(tmp_path):
    tb = load_termbase()
    dump_yaml(tb.entries.values(), tmp_path / "tb.yaml")
    assert load_termbase([tmp_path / "tb.yaml"], include_shipped=False).version == tb.version


FOREIGN_TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>other tool</p></sourceDesc></fileDesc></martifHeader>
<text><body>
<termEntry id="c1"><descrip type="subjectField">military</descrip><note>from another tool</note>
 <langSet xml:lang="en-GB"><tig><term>Operation Sangaris</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
   <tig><term>Sangaris</term><termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></tig></langSet>
 <langSet xml:lang="fr"><tig><term>opération Sangaris</term></tig></langSet>
 <langSet xml:lang="de"><tig><term>Operation Sangaris</term></tig></langSet>
</termEntry>
<termEntry id="c2"><langSet xml:lang="en"><tig><term>MNLA</term><termNote type="termType">acronym</termNote></tig></langSet>
 <langSet xml:lang="fr"><tig><term>MNLA</term></tig></langSet></termEntry>
</body></text></martif>
"""

TBX3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
<tbxHeader><fileDesc><sourceDesc><p>v3</p></sourceDesc></fileDesc></tbxHeader>
<text><body><conceptEntry id="k"><langSec xml:lang="en"><termSec><term>Kidal</term></termSec></langSec>
<langSec xml:lang="fr"><termSec><term>Kidal</term></termSec></langSec></conceptEntry></body></text></tbx>
"""


def test_import_foreign_tbx_basic(tmp_path):
    p = tmp_path / "other.tbx"
    p.write_text(FOREIGN_TBX, encoding="utf-8")
    entries = {e.id: e for e in read_tbx(p)}
    c1 = entries["c1"]
    assert c1.canonical("en") == "Operation Sangaris" and c1.canonical("fr") == "opération Sangaris"
    assert [v.form for v in c1.forms["en"].variants] == ["Operation Sangaris", "Sangaris"]
    assert c1.type == "organisation" and c1.note == "from another tool"
    assert entries["c2"].type == "acronym"


def test_import_tbx_v3(tmp_path):
    p = tmp_path / "v3.tbx"
    p.write_text(TBX3, encoding="utf-8")
    (e,) = read_tbx(p)
    assert e.id == "k" and e.canonical("fr") == "Kidal"
