"""Scheduled processing of an inbox: ``normalise serve`` and ``normalise server``.

``normalise serve INBOX --out DIR --cron "*/15 * * * *"`` registers a deployment of the
``normalise`` flow with the Prefect server named by ``PREFECT_API_URL`` and serves it from this
process (Prefect's ``serve``: no work pool or worker needed). Every scheduled run:

* processes only new or changed documents of INBOX (``incremental=True``: sha256 of the bytes +
  config fingerprint + code version; unchanged documents are carried over, so ``DIR/latest`` is
  always the whole corpus);
* uses ``translate=require``: a missing model fails the run (after every other output is
  written) with a Failed state naming the model, instead of quietly producing no pairs;
* never overlaps another run of the same inbox: the deployment has a concurrency limit of one
  (later runs wait, ``ENQUEUE``), and the flow itself holds an exclusive lock on
  ``DIR/.state/run.lock`` (so a manual ``normalise run --out DIR`` waits too).

``normalise server INBOX --out DIR`` is the one command for an operator on one machine: it starts
``prefect server start --host 127.0.0.1`` (its database under ``$PREFECT_HOME``, default
``./.prefect``), waits for it, points ``PREFECT_API_URL`` at it and serves the deployment; the
UI is at http://127.0.0.1:4200. Ctrl-C stops both.

``prefect.yaml`` at the project root describes the same deployment for ``prefect deploy`` with a
process work pool (see docs/operations.md).

Not done yet: one inbox per ``serve`` process (serve several by running several); schedules
cannot be paused from here (use the UI or ``prefect deployment pause``).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

DEFAULT_CRON = "*/15 * * * *"
DEFAULT_PORT = 4200


def deployment_name(inbox: str) -> str:
    """``inbox-<folder name>-<hash of its absolute path>``: one deployment (and so one
    concurrency slot) per inbox, stable across restarts."""
    p = os.path.abspath(inbox)
    slug = re.sub(r"[^A-Za-z0-9-]+", "-", Path(p).name).strip("-").lower() or "root"
    return f"inbox-{slug}-{hashlib.sha256(p.encode()).hexdigest()[:8]}"


def deployment_parameters(inbox: str, out: str, config: dict[str, Any] | None = None,
                          translate: str = "require") -> dict[str, Any]:
    """The flow parameters of a scheduled run: incremental, translation required."""
    return {"inputs": [os.path.abspath(inbox)], "out": os.path.abspath(out), "translate": translate,
            "config": config or {}, "incremental": True}


def build_deployment(inbox: str, out: str, cron: str = DEFAULT_CRON, config: dict[str, Any] | None = None,
                     name: str | None = None, timezone: str = "UTC", translate: str = "require",
                     runner: str = "thread", dask_address: str | None = None, workers: int | None = None):
    """A ``RunnerDeployment`` of the flow for ``inbox`` on a cron schedule, one run at a time."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.client.schemas.schedules import CronSchedule

    from flows.pipeline import normalise_flow, with_runner

    fl = normalise_flow
    if runner != "thread" or dask_address or workers:
        fl = with_runner("dask" if dask_address else runner, dask_address, workers)
    return fl.to_deployment(
        name=name or deployment_name(inbox),
        schedule=CronSchedule(cron=cron, timezone=timezone),
        parameters=deployment_parameters(inbox, out, config, translate),
        concurrency_limit=ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE),
        tags=["normalise", "inbox"],
        description=f"Incremental normalise runs of {os.path.abspath(inbox)} into {os.path.abspath(out)} "
                    f"({cron}, translate={translate}, one run at a time)",
    )


def _config_mapping(args) -> dict[str, Any]:
    from flows.cli import _config

    cfg = _config(args)
    d = cfg.to_dict()
    d.pop("translate", None)
    return d


def cmd_serve(args) -> int:
    from flows.cli import _prefect_env

    _prefect_env()
    if not os.environ.get("PREFECT_API_URL"):
        print("normalise: serve needs a Prefect server (schedules are created by its scheduler): set "
              "PREFECT_API_URL=http://127.0.0.1:4200/api, or use `normalise server INBOX --out DIR` to start "
              "one and serve in one command", file=sys.stderr)
        return 2
    return _serve(args)


def _serve(args) -> int:
    from prefect import serve

    if not Path(args.inbox).is_dir():
        print(f"normalise: inbox {args.inbox} is not a directory", file=sys.stderr)
        return 2
    dep = build_deployment(args.inbox, args.out, args.cron, _config_mapping(args), args.name, args.timezone,
                           args.translate, args.runner, args.dask_address, args.workers)
    print(f"serving deployment normalise/{dep.name}: {args.cron} ({args.timezone}), inbox {os.path.abspath(args.inbox)}"
          f" -> {os.path.abspath(args.out)}; API {os.environ.get('PREFECT_API_URL')}", flush=True)
    serve(dep)
    return 0


def wait_healthy(api_url: str, timeout: float = 120.0, proc: subprocess.Popen | None = None) -> None:
    """Wait until ``<api_url>/health`` answers (raise with the server's fate otherwise)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"prefect server exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"prefect server at {api_url} did not answer within {timeout:.0f} s")


def start_server(port: int = DEFAULT_PORT, home: str | None = None, log: Any = None) -> tuple[subprocess.Popen, str]:
    """Start ``prefect server start --host 127.0.0.1 --port PORT`` (its own process group) and
    return it with its API URL once healthy."""
    url = f"http://127.0.0.1:{port}/api"
    # the UI (a JS app) calls the API at PREFECT_UI_API_URL, which otherwise assumes port 4200
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "true",
           "PREFECT_UI_API_URL": url}
    if home:
        env["PREFECT_HOME"] = home
    env.pop("PREFECT_API_URL", None)
    prefect = Path(sys.executable).with_name("prefect")
    cmd = [str(prefect) if prefect.exists() else "prefect", "server", "start", "--host", "127.0.0.1",
           "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        wait_healthy(url, proc=proc)
    except Exception:
        stop_server(proc)
        raise
    return proc, url


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def cmd_server(args) -> int:
    from flows.cli import _prefect_env

    _prefect_env()
    home = os.environ["PREFECT_HOME"]
    Path(home).mkdir(parents=True, exist_ok=True)
    log_path = Path(home) / "server.log"
    with open(log_path, "ab") as log:
        print(f"starting prefect server on http://127.0.0.1:{args.port} (PREFECT_HOME={home}, log {log_path})",
              flush=True)
        proc, url = start_server(args.port, home, log)
    os.environ["PREFECT_API_URL"] = url
    print(f"UI: http://127.0.0.1:{args.port}   PREFECT_API_URL={url}", flush=True)
    try:
        return _serve(args)
    finally:
        stop_server(proc)


def _add_common(p: argparse.ArgumentParser) -> None:
    from flows.cli import add_operations_options

    p.add_argument("inbox", metavar="INBOX", help="directory the scraped files arrive in")
    p.add_argument("--out", default="outputs", help="output root (default: outputs)")
    p.add_argument("--cron", default=DEFAULT_CRON, help=f'schedule, cron syntax (default: "{DEFAULT_CRON}")')
    p.add_argument("--timezone", default="UTC", help="time zone of the cron schedule (default: UTC)")
    p.add_argument("--name", help="deployment name (default: inbox-<folder>-<hash of its path>)")
    p.add_argument("--translate", choices=["require", "auto"], default="require",
                   help="require (default): a missing model fails the scheduled run; auto: warn and go on")
    p.add_argument("--config", help="YAML config file (see normalise/config.py)")
    p.add_argument("--termbase", action="append", default=[], help="extra termbase; repeatable")
    p.add_argument("--model-dir", action="append", default=[], metavar="DIR=PATH",
                   help="local model directory for a direction, e.g. en-fr=/models/opus-mt-en-fr; repeatable")
    p.add_argument("--backend", choices=["transformers", "ctranslate2"], help="translation backend")
    add_operations_options(p, incremental=False)


def add_subcommands(sub) -> None:
    serve = sub.add_parser(
        "serve", help="process an inbox on a schedule (incremental, translate=require, one run at a time)",
        description="Register a scheduled deployment of the normalise flow for INBOX with the Prefect server "
                    "named by PREFECT_API_URL and serve it from this process. Each run processes only new or "
                    "changed documents into OUT (OUT/latest is the whole corpus).")
    _add_common(serve)
    serve.set_defaults(func=cmd_serve)
    server = sub.add_parser(
        "server", help="start a local Prefect server (127.0.0.1) and serve the inbox deployment",
        description="Start `prefect server start --host 127.0.0.1` (database under PREFECT_HOME, default "
                    "./.prefect), point PREFECT_API_URL at it and serve INBOX's scheduled deployment. "
                    "Ctrl-C stops both. Open the UI at http://127.0.0.1:PORT.")
    _add_common(server)
    server.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"server port (default: {DEFAULT_PORT})")
    server.set_defaults(func=cmd_server)
