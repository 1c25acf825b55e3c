"""The whole pipeline as plain functions, one per stage, and :func:`run_pipeline` that calls
them in order in one process (no Prefect).

``flows/pipeline.py`` wraps the same stage functions as Prefect tasks, so a notebook, another
orchestrator and the Prefect flow all run identical code. Every per-document stage isolates
failures: a document whose stage raises is marked ``status="error"`` with the stage and the
exception, keeps its audit, and the run carries on.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import logging
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .config import PipelineConfig
from .document import Document, Pair, Rejected, Segment

log = logging.getLogger("normalise")

Progress = Callable[[int, int], None]

#: directions translated for each document language: (source, target) model pairs
DIRECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("en", "fr"),),
    "fr": (("fr", "en"),),
    "de": (("de", "en"), ("de", "fr")),
}


class TranslationRequired(RuntimeError):
    """Raised (after every output is written) when ``translate=require`` and a model is missing."""


@dataclass
class Run:
    """Everything a run produced; ``export.write_run`` turns it into the output contract."""

    run_id: str
    config: PipelineConfig
    started: str = ""
    inputs: list[Any] = field(default_factory=list)  # InputRef
    docs: list[Document] = field(default_factory=list)
    segments: dict[str, list[Segment]] = field(default_factory=dict)
    pairs: list[Pair] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    doc_matches: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[Any] = field(default_factory=list)
    translation: dict[str, dict[str, Any]] = field(default_factory=dict)  # "en-fr" -> status
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    termbase_version: str = ""

    @property
    def translation_missing(self) -> list[dict[str, Any]]:
        return [v for v in self.translation.values() if v.get("status") == "unavailable"]


def new_run_id(inputs: Iterable[Any], cfg: PipelineConfig) -> str:
    """``YYYYmmddTHHMMSSZ-<hash of inputs and config>``: sortable and unique per content."""
    h = hashlib.sha256(cfg.fingerprint().encode())
    for ref in inputs:
        h.update(str(getattr(ref, "path", ref)).encode("utf-8", "surrogatepass"))
    now = _dt.datetime.now(_dt.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond // 1000:03d}Z-" + h.hexdigest()[:8]


def _each_doc(stage: str, docs: list[Document], fn: Callable[[Document], None]) -> None:
    for doc in docs:
        if not doc.ok:
            continue
        try:
            fn(doc)
        except Exception as e:  # one bad document must not stop the run
            doc.status = "error"
            doc.error = f"{stage} failed: {type(e).__name__}: {e}"
            doc.metadata.setdefault("traceback", traceback.format_exc(limit=5))
            log.warning("document %s: %s", doc.doc_id, doc.error)


# --- stages -----------------------------------------------------------------------------------

def stage_ingest(paths: list[str], cfg: PipelineConfig) -> tuple[list[Any], list[Document], list[Rejected]]:
    """1. Find inputs and decode them."""
    from .ingest import discover_inputs, load_document

    refs, refused = discover_inputs(paths)
    icfg = ingest_config(cfg)
    docs = [load_document(r, icfg) for r in refs]
    return refs, docs, refused


def ingest_config(cfg: PipelineConfig):
    """``stages.ingest`` options; the top-level ``max_bytes`` applies unless the section sets it."""
    import dataclasses

    from .ingest import IngestConfig

    icfg = cfg.section("ingest", IngestConfig)
    if "max_bytes" not in (cfg.stages.get("ingest") or {}):
        icfg = dataclasses.replace(icfg, max_bytes=cfg.max_bytes)
    return icfg


def stage_encoding(docs: list[Document], cfg: PipelineConfig) -> list[Document]:
    """2. Encoding repair (ftfy with explanation, whitespace)."""
    from .encoding import EncodingConfig, repair_document

    ecfg = cfg.section("encoding", EncodingConfig)
    _each_doc("encoding", docs, lambda d: repair_document(d, ecfg))
    return docs


def stage_boilerplate(docs: list[Document], cfg: PipelineConfig) -> list[Document]:
    """3. Boilerplate: per-line keep/drop over all documents of the run (cross-doc evidence)."""
    from .boilerplate import BoilerplateConfig, classify_documents

    bcfg = cfg.section("boilerplate", BoilerplateConfig)
    live = [d for d in docs if d.ok]
    try:
        classify_documents(live, bcfg)
    except Exception:  # fall back to one document at a time to isolate the culprit
        _each_doc("boilerplate", live, lambda d: classify_documents([d], bcfg))
    return docs


def stage_langid(docs: list[Document], cfg: PipelineConfig) -> list[Document]:
    """4. Language id per document and per line, then the per-language quote policy."""
    from .encoding import EncodingConfig, apply_quote_policy
    from .langid import LangIdConfig, identify_document

    lcfg = cfg.section("langid", LangIdConfig)
    ecfg = cfg.section("encoding", EncodingConfig)

    def one(d: Document) -> None:
        identify_document(d, lcfg)
        apply_quote_policy(d, ecfg)

    _each_doc("langid", docs, one)
    return docs


def stage_artefacts(docs: list[Document], cfg: PipelineConfig) -> list[Document]:
    """5. Machine-translation artefacts: detect, repair or flag; MT-origin score."""
    from .artefacts import ArtefactConfig, repair_document, score_document

    acfg = cfg.section("artefacts", ArtefactConfig)

    def one(d: Document) -> None:
        repair_document(d, acfg)
        score_document(d)

    _each_doc("artefacts", docs, one)
    return docs


def load_terms(cfg: PipelineConfig):
    from .terms import load_termbase

    return load_termbase(tuple(cfg.termbases))


def stage_terms(docs: list[Document], cfg: PipelineConfig, tb=None) -> list[Document]:
    """6a. Canonicalise French-origin terms in the clean text."""
    from .terms import canonicalise_document

    tb = tb or load_terms(cfg)
    _each_doc("terms", docs, lambda d: canonicalise_document(d, tb))
    return docs


def stage_segment(docs: list[Document]) -> dict[str, list[Segment]]:
    """7. Sentences per document and language."""
    from .segment import segment_document

    out: dict[str, list[Segment]] = {}

    def one(d: Document) -> None:
        out[d.doc_id] = segment_document(d)

    _each_doc("segment", docs, one)
    return out


def stage_discover(docs: list[Document], tb) -> list[Any]:
    """6b. Candidate French-origin terms not yet in the termbase."""
    from .terms import discover_candidates

    return discover_candidates([d for d in docs if d.ok], tb)


def alignment_translator(cfg: PipelineConfig, tb=None) -> Callable[[list[str]], list[str]] | None:
    """French->English translation for MT-based sentence alignment (Bleualign style), or None
    when translation is off or no fr-en model is available (alignment then uses length, anchors
    and the lexicon only)."""
    if cfg.translate == "off":
        return None
    from .translate import ModelUnavailable, TranslateConfig, load_translator

    try:
        tr = load_translator(cfg.section("translate", TranslateConfig), "fr", "en",
                             termbase_version=getattr(tb, "version", ""))
    except ModelUnavailable:
        return None
    return tr.translate


def stage_align(run: Run, translate: Callable[[list[str]], list[str]] | None = None
                ) -> tuple[list[Pair], list[Rejected], list[dict[str, Any]]]:
    """9. Source-aligned pairs: match English and French documents of the same story, then
    align their sentences. Needs no MT model; ``translate`` (French -> English) adds MT-based
    similarity when one is available."""
    from .align import AlignConfig, align_documents, align_sentences

    en = [d for d in run.docs if d.ok and d.lang == "en" and run.segments.get(d.doc_id)]
    fr = [d for d in run.docs if d.ok and d.lang == "fr" and run.segments.get(d.doc_id)]
    if not en or not fr:
        return [], [], []
    acfg = run.config.section("align", AlignConfig)
    pairs: list[Pair] = []
    rejected: list[Rejected] = []
    matches: list[dict[str, Any]] = []
    for m in align_documents(en, fr, run.segments, translate=translate, cfg=acfg):
        e_segs, f_segs = run.segments[m.en_doc], run.segments[m.fr_doc]
        matches.append({"en_doc": m.en_doc, "fr_doc": m.fr_doc, "score": round(float(m.score), 4),
                        "evidence": getattr(m, "evidence", {})})
        n = 0
        for bead in align_sentences(e_segs, f_segs, translate=translate, cfg=acfg):
            es = [e_segs[i] for i in bead.en]
            fs = [f_segs[i] for i in bead.fr]
            if not es or not fs:
                for s in es + fs:
                    rejected.append(Rejected(kind="segment", id=s.seg_id, doc_id=s.doc_id, reason="align:unmatched",
                                             text=s.text, detail={"bead": [list(bead.en), list(bead.fr)]}))
                continue
            n += 1
            pairs.append(Pair(
                pair_id=f"{m.en_doc}~{m.fr_doc}:{n}", en=" ".join(s.text for s in es),
                fr=" ".join(s.text for s in fs), origin="aligned", doc_id=m.en_doc, src_lang="en",
                seg_ids=[s.seg_id for s in es + fs], lines=sorted({ln for s in es for ln in s.lines}),
                scores={"align": round(float(bead.score), 4), "doc_align": round(float(m.score), 4)},
                flags=sorted({f for s in es + fs for f in s.flags}),
            ))
    return pairs, rejected, matches


def translation_jobs(run: Run, skip_docs: set[str]) -> dict[tuple[str, str], list[Segment]]:
    """Segments to translate, grouped by direction across all documents (one model load and
    length-sorted batches per direction)."""
    jobs: dict[tuple[str, str], list[Segment]] = {}
    for d in run.docs:
        if not d.ok or d.doc_id in skip_docs:
            continue
        for direction in DIRECTIONS.get(d.lang or "", ()):
            jobs.setdefault(direction, []).extend(run.segments.get(d.doc_id, []))
    return jobs


def translate_direction(segs: list[Segment], src: str, tgt: str, cfg: PipelineConfig, tb,
                        progress: Progress | None = None) -> tuple[dict[str, str], list[Rejected], dict[str, Any]]:
    """8. Translate one direction with terms protected; returns seg_id -> output, rejects, status.

    Problems found while restoring protected terms are added to the segment's ``flags`` (and so
    to its pair's).

    A missing model is not an exception here: the status says ``unavailable`` with the model,
    the reason and the fix, so the caller can finish every other stage.
    """
    from .artefacts import normalise_punctuation
    from .terms import protect, restore
    from .translate import ModelUnavailable, TranslateConfig, load_translator
    from .translate.guards import check_translation

    tcfg = cfg.section("translate", TranslateConfig)
    key = f"{src}-{tgt}"
    try:
        tr = load_translator(tcfg, src, tgt, termbase_version=getattr(tb, "version", ""))
    except ModelUnavailable as e:
        return {}, [], {"direction": key, "status": "unavailable", "model": e.model, "reason": e.reason, "fix": e.fix,
                        "message": str(e)}
    protected = [protect(s.text, src, tb) for s in segs]
    outs = tr.translate([p.masked for p in protected], progress=progress)
    result: dict[str, str] = {}
    rejected: list[Rejected] = []
    for seg, prot, out in zip(segs, protected, outs):
        text = normalise_punctuation(restore(out, prot, tgt, tb), tgt)
        for f in getattr(prot, "flags", ()):  # e.g. term:placeholder-dropped: the pair carries it
            if f not in seg.flags:
                seg.flags.append(f)
        reasons = check_translation(seg.text, text, src, tgt)
        if reasons:
            rejected.append(Rejected(kind="segment", id=seg.seg_id, doc_id=seg.doc_id, reason=reasons[0], text=seg.text,
                                     detail={"output": text, "reasons": reasons, "direction": key}))
            continue
        result[seg.seg_id] = text
    status = {"direction": key, "status": "ok", "model": getattr(tr, "model_id", ""), "segments": len(segs),
              "translated": len(result), **getattr(tr, "stats", {})}
    return result, rejected, status


def build_mt_pairs(run: Run, outputs: dict[tuple[str, str], dict[str, str]], skip_docs: set[str]) -> list[Pair]:
    """Pairs from translations: the source segment on its side, the MT output on the other."""
    pairs: list[Pair] = []
    for d in run.docs:
        if not d.ok or d.doc_id in skip_docs or d.lang not in DIRECTIONS:
            continue
        for n, seg in enumerate(run.segments.get(d.doc_id, []), start=1):
            if d.lang == "de":
                en, fr = outputs.get(("de", "en"), {}).get(seg.seg_id), outputs.get(("de", "fr"), {}).get(seg.seg_id)
                origin = "mt:de->en+fr"
            else:
                tgt = "fr" if d.lang == "en" else "en"
                mt = outputs.get((d.lang, tgt), {}).get(seg.seg_id)
                en, fr = (seg.text, mt) if d.lang == "en" else (mt, seg.text)
                origin = f"mt:{d.lang}->{tgt}"
            if en is None or fr is None:
                continue
            pairs.append(Pair(pair_id=f"{d.doc_id}:{n}", en=en, fr=fr, origin=origin, doc_id=d.doc_id,
                              src_lang=d.lang, seg_ids=[seg.seg_id], lines=list(seg.lines),
                              flags=list(seg.flags) + (["heading"] if seg.heading else []),
                              mt_origin_score=d.mt_score))
    return pairs


def stage_qa(pairs: list[Pair], cfg: PipelineConfig, tb) -> tuple[list[Pair], list[Rejected]]:
    """10. Term verification, pair checks, deduplication."""
    from .artefacts import check_output
    from .pairs import PairConfig, check_pairs, dedup_pairs
    from .terms import verify_pair

    for p in pairs:
        verify_pair(p, tb)
        if p.origin.startswith("mt:"):
            for tgt in ("en", "fr") if p.src_lang not in ("en", "fr") else (("fr",) if p.src_lang == "en" else ("en",)):
                for f in check_output(getattr(p, tgt), tgt):
                    if f not in p.flags:
                        p.flags.append(f)
    kept, rejected = check_pairs(pairs, cfg.section("pairs", PairConfig))
    kept, dups = dedup_pairs(kept)
    return kept, rejected + dups


def run_stages(paths: list[str], cfg: PipelineConfig, run_id: str | None = None,
               progress: Progress | None = None) -> Run:
    """Every stage in order, in this process. Does not write anything."""
    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            return fn()
        finally:
            timings[name] = round(time.perf_counter() - t0, 4)

    refs, docs, refused = timed("ingest", lambda: stage_ingest(paths, cfg))
    run = Run(run_id=run_id or new_run_id(refs, cfg), config=cfg, inputs=refs, docs=docs, rejected=list(refused),
              started=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))
    timed("encoding", lambda: stage_encoding(docs, cfg))
    timed("boilerplate", lambda: stage_boilerplate(docs, cfg))
    timed("langid", lambda: stage_langid(docs, cfg))
    timed("artefacts", lambda: stage_artefacts(docs, cfg))
    tb = timed("termbase", lambda: load_terms(cfg))
    run.termbase_version = getattr(tb, "version", "")
    timed("terms", lambda: stage_terms(docs, cfg, tb))
    run.segments = timed("segment", lambda: stage_segment(docs))
    run.candidates = timed("discover", lambda: stage_discover(docs, tb))
    aligned, rej, run.doc_matches = timed("align", lambda: stage_align(run, _lazy_fr_en(run, cfg, tb)))
    run.rejected += rej
    skip = {m["en_doc"] for m in run.doc_matches} | {m["fr_doc"] for m in run.doc_matches}
    outputs: dict[tuple[str, str], dict[str, str]] = {}
    if cfg.translate != "off":
        t0 = time.perf_counter()
        for (src, tgt), segs in translation_jobs(run, skip).items():
            out, rej, status = translate_direction(segs, src, tgt, cfg, tb, progress)
            outputs[(src, tgt)] = out
            run.rejected += rej
            run.translation[f"{src}-{tgt}"] = status
        timings["translate"] = round(time.perf_counter() - t0, 4)
    note_translation(run)
    mt_pairs = build_mt_pairs(run, outputs, skip)
    run.pairs, rej = timed("qa", lambda: stage_qa(aligned + mt_pairs, cfg, tb))
    run.rejected += rej
    run.timings = timings
    return run


def _lazy_fr_en(run: Run, cfg: PipelineConfig, tb):
    """The fr->en translator only when the run has both English and French documents."""
    langs = {d.lang for d in run.docs if d.ok}
    return alignment_translator(cfg, tb) if {"en", "fr"} <= langs else None


def note_translation(run: Run) -> None:
    """Turn missing models into prominent warnings (console, report, artifact, manifest)."""
    if run.config.translate == "off":
        run.warnings.append("Translation was switched off (--no-translate): only source-aligned pairs were produced.")
    for st in run.translation_missing:
        run.warnings.append(
            f"TRANSLATION SKIPPED for {st['direction']}: model {st['model']} is not available ({st['reason']}). "
            f"To provide it: {st['fix']}"
        )


def finish(run: Run) -> None:
    """Raise :class:`TranslationRequired` when ``translate=require`` and a model was missing.
    Call it after the outputs are written."""
    if run.config.translate == "require" and run.translation_missing:
        raise TranslationRequired("; ".join(st["message"] for st in run.translation_missing))


TM_FILE = ".cache/translation-memory.sqlite"


def with_default_memory(cfg: PipelineConfig, out_dir: str) -> PipelineConfig:
    """Unless the config names one, keep the translation memory beside the outputs
    (``<out>/.cache/translation-memory.sqlite``) so reruns and repeated sentences across runs
    are translated once."""
    if (cfg.stages.get("translate") or {}).get("tm_path"):
        return cfg
    import os

    return cfg.with_stage("translate", tm_path=os.path.join(str(out_dir), TM_FILE))


def run_pipeline(paths: list[str], out_dir: str, cfg: PipelineConfig | None = None,
                 progress: Progress | None = None) -> tuple[Run, Any]:
    """Run every stage and write the output contract under ``out_dir``; returns (run, run dir).

    Raises :class:`TranslationRequired` after writing when ``translate=require`` could not be met.
    """
    from .export import write_run

    cfg = with_default_memory(cfg or PipelineConfig(), out_dir)
    run = run_stages(paths, cfg, progress=progress)
    path = write_run(out_dir, run)
    finish(run)
    return run, path
