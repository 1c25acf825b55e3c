"""The Prefect flow: the library's stages as named tasks over chunks of documents, then the
artifacts an operator reads in the UI.

Tasks are thin: each calls one library function (``normalise.incremental`` for the chunked,
incremental work; ``normalise.pipeline`` for the stages). What Prefect adds here:

* names that say what each task does (``clean-and-segment-documents``, ``translate-documents``...);
* retries with exponential backoff where models or the filesystem are touched;
* caching of the expensive per-chunk tasks with persisted results. Their cache keys are built
  from the documents' keys (sha256 of the bytes + config fingerprint + code version, see
  ``normalise.incremental.doc_key``), the task's source and its small inputs, never by hashing
  document contents or large lists, so a cache lookup costs microseconds; a key also changes
  when the state store is rebuilt, so a cached result never points at blobs that are gone;
* per-run artifacts: the summary markdown (``normalise-report``: warnings first), a per-document
  table (``normalise-documents``), a progress bar while translating (``translation-progress``),
  a link to the outputs (``normalise-outputs``);
* a Failed state that names its cause (``translate=require`` with a missing model names it).

The default task runner runs one chunk at a time in a worker thread: the stages are pure Python,
so threads would only contend for the GIL (and thrash the ``re`` module's pattern cache, which
pysbd and the artefact rules lean on); ``--runner dask`` gives real parallelism with processes.

Every run goes through the state store under ``<out>/.state`` (a full run refreshes it), so a
10,000-document run holds only light per-document summaries in memory: each chunk's documents
are stored as blobs as soon as they are cleaned, and ``write-outputs`` streams them back.

Not done yet: the per-document table artifact lists at most ``MAX_TABLE_ROWS`` documents (the
full table is ``report.md`` in the run directory).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import time
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import INPUTS, NO_CACHE, TASK_SOURCE, CacheKeyFnPolicy
from prefect.futures import as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from normalise import incremental as I
from normalise import pipeline as P
from normalise.config import PipelineConfig
from normalise.export import ensure_writable, write_run
from normalise.report import document_rows, render_report

MAX_TABLE_ROWS = 2000
FS_RETRIES = dict(retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=1), retry_jitter_factor=0.5)
MODEL_RETRIES = dict(retries=2, retry_delay_seconds=exponential_backoff(backoff_factor=5), retry_jitter_factor=0.5)


class Box:
    """An opaque wrapper for task arguments submitted to a task runner: neither Prefect (which
    walks arguments looking for futures) nor Dask (which rebuilds dataclasses field by field, and
    turned a list of work items into lists) looks inside, so a chunk of documents travels as one
    pickled object."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __getstate__(self):
        return self.value

    def __setstate__(self, value):
        self.value = value

    def __repr__(self) -> str:
        v = self.value
        return f"Box({type(v).__name__}{f' x{len(v)}' if hasattr(v, '__len__') else ''})"


def _unbox(x: Any) -> Any:
    return x.value if isinstance(x, Box) else x


def _blobs_key(items_or_docs: Any, out: str) -> str:
    """Part of a cache key: which documents (by key) in which state store. The store's id
    changes when ``<out>/.state`` is deleted and rebuilt, so a cached result never points at
    blobs that are gone."""
    store = I.StateStore(out, index=False)
    h = hashlib.sha256(f"{os.path.abspath(out)}|{store.store_id()}".encode())
    for x in _unbox(items_or_docs):
        doc_id = x.ref.doc_id if isinstance(x, I.WorkItem) else x.doc_id
        h.update(f"{doc_id}={x.key};".encode())
    return h.hexdigest()


def _chunk_key(ctx, params: dict[str, Any]) -> str:
    return _blobs_key(params["items"], params["out"])


def _translate_key(ctx, params: dict[str, Any]) -> str:
    return _blobs_key(params["docs"], params["out"]) + ":" + str(getattr(_unbox(params["tb"]), "version", ""))


#: per-chunk cleaning: task source + small inputs (config, out, code version) + document keys
CHUNK_CACHE = TASK_SOURCE + (INPUTS - "items") + CacheKeyFnPolicy(cache_key_fn=_chunk_key)
#: per-chunk translation: task source + config + document keys + termbase version
TRANSLATE_CACHE = TASK_SOURCE + (INPUTS - "docs" - "tb" - "progress_id") + CacheKeyFnPolicy(cache_key_fn=_translate_key)


@task(name="discover-inputs", cache_policy=NO_CACHE, **FS_RETRIES)
def discover_task(inputs: list[str]):
    from normalise.ingest import discover_inputs

    return discover_inputs(inputs)


@task(name="plan-incremental-work", cache_policy=NO_CACHE, **FS_RETRIES)
def plan_task(refs, out: str, cfg: PipelineConfig, full: bool) -> I.Plan:
    return I.StateStore(out).plan(refs, I.key_fingerprint(cfg), full=full)


@task(name="load-termbase", cache_policy=NO_CACHE, **FS_RETRIES)
def termbase_task(cfg: PipelineConfig):
    return P.load_terms(cfg)


@task(name="clean-and-segment-documents", task_run_name="clean-and-segment-{label}", cache_policy=CHUNK_CACHE,
      persist_result=True, **FS_RETRIES)
def clean_chunk_task(items: Box, cfg: Box, out: str, code: str, label: str) -> I.ChunkResult:
    """Decode, repair encoding, remove boilerplate, identify language, repair MT artefacts,
    canonicalise terms and split sentences for one chunk; documents go to the state store."""
    return I.process_chunk(_unbox(items), _unbox(cfg), out)


@task(name="load-unchanged-documents", cache_policy=NO_CACHE, **FS_RETRIES)
def load_unchanged_task(out: str, doc_ids: list[str]) -> list[I.StoredDocument]:
    store = I.StateStore(out)
    return [store.load_document(d) for d in doc_ids]


@task(name="align-bilingual-documents", cache_policy=NO_CACHE)
def align_task(refs, refused, docs, counts, cfg, tb, plan, out):
    return I.assemble_run(refs, refused, docs, counts, cfg, tb, plan, I.StateStore(out))


@task(name="translate-documents", task_run_name="translate-{label}", cache_policy=TRANSLATE_CACHE,
      persist_result=True, **MODEL_RETRIES)
def translate_chunk_task(docs: Box, cfg: Box, tb: Box, out: str, label: str,
                         progress_id: Any = None) -> I.TranslationResult:
    """Translate one chunk's segments in every direction they need (the model is loaded once
    per worker process and reused by the next chunks)."""
    progress = None
    if progress_id is not None:
        state = {"last": 0.0}

        def progress(done: int, n: int) -> None:
            pct = 100.0 * done / max(n, 1)
            if pct - state["last"] >= 2 or done == n:
                state["last"] = pct
                update_progress_artifact(progress_id, progress=pct)

    return translate_documents_logged(_unbox(docs), _unbox(cfg), _unbox(tb), progress)


def translate_documents_logged(docs, cfg, tb, progress):
    res = I.translate_documents(docs, cfg, tb, progress)
    for st in res.status.values():
        if st.get("status") != "ok":
            get_run_logger().warning(st.get("message", st))
    return res


@task(name="check-pairs-and-find-term-candidates", cache_policy=NO_CACHE, **FS_RETRIES)
def qa_task(run, docs, cfg, tb, out, tr, translated):
    I.finish_run(run, docs, cfg, tb, I.StateStore(out), tr, translated)
    return run


@task(name="write-outputs", cache_policy=NO_CACHE, **FS_RETRIES)
def export_task(out_dir: str, run) -> str:
    return str(write_run(out_dir, run))


@task(name="record-incremental-state", cache_policy=NO_CACHE, **FS_RETRIES)
def commit_task(out: str, run_id: str, items, new, tr, translated, plan) -> None:
    I.StateStore(out).commit(run_id, items, new, {d.doc_id: tr.pairs.get(d.doc_id, []) for d in translated},
                             tr.rejected, mt_done=tr.done, removed=plan.removed, config_fp=plan.config_fp,
                             code=plan.code)


def _publish(run, run_dir: str) -> None:
    create_markdown_artifact(markdown=render_report(run), key="normalise-report",
                             description=f"Summary of run {run.run_id}")
    rows = document_rows(run)
    note = "" if len(rows) <= MAX_TABLE_ROWS else f" (first {MAX_TABLE_ROWS} of {len(rows)}; all in report.md)"
    create_table_artifact(table=rows[:MAX_TABLE_ROWS], key="normalise-documents",
                          description="Per document: language, lines kept / dropped / repaired, pairs, status" + note)
    create_link_artifact(link=Path(run_dir).resolve().as_uri(), link_text=f"outputs of {run.run_id}",
                         key="normalise-outputs", description="Run directory (manifest, parallel/, audit/, report.md)")


@contextlib.contextmanager
def inbox_lock(out: str):
    """One run at a time per output root, however it was started (deployment, CLI, notebook):
    an exclusive ``flock`` on ``<out>/.state/run.lock``; a second run waits for the first."""
    root = Path(out) / I.STATE_DIR
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "run.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@flow(name="normalise", log_prints=True, task_runner=ThreadPoolTaskRunner(max_workers=1))
def normalise_flow(inputs: list[str], out: str = "outputs", translate: str = "auto",
                   config: dict[str, Any] | None = None, incremental: bool = False) -> str:
    """Clean, terms, segment, translate, align and export scraped news ``inputs`` into ``out``.

    ``translate``: auto | require | off. With ``require`` a missing model fails the run after
    every other output is written. ``incremental``: process only new or changed documents
    (sha256 + config + code version) and carry the others over from ``<out>/.state``; when
    nothing is new the run writes nothing and returns ``<out>/latest``.
    """
    cfg = PipelineConfig.from_mapping({**(config or {}), "translate": translate})
    ensure_writable(out)  # a read-only or full output directory: OutputError saying what to do
    with inbox_lock(out):
        return _run(inputs, out, cfg, incremental)


def _run(inputs: list[str], out: str, cfg: PipelineConfig, incremental: bool) -> str:
    logger = get_run_logger()
    t = time.perf_counter
    t0 = t()
    refs, refused = discover_task(inputs)
    plan = plan_task(quote(refs), out, cfg, full=not incremental)
    latest = Path(out) / "latest"
    if incremental and plan.nothing_new and latest.exists():
        msg = (f"Nothing new: {len(plan.unchanged)} documents unchanged (same bytes, config and code); "
               f"no new run directory. The current corpus is {latest.resolve()}.")
        logger.info(msg)
        create_markdown_artifact(markdown=f"# normalise: nothing new\n\n{msg}\n", key="normalise-report",
                                 description="Incremental run with nothing to do")
        create_link_artifact(link=latest.resolve().as_uri(), link_text="current corpus (latest)",
                             key="normalise-outputs")
        return str(latest.resolve())
    logger.info("%d inputs: %d to process, %d unchanged, %d removed, %d refused", len(refs), len(plan.todo),
                len(plan.unchanged), len(plan.removed), len(refused))
    tb = termbase_task(cfg)
    code = I.code_version()
    chunks = I.chunked(plan.todo, cfg.chunk_size)
    futures = [clean_chunk_task.submit(Box(ch), Box(cfg), out, code, label=f"{i + 1}-of-{len(chunks)}")
               for i, ch in enumerate(chunks)]
    new: dict[str, I.StoredDocument] = {}
    counts: dict[str, int] = {}
    items: list[I.WorkItem] = []
    for fut in futures:
        res = fut.result()
        new.update((d.doc_id, d) for d in res.docs)
        counts.update(res.segment_counts)
        items += res.items
    del futures
    carried = load_unchanged_task(out, plan.unchanged) if plan.unchanged else []
    by_id = {**{d.doc_id: d for d in carried}, **new}
    docs = [by_id[r.doc_id] for r in refs if r.doc_id in by_id]
    counts.update((d.doc_id, d.n_segments) for d in carried)
    t_clean = t()
    run = align_task(quote(refs), quote(refused), quote(docs), quote(counts), cfg, tb, quote(plan), out)
    todo = I.translation_todo(docs, run.metadata_skip, cfg)
    tr = I.TranslationResult()
    t1 = t()
    if todo:
        tchunks = I.chunked(todo, cfg.chunk_size)
        total = sum(d.n_segments for d in todo)
        art = create_progress_artifact(progress=0.0, key="translation-progress",
                                       description=f"Translating {total} segments of {len(todo)} documents "
                                                   f"in {len(tchunks)} chunk(s)")
        tfuts = [translate_chunk_task.submit(Box(ch), Box(cfg), Box(tb), out, label=f"{i + 1}-of-{len(tchunks)}",
                                             progress_id=art if len(tchunks) == 1 else None)
                 for i, ch in enumerate(tchunks)]
        seg_of = {f.task_run_id: sum(d.n_segments for d in ch) for f, ch in zip(tfuts, tchunks)}
        done_segs = 0
        for fut in as_completed(tfuts):
            res = fut.result()
            tr.pairs.update(res.pairs)
            tr.rejected.update(res.rejected)
            tr.done += res.done
            I.merge_status(run.translation, res.status)
            done_segs += seg_of.get(fut.task_run_id, 0)
            update_progress_artifact(art, progress=min(100.0, 100.0 * done_segs / max(total, 1)))
        update_progress_artifact(art, progress=100.0)
    run = qa_task(quote(run), quote(docs), cfg, tb, out, quote(tr), quote(todo))
    run.timings.update({"clean": round(t_clean - t0, 3), "translate": round(t() - t1, 3)})
    for w in run.warnings:
        logger.warning(w)
    run_dir = export_task(out, quote(run))
    commit_task(out, run.run_id, quote(items), quote(new), quote(tr), quote(todo), quote(plan))
    _publish(run, run_dir)
    logger.info("wrote %s (%d pairs)", run_dir, len(run.pairs))
    P.finish(run)  # raises TranslationRequired -> Failed state naming the missing model
    return run_dir


def with_runner(runner: str = "thread", dask_address: str | None = None, workers: int | None = None):
    """The flow with the task runner an operator chose (see ``flows/runners.py``)."""
    from flows.runners import make_task_runner

    return normalise_flow.with_options(task_runner=make_task_runner(runner, dask_address, workers))


if __name__ == "__main__":  # pragma: no cover
    import sys

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    normalise_flow(sys.argv[1:])
