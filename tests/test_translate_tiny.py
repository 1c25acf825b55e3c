"""The on-the-fly MarianMT builder (normalise/translate/tiny.py)."""

from __future__ import annotations

import json

import pytest

from normalise.translate.tiny import OPUS_VOCAB_SIZE, SIZES, build_tiny_marian, corpus_sentences


def test_vocab_layout_follows_marian(tiny_models):
    vocab = json.loads((tiny_models["en-fr"] / "vocab.json").read_text("utf-8"))
    cfg = json.loads((tiny_models["en-fr"] / "config.json").read_text("utf-8"))
    assert vocab["</s>"] == 0 and vocab["<unk>"] == 1
    assert vocab["<pad>"] == len(vocab) - 1 == max(vocab.values())
    assert cfg["pad_token_id"] == cfg["decoder_start_token_id"] == vocab["<pad>"]
    assert cfg["vocab_size"] == len(vocab)
    assert cfg["eos_token_id"] == 0


@pytest.mark.parametrize("name", ["source.spm", "target.spm", "vocab.json", "config.json", "tokenizer_config.json"])
def test_directory_holds_marian_files(tiny_models, name):
    assert (tiny_models["fr-en"] / name).stat().st_size > 0


def test_reload_and_tokenise(tiny_models):
    from transformers import MarianTokenizer

    tok = MarianTokenizer.from_pretrained(tiny_models["en-fr"])
    ids = tok("The army said on Monday.")["input_ids"]
    assert ids[-1] == 0  # </s>
    assert 1 not in ids  # no <unk> for text close to the training corpus


def test_same_seed_same_weights(tmp_path):
    a = build_tiny_marian(tmp_path / "a", "en", "fr", seed=3)
    b = build_tiny_marian(tmp_path / "b", "en", "fr", seed=3)
    c = build_tiny_marian(tmp_path / "c", "en", "fr", seed=4)
    wa, wb, wc = ((p / "model.safetensors").read_bytes() for p in (a, b, c))
    assert wa == wb
    assert wa != wc


def test_unknown_size_is_refused(tmp_path):
    with pytest.raises(ValueError, match="size"):
        build_tiny_marian(tmp_path, "en", "fr", size="huge")


def test_opus_size_matches_opus_mt_architecture():
    assert SIZES["opus"]["d_model"] == 512
    assert SIZES["opus"]["encoder_layers"] == SIZES["opus"]["decoder_layers"] == 6
    assert OPUS_VOCAB_SIZE > 50_000


@pytest.mark.parametrize("lang,expect", [("en", "army"), ("fr", "armée"), ("de", "army")])
def test_corpus_sides(lang, expect):
    sents = corpus_sentences(lang)
    assert len(sents) >= 30
    assert any(expect in s for s in sents)
