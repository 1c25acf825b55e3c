"""The flow on a local Dask cluster (prefect-dask), in one prefect_test_harness session.

The cluster runs inside the test process (``processes=False``, two worker threads) to keep the
test cheap; ``--runner dask`` without an address starts worker processes instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("prefect_dask")
pytestmark = pytest.mark.flow
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_make_task_runner_kinds():
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    from flows.runners import make_task_runner

    assert isinstance(make_task_runner("thread"), ThreadPoolTaskRunner)
    local = make_task_runner("dask", workers=3)
    assert isinstance(local, DaskTaskRunner) and local.cluster_kwargs["n_workers"] == 3
    remote = make_task_runner("dask", dask_address="tcp://10.0.0.5:8786")
    assert remote.address == "tcp://10.0.0.5:8786"
    with pytest.raises(ValueError):
        make_task_runner("ray")


def test_flow_on_local_dask_matches_the_library(harness, tmp_path, tiny_models):
    """Chunks of two documents run on Dask workers (translation included); the outputs are
    those of the same chunked pipeline run by the library in one process."""
    from flows.pipeline import normalise_flow
    from flows.runners import make_task_runner
    from normalise.config import PipelineConfig
    from normalise.incremental import run_incremental

    stages = {"translate": {"models": {k: str(v) for k, v in tiny_models.items()}, "num_beams": 1,
                            "max_new_tokens": 8, "tm_path": str(tmp_path / "tm.sqlite")}}
    fl = normalise_flow.with_options(task_runner=make_task_runner("dask", workers=2, processes=False))
    state = fl(inputs=[str(SEEDS)], out=str(tmp_path / "dask"), translate="auto",
               config={"chunk_size": 2, "stages": stages}, return_state=True)
    assert state.is_completed(), state.message
    run_dir = Path(state.result())
    _, lib_dir = run_incremental([str(SEEDS)], str(tmp_path / "lib"),
                                 PipelineConfig(chunk_size=2, stages=stages))
    for rel in ("parallel/corpus.en", "parallel/corpus.fr", "rejected.jsonl"):
        assert (run_dir / rel).read_text() == (lib_dir / rel).read_text(), rel
    for p in (lib_dir / "audit").iterdir():
        assert (run_dir / "audit" / p.name).read_bytes() == p.read_bytes()
    m = json.loads((run_dir / "manifest.json").read_text())
    assert m["translation"]["en-fr"]["status"] == "ok" and m["counts"]["documents"] == len(list(SEEDS.iterdir()))
