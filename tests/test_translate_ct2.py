"""CTranslate2 backend (normalise/translate/ct2.py): conversion cached by content, same
interface and output format as the transformers backend."""

from __future__ import annotations

import shutil

from normalise.translate import TranslateConfig, load_translator
from normalise.translate import ct2 as C


def test_conversion_is_cached_by_content(tiny_models, tmp_path, monkeypatch):
    out1 = C.convert(tiny_models["en-fr"], tmp_path / "ct2")
    assert (out1 / "model.bin").is_file() and (out1 / "source.spm").is_file()
    # a second call (even from a copy elsewhere) converts nothing
    copy = tmp_path / "copy" / tiny_models["en-fr"].name
    shutil.copytree(tiny_models["en-fr"], copy)

    class Boom:
        def __init__(self, *a, **k):
            raise AssertionError("converted again")

    import ctranslate2.converters

    monkeypatch.setattr(ctranslate2.converters, "TransformersConverter", Boom)
    assert C.convert(copy, tmp_path / "ct2") == out1
    assert not any(p.name.startswith(".tmp-") for p in (tmp_path / "ct2").iterdir())


def test_changed_model_gets_a_new_hash(tiny_models, tmp_path):
    copy = tmp_path / "m"
    shutil.copytree(tiny_models["en-fr"], copy)
    h1 = C.model_hash(copy)
    cfg = copy / "config.json"
    cfg.write_text(cfg.read_text().replace('"dropout": 0.1', '"dropout": 0.2'))
    assert C.model_hash(copy) != h1


def test_same_interface_and_formats(tiny_models, tmp_path):
    texts = ["The army said on Monday that three soldiers were killed.", "", "Hello.",
             "The army said on Monday that three soldiers were killed."]
    outs = {}
    for backend in ("transformers", "ctranslate2"):
        cfg = TranslateConfig(models={"en-fr": str(tiny_models["en-fr"])}, backend=backend, num_beams=1,
                              max_new_tokens=6, ct2_dir=str(tmp_path / "ct2"))
        tr = load_translator(cfg, "en", "fr")
        outs[backend] = tr.translate(texts)
        assert tr.stats["backend"] == backend and tr.stats["translated"] == 2
    for backend, out in outs.items():
        assert len(out) == 4 and all(isinstance(o, str) for o in out), backend
        assert out[1] == "" and out[0] == out[3] and out[0]
        assert "</s>" not in out[0] and "<pad>" not in out[0]


def test_fixed_token_budget(tiny_models, tmp_path):
    """min = max new tokens gives exactly that many tokens on both backends (the benchmark's
    fixed budget)."""
    from transformers import MarianTokenizer

    tok = MarianTokenizer.from_pretrained(tiny_models["en-fr"])
    be = C.CT2Backend(str(tiny_models["en-fr"]), tmp_path / "ct2", "cpu", 1)
    ids = be.translator.translate_batch([tok.convert_ids_to_tokens(tok("Hello.")["input_ids"])], beam_size=1,
                                        max_decoding_length=7, min_decoding_length=7)[0].hypotheses[0]
    assert len(ids) == 7
