"""``normalise models pull|list|import|verify``: model management from the command line.

``flows/cli.py`` calls :func:`add_subcommands` with its subparsers; each command is a plain
function of the parsed arguments returning an exit status (0 ok, 1 something unavailable or
broken, 2 bad usage), printing one line per model. No Prefect here.

* ``list``: every configured direction, where it resolves (local dir, models dir, HF cache) or
  why not and the fix. Never downloads.
* ``pull NAME...``: download into the Hugging Face cache (names: ``opus-mt-en-fr``, a hub id, or a
  direction ``en-fr``; none = every configured model). Fails in ~2 s with the reason when the hub
  cannot be reached or offline mode is on.
* ``import BUNDLE``: copy a bundle (a directory of model folders, one model folder, or a .tar/.tar.gz
  of either) into the models directory, checking every file first.
* ``verify [NAME...]``: load each model (no download) and translate a test sentence; names the
  missing or corrupt file of a broken directory.

What it does not do: no deletion of models (remove the folder); ``verify`` checks that a model
loads and produces text, not that the text is good.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .models import DEFAULT_MODELS, ModelUnavailable, TranslateConfig, describe, import_bundle, pull_model

__all__ = ["add_subcommands", "translate_config_from_args"]

#: test sentence per source language for ``models verify``
VERIFY_SENTENCES = {
    "en": "The army said on Monday that three soldiers were killed near the border.",
    "fr": "L'armée a déclaré lundi que trois soldats avaient été tués près de la frontière.",
    "de": "Die Armee teilte am Montag mit, dass drei Soldaten nahe der Grenze getötet wurden.",
}


def translate_config_from_args(args: argparse.Namespace) -> TranslateConfig:
    """TranslateConfig from ``--config`` (its ``stages.translate``) plus the command-line flags."""
    opts: dict[str, Any] = {}
    if getattr(args, "config", None):
        from ..config import ConfigError, PipelineConfig

        try:
            opts = dict(PipelineConfig.from_yaml(args.config).stages.get("translate") or {})
        except ConfigError as e:
            raise SystemExit(f"normalise: {e}") from None
    models = dict(opts.get("models") or {})
    for v in getattr(args, "model_dir", None) or []:
        if "=" not in v:
            raise SystemExit(f"--model-dir expects DIRECTION=PATH such as en-fr=/models/opus-mt-en-fr, got {v!r}")
        k, path = v.split("=", 1)
        models[k.strip()] = path.strip()
    opts["models"] = models
    for flag in ("models_dir", "cache_dir", "backend", "device", "ct2_dir"):
        if getattr(args, flag, None):
            opts[flag] = getattr(args, flag)
    if getattr(args, "offline", False):
        opts["offline"] = True
    try:
        return TranslateConfig(**opts)
    except (TypeError, ValueError) as e:
        raise SystemExit(f"normalise: stages.translate: {e}") from None


def _common(p: argparse.ArgumentParser, model_dirs: bool = True) -> None:
    p.add_argument("--config", help="YAML config file (its stages.translate section is used)")
    if model_dirs:
        p.add_argument("--model-dir", action="append", default=[], metavar="DIR=PATH",
                       help="local model directory for a direction, e.g. en-fr=/models/opus-mt-en-fr; repeatable")
    p.add_argument("--models-dir", help="offline models directory (default $NORMALISE_MODELS_DIR or "
                                        "~/.cache/normalise/models)")
    p.add_argument("--cache-dir", help="Hugging Face cache directory (default: huggingface_hub's)")


def cmd_list(args: argparse.Namespace) -> int:
    cfg = translate_config_from_args(args)
    rows = describe(cfg)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"models directory: {cfg.resolved_models_dir()}")
        for r in rows:
            if r["status"] == "ok":
                print(f"  {r['direction']:6} {r['model']}: ok ({r['source']}) {r['path']}")
            else:
                print(f"  {r['direction']:6} {r['model']}: UNAVAILABLE: {r['reason']}\n         fix: {r['fix']}")
    return 0 if all(r["status"] == "ok" for r in rows) else 1


def _names(cfg: TranslateConfig, names: list[str]) -> list[str]:
    return names or sorted({**DEFAULT_MODELS, **cfg.models})


def cmd_pull(args: argparse.Namespace) -> int:
    cfg = translate_config_from_args(args)
    status = 0
    for name in _names(cfg, args.names):
        try:
            r = pull_model(cfg, name)
            print(f"{name}: ok {r.model_id} -> {r.path}")
        except ModelUnavailable as e:
            print(f"{name}: FAILED: {e}", file=sys.stderr)
            status = 1
    return status


def cmd_import(args: argparse.Namespace) -> int:
    cfg = translate_config_from_args(args)
    try:
        installed = import_bundle(args.bundle, cfg.resolved_models_dir())
    except (ModelUnavailable, ValueError, FileNotFoundError, OSError) as e:
        print(f"import failed: {e}", file=sys.stderr)
        return 1
    for p in installed:
        print(f"imported {p.name} -> {p}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from .engine import load_translator

    cfg = translate_config_from_args(args)
    cfg.offline = True  # verify never downloads
    cfg.num_beams = 1
    cfg.max_new_tokens = 64
    cfg.tm_path = None
    status = 0
    from .models import _lookup

    for name in _names(cfg, args.names):
        try:
            direction, _spec = _lookup(cfg, name)
            src, tgt = direction.split("-", 1)
            tr = load_translator(cfg, src, tgt)
            sentence = VERIFY_SENTENCES.get(src, VERIFY_SENTENCES["en"])
            out = tr.translate([sentence])[0]
            if not out.strip():
                raise ModelUnavailable(tr.model_id, "loads but produced no text for the test sentence",
                                       f"replace {tr.resolved.path} with a working copy")
            print(f"{direction}: ok {tr.model_id} ({tr.resolved.source}, {cfg.backend}): {sentence!r} -> {out!r}")
        except ModelUnavailable as e:
            print(f"{name}: FAILED: {e}", file=sys.stderr)
            status = 1
    return status


def add_subcommands(subparsers: Any) -> None:
    """Register ``models`` and its subcommands on ``subparsers`` (from ``add_subparsers``)."""
    models = subparsers.add_parser("models", help="manage translation models (pull, list, import, verify)",
                                   description=__doc__.split("\n\n")[0] if __doc__ else None)
    msub = models.add_subparsers(dest="models_command", metavar="ACTION")
    msub.required = True

    p = msub.add_parser("list", help="configured models and where each resolves (or how to get it)")
    _common(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_list)

    p = msub.add_parser("pull", help="download models into the Hugging Face cache (needs the hub)")
    _common(p, model_dirs=False)
    p.add_argument("names", nargs="*", metavar="NAME", help="opus-mt-en-fr, a hub id or a direction (default: all)")
    p.set_defaults(func=cmd_pull)

    p = msub.add_parser("import", help="copy a model bundle (directory or .tar.gz) into the models directory")
    _common(p, model_dirs=False)
    p.add_argument("bundle", help="a directory of model folders, one model folder, or a .tar/.tar.gz of either")
    p.set_defaults(func=cmd_import)

    p = msub.add_parser("verify", help="load each model and translate a test sentence (never downloads)")
    _common(p)
    p.add_argument("--backend", choices=["transformers", "ctranslate2"], help="backend to verify")
    p.add_argument("names", nargs="*", metavar="NAME", help="opus-mt-en-fr, a hub id or a direction (default: all)")
    p.set_defaults(func=cmd_verify)
