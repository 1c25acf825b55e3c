"""The Prefect flow: every stage of ``normalise.pipeline`` as a named task, then the artifacts
an operator reads in the UI.

Tasks are thin: each calls one library stage function. What Prefect adds here is naming,
retries where models or the filesystem are touched, per-run artifacts (summary markdown, a
per-document table, a progress bar while translating, a link to the outputs) and a Failed state
that names its cause.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from normalise import pipeline as P
from normalise.config import PipelineConfig
from normalise.export import write_run
from normalise.report import document_rows, render_report


@task(name="ingest-and-decode-inputs", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def ingest_task(paths: list[str], cfg: PipelineConfig):
    return P.stage_ingest(paths, cfg)


@task(name="repair-encoding", cache_policy=NO_CACHE)
def encoding_task(docs, cfg):
    return P.stage_encoding(docs, cfg)


@task(name="remove-boilerplate", cache_policy=NO_CACHE)
def boilerplate_task(docs, cfg):
    return P.stage_boilerplate(docs, cfg)


@task(name="identify-language", cache_policy=NO_CACHE)
def langid_task(docs, cfg):
    return P.stage_langid(docs, cfg)


@task(name="repair-mt-artefacts", cache_policy=NO_CACHE)
def artefacts_task(docs, cfg):
    return P.stage_artefacts(docs, cfg)


@task(name="load-termbase", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def termbase_task(cfg):
    return P.load_terms(cfg)


@task(name="canonicalise-terms", cache_policy=NO_CACHE)
def terms_task(docs, cfg, tb):
    return P.stage_terms(docs, cfg, tb)


@task(name="segment-sentences", cache_policy=NO_CACHE)
def segment_task(docs):
    return P.stage_segment(docs)


@task(name="discover-term-candidates", cache_policy=NO_CACHE)
def discover_task(docs, tb):
    return P.stage_discover(docs, tb)


@task(name="align-bilingual-documents", cache_policy=NO_CACHE)
def align_task(run):
    return P.stage_align(run)


@task(name="translate", cache_policy=NO_CACHE, task_run_name="translate-{src}-{tgt}", retries=1, retry_delay_seconds=[5])
def translate_task(segs, src: str, tgt: str, cfg, tb):
    total = len(segs)
    art = create_progress_artifact(progress=0.0, key=f"translation-progress-{src}-{tgt}",
                                   description=f"Translating {total} segments {src}->{tgt}")
    step = max(1, total // 50)

    def progress(done: int, n: int) -> None:
        if done == n or done % step == 0:
            update_progress_artifact(art, progress=100.0 * done / max(n, 1))

    out, rejected, status = P.translate_direction(segs, src, tgt, cfg, tb, progress)
    if status["status"] != "ok":
        get_run_logger().warning(status["message"])
    else:
        update_progress_artifact(art, progress=100.0)
    return out, rejected, status


@task(name="check-and-deduplicate-pairs", cache_policy=NO_CACHE)
def qa_task(pairs, cfg, tb):
    return P.stage_qa(pairs, cfg, tb)


@task(name="write-outputs", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def export_task(out_dir: str, run) -> str:
    return str(write_run(out_dir, run))


def _publish(run, run_dir: str) -> None:
    create_markdown_artifact(markdown=render_report(run), key="normalise-report",
                             description=f"Summary of run {run.run_id}")
    create_table_artifact(table=document_rows(run), key="normalise-documents",
                          description="Per document: language, lines kept / dropped / repaired, pairs, status")
    create_link_artifact(link=Path(run_dir).resolve().as_uri(), link_text=f"outputs of {run.run_id}",
                         key="normalise-outputs", description="Run directory (manifest, parallel/, audit/, report.md)")


@flow(name="normalise", log_prints=True)
def normalise_flow(inputs: list[str], out: str = "outputs", translate: str = "auto",
                   config: dict[str, Any] | None = None) -> str:
    """Clean, terms, segment, translate, align and export scraped news ``inputs`` into ``out``.

    ``translate``: auto | require | off. With ``require`` a missing model fails the run after
    every other output is written.
    """
    logger = get_run_logger()
    cfg = PipelineConfig.from_mapping({**(config or {}), "translate": translate})
    refs, docs, refused = ingest_task(inputs, cfg)
    run = P.Run(run_id=P.new_run_id(refs, cfg), config=cfg, inputs=refs, docs=docs, rejected=list(refused))
    logger.info("run %s: %d inputs, %d refused", run.run_id, len(refs), len(refused))
    import datetime as _dt
    import time

    run.started = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    t = time.perf_counter
    t0 = t()
    docs = encoding_task(docs, cfg)
    docs = boilerplate_task(docs, cfg)
    docs = langid_task(docs, cfg)
    docs = artefacts_task(docs, cfg)
    tb = termbase_task(cfg)
    run.termbase_version = getattr(tb, "version", "")
    docs = terms_task(docs, cfg, tb)
    run.docs = docs
    run.segments = segment_task(docs)
    run.candidates = discover_task(docs, tb)
    run.timings["clean"] = round(t() - t0, 3)
    aligned, rej, run.doc_matches = align_task(run)
    run.rejected += rej
    skip = {m["en_doc"] for m in run.doc_matches} | {m["fr_doc"] for m in run.doc_matches}
    outputs: dict[tuple[str, str], dict[str, str]] = {}
    t1 = t()
    if cfg.translate != "off":
        for (src, tgt), segs in P.translation_jobs(run, skip).items():
            out_map, rej, status = translate_task(segs, src, tgt, cfg, tb)
            outputs[(src, tgt)] = out_map
            run.rejected += rej
            run.translation[f"{src}-{tgt}"] = status
    run.timings["translate"] = round(t() - t1, 3)
    P.note_translation(run)
    for w in run.warnings:
        logger.warning(w)
    pairs, rej = qa_task(aligned + P.build_mt_pairs(run, outputs, skip), cfg, tb)
    run.pairs = pairs
    run.rejected += rej
    run_dir = export_task(out, run)
    _publish(run, run_dir)
    logger.info("wrote %s (%d pairs)", run_dir, len(run.pairs))
    P.finish(run)  # raises TranslationRequired -> Failed state naming the missing model
    return run_dir


if __name__ == "__main__":  # pragma: no cover
    import sys

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    normalise_flow(sys.argv[1:])
