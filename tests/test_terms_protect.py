"""Protection through MT: placeholders, restore, a garbling "model", dropped placeholders."""

import random
import re

import pytest

from normalise.terms import find_terms, load_termbase, protect, restore
from normalise.terms.protect import ProtectConfig


@pytest.fixture(scope="module")
def tb():
    return load_termbase()


PLACEHOLDER = re.compile(r"XTERM\d+X")


def garble(text: str, seed: int = 0) -> str:
    """A stand-in for a bad MT model: every word that is not a placeholder is replaced by a
    scrambled nonsense word, and words are shuffled a little; placeholders are copied."""
    rng = random.Random(seed)
    out = []
    for tok in re.findall(r"[^\s']+'?", text):  # words; French elisions (l', d') are words too
        core = tok.strip(".,;:!?()«»\"")
        if PLACEHOLDER.fullmatch(core):
            out.append(tok)
        else:
            letters = list(core.lower() or "x")
            rng.shuffle(letters)
            out.append("".join(letters) + "q")
    if len(out) > 3:
        i = rng.randrange(len(out) - 1)
        out[i], out[i + 1] = out[i + 1], out[i]
    return " ".join(out) + "."


ROUND_TRIPS = [
    # (src, tgt, source text, forms that must be in the output)
    ("en", "fr", "Colonel Abdoulaye Maiga said the Status of Forces Agreement with Operation Barkhane was over.",
     ["Abdoulaye Maïga", "accord sur le statut des forces", "opération Barkhane"]),
    ("en", "fr", "Bamako ended the SOFA that covered Barkhane and Takuba.", ["Bamako", "Sofa", "Barkhane", "Takuba"]),
    ("en", "fr", "The Status of Force Agreements were denounced.", ["accords sur le statut des forces"]),
    ("en", "fr", "ECOWAS and the UN Security Council met the EU and the AU.",
     ["CEDEAO", "Conseil de sécurité de l'ONU", "UE", "UA"]),
    ("en", "fr", "Then President Francois Hollande sent Operation Serval.", ["François Hollande", "opération Serval"]),
    ("en", "fr", "Russian mercenaries of the Wagner Group arrived in Gao.", ["groupe Wagner", "Gao"]),
    ("fr", "en", "La Cédéao et l'ONU ont salué la décision du colonel Assimi Goïta.", ["ECOWAS", "UN", "Assimi Goïta"]),
    ("fr", "en", "Le retrait de la force Barkhane et de la Minusma.", ["Barkhane force", "MINUSMA"]),
    ("fr", "en", "Le Sofa de mars 2013 est dénoncé.", ["SOFA"]),
    ("fr", "en", "Les Forces armées maliennes (FAMa) et le Quai d'Orsay.", ["Malian Armed Forces", "FAMa", "Quai d'Orsay"]),
]


@pytest.mark.parametrize("src,tgt,text,expected", ROUND_TRIPS)
def test_garbling_model_keeps_protected_terms(tb, src, tgt, text, expected):
    p = protect(text, src, tb)
    assert p.slots, "nothing was protected"
    assert len(PLACEHOLDER.findall(p.masked)) == len(p.slots)
    out = restore(garble(p.masked), p, tgt, tb)
    for form in expected:
        assert form.lower() in out.lower(), (form, out)
    assert not PLACEHOLDER.search(out)
    assert p.flags == []


@pytest.mark.parametrize("src,tgt,text,expected", ROUND_TRIPS)
def test_identity_model_round_trip_finds_terms_on_target_side(tb, src, tgt, text, expected):
    p = protect(text, src, tb)
    out = restore(p.masked, p, tgt, tb)
    tgt_ids = {o.term_id for o in find_terms(out, tgt, tb)}
    assert {s.term_id for s in p.slots} <= tgt_ids, out


def test_masked_text_has_no_protected_surface(tb):
    p = protect("Operation Barkhane and Maïga in Bamako.", "en", tb)
    assert p.masked == "XTERM0X and XTERM1X in XTERM2X."
    assert [s.term_id for s in p.slots] == ["barkhane", "abdoulaye_maiga", "bamako"]


def test_common_nouns_are_not_masked_by_default(tb):
    p = protect("The junta fought jihadists.", "en", tb)
    assert p.slots == [] and p.masked == "The junta fought jihadists."
    p = protect("The junta fought jihadists.", "en", tb, ProtectConfig(protect_all=True))
    assert [s.term_id for s in p.slots] == ["junta", "jihadist"]
    assert restore(p.masked, p, "fr", tb) == "The junte fought djihadistes."


@pytest.mark.parametrize("model_output", ["XTERM0X a pris fin.", "xterm0x a pris fin.", "X TERM 0 X a pris fin.",
                                          "Xterm 0X a pris fin."])
def test_restore_tolerates_spacing_and_case(tb, model_output):
    p = protect("Operation Barkhane ended.", "en", tb)
    assert restore(model_output, p, "fr", tb) == "Opération Barkhane a pris fin."


def test_dropped_placeholder_is_reinserted_and_flagged(tb):
    p = protect("Colonel Abdoulaye Maiga denounced the agreement with the UN.", "en", tb)
    out = restore("Le colonel XTERM0X a dénoncé l'accord.", p, "fr", tb)
    assert "Abdoulaye Maïga" in out and "ONU" in out
    assert out.endswith(".") and "ONU." in out
    assert p.flags == ["term:placeholder-dropped"] and p.dropped == [1]


def test_invented_placeholder_is_removed_and_flagged(tb):
    p = protect("Bamako said no.", "en", tb)
    out = restore("XTERM0X a dit XTERM7X non.", p, "fr", tb)
    assert out == "Bamako a dit non."
    assert "term:placeholder-unknown" in p.flags


def test_french_elision_before_vowel_form(tb):
    p = protect("the UN and the EU", "en", tb)
    assert restore("le XTERM0X et de XTERM1X", p, "fr", tb) == "l'ONU et d'UE"


def test_no_terms_means_identity(tb):
    p = protect("Nothing to see here.", "en", tb)
    assert p.masked == "Nothing to see here." and restore("Rien à voir.", p, "fr", tb) == "Rien à voir."


def test_text_already_containing_a_placeholder_shape(tb):
    text = "Reference XTERM1X: Barkhane left Gao."
    p = protect(text, "en", tb)
    assert "XTERM1X" in p.masked and p.placeholder != "XTERM{}X"
    out = restore(p.masked, p, "fr", tb)
    assert out == "Reference XTERM1X: Barkhane left Gao." and p.flags == []


@pytest.mark.parametrize("text,tgt,expected,not_masked", [
    ("Die Bundeswehr ist an der UN-Mission Minusma in Mali beteiligt, die EU auch.", "fr",
     ["Minusma", "ONU", "UE"], []),
    ("Die Militärjunta in Bamako und Oberst Assimi Goita.", "en", ["Bamako", "Assimi Goïta"], ["Militärjunta"]),
    ("Die französische Operation Barkhane endet.", "fr", ["opération Barkhane"], []),
])
def test_german_source_masks_names_and_acronyms(tb, text, tgt, expected, not_masked):
    p = protect(text, "de", tb)
    out = restore(p.masked, p, tgt, tb)
    for form in expected:
        assert form in out, out
    for word in not_masked:
        assert word in p.masked


def test_same_language_target_gives_canonical_spelling(tb):
    p = protect("Colonel Abdoulaye Maiga spoke.", "en", tb)
    assert restore(p.masked, p, "en", tb) == "Colonel Abdoulaye Maïga spoke."
