"""Real Prefect flow runs, all inside one prefect_test_harness session (it costs ~13 s)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.flow
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ROOT = SEEDS.parent


def _artifacts(flow_run_id):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        return client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))


def test_flow_offline_completes_and_publishes_artifacts(harness, tmp_path):
    from flows.pipeline import normalise_flow

    state = normalise_flow(inputs=[str(SEEDS)], out=str(tmp_path / "out"), translate="auto", return_state=True)
    assert state.is_completed(), state.message
    run_dir = Path(state.result())
    assert (run_dir / "manifest.json").is_file() and (tmp_path / "out" / "latest").resolve() == run_dir.resolve()
    arts = _artifacts(state.state_details.flow_run_id)
    by_key = {a.key: a for a in arts}
    assert {"normalise-report", "normalise-documents", "normalise-outputs"} <= set(by_key), [a.key for a in arts]
    assert run_dir.resolve().as_uri() in by_key["normalise-outputs"].data  # link artifacts are markdown links
    md = by_key["normalise-report"].data
    assert md.index("## Warnings") < md.index("## Counts") and "opus-mt-en-fr" in md
    table = by_key["normalise-documents"].data
    table = json.loads(table) if isinstance(table, str) else table
    assert {r["doc_id"] for r in table} == {p.stem for p in SEEDS.iterdir()}
    assert {"language", "kept", "dropped", "repaired", "pairs", "status"} <= set(table[0])


def test_flow_require_fails_naming_the_model(harness, tmp_path):
    from flows.pipeline import normalise_flow

    state = normalise_flow(inputs=[str(SEEDS / "000_da88c3994183a637.txt")], out=str(tmp_path / "out"),
                           translate="require", return_state=True)
    assert state.is_failed()
    assert "opus-mt-en-fr" in (state.message or "") or "opus-mt-en-fr" in repr(state.result(raise_on_failure=False))
    assert ((tmp_path / "out" / "latest") / "manifest.json").is_file()  # everything else written


def test_flow_translates_with_tiny_model(harness, tiny_models, tmp_path):
    from flows.pipeline import normalise_flow

    config = {"stages": {"translate": {"models": {k: str(v) for k, v in tiny_models.items()}, "num_beams": 1,
                                       "max_new_tokens": 16, "tm_path": str(tmp_path / "tm.sqlite")}}}
    state = normalise_flow(inputs=[str(SEEDS / "003_7d28a0afa9b97a46.txt")], out=str(tmp_path / "out"),
                           translate="require", config=config, return_state=True)
    assert state.is_completed(), state.message
    run_dir = Path(state.result())
    n_en = len((run_dir / "parallel/corpus.en").read_text().splitlines())
    assert n_en == len((run_dir / "parallel/corpus.fr").read_text().splitlines()) >= 1
    types = [a.type for a in _artifacts(state.state_details.flow_run_id)]
    assert "progress" in types


def _cli(*args, cwd):
    env = {**os.environ, "PREFECT_HOME": str(cwd / ".prefect"), "HF_HUB_OFFLINE": "1"}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_cli_exit_codes_and_console_warning(tmp_path):
    """Ephemeral Prefect from the command line: auto exits 0 with a warning, require exits 3."""
    env_cwd = tmp_path
    (env_cwd / "flows").symlink_to(ROOT / "flows")
    (env_cwd / "normalise").symlink_to(ROOT / "normalise")
    ok = _cli("run", str(SEEDS / "004_70ff2f0bc8c45b9a.txt"), "--out", str(tmp_path / "o1"), cwd=env_cwd)
    assert ok.returncode == 0, ok.stderr[-3000:]
    assert "WARNING" in ok.stderr and "opus-mt-en-fr" in ok.stderr and "outputs:" in ok.stdout
    bad = _cli("run", str(SEEDS / "004_70ff2f0bc8c45b9a.txt"), "--out", str(tmp_path / "o2"), "--translate",
               "require", cwd=env_cwd)
    assert bad.returncode == 3, bad.stderr[-3000:]
    assert "FAILED" in bad.stderr and "opus-mt-en-fr" in bad.stderr
    assert (tmp_path / "o2" / "latest" / "report.md").is_file()


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"]])
def test_help_is_clear(argv, capsys):
    from flows.cli import main

    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "usage: normalise" in out
    if argv[0] == "run":
        for opt in ("--out", "--no-translate", "--translate", "--model-dir", "--config"):
            assert opt in out


def _task_states(flow_run_id) -> dict[str, str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        trs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return {tr.name: tr.state.name for tr in trs}


def test_flow_incremental_and_cached(harness, tmp_path):
    """A full rerun reuses cached chunk results (keys from document keys); an incremental rerun
    with nothing new writes nothing; an edited document is reprocessed alone."""
    from flows.pipeline import normalise_flow

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for p in sorted(SEEDS.iterdir())[:3]:
        (inbox / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "out"
    kw = dict(inputs=[str(inbox)], out=str(out), translate="off", config={"chunk_size": 2})
    s1 = normalise_flow(**kw, return_state=True)
    s2 = normalise_flow(**kw, return_state=True)
    assert s1.is_completed() and s2.is_completed()
    first = _task_states(s1.state_details.flow_run_id)
    second = _task_states(s2.state_details.flow_run_id)
    chunk_tasks = sorted(n for n in second if n.startswith("clean-and-segment-"))
    assert chunk_tasks == ["clean-and-segment-1-of-2", "clean-and-segment-2-of-2"]
    assert all(first[n] == "Completed" for n in chunk_tasks)
    assert all(second[n] == "Cached" for n in chunk_tasks), second
    runs_before = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    s3 = normalise_flow(**kw, incremental=True, return_state=True)
    assert s3.is_completed() and Path(s3.result()) == (out / "latest").resolve()
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == runs_before
    md = [a for a in _artifacts(s3.state_details.flow_run_id) if a.key == "normalise-report"][0].data
    assert "nothing new" in md.lower()
    edited = sorted(inbox.iterdir())[1]
    edited.write_text(edited.read_text(encoding="utf-8") + "Breaking: a new paragraph about Kidal.\n",
                      encoding="utf-8")
    s4 = normalise_flow(**kw, incremental=True, return_state=True)
    assert s4.is_completed()
    fourth = _task_states(s4.state_details.flow_run_id)
    assert sorted(n for n in fourth if n.startswith("clean-and-segment-")) == ["clean-and-segment-1-of-1"]
    assert fourth["clean-and-segment-1-of-1"] == "Completed"
    m = json.loads((Path(s4.result()) / "manifest.json").read_text())
    assert m["counts"]["documents"] == 3
    audit = (Path(s4.result()) / "audit" / f"{edited.stem}.jsonl").read_text().splitlines()
    assert "Kidal" in json.loads(audit[-1])["text"]


def test_cli_run_has_operations_options(capsys):
    from flows.cli import main

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = capsys.readouterr().out
    for opt in ("--incremental", "--runner", "--dask-address", "--workers"):
        assert opt in out
