"""Build throw-away MarianMT models on the fly, for tests and benchmarks.

The Hugging Face Hub cannot be reached from the project's build machines, so tests and benchmarks
cannot download OPUS-MT. This module follows the recipe of DESIGN.md ("Environment facts") to make
a model directory that loads through *exactly* the same code as a real OPUS-MT checkpoint
(``MarianMTModel.from_pretrained`` + ``MarianTokenizer.from_pretrained``, CTranslate2's
``TransformersConverter``):

* two sentencepiece models (``source.spm``, ``target.spm``) trained on the few KB of text in
  ``normalise/data/translate/tiny_corpus.tsv``;
* ``vocab.json`` shared by both sides, like OPUS-MT: ``</s>`` = 0, ``<unk>`` = 1, the pieces, then
  ``<pad>`` LAST; its id is ``pad_token_id`` and ``decoder_start_token_id``;
* a small ``MarianConfig`` (``size="tiny"``) or the real OPUS-MT sizes (``size="opus"``: d_model
  512, 6+6 layers, 8 heads, FFN 2048, ~59k vocabulary padded with filler pieces), random weights
  seeded by ``seed``;
* ``save_pretrained`` of model and tokenizer, then a reload as a check.

What it does not do: the weights are random, so the *output text is meaningless* (its speed is
real for ``size="opus"``). Languages other than en/fr have no text in the corpus; their
sentencepiece model is trained on the English side (fine for tokenising, not for quality).
"""

from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path
from typing import Iterable

__all__ = ["build_tiny_marian", "SIZES", "OPUS_VOCAB_SIZE", "corpus_sentences"]

# Vocabulary size of Helsinki-NLP/opus-mt-en-fr (its config.json: vocab_size 59514).
OPUS_VOCAB_SIZE = 59514

# Model sizes. "opus" copies the architecture of the OPUS-MT Marian transformer-base checkpoints
# (their config.json: d_model 512, 6 encoder + 6 decoder layers, 8 heads, FFN 2048, swish,
# scale_embedding, static sinusoidal positions up to 512).
SIZES: dict[str, dict] = {
    "tiny": dict(d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
                 decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
                 max_position_embeddings=256),
    "opus": dict(d_model=512, encoder_layers=6, decoder_layers=6, encoder_attention_heads=8,
                 decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048,
                 max_position_embeddings=512),
}

_LANG_COLUMN = {"en": 0, "fr": 1}


def corpus_sentences(lang: str) -> list[str]:
    """Sentences of the shipped tiny corpus in ``lang`` (en/fr; other languages get English)."""
    text = resources.files("normalise.data").joinpath("translate/tiny_corpus.tsv").read_text("utf-8")
    col = _LANG_COLUMN.get(lang, 0)
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        out.append(cols[col] if col < len(cols) else cols[0])
    return out


def _train_spm(sentences: list[str], vocab_size: int) -> bytes:
    import sentencepiece as spm

    buf = io.BytesIO()
    # unk only (id 0): Marian's vocab.json, not the spm ids, decides token ids; no bos/eos/pad in
    # the spm so no control piece leaks into vocab.json. hard_vocab_limit=False: a few KB of text
    # cannot always fill the requested vocabulary.
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences), model_writer=buf, vocab_size=vocab_size,
        model_type="unigram", character_coverage=1.0, hard_vocab_limit=False,
        unk_id=0, bos_id=-1, eos_id=-1, pad_id=-1, minloglevel=2, num_threads=1,
    )
    return buf.getvalue()


def _pieces(model_bytes: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model_bytes)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size()) if not (sp.is_unknown(i) or sp.is_control(i))]


def build_tiny_marian(path: str | Path, src: str, tgt: str, size: str = "tiny", seed: int = 0,
                      spm_vocab_size: int = 200, train_text: Iterable[str] = ()) -> Path:
    """Write a MarianMT model directory for ``src``->``tgt`` at ``path`` and return it.

    ``size`` is ``"tiny"`` (a few hundred KB, builds in about a second: tests) or ``"opus"`` (the
    OPUS-MT architecture with a ~59k vocabulary and random weights: benchmarks). The directory is
    reloaded once before returning, so a broken build fails here, not in the caller.

    ``train_text`` adds sentences to both sides' sentencepiece training (benchmarks pass real news
    text with a larger ``spm_vocab_size`` so segments have realistic token counts).
    """
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, not {size!r}")
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)

    extra = [t for t in train_text if t.strip()]
    src_model = _train_spm(corpus_sentences(src) + extra, spm_vocab_size)
    tgt_model = _train_spm(corpus_sentences(tgt) + extra, spm_vocab_size)
    (out / "source.spm").write_bytes(src_model)
    (out / "target.spm").write_bytes(tgt_model)

    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in _pieces(src_model) + _pieces(tgt_model):
        vocab.setdefault(piece, len(vocab))
    if size == "opus":
        # Filler pieces bring the vocabulary to the real size, so the embedding and output
        # projection cost what they cost in OPUS-MT. They never come out of the spm encoder.
        i = 0
        while len(vocab) < OPUS_VOCAB_SIZE - 1:
            vocab.setdefault(f"\u2581filler{i}", len(vocab))
            i += 1
    pad_id = len(vocab)
    vocab["<pad>"] = pad_id
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=0), "utf-8")

    cfg = MarianConfig(
        vocab_size=len(vocab), decoder_vocab_size=len(vocab), pad_token_id=pad_id,
        decoder_start_token_id=pad_id, eos_token_id=0, forced_eos_token_id=0, bos_token_id=None,
        activation_function="swish", scale_embedding=True, share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True, dropout=0.1, **SIZES[size],
    )
    torch.manual_seed(seed)
    model = MarianMTModel(cfg).eval()
    tok = MarianTokenizer(source_spm=str(out / "source.spm"), target_spm=str(out / "target.spm"),
                          vocab=str(out / "vocab.json"), source_lang=src, target_lang=tgt)
    model.generation_config.max_length = 512  # as in the OPUS-MT generation configs
    model.generation_config.num_beams = 1
    model.generation_config.pad_token_id = pad_id
    model.generation_config.decoder_start_token_id = pad_id
    model.generation_config.eos_token_id = 0
    model.generation_config.forced_eos_token_id = 0
    model.save_pretrained(out)
    tok.save_pretrained(out)

    # Reload check: the directory must work through the same loader as a real checkpoint.
    MarianTokenizer.from_pretrained(out)
    MarianMTModel.from_pretrained(out)
    return out
