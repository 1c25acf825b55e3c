"""Where translation models come from: configuration, resolution, checks, pull and import.

Resolution order for a direction such as ``en-fr`` (first hit wins):

1. an explicit local directory (``TranslateConfig.models["en-fr"] = "/path/to/dir"``, or the
   CLI's ``--model-dir en-fr=/path``);
2. the offline models directory (``TranslateConfig.models_dir``, filled by
   ``normalise models import BUNDLE``): ``<models_dir>/opus-mt-en-fr/`` or ``<models_dir>/en-fr/``;
3. the Hugging Face cache, read with ``local_files_only`` (never touches the network);
4. only when going online is allowed (``offline=False`` and ``HF_HUB_OFFLINE`` unset): a download
   through the hub id, after one HTTP probe of the hub endpoint bounded to ~2 s has answered.

Anything else raises :class:`ModelUnavailable` at once, naming the model, why, and the exact
commands that fix it. A directory with a missing or unreadable file raises it naming that file.

What it does not do: no checksum against the hub (a file that parses is trusted); no resume of a
partial download beyond what ``huggingface_hub`` itself does; once the probe has answered, a
download that stalls half-way is bounded only by huggingface_hub's own timeouts.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

__all__ = [
    "DEFAULT_MODELS", "TranslateConfig", "ModelUnavailable", "ResolvedModel", "resolve_model",
    "check_model_dir", "hub_reachable", "hub_url", "short_name", "pull_model", "import_bundle", "default_models_dir",
]

# OPUS-MT checkpoints (Tiedemann & Thottingal 2020, Helsinki-NLP on the Hugging Face Hub), one per
# direction the pipeline translates (normalise/pipeline.py DIRECTIONS).
DEFAULT_MODELS: dict[str, str] = {
    "en-fr": "Helsinki-NLP/opus-mt-en-fr",
    "fr-en": "Helsinki-NLP/opus-mt-fr-en",
    "de-en": "Helsinki-NLP/opus-mt-de-en",
    "de-fr": "Helsinki-NLP/opus-mt-de-fr",
}

# Files a MarianMT directory must hold (what MarianTokenizer and MarianMTModel read), and the
# weight files of which one must be present.
REQUIRED_FILES = ("config.json", "vocab.json", "source.spm", "target.spm")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json")
# What a hub download fetches (no TF/Flax/ONNX weights, no README images).
HUB_PATTERNS = ["*.json", "*.spm", "model.safetensors", "model-*.safetensors", "pytorch_model.bin"]


def default_models_dir() -> Path:
    """``$NORMALISE_MODELS_DIR`` or ``~/.cache/normalise/models``."""
    env = os.environ.get("NORMALISE_MODELS_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "normalise" / "models"


@dataclass
class TranslateConfig:
    """Options of the translation stage (``stages.translate`` in the YAML config).

    models: direction (``"en-fr"``) -> hub id or local directory. Directions left out use
        :data:`DEFAULT_MODELS`; a value that is an existing directory, or looks like a path
        (absolute, ``./``, ``~``), is used as a local directory and never downloaded.
    backend: ``"transformers"`` (MarianMT through PyTorch) or ``"ctranslate2"`` (the same model
        converted to CTranslate2 int8, conversion cached under ``ct2_dir``).
    device: ``"auto"`` (CUDA when present, else CPU), ``"cpu"`` or ``"cuda"``. On CUDA the
        transformers backend runs in float16 and CTranslate2 in int8_float16.
    batch_size: segments per batch (batches are formed after sorting by length).
    max_new_tokens: most tokens generated per segment (OPUS-MT's own limit is 512).
    min_new_tokens: force at least this many output tokens (0: off). Only for benchmarks, which
        need every path to generate the same number of tokens; never set it for real work.
    num_beams: beam size; 4 is what the OPUS-MT generation configs use; 1 is greedy and faster.
    threads: CPU threads for the model; 0 means every core this process may use.
    cache_dir: Hugging Face cache (None: huggingface_hub's default, ``HF_HUB_CACHE``).
    models_dir: offline models directory that ``normalise models import`` fills (None:
        ``$NORMALISE_MODELS_DIR`` or ``~/.cache/normalise/models``).
    ct2_dir: where converted CTranslate2 models are cached (None: ``<models_dir>/../ct2``).
    tm_path: SQLite translation memory file (None: no memory, every segment goes to the model).
    offline: never contact the hub, even when it would be reachable (``HF_HUB_OFFLINE=1`` too).
    hub_timeout: seconds for the reachability probe before any hub call.
    """

    models: dict[str, str] = field(default_factory=dict)
    backend: str = "transformers"
    device: str = "auto"
    batch_size: int = 32
    max_new_tokens: int = 256
    min_new_tokens: int = 0
    num_beams: int = 4
    threads: int = 0
    cache_dir: str | None = None
    models_dir: str | None = None
    ct2_dir: str | None = None
    tm_path: str | None = None
    offline: bool = False
    hub_timeout: float = 2.0

    def __post_init__(self) -> None:
        if self.backend not in ("transformers", "ctranslate2"):
            raise ValueError(f"backend must be 'transformers' or 'ctranslate2', not {self.backend!r}")
        if self.device not in ("auto", "cpu", "cuda"):
            raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', not {self.device!r}")
        if self.batch_size < 1 or self.max_new_tokens < 1 or self.num_beams < 1 or self.threads < 0:
            raise ValueError("batch_size, max_new_tokens and num_beams must be >= 1, threads >= 0")

    def model_for(self, src: str, tgt: str) -> str:
        key = f"{src}-{tgt}"
        spec = self.models.get(key) or DEFAULT_MODELS.get(key)
        if not spec:
            raise ModelUnavailable(
                key, f"no model is configured for {key}",
                f"set stages.translate.models.{key} to a hub id or a local directory "
                f"(or pass --model-dir {key}=/path/to/dir)")
        return spec

    def resolved_models_dir(self) -> Path:
        return Path(self.models_dir).expanduser() if self.models_dir else default_models_dir()

    def resolved_ct2_dir(self) -> Path:
        return Path(self.ct2_dir).expanduser() if self.ct2_dir else self.resolved_models_dir().parent / "ct2"

    def is_offline(self) -> bool:
        return self.offline or os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


class ModelUnavailable(RuntimeError):
    """A translation model that cannot be used. ``str()`` names the model, why, and the fix."""

    def __init__(self, model: str, reason: str, fix: str, file: str | None = None) -> None:
        self.model, self.reason, self.fix, self.file = model, reason, fix, file
        super().__init__(f"translation model {model} is unavailable: {reason}. Fix: {fix}")


@dataclass(frozen=True)
class ResolvedModel:
    """A model directory ready to load, and how it was found (``local``, ``models-dir``,
    ``hf-cache``, ``download``)."""

    model_id: str
    path: Path
    source: str
    direction: str


def short_name(spec: str) -> str:
    """``Helsinki-NLP/opus-mt-en-fr`` -> ``opus-mt-en-fr`` (the name used in the models dir)."""
    return spec.rstrip("/").rsplit("/", 1)[-1]


def _looks_like_path(spec: str) -> bool:
    return spec.startswith(("/", "./", "../", "~")) or os.path.isdir(os.path.expanduser(spec)) or "\\" in spec


def fix_text(direction: str, spec: str, why_not_pull: str = "") -> str:
    """The commands that make ``direction``'s model available. ``why_not_pull`` says what must
    change before ``models pull`` can work (offline mode, unreachable hub)."""
    fixes = []
    if not _looks_like_path(spec):
        pull = f"`normalise models pull {short_name(spec)}`"
        fixes.append(f"{pull} ({why_not_pull})" if why_not_pull else pull)
    fixes.append(f"`--model-dir {direction}=/path/to/dir` (or config key stages.translate.models.{direction})")
    fixes.append("`normalise models import BUNDLE` (a directory or .tar.gz of model folders)")
    return "; or ".join(fixes)


def check_model_dir(path: Path, model: str = "") -> None:
    """Raise :class:`ModelUnavailable` naming the first missing or unreadable file of ``path``."""
    model = model or str(path)
    fix = f"replace {path} with a complete copy (`normalise models verify` lists what is wrong)"
    if not path.is_dir():
        raise ModelUnavailable(model, f"directory {path} does not exist", fix)
    for name in REQUIRED_FILES:
        f = path / name
        if not f.is_file():
            raise ModelUnavailable(model, f"missing file {name} in {path}", fix, file=name)
        if f.stat().st_size == 0:
            raise ModelUnavailable(model, f"empty file {name} in {path}", fix, file=name)
    for name in ("config.json", "vocab.json"):
        try:
            data = json.loads((path / name).read_text("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except (ValueError, UnicodeDecodeError) as e:
            raise ModelUnavailable(model, f"corrupt file {name} in {path} ({e})", fix, file=name) from e
    import sentencepiece as spm

    for name in ("source.spm", "target.spm"):
        try:
            spm.SentencePieceProcessor(model_file=str(path / name))
        except Exception as e:  # sentencepiece raises RuntimeError/OSError with C++ text
            raise ModelUnavailable(model, f"corrupt file {name} in {path} ({type(e).__name__})", fix, file=name) from e
    weights = [w for w in WEIGHT_FILES if (path / w).is_file()]
    if not weights:
        raise ModelUnavailable(model, f"missing weights (one of {', '.join(WEIGHT_FILES)}) in {path}", fix,
                               file=WEIGHT_FILES[0])
    if weights[0] == "model.safetensors":
        try:
            from safetensors import safe_open

            with safe_open(str(path / "model.safetensors"), framework="pt") as fh:
                if not list(fh.keys()):
                    raise ValueError("no tensors")
        except Exception as e:
            raise ModelUnavailable(model, f"corrupt file model.safetensors in {path} ({e})", fix,
                                   file="model.safetensors") from e


def hub_url() -> str:
    """The configured hub endpoint (``HF_ENDPOINT`` honoured through huggingface_hub)."""
    from huggingface_hub import constants

    return constants.ENDPOINT


_PROBES: dict[str, tuple[float, bool, str]] = {}
#: seconds a probe result is reused, so four directions cost one probe, not four
PROBE_TTL = 60.0


def hub_reachable(timeout: float = 2.0) -> tuple[bool, str]:
    """Is the hub reachable? One probe per endpoint per :data:`PROBE_TTL` seconds."""
    url = hub_url()
    now = time.monotonic()
    hit = _PROBES.get(url)
    if hit and now - hit[0] < PROBE_TTL:
        return hit[1], hit[2]
    ok, why = _probe(url, timeout)
    _PROBES[url] = (now, ok, why)
    return ok, why


def _probe(url: str, timeout: float) -> tuple[bool, str]:
    """One bounded HTTP request to the hub endpoint: does anything answer within ``timeout``?

    A bare TCP connect is not enough: behind transparent proxies a connect to any address succeeds
    and the stall comes later. Name lookup has no timeout of its own, so the whole probe runs in a
    thread and we stop waiting after ``timeout`` (+0.5 s) whatever happens inside.
    """
    where = urlparse(url).netloc or url
    if not where:
        return False, "no hub endpoint configured"
    import concurrent.futures as cf

    import httpx

    def probe() -> int:
        return httpx.head(url.rstrip("/") + "/api/models", timeout=timeout, follow_redirects=False).status_code

    ex = cf.ThreadPoolExecutor(max_workers=1)
    try:
        status = ex.submit(probe).result(timeout=timeout + 0.5)
        if status >= 500:
            return False, f"the hub ({where}) answered HTTP {status}"
        return True, ""
    except cf.TimeoutError:
        return False, f"the hub ({where}) did not answer within {timeout:g} s"
    except httpx.TimeoutException:
        return False, f"the hub ({where}) did not answer within {timeout:g} s"
    except (httpx.HTTPError, OSError) as e:
        return False, f"the hub ({where}) is unreachable ({e.__class__.__name__}: {e})"
    finally:
        ex.shutdown(wait=False)


def _from_hf_cache(spec: str, cache_dir: str | None) -> Path | None:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(spec, cache_dir=cache_dir, local_files_only=True, allow_patterns=HUB_PATTERNS))
    except (LocalEntryNotFoundError, FileNotFoundError, OSError, ValueError):
        return None


def _download(spec: str, cache_dir: str | None) -> Path:
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(spec, cache_dir=cache_dir, allow_patterns=HUB_PATTERNS))


def resolve_model(cfg: TranslateConfig, src: str, tgt: str, allow_download: bool | None = None) -> ResolvedModel:
    """Find ``src``->``tgt``'s model directory (see the module docstring for the order).

    ``allow_download=None`` downloads when the config allows going online; ``False`` never does
    (``normalise models list``).
    """
    direction = f"{src}-{tgt}"
    spec = cfg.model_for(src, tgt)
    if _looks_like_path(spec):
        path = Path(spec).expanduser()
        check_model_dir(path, spec)
        return ResolvedModel(spec, path.resolve(), "local", direction)
    for bundled in (cfg.resolved_models_dir() / short_name(spec), cfg.resolved_models_dir() / direction):
        if bundled.exists():
            check_model_dir(bundled, spec)
            return ResolvedModel(spec, bundled, "models-dir", direction)
    cached = _from_hf_cache(spec, cfg.cache_dir)
    if cached is not None:
        check_model_dir(cached, spec)
        return ResolvedModel(spec, cached, "hf-cache", direction)
    if allow_download is False or cfg.is_offline():
        where = f"not in {cfg.resolved_models_dir()} nor the Hugging Face cache"
        why = ", and offline mode (HF_HUB_OFFLINE or offline: true)" if cfg.is_offline() else " (not downloaded yet)"
        raise ModelUnavailable(
            spec, where + why,
            fix_text(direction, spec, "after unsetting HF_HUB_OFFLINE / offline: true, where the hub is reachable"
                     if cfg.is_offline() else ""))
    ok, why = hub_reachable(cfg.hub_timeout)
    if not ok:
        raise ModelUnavailable(spec, f"not in {cfg.resolved_models_dir()} nor the Hugging Face cache, and {why}",
                               fix_text(direction, spec, "on a machine that reaches the hub"))
    try:
        path = _download(spec, cfg.cache_dir)
    except Exception as e:  # hub errors: repo not found, gated, network dropped mid-way
        raise ModelUnavailable(spec, f"download failed ({type(e).__name__}: {e})", fix_text(direction, spec)) from e
    check_model_dir(path, spec)
    return ResolvedModel(spec, path, "download", direction)


def pull_model(cfg: TranslateConfig, name: str) -> ResolvedModel:
    """Download one model (``opus-mt-en-fr``, a hub id, or a direction ``en-fr``) into the HF cache.

    Fails fast (one bounded probe) with :class:`ModelUnavailable` when the hub is unreachable.
    """
    direction, spec = _lookup(cfg, name)
    if cfg.is_offline():
        raise ModelUnavailable(spec, "offline mode (HF_HUB_OFFLINE or offline: true) forbids downloads",
                               fix_text(direction, spec, "after unsetting HF_HUB_OFFLINE / offline: true"))
    ok, why = hub_reachable(cfg.hub_timeout)
    if not ok:
        raise ModelUnavailable(spec, why, fix_text(direction, spec, "on a machine that reaches the hub"))
    try:
        path = _download(spec, cfg.cache_dir)
    except Exception as e:
        raise ModelUnavailable(spec, f"download failed ({type(e).__name__}: {e})", fix_text(direction, spec)) from e
    check_model_dir(path, spec)
    return ResolvedModel(spec, path, "download", direction)


def _lookup(cfg: TranslateConfig, name: str) -> tuple[str, str]:
    """(direction, spec) for a direction, a short name or a hub id."""
    table = {**DEFAULT_MODELS, **cfg.models}
    if name in table:
        return name, table[name]
    for d, spec in table.items():
        if name in (spec, short_name(spec)):
            return d, spec
    if "/" in name:
        return short_name(name).replace("opus-mt-", ""), name
    raise ModelUnavailable(name, "not a configured direction, model name or hub id",
                           f"use one of: {', '.join(sorted(table))} or their names "
                           f"({', '.join(short_name(s) for s in table.values())})")


def _model_dirs(root: Path) -> list[Path]:
    """Model directories under ``root`` (itself, or its children), recognised by config.json."""
    if (root / "config.json").is_file():
        return [root]
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / "config.json").is_file())


def import_bundle(bundle: str | Path, models_dir: Path) -> list[Path]:
    """Copy the model folders of ``bundle`` (a directory or a .tar/.tar.gz) into ``models_dir``.

    A bundle is a folder of model folders named like the models (``opus-mt-en-fr/``...), or one
    model folder. Each folder is checked first (nothing half-copied is left behind: it is copied to
    a temporary name and renamed). Returns the installed directories.
    """
    bundle = Path(bundle).expanduser()
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".import-") as tmp:
        if bundle.is_file():
            if not tarfile.is_tarfile(bundle):
                raise ValueError(f"{bundle} is neither a directory nor a tar archive")
            with tarfile.open(bundle) as tf:
                tf.extractall(tmp, filter="data")
            root = Path(tmp)
            subs = [p for p in root.iterdir()]
            if len(subs) == 1 and subs[0].is_dir() and not (subs[0] / "config.json").is_file():
                root = subs[0]
        elif bundle.is_dir():
            root = bundle
        else:
            raise FileNotFoundError(f"bundle {bundle} does not exist")
        dirs = _model_dirs(root)
        if not dirs:
            raise ValueError(f"no model folder (with config.json) in {bundle}")
        installed = []
        for d in dirs:
            check_model_dir(d)
            name = d.name if d != root or bundle.is_dir() else bundle.name.split(".")[0]
            dest = models_dir / name
            staging = Path(tmp) / (".staging-" + name)
            shutil.copytree(d, staging)
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(staging, dest)
            installed.append(dest)
        return installed


def describe(cfg: TranslateConfig) -> list[dict[str, Any]]:
    """Every configured direction and where it resolves (or why not), without downloading."""
    rows = []
    for direction in sorted({**DEFAULT_MODELS, **cfg.models}):
        src, tgt = direction.split("-", 1)
        spec = cfg.model_for(src, tgt)
        try:
            r = resolve_model(cfg, src, tgt, allow_download=False)
            rows.append({"direction": direction, "model": spec, "status": "ok", "source": r.source, "path": str(r.path)})
        except ModelUnavailable as e:
            rows.append({"direction": direction, "model": spec, "status": "unavailable", "reason": e.reason, "fix": e.fix})
    return rows
