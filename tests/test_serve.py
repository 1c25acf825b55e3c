"""Scheduled deployments (``normalise serve`` / ``server``, ``prefect.yaml``) without a server:
what the deployment says, and the per-inbox lock. Applying it to a real server is in test_ui.py."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("a, b, same", [
    ("/data/inbox", "/data/inbox", True),
    ("/data/inbox", "/data/inbox/", True),
    ("/data/inbox", "/other/inbox", False),     # same folder name, other place: another deployment
    ("/data/Inbox FR", "/data/inbox-fr", False),
])
def test_deployment_name_is_one_per_inbox(a, b, same):
    from flows.serve import deployment_name

    assert (deployment_name(a) == deployment_name(b)) is same
    assert deployment_name(a).startswith("inbox-") and " " not in deployment_name(a)


def test_built_deployment_is_scheduled_incremental_required_and_single(tmp_path):
    from prefect.client.schemas.objects import ConcurrencyLimitStrategy

    from flows.pipeline import normalise_flow
    from flows.serve import build_deployment

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    dep = build_deployment(str(inbox), str(tmp_path / "out"), cron="0 * * * *", config={"chunk_size": 50})
    assert [s.schedule.cron for s in dep.schedules] == ["0 * * * *"]
    assert dep.parameters == {"inputs": [str(inbox)], "out": str(tmp_path / "out"), "translate": "require",
                              "config": {"chunk_size": 50}, "incremental": True}
    assert set(dep.parameters) <= set(inspect.signature(normalise_flow.fn).parameters)
    assert dep.concurrency_limit == 1
    assert dep.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.ENQUEUE


def test_bad_cron_is_refused(tmp_path):
    from flows.serve import build_deployment

    with pytest.raises(ValueError):
        build_deployment(str(tmp_path), str(tmp_path / "out"), cron="every quarter hour")


def test_prefect_yaml_matches_the_flow():
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.flows import load_flow_from_entrypoint

    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    (dep,) = spec["deployments"]
    path, name = dep["entrypoint"].split(":")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        fl = load_flow_from_entrypoint(dep["entrypoint"])
    finally:
        os.chdir(cwd)
    assert fl.name == "normalise" and (ROOT / path).is_file()
    params = dep["parameters"]
    assert set(params) <= set(inspect.signature(fl.fn).parameters)
    assert params["translate"] == "require" and params["incremental"] is True
    assert dep["concurrency_limit"]["limit"] == 1
    for s in dep["schedules"]:
        CronSchedule(cron=s["cron"], timezone=s["timezone"])  # valid cron


def test_serve_without_a_server_says_what_to_do(tmp_path, capsys, monkeypatch):
    from flows.cli import main

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "ph"))
    assert main(["serve", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "PREFECT_API_URL" in err and "normalise server" in err


@pytest.mark.parametrize("cmd", ["serve", "server"])
def test_help(cmd, capsys):
    from flows.cli import main

    with pytest.raises(SystemExit) as e:
        main([cmd, "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    for opt in ("--out", "--cron", "--translate", "--config", "--model-dir", "--runner"):
        assert opt in out
    if cmd == "server":
        assert "--port" in out and "127.0.0.1" in out


def test_one_run_per_output_root(tmp_path):
    """While a run holds the lock, another process cannot take it; it can once released."""
    from flows.pipeline import inbox_lock

    probe = ("import fcntl, sys; fh = open(sys.argv[1], 'w')\n"
             "try:\n    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept BlockingIOError:\n    sys.exit(9)\n")
    lock = tmp_path / "out" / ".state" / "run.lock"

    def try_lock() -> int:
        return subprocess.run([sys.executable, "-c", probe, str(lock)]).returncode

    with inbox_lock(str(tmp_path / "out")):
        assert try_lock() == 9
    assert try_lock() == 0
    # and a second holder in this process waits for the first
    order = []

    def second():
        with inbox_lock(str(tmp_path / "out")):
            order.append("second")

    with inbox_lock(str(tmp_path / "out")):
        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.3)
        order.append("first")
    t.join(10)
    assert order == ["first", "second"]
