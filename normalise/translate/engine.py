"""The translator: one loaded model per process, length-sorted batches, a translation memory.

``load_translator(cfg, src, tgt)`` resolves the model (:mod:`.models`: local dir, offline models
dir, Hugging Face cache, then the hub only when allowed and reachable), loads it once per process
(cached by model path, backend and device) and returns a :class:`Translator`.
``Translator.translate(texts)`` normalises each text (:func:`.memory.normalise_source`), looks
the distinct ones up in the translation memory, sends only the misses to the model in batches
sorted by token length (longest first, so an out-of-memory batch shows up at once) and returns
outputs in the input order. The caller passes every segment of a run and direction at once, so
batches span documents.

Threads: on CPU, torch uses ``cfg.threads`` (0: every core this process may run on, from its CPU
affinity). Several worker processes on one machine should each get ``threads`` = cores / workers,
or they oversubscribe the cores and all run slower. Batches on one loaded model are serialised
(a lock), so threads of one process can share a Translator safely.

What it does not do: segments longer than the model's positions (512 for OPUS-MT) are truncated
by the tokenizer (the guard rails then flag the short output); no token-budget batching (a batch
is ``batch_size`` segments); no multi-GPU; GPU half precision is used without a per-model check
and has not been run on a GPU in this project yet; a model directory changed in place under the
same path is not reloaded within a process (call :func:`clear_model_cache`).
"""

from __future__ import annotations

import copy
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from .memory import TranslationMemory, normalise_source
from .models import ModelUnavailable, ResolvedModel, TranslateConfig, resolve_model

__all__ = ["Translator", "load_translator", "resolve_device", "HFBackend", "clear_model_cache"]

Progress = Callable[[int, int], None]


class Backend(Protocol):
    def translate_batch(self, texts: list[str], max_new_tokens: int, num_beams: int,
                        min_new_tokens: int = 0) -> list[str]: ...

    def token_lengths(self, texts: list[str]) -> list[int]: ...


_CACHE: dict[tuple[str, str, str], Backend] = {}
_CACHE_LOCK = threading.Lock()


def _backend_lock(backend: Any) -> threading.Lock:
    """The lock serialising batches on one loaded model (created with it)."""
    with _CACHE_LOCK:
        lock = getattr(backend, "_batch_lock", None)
        if lock is None:
            lock = threading.Lock()
            backend._batch_lock = lock
        return lock
_THREADS_SET: int | None = None


def clear_model_cache() -> None:
    """Forget every loaded model (tests; freeing memory between runs)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def cpu_threads(requested: int = 0) -> int:
    """``requested``, or every core this process may run on (its CPU affinity, not the host's)."""
    if requested > 0:
        return requested
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _set_torch_threads(n: int) -> None:
    global _THREADS_SET
    import torch

    if _THREADS_SET != n:
        torch.set_num_threads(n)
        _THREADS_SET = n


def resolve_device(device: str) -> str:
    """``auto`` -> ``cuda`` when torch sees a GPU, else ``cpu``; ``cuda`` without one is an error."""
    import torch

    has_cuda = torch.cuda.is_available()
    if device == "auto":
        return "cuda" if has_cuda else "cpu"
    if device == "cuda" and not has_cuda:
        raise ModelUnavailable("cuda", "device 'cuda' was requested but torch sees no GPU",
                               "set stages.translate.device to 'auto' or 'cpu'")
    return device


class HFBackend:
    """MarianMT through transformers/PyTorch (float16 on CUDA)."""

    def __init__(self, path: str, device: str, threads: int) -> None:
        import torch
        from transformers import MarianMTModel, MarianTokenizer

        self.device = device
        # the directory is already resolved: never let transformers look anything up online
        self.tokenizer = MarianTokenizer.from_pretrained(path, local_files_only=True)
        model = MarianMTModel.from_pretrained(path, local_files_only=True)
        if device == "cuda":
            model = model.half().to("cuda")
        else:
            _set_torch_threads(threads)
        self.model = model.eval()
        self.max_len = min(int(getattr(model.config, "max_position_embeddings", 512) or 512), 512)
        gen = copy.deepcopy(model.generation_config)
        gen.do_sample = False
        self.generation_config = gen
        self._torch = torch

    def token_lengths(self, texts: list[str]) -> list[int]:
        sp = self.tokenizer.spm_source
        return [len(ids) for ids in sp.encode(texts)]

    def translate_batch(self, texts: list[str], max_new_tokens: int, num_beams: int,
                        min_new_tokens: int = 0) -> list[str]:
        torch = self._torch
        enc = self.tokenizer(texts, return_tensors="pt", padding=True, truncation=True, max_length=self.max_len)
        enc = {k: v.to(self.device) for k, v in enc.items()}
        gen = copy.copy(self.generation_config)
        # Encoder-decoder: max_length counts decoder tokens after the start token, so this is
        # max_new_tokens without transformers' "both max_new_tokens and max_length" warning
        # (OPUS-MT generation configs set max_length 512).
        gen.max_length = max_new_tokens + 1
        gen.max_new_tokens = None
        gen.num_beams = num_beams
        gen.min_length = min_new_tokens + 1 if min_new_tokens else 0
        with torch.inference_mode():
            out = self.model.generate(**enc, generation_config=gen)
        return self.tokenizer.batch_decode(out, skip_special_tokens=True)


def _load_backend(resolved: ResolvedModel, cfg: TranslateConfig, device: str) -> Backend:
    key = (str(resolved.path), cfg.backend, device)
    with _CACHE_LOCK:
        be = _CACHE.get(key)
        if be is None:
            threads = cpu_threads(cfg.threads)
            try:
                if cfg.backend == "ctranslate2":
                    from .ct2 import CT2Backend

                    be = CT2Backend(str(resolved.path), cfg.resolved_ct2_dir(), device, threads)
                else:
                    be = HFBackend(str(resolved.path), device, threads)
            except ModelUnavailable:
                raise
            except Exception as e:  # a directory that passed the file checks but does not load
                raise ModelUnavailable(
                    resolved.model_id, f"{resolved.path} failed to load ({type(e).__name__}: {e})",
                    f"replace {resolved.path} with a complete copy (`normalise models verify` names bad files)") from e
            _CACHE[key] = be
        return be


@dataclass
class Translator:
    """A loaded model for one direction, plus its translation memory and counters.

    ``stats`` (a dict, merged into the run report): ``segments`` asked for, ``tm_hits`` and
    ``tm_misses`` (distinct normalised sources found / not found in the memory), ``translated``
    (sent to the model), ``batches``, ``seconds`` spent in the model, ``tm_hit_rate``.
    """

    cfg: TranslateConfig
    src: str
    tgt: str
    model_id: str
    resolved: ResolvedModel
    backend: Any
    memory: TranslationMemory
    termbase_version: str = ""
    stats: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.stats = {"segments": 0, "tm_hits": 0, "tm_misses": 0, "translated": 0, "batches": 0,
                      "seconds": 0.0, "tm_hit_rate": 0.0, "backend": self.cfg.backend,
                      "model_source": self.resolved.source}

    @property
    def memory_key(self) -> str:
        """Model part of the memory key: the model id plus backend (int8 output may differ)."""
        return (f"{self.model_id}|{self.cfg.backend}|beams={self.cfg.num_beams}|max={self.cfg.max_new_tokens}"
                + (f"|min={self.cfg.min_new_tokens}" if self.cfg.min_new_tokens else ""))

    def translate(self, texts: list[str], progress: Progress | None = None,
                  termbase_version: str | None = None) -> list[str]:
        """Translate ``texts`` (in order); empty or blank texts give ``""`` without the model.

        ``progress(done, total)`` is called with segment counts after the memory lookup and after
        each batch. ``termbase_version`` overrides the one given to :func:`load_translator`.
        """
        tbv = self.termbase_version if termbase_version is None else termbase_version
        norm = [normalise_source(t) for t in texts]
        total = len(texts)
        weight: dict[str, int] = {}
        for s in norm:
            if s:
                weight[s] = weight.get(s, 0) + 1
        known = self.memory.get_many(list(weight), self.memory_key, tbv) if weight else {}
        misses = [s for s in weight if s not in known]
        self.stats["segments"] += total
        self.stats["tm_hits"] += len(weight) - len(misses)
        self.stats["tm_misses"] += len(misses)
        done = total - sum(weight[s] for s in misses)
        if progress:
            progress(done, total)
        if misses:
            lock = _backend_lock(self.backend)
            lengths = self.backend.token_lengths(misses)
            order = sorted(range(len(misses)), key=lambda i: -lengths[i])
            bs = self.cfg.batch_size
            for i in range(0, len(order), bs):
                batch = [misses[j] for j in order[i:i + bs]]
                t0 = time.perf_counter()
                with lock:  # one batch at a time per loaded model (threads share it)
                    outs = self.backend.translate_batch(batch, self.cfg.max_new_tokens, self.cfg.num_beams,
                                                       self.cfg.min_new_tokens)
                self.stats["seconds"] = round(self.stats["seconds"] + time.perf_counter() - t0, 4)
                self.stats["batches"] += 1
                self.stats["translated"] += len(batch)
                fresh = dict(zip(batch, outs))
                known.update(fresh)
                self.memory.put_many(fresh, self.memory_key, tbv)
                done += sum(weight[s] for s in batch)
                if progress:
                    progress(done, total)
        looked = self.stats["tm_hits"] + self.stats["tm_misses"]
        self.stats["tm_hit_rate"] = round(self.stats["tm_hits"] / looked, 4) if looked else 0.0
        return [known.get(s, "") if s else "" for s in norm]


_MEMORIES: dict[str, TranslationMemory] = {}


def _memory(path: str | None) -> TranslationMemory:
    key = str(path or ":memory:")
    with _CACHE_LOCK:
        if key not in _MEMORIES:
            _MEMORIES[key] = TranslationMemory(path)
        return _MEMORIES[key]


def load_translator(cfg: TranslateConfig | None, src: str, tgt: str, termbase_version: str = "") -> Translator:
    """A :class:`Translator` for ``src``->``tgt``; raises :class:`ModelUnavailable` fast when the
    model cannot be found, is incomplete, or would need an unreachable hub."""
    cfg = cfg or TranslateConfig()
    resolved = resolve_model(cfg, src, tgt)
    device = resolve_device(cfg.device)
    backend = _load_backend(resolved, cfg, device)
    return Translator(cfg=cfg, src=src, tgt=tgt, model_id=resolved.model_id, resolved=resolved, backend=backend,
                      memory=_memory(cfg.tm_path), termbase_version=termbase_version)
