"""The run report: warnings first, and sections that say something even without translation."""

from __future__ import annotations

from normalise.config import PipelineConfig
from normalise.document import Document
from normalise.pipeline import Run
from normalise.report import document_rows, render_report


def _run() -> Run:
    d = Document.from_text("a", "Maiga spoke.\n\nSkip to content\n")
    d.lang, d.mt_score = "en", 0.8
    d.mt_evidence = {"per_1000_words": {"split": 2.0, "calque": 5.0}}
    d.metadata["terms"] = [{"term_id": "abdoulaye-maiga", "line": 1}]
    d.lines[0].repair("terms", "term:canonical", "Maïga spoke.")
    d.lines[1].drop("boilerplate", "empty")
    d.lines[2].drop("boilerplate", "nav:skip-link")
    bad = Document.from_text("b", "\x00\x01")
    bad.status, bad.error = "quarantined", "binary: nul-bytes"
    run = Run(run_id="r1", config=PipelineConfig(), docs=[d, bad])
    run.warnings.append("TRANSLATION SKIPPED for en-fr: model X is not available. To provide it: --model-dir")
    return run


def test_warnings_come_first_and_name_failed_documents():
    md = render_report(_run())
    warn = md.split("## Counts")[0]
    assert "TRANSLATION SKIPPED" in warn and "Document b quarantined: binary" in warn


def test_sections_report_drops_repairs_terms_and_evidence():
    md = render_report(_run())
    assert "| nav:skip-link | 1 |" in md and "| empty | 1 |" in md
    assert "| term:canonical | 1 |" in md
    assert "| abdoulaye-maiga | 1 | 1 | 0 |" in md
    assert "calque 5.0, split 2.0" in md  # most telling evidence first


def test_document_rows_for_the_table_artifact():
    rows = {r["doc_id"]: r for r in document_rows(_run())}
    assert rows["a"]["kept"] == 0 and rows["a"]["repaired"] == 1 and rows["a"]["dropped"] == 2
    assert rows["b"]["status"] == "quarantined" and rows["a"]["mt_origin"] == 0.8
