"""The ``normalise`` command.

``normalise run`` starts the Prefect flow (ephemeral when ``PREFECT_API_URL`` is unset, against
that server otherwise). The library-only subcommands (``terms``, ``models``) are registered by
their own modules and never start Prefect.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EPILOG = """\
examples:
  normalise run seeds/ --out outputs                 clean, translate when a model is available
  normalise run inbox/*.txt --out out --no-translate  everything but translation
  normalise run inbox/ --translate require            fail (after writing) when a model is missing
  normalise run inbox/ --out out --incremental        only new or changed documents
  normalise run big/ --out out --runner dask         chunks in parallel on a local Dask cluster
  normalise serve inbox/ --out out --cron "*/15 * * * *"   scheduled incremental runs (see docs/operations.md)
  normalise models list                              where each model resolves, or how to get it
  normalise terms find seeds/*.txt --lang en         term occurrences as TSV

Outputs are described in outputs/README.md. The run directory is <out>/<run-id>; <out>/latest
points at the newest complete run.
"""


def _prefect_env() -> None:
    """Quiet, local defaults for Prefect unless the operator set them."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if "PREFECT_HOME" not in os.environ:
        os.environ["PREFECT_HOME"] = str(Path.cwd() / ".prefect")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


def _parse_model_dirs(values: list[str]) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise SystemExit(f"--model-dir expects DIRECTION=PATH such as en-fr=/models/opus-mt-en-fr, got {v!r}")
        k, path = v.split("=", 1)
        out[k.strip()] = path.strip()
    return out


def _config(args) -> "object":
    from normalise.config import ConfigError, PipelineConfig

    try:
        cfg = PipelineConfig.from_yaml(args.config) if args.config else PipelineConfig()
    except ConfigError as e:
        raise SystemExit(f"normalise: {e}") from None
    if args.termbase:
        cfg.termbases = list(cfg.termbases) + list(args.termbase)
    if args.model_dir:
        models = dict((cfg.stages.get("translate") or {}).get("models") or {})
        models.update(_parse_model_dirs(args.model_dir))
        cfg = cfg.with_stage("translate", models=models)
    if args.backend:
        cfg = cfg.with_stage("translate", backend=args.backend)
    return cfg


def cmd_run(args) -> int:
    _prefect_env()
    translate = "off" if args.no_translate else args.translate
    cfg = _config(args)
    cfg.translate = translate
    from flows.pipeline import normalise_flow, with_runner
    from normalise.pipeline import TranslationRequired

    config = cfg.to_dict()
    config.pop("translate", None)
    fl = normalise_flow
    if args.runner != "thread" or args.dask_address or args.workers:
        fl = with_runner("dask" if args.dask_address else args.runner, args.dask_address, args.workers)
    state = fl(inputs=args.inputs, out=args.out, translate=translate, config=config,
               incremental=args.incremental, return_state=True)
    run_dir = None
    try:
        run_dir = state.result()
    except TranslationRequired as e:
        print(f"normalise: FAILED: translation required but unavailable: {e}", file=sys.stderr)
        _print_summary(Path(args.out) / "latest")
        return 3
    except Exception as e:
        print(f"normalise: FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    _print_summary(Path(run_dir))
    return 0


def _print_summary(run_dir: Path) -> None:
    try:
        m = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    except OSError:
        return
    for w in m.get("warnings", []):
        print(f"WARNING: {w}", file=sys.stderr)
    c = m["counts"]
    print(f"run {m['run_id']}: {c['documents_ok']}/{c['documents']} documents ok, {c['segments']} segments, "
          f"{c['pairs']} pairs, {c['rejected']} rejected")
    print(f"outputs: {run_dir.resolve()}  (report: {run_dir.resolve() / 'report.md'})")


def add_operations_options(p: argparse.ArgumentParser, incremental: bool = True) -> None:
    """Options shared by ``run`` and ``serve``: incremental runs (``run`` only: scheduled runs
    always are) and scale-out."""
    if incremental:
        p.add_argument("--incremental", action="store_true",
                       help="process only new or changed documents (content hash + config + code version); "
                            "unchanged ones are carried over from OUT/.state, so OUT/latest is the whole corpus. "
                            "With nothing new, no run directory is written")
    p.add_argument("--runner", choices=["thread", "dask"], default="thread",
                   help="task runner: thread (default, this process) or dask (a local Dask cluster, or "
                        "--dask-address)")
    p.add_argument("--dask-address", metavar="ADDR", help="use an existing Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--workers", type=int, help="worker threads (thread) or local Dask worker processes (dask)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="normalise",
        description="Turn scraped news text into clean, sentence-aligned English/French parallel text, "
                    "with every decision recorded.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    run = sub.add_parser("run", help="run the whole pipeline (a Prefect flow) on files, directories or globs",
                         description="Run every stage on INPUT... and write the output contract into "
                                     "OUT/<run-id>, then point OUT/latest at it. Works with no Prefect server "
                                     "(ephemeral) or against the server named by PREFECT_API_URL.")
    run.add_argument("inputs", nargs="+", metavar="INPUT", help="files, directories (recursive) or globs")
    run.add_argument("--out", default="outputs", help="output root (default: outputs)")
    run.add_argument("--no-translate", action="store_true",
                     help="stop after cleaning, terms and segmentation (every other output still written)")
    run.add_argument("--translate", choices=["auto", "require"], default="auto",
                     help="auto (default): translate when a model is available, else warn and go on; "
                          "require: fail the run (after writing everything else) when a model is missing")
    run.add_argument("--config", help="YAML config file (see normalise/config.py)")
    run.add_argument("--termbase", action="append", default=[], help="extra termbase (YAML, CSV or TBX); repeatable")
    run.add_argument("--model-dir", action="append", default=[], metavar="DIR=PATH",
                     help="use a local model directory for a direction, e.g. en-fr=/models/opus-mt-en-fr; repeatable")
    run.add_argument("--backend", choices=["transformers", "ctranslate2"], help="translation backend")
    add_operations_options(run)
    run.set_defaults(func=cmd_run)

    for modname in ("normalise.terms.commands", "normalise.translate.commands", "flows.serve"):
        try:
            mod = __import__(modname, fromlist=["add_subcommands"])
        except ModuleNotFoundError as e:  # a stage not built yet; a broken import still raises
            if e.name != modname:
                raise
            continue
        mod.add_subcommands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("normalise: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
