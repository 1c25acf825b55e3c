"""Concurrency: two processes running over the same inbox into the same output root at once give
two complete run directories (never one directory with files from both), ``latest`` on one of
them, and nothing left behind; also when both runs were handed the very same run id."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from test_faults import check_latest, hostile_inbox, normalised_tree

ROOT = Path(__file__).resolve().parent.parent

# argv[1]: {"inputs", "out", "go", "run_id" (or null), "slow"}; waits for the go file so both
# processes start writing together, then prints the run directory it wrote.
WORKER = textwrap.dedent(r'''
    import json, os, sys, time
    args = json.loads(sys.argv[1])
    from normalise import export
    from normalise.config import PipelineConfig
    from normalise.pipeline import run_stages
    cfg = PipelineConfig(translate="off")
    run_stages(args["inputs"], cfg)  # warm the models before the start line
    if args["slow"]:  # stretch the export so the two runs' writes interleave
        real = export.write_bytes
        def slow(path, data):
            time.sleep(0.003)
            return real(path, data)
        export.write_bytes = slow
    print("ready", flush=True)
    while not os.path.exists(args["go"]):
        time.sleep(0.005)
    run = run_stages(args["inputs"], cfg, run_id=args["run_id"])
    print(export.write_run(args["out"], run), flush=True)
''')


def race(tmp_path: Path, inbox: Path, out: Path, run_id: str | None, go_name: str) -> list[Path]:
    go = tmp_path / go_name
    args = {"inputs": [str(inbox)], "out": str(out), "go": str(go), "run_id": run_id, "slow": True}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, json.dumps(args)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready", p.stderr.read()[-2000:]
    go.write_text("go")
    dirs = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=600)
        assert p.returncode == 0, stderr[-3000:]
        dirs.append(Path(stdout.strip().splitlines()[-1]))
    return dirs


@pytest.mark.slow
@pytest.mark.parametrize("same_run_id", [False, True], ids=["own-run-ids", "same-run-id"])
def test_two_runs_at_once_neither_corrupt_nor_duplicate(tmp_path, same_run_id):
    inbox = hostile_inbox(tmp_path)
    out = tmp_path / "out"
    run_id = "20260101T000000000Z-c0ffee00" if same_run_id else None
    a, b = race(tmp_path, inbox, out, run_id, "go")
    assert a != b and a.parent == out and b.parent == out
    if same_run_id:
        assert {a.name, b.name} & {run_id}, (a.name, b.name)  # one keeps the id, the other gets -<pid>
    ta, tb = normalised_tree(a), normalised_tree(b)
    assert ta == tb  # same inputs: identical outputs, so no file of one run is in the other
    for d in (a, b):
        m = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
        assert m["run_id"] == d.name and m["status"] == "complete"
    assert check_latest(out) in (a.name, b.name)
    entries = sorted(p.name for p in out.iterdir())
    assert entries == sorted([a.name, b.name, "latest", ".lock"]), entries  # no partials, claims, temp links


def test_claims_of_live_processes_are_respected(tmp_path):
    """A run id claimed by another live process is not reused: this process takes -<pid>."""
    from normalise.export import write_run
    from test_export import small_run

    out = tmp_path / "out"
    out.mkdir()
    rid = "20260101T000000000Z-0000aaaa"
    (out / f".{rid}.{os.getppid()}.claim").write_text("x")  # our parent is alive
    final = write_run(out, small_run(rid))
    assert final.name == f"{rid}-{os.getpid()}"
    assert (out / f".{rid}.{os.getppid()}.claim").exists()  # not ours: left alone
