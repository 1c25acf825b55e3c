"""Protection through a real (tiny, random-weight) MarianMT model built on the fly.

The model's output is meaningless (random weights), which is the point: whatever it does to the
placeholders (copy, drop, mangle), the restored output must contain the target form of every
protected term, flag what the model dropped, and leave no placeholder behind."""

import re

import pytest

from normalise.terms import find_terms, load_termbase, protect, restore
from normalise.terms.protect import target_form

SOURCES = {
    "en": ["Colonel Abdoulaye Maiga said the Status of Forces Agreement with Operation Barkhane was over.",
           "ECOWAS and the UN Security Council met in Bamako.",
           "Russian mercenaries of the Wagner Group arrived in Gao after Takuba left."],
    "fr": ["La Cédéao et l'ONU ont salué la décision du colonel Assimi Goïta.",
           "Le retrait de la force Barkhane et de la Minusma a commencé à Gao.",
           "Le Sofa de mars 2013 encadrait l'opération Serval."],
}


@pytest.fixture(scope="module")
def tb():
    return load_termbase()


@pytest.mark.parametrize("src,tgt", [("en", "fr"), ("fr", "en")])
def test_tiny_marian_keeps_protected_terms(tiny_models, tmp_path, tb, src, tgt):
    from normalise.translate import TranslateConfig, load_translator

    cfg = TranslateConfig(models={k: str(v) for k, v in tiny_models.items()}, num_beams=1, max_new_tokens=48,
                          device="cpu", threads=1, offline=True)
    tr = load_translator(cfg, src, tgt, termbase_version=tb.version)
    protected = [protect(t, src, tb) for t in SOURCES[src]]
    outs = tr.translate([p.masked for p in protected])
    assert len(outs) == len(protected)
    for p, out in zip(protected, outs):
        restored = restore(out, p, tgt, tb)
        assert not re.search(r"XTERM\s*\d+\s*X", restored, re.I), restored
        for s in p.slots:  # (a form put at the start of the sentence is capitalised)
            assert target_form(s, src, tgt, tb).lower() in restored.lower(), (s, restored)
        if p.dropped:
            assert "term:placeholder-dropped" in p.flags
        # the restored terms are found again on the target side by the matcher
        assert {s.term_id for s in p.slots} <= {o.term_id for o in find_terms(restored, tgt, tb)}


def test_placeholders_survive_a_marian_tokenizer_that_covers_ascii(tmp_path, tb):
    """Encoding then decoding the masked text gives the placeholders back unchanged.

    Real OPUS-MT sentencepiece vocabularies cover every ASCII letter and digit; the shared tiny
    test corpus does not (no X, no digits: placeholders would become <unk>), so this model's
    sentencepiece also sees one line with the ASCII capitals and digits."""
    from transformers import MarianTokenizer

    from normalise.translate.tiny import build_tiny_marian

    ascii_line = "ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 " * 3
    path = build_tiny_marian(tmp_path / "m", "en", "fr", train_text=[ascii_line], spm_vocab_size=200)
    tok = MarianTokenizer.from_pretrained(path)
    for text in SOURCES["en"]:
        p = protect(text, "en", tb)
        decoded = tok.decode(tok(p.masked)["input_ids"], skip_special_tokens=True)
        assert re.findall(r"XTERM\d+X", decoded) == re.findall(r"XTERM\d+X", p.masked), decoded
