"""CTranslate2 backend: the same MarianMT directory, converted once to int8 and cached.

Conversion goes through ``ctranslate2.converters.TransformersConverter`` (the Python API behind
``ct2-transformers-converter``) from the Hugging Face model directory that the transformers
backend loads, with ``quantization="int8"``. The converted model lives in
``<ct2_dir>/<model name>-<content hash>-int8/``: the hash covers every file of the source
directory, so a changed model converts again and an unchanged one never does (even under another
path). Conversion writes to a temporary directory and renames it, so an interrupted conversion
leaves nothing that looks finished.

Tokenisation and detokenisation use the model's own ``MarianTokenizer`` (same sentencepiece
models, same vocabulary), so the outputs have exactly the format of the transformers backend.

What it does not do: no int8_float16 check per GPU model (CUDA uses int8_float16, CPU int8); old
converted directories are never removed; one translator per process and model (inter_threads=1:
parallelism comes from intra-op threads and batching).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

__all__ = ["model_hash", "convert", "CT2Backend"]

_HASHES: dict[tuple[str, float, int], str] = {}
_CONVERT_LOCK = threading.Lock()


def model_hash(model_dir: str | Path) -> str:
    """sha256 over the names and contents of every file in ``model_dir`` (sorted), memoised per
    (path, newest mtime, total size) within the process."""
    root = Path(model_dir)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    key = (str(root.resolve()), max((p.stat().st_mtime for p in files), default=0.0),
           sum(p.stat().st_size for p in files))
    if key in _HASHES:
        return _HASHES[key]
    h = hashlib.sha256()
    for p in files:
        h.update(str(p.relative_to(root)).encode() + b"\0")
        with open(p, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    _HASHES[key] = h.hexdigest()
    return _HASHES[key]


def convert(model_dir: str | Path, ct2_root: str | Path, quantization: str = "int8") -> Path:
    """The CTranslate2 conversion of ``model_dir`` (converted now unless already cached)."""
    from ctranslate2.converters import TransformersConverter

    model_dir = Path(model_dir)
    ct2_root = Path(ct2_root)
    digest = model_hash(model_dir)[:16]
    out = ct2_root / f"{model_dir.name}-{digest}-{quantization}"
    if (out / "model.bin").is_file():
        return out
    with _CONVERT_LOCK:
        if (out / "model.bin").is_file():
            return out
        ct2_root.mkdir(parents=True, exist_ok=True)
        tmp = ct2_root / f".tmp-{out.name}-{os.getpid()}"
        if tmp.exists():
            shutil.rmtree(tmp)
        copy = [f for f in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json")
                if (model_dir / f).is_file()]
        TransformersConverter(str(model_dir), copy_files=copy).convert(str(tmp), quantization=quantization, force=True)
        try:
            os.replace(tmp, out)
        except OSError:  # another process finished first: keep theirs
            shutil.rmtree(tmp, ignore_errors=True)
    return out


class CT2Backend:
    """CTranslate2 translator with the model's MarianTokenizer; same interface as HFBackend."""

    def __init__(self, path: str, ct2_root: str | Path, device: str, threads: int) -> None:
        import ctranslate2
        from transformers import MarianTokenizer

        self.device = device
        self.tokenizer = MarianTokenizer.from_pretrained(path, local_files_only=True)
        self.compute_type = "int8_float16" if device == "cuda" else "int8"
        self.ct2_path = convert(path, ct2_root, "int8")
        self.translator = ctranslate2.Translator(str(self.ct2_path), device=device, compute_type=self.compute_type,
                                                 inter_threads=1, intra_threads=0 if device == "cuda" else threads)
        import json

        positions = json.loads((Path(path) / "config.json").read_text("utf-8")).get("max_position_embeddings", 512)
        self.max_len = min(int(positions or 512), int(getattr(self.tokenizer, "model_max_length", 512) or 512), 512)

    def token_lengths(self, texts: list[str]) -> list[int]:
        return [len(ids) for ids in self.tokenizer.spm_source.encode(texts)]

    def translate_batch(self, texts: list[str], max_new_tokens: int, num_beams: int,
                        min_new_tokens: int = 0) -> list[str]:
        tok = self.tokenizer
        ids = tok(texts, truncation=True, max_length=self.max_len)["input_ids"]
        source = [tok.convert_ids_to_tokens(x) for x in ids]
        results = self.translator.translate_batch(
            source, beam_size=num_beams, max_decoding_length=max_new_tokens,
            min_decoding_length=max(min_new_tokens, 1), max_batch_size=len(source))
        return [tok.decode(tok.convert_tokens_to_ids(r.hypotheses[0]), skip_special_tokens=True) for r in results]
