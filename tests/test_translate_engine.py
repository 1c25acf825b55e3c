"""Translator: loading, batching, order, memory, progress (tiny random-weight models)."""

from __future__ import annotations

import pytest

from normalise.translate import ModelUnavailable, TranslateConfig, load_translator
from normalise.translate.engine import cpu_threads


def cfg_for(tiny_models, tmp_path=None, **kw):
    kw.setdefault("num_beams", 1)
    kw.setdefault("max_new_tokens", 8)
    return TranslateConfig(models={k: str(v) for k, v in tiny_models.items()},
                           tm_path=str(tmp_path / "tm.sqlite") if tmp_path else None, **kw)


def test_translate_returns_one_output_per_input_in_order(tiny_models, tmp_path):
    tr = load_translator(cfg_for(tiny_models, tmp_path), "en", "fr")
    texts = ["The army said on Monday that three soldiers were killed.", "Hello.", "",
             "Col. Diallo met the mayor of Gao."]
    out = tr.translate(texts)
    assert len(out) == len(texts)
    assert out[2] == ""
    # another translator (fresh memory) given the texts in reverse order forms the same
    # length-sorted batches, so it must give the same outputs, reversed back
    tr2 = load_translator(cfg_for(tiny_models, tmp_path / "other"), "en", "fr")
    assert tr2.translate(texts[::-1])[::-1] == out


class EchoBackend:
    """Stands in for a model: output = source upper-cased; records the batches it was given."""

    def __init__(self):
        self.batches = []

    def token_lengths(self, texts):
        return [len(t.split()) for t in texts]

    def translate_batch(self, texts, max_new_tokens, num_beams, min_new_tokens=0):
        self.batches.append(list(texts))
        return [t.upper() for t in texts]


def test_batches_are_length_sorted_and_order_restored(tiny_models, tmp_path):
    tr = load_translator(cfg_for(tiny_models, tmp_path, batch_size=2), "en", "fr")
    tr.backend = EchoBackend()
    texts = ["a b c", "a", "a b c d e", "", "a b", "a b c d", "a"]
    out = tr.translate(texts)
    assert out == [t.upper() for t in texts]
    assert tr.backend.batches == [["a b c d e", "a b c d"], ["a b c", "a b"], ["a"]]  # longest first, dups once


def test_model_loaded_once_per_process(tiny_models, tmp_path):
    a = load_translator(cfg_for(tiny_models, tmp_path), "en", "fr")
    b = load_translator(cfg_for(tiny_models, tmp_path), "en", "fr")
    c = load_translator(cfg_for(tiny_models, tmp_path), "fr", "en")
    assert a.backend is b.backend
    assert a.backend is not c.backend


def test_memory_hits_and_only_misses_go_to_the_model(tiny_models, tmp_path):
    cfg = cfg_for(tiny_models, tmp_path, batch_size=2)
    tr = load_translator(cfg, "en", "fr", termbase_version="tb1")
    quote = "The president received the ambassadors."
    first = tr.translate([quote, "Farmers fear the drought.", quote, "  The president  received the ambassadors. "])
    assert tr.stats["translated"] == 2  # the repeated quote (and its whitespace variant) once
    assert first[0] == first[2] == first[3]
    tr2 = load_translator(cfg, "en", "fr", termbase_version="tb1")
    again = tr2.translate([quote, "A new sentence about rain."])
    assert again[0] == first[0]
    assert tr2.stats["tm_hits"] == 1 and tr2.stats["tm_misses"] == 1 and tr2.stats["translated"] == 1
    # a new termbase version is a different key
    tr3 = load_translator(cfg, "en", "fr", termbase_version="tb2")
    tr3.translate([quote])
    assert tr3.stats["tm_hits"] == 0 and tr3.stats["translated"] == 1


def test_progress_reaches_total(tiny_models, tmp_path):
    tr = load_translator(cfg_for(tiny_models, tmp_path, batch_size=2), "en", "fr")
    seen = []
    texts = [f"Sentence number {i} about the army." for i in range(5)]
    tr.translate(texts, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 5)
    assert seen[-1] == (5, 5)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(seen) == 1 + 3  # lookup + three batches of <= 2


def test_cpu_threads_default_and_explicit():
    assert cpu_threads(3) == 3
    assert cpu_threads(0) >= 1


def test_missing_direction_names_the_config_key():
    with pytest.raises(ModelUnavailable) as e:
        load_translator(TranslateConfig(), "en", "xx")
    assert "stages.translate.models.en-xx" in str(e.value)


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_overlong_segment_is_truncated_not_fatal(tiny_models, tmp_path, backend):
    """Inputs longer than the model's positions (256 for the tiny model) are truncated."""
    cfg = cfg_for(tiny_models, tmp_path, backend=backend, ct2_dir=str(tmp_path / "ct2"))
    long = " ".join(["The army said on Monday that three soldiers were killed near the border."] * 40)
    out = load_translator(cfg, "en", "fr").translate([long, "Hello."])
    assert len(out) == 2 and all(isinstance(o, str) for o in out)


def test_threads_share_one_translator(tiny_models, tmp_path):
    import threading

    tr = load_translator(cfg_for(tiny_models, tmp_path, batch_size=2), "en", "fr")
    solo = tr.translate([f"Farmers in region {i} fear the drought." for i in range(6)])
    results = {}

    def work(k):
        results[k] = tr.translate([f"Farmers in region {i} fear the drought." for i in range(6)])

    ts = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert all(r == solo for r in results.values())


def test_device_resolution(monkeypatch):
    import torch

    from normalise.translate.engine import resolve_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu" and resolve_device("cpu") == "cpu"
    with pytest.raises(ModelUnavailable, match="device"):
        resolve_device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda"
