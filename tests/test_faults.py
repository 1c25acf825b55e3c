"""Faults: a run SIGKILLed at many points (every stage, single documents inside stages, every kind
of step inside export) never leaves a partial run visible under ``latest``, and a rerun gives the
same outputs as an uninterrupted run. A full disk and a read-only output directory end the CLI
with a non-zero status and a message that says what to do.

The kills run in one driver subprocess (``DRIVER`` below) that warms the models once, makes the
reference run, then ``fork()`` s one child per kill point; the child wraps the chosen function and
``os.kill(os.getpid(), SIGKILL)`` s itself there.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

RUN_ID = re.compile(r"\d{8}T\d{6}\d{3}Z-[0-9a-f]{8}(?:-\d+)*(?:-[0-9a-f]{6})?")


def hostile_inbox(root: Path) -> Path:
    """The seeds plus a few generated awkward documents."""
    d = root / "inbox"
    d.mkdir(parents=True)
    for f in sorted(SEEDS.iterdir()):
        (d / f.name).write_bytes(f.read_bytes())
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (d / "latin1.txt").write_bytes(b"Le pr\xe9sident a parl\xe9 \xe0 Bamako.\n\nOp\xe9ration Barkhane.\n")
    (d / "crlf_html.txt").write_bytes(b"<div>Skip to content</div>\r\n\r\nThe <b>minister</b> spoke.\r\n")
    (d / "mixed.txt").write_text("Текст \u202eRTL\u202c مرحبا e\u0301\u0301\u0301 zero\u200bwidth.\nSecond.\n", "utf-8")
    return d


def normalised_tree(run_dir: Path) -> dict[str, str]:
    """Every file of a run directory with its volatile fields neutralised (run id, start time,
    timings, library timing stats), so two runs over the same inputs compare equal."""
    out: dict[str, str] = {}
    for p in sorted(run_dir.rglob("*")):
        if not p.is_file():
            continue
        rel = str(p.relative_to(run_dir))
        text = p.read_text(encoding="utf-8", errors="replace")
        if rel == "manifest.json":
            m = json.loads(text)
            for k in ("run_id", "started", "timings"):
                m.pop(k, None)
            for st in (m.get("translation") or {}).values():
                st.pop("seconds", None)
            text = json.dumps(m, sort_keys=True, indent=1)
        elif rel == "report.md":
            text = text.split("\n## Timings")[0]
        elif rel.endswith(".tmx"):
            text = re.sub(r'(creationdate|changedate)="[^"]*"', r'\1=""', text)
        out[rel] = RUN_ID.sub("<RUN>", text)
    return out


def check_latest(out: Path) -> str:
    """``latest`` is absent, or points at a complete run (manifest, no temp files); the state."""
    latest = out / "latest"
    if not latest.is_symlink() and not latest.exists():
        return "absent"
    assert latest.is_symlink(), "latest must be a symlink"
    target = os.readlink(latest)
    assert "/" not in target and not target.startswith("."), f"latest points at {target}"
    run_dir = out / target
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    leftovers = [p.name for p in run_dir.rglob("*") if ".tmp" in p.name or p.name.endswith(".partial")]
    assert not leftovers, leftovers
    return target


# The driver: argv[1] is a JSON object {inputs, out, result, tests, kills: [[kind, ...], ...]}.
DRIVER = textwrap.dedent(r'''
    import json, os, signal, sys
    args = json.loads(sys.argv[1])
    from normalise import export, pipeline
    from normalise.config import PipelineConfig
    import normalise.encoding, normalise.segment

    cfg = PipelineConfig(translate="off")

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def arm(kill):
        kind = kill[0]
        if kind == "stage":  # ["stage", name, "before"|"after"]
            name, when = kill[1], kill[2]
            real = getattr(pipeline, name)
            def wrapped(*a, **kw):
                if when == "before":
                    die()
                out = real(*a, **kw)
                die()
                return out
            setattr(pipeline, name, wrapped)
        elif kind == "doc":  # ["doc", module, function, k]: inside a per-document stage, k-th document
            mod = {"encoding": normalise.encoding, "segment": normalise.segment}[kill[1]]
            real = getattr(mod, kill[2]); n = {"i": 0}
            def wrapped(*a, **kw):
                n["i"] += 1
                if n["i"] == kill[3]:
                    die()
                return real(*a, **kw)
            setattr(mod, kill[2], wrapped)
        elif kind == "write":  # ["write", k]: half-way through the k-th file export writes
            real = export.write_bytes; n = {"i": 0}
            def wrapped(path, data):
                n["i"] += 1
                if n["i"] == kill[1]:
                    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
                    with open(tmp, "wb") as fh:
                        fh.write(data[: len(data) // 2]); fh.flush()
                    die()
                return real(path, data)
            export.write_bytes = wrapped
        elif kind == "export":  # ["export", step]: around the renames that publish the run
            step = kill[1]
            if step == "after-claim":
                real_claim = export._claim_run_id
                export._claim_run_id = lambda *a: (real_claim(*a), die())[0]
            elif step in ("before-rename", "after-rename"):
                real_rename = os.rename
                def rename(src, dst, *a, **kw):
                    if str(src).endswith(".partial"):
                        if step == "before-rename":
                            die()
                        real_rename(src, dst, *a, **kw); die()
                    return real_rename(src, dst, *a, **kw)
                export.os.rename = rename
            elif step == "after-latest":
                real_point = export.point_latest
                export.point_latest = lambda *a: (real_point(*a), die())[0]
            elif step in ("before-latest", "latest-symlinked"):
                real_symlink = os.symlink
                def symlink(src, dst, *a, **kw):
                    if step == "before-latest":
                        die()
                    real_symlink(src, dst, *a, **kw); die()
                export.os.symlink = symlink
        else:
            raise SystemExit(f"unknown kill point {kill}")

    # reference run, into the same root: the complete run latest shows while later runs are
    # killed (it also loads every model once, before forking)
    run, ref_dir = pipeline.run_pipeline(args["inputs"], args["out"], cfg)
    sys.path.insert(0, args["tests"])
    from pathlib import Path
    from test_faults import check_latest, normalised_tree
    reference = normalised_tree(Path(ref_dir))
    results = {"ref": str(ref_dir), "kills": []}
    for kill in args["kills"]:
        pid = os.fork()
        if pid == 0:
            try:
                arm(kill)
                pipeline.run_pipeline(args["inputs"], args["out"], cfg)
            finally:
                os._exit(3)  # reached only when the kill point never fired
        _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        # what a reader of latest would see right now: absent, or a complete run equal to the reference
        try:
            state = check_latest(Path(args["out"])) if os.path.isdir(args["out"]) else "absent"
            same = state == "absent" or normalised_tree(Path(args["out"]) / state) == reference
        except Exception as e:  # recorded, asserted by the test
            state, same = f"broken: {type(e).__name__}: {e}", False
        results["kills"].append({"kill": kill, "killed": killed, "status": status, "latest": state,
                                 "latest_equals_reference": same,
                                 "left": sorted(os.listdir(args["out"])) if os.path.isdir(args["out"]) else []})
        with open(args["result"], "w") as fh:
            json.dump(results, fh)
    json.dump(results, open(args["result"], "w"))
''')

STAGES = ["stage_ingest", "stage_encoding", "stage_boilerplate", "stage_langid", "stage_artefacts", "load_terms",
          "stage_terms", "stage_segment", "stage_discover", "stage_align", "stage_qa"]


def kill_points(seed: int = 9) -> list[list]:
    """At least 20 kill points spread over every stage and every step of export, in random order
    (seeded: a failure is reproducible)."""
    pts: list[list] = [["stage", s, w] for s in STAGES for w in ("before", "after")]
    pts += [["doc", "encoding", "repair_document", k] for k in (1, 4, 7)]
    pts += [["doc", "segment", "segment_document", k] for k in (2, 6)]
    pts += [["write", k] for k in (1, 2, 5, 9, 13, 17, 20)]
    pts += [["export", s] for s in ("after-claim", "before-rename", "after-rename", "before-latest", "latest-symlinked",
                                    "after-latest")]
    rng = random.Random(seed)
    rng.shuffle(pts)
    return pts


@pytest.mark.slow
def test_sigkill_anywhere_then_rerun_equals_uninterrupted(tmp_path):
    inbox = hostile_inbox(tmp_path)
    out, result = tmp_path / "out", tmp_path / "result.json"
    kills = kill_points()
    assert len(kills) >= 20
    args = {"inputs": [str(inbox)], "out": str(out), "result": str(result), "kills": kills,
            "tests": str(Path(__file__).resolve().parent)}
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads(result.read_text())
    reference = normalised_tree(Path(res["ref"]))
    assert "manifest.json" in reference and any(k.startswith("audit/") for k in reference)
    # after every kill (checked by the driver before the next run starts): latest absent, or a
    # complete run equal to the reference
    for k in res["kills"]:
        assert k["latest_equals_reference"], k  # never a partial or different run under latest
    assert all(k["latest"] != "absent" for k in res["kills"])  # the reference run was published first
    not_fired = [k["kill"] for k in res["kills"] if not k["killed"]]
    assert not not_fired, f"kill points that never fired: {not_fired}"
    assert any(k["latest"] != Path(res["ref"]).name for k in res["kills"])  # a killed run got as far as latest
    state = check_latest(out)
    if state != "absent":
        assert normalised_tree(out / state) == reference
    # every complete run directory a killed run left (killed after its rename) equals the reference
    for d in out.iterdir():
        if d.is_dir() and not d.name.startswith("."):
            assert normalised_tree(d) == reference, d.name
    # rerun, uninterrupted: cleans what the killed runs left, and equals the reference
    from normalise.config import PipelineConfig
    from normalise.pipeline import run_pipeline

    _, run_dir = run_pipeline([str(inbox)], str(out), PipelineConfig(translate="off"))
    assert check_latest(out) == run_dir.name
    assert normalised_tree(run_dir) == reference
    hidden = [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".lock"]
    assert not hidden, f"leftovers of killed runs not cleaned by the rerun: {hidden}"


def test_normalised_tree_really_compares(tmp_path):
    """The comparison must fail on a real difference (guards the test above)."""
    a, b = tmp_path / "a", tmp_path / "b"
    for d, line in ((a, "one"), (b, "two")):
        (d / "audit").mkdir(parents=True)
        (d / "audit" / "x.jsonl").write_text(line)
        (d / "manifest.json").write_text(json.dumps({"run_id": d.name, "started": "now", "timings": {"x": 1}}))
    assert normalised_tree(a) != normalised_tree(b)
    (b / "audit" / "x.jsonl").write_text("one")
    assert normalised_tree(a) == normalised_tree(b)


def test_check_latest_rejects_a_partial_target(tmp_path):
    out = tmp_path / "out"
    (out / "r1").mkdir(parents=True)
    os.symlink("r1", out / "latest")
    with pytest.raises(FileNotFoundError):
        check_latest(out)
    (out / "r1" / "manifest.json").write_text('{"status": "complete"}')
    (out / "r1" / ".corpus.en.tmp-1").write_text("half")
    with pytest.raises(AssertionError):
        check_latest(out)


CLI_WITH_FAULT = textwrap.dedent(r'''
    import errno, os, sys
    from pathlib import Path
    from normalise import export
    kind = sys.argv[1]
    if kind == "full":
        def full(path, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        export.write_bytes = full
    else:
        real_mkdir = Path.mkdir
        def ro(self, *a, **kw):
            if "ro_out" in str(self):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
            return real_mkdir(self, *a, **kw)
        Path.mkdir = ro
    from flows.cli import main
    sys.exit(main(sys.argv[2:]))
''')


@pytest.mark.slow
@pytest.mark.parametrize("kind, out_name, message", [
    ("full", "full_out", "is full"),
    ("ro", "ro_out", "Read-only file system"),
])
def test_cli_exits_non_zero_with_clear_message(tmp_path, kind, out_name, message):
    """Through the real CLI and Prefect flow (ephemeral). Root ignores permission bits and a
    mount may be refused, so the fault is injected into this subprocess's export module."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_LOGGING_LEVEL": "ERROR", "HF_HUB_OFFLINE": "1",
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}  # 2 shared cores in CI
    env.pop("PREFECT_API_URL", None)
    out = tmp_path / out_name
    proc = subprocess.run([sys.executable, "-c", CLI_WITH_FAULT, kind, "run", str(SEEDS / "000_da88c3994183a637.txt"),
                           "--out", str(out), "--no-translate"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode != 0, proc.stdout[-2000:]
    assert message in proc.stderr, proc.stderr[-3000:]
    assert not (out / "latest").exists()
    assert "OutputError" in proc.stderr and "--out" in proc.stderr, proc.stderr[-3000:]


class _NoNetwork:
    """socket.connect / getaddrinfo replaced by functions that record the attempt and fail."""

    def __init__(self, monkeypatch):
        import socket

        self.attempts: list[str] = []

        def connect(sock, address, *a, **kw):
            self.attempts.append(f"connect {address!r}")
            raise OSError(101, "Network is unreachable (blocked by the test)")

        def getaddrinfo(host, *a, **kw):
            self.attempts.append(f"getaddrinfo {host!r}")
            raise socket.gaierror(-3, "name resolution blocked by the test")

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _network_run(tmp_path, monkeypatch):
    from normalise.config import PipelineConfig
    from normalise.pipeline import run_pipeline

    net = _NoNetwork(monkeypatch)
    cfg = PipelineConfig(translate="auto").with_stage("translate", models_dir=str(tmp_path / "no-models"),
                                                      cache_dir=str(tmp_path / "hf-cache"))
    run, run_dir = run_pipeline([str(SEEDS)], str(tmp_path / "out"), cfg)
    assert (run_dir / "manifest.json").is_file() and check_latest(tmp_path / "out") == run_dir.name
    m = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert m["counts"]["documents_ok"] == 5
    assert m["translation"]["en-fr"]["status"] == "unavailable"
    return net.attempts, m


def test_offline_run_makes_no_network_access(tmp_path, monkeypatch):
    """With HF_HUB_OFFLINE (as in CI and on these machines) a run with translate=auto never
    touches the network: every stage completes, translation says how to provide the model."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    attempts, _ = _network_run(tmp_path, monkeypatch)
    assert attempts == []


def test_online_config_only_probes_the_hub_for_the_model(tmp_path, monkeypatch):
    """Without offline mode, translate=auto may fetch a missing model (the one network use a run
    makes); with the network down it fails fast and the run completes. Every attempt is to the
    hub endpoint, nothing else."""
    from urllib.parse import urlparse

    from huggingface_hub import constants

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    attempts, m = _network_run(tmp_path, monkeypatch)
    allowed = {urlparse(constants.ENDPOINT).hostname}
    for var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        if os.environ.get(var):
            allowed.add(urlparse(os.environ[var]).hostname)
    assert all(any(h and h in a for h in allowed) for a in attempts), (attempts, allowed)
    assert m["translation"]["en-fr"]["reason"]
