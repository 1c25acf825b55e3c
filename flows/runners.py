"""Task runners an operator can pick with ``normalise run --runner``.

* ``thread`` (default): one worker thread in the flow's process, chunks one after another. The
  stages are pure Python: more threads only contend for the GIL (measured slower); ``--workers``
  raises it anyway (useful when translation runs on a GPU while the next chunk is cleaned).
* ``dask``: prefect-dask's ``DaskTaskRunner``. Without an address it starts a local cluster
  (one worker process per core, one thread each, so chunks really run in parallel and each
  worker loads a translation model once and keeps it for the chunks it gets); with
  ``--dask-address tcp://scheduler:8786`` it uses an existing cluster. The workers must see the
  inputs and the output directory (``<out>/.state`` blobs) at the same paths, and import this
  project (install it in the workers' environment).

Not done yet: no adaptive scaling options and no GPU resource annotations for translation tasks.
"""

from __future__ import annotations

import os
from typing import Any

RUNNERS = ("thread", "dask")


def make_task_runner(kind: str = "thread", dask_address: str | None = None, workers: int | None = None,
                     processes: bool = True) -> Any:
    """A Prefect task runner. ``workers``: local Dask workers (default: CPU count, at most 8);
    ``processes=False`` runs a local Dask cluster inside this process (threads; for tests)."""
    if kind == "thread":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=workers or 1)
    if kind != "dask":
        raise ValueError(f"unknown runner {kind!r}: use one of {', '.join(RUNNERS)}")
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as e:  # pragma: no cover - pinned in pyproject
        raise SystemExit("normalise: --runner dask needs prefect-dask (pip install prefect-dask==0.3.7)") from e
    if dask_address:
        return DaskTaskRunner(address=dask_address)
    n = workers or min(8, os.cpu_count() or 1)
    return DaskTaskRunner(cluster_kwargs={"n_workers": n, "threads_per_worker": 1, "processes": processes,
                                          "dashboard_address": None})
