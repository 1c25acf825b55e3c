"""The whole library pipeline in one process (no Prefect): output contract, audit contract,
missing-model behaviour, translation end to end with a tiny on-the-fly MarianMT model."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from normalise.config import PipelineConfig
from normalise.document import split_lines
from normalise.pipeline import TranslationRequired, run_pipeline

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

CONTRACT = [
    "manifest.json", "report.md", "rejected.jsonl", "parallel/corpus.en", "parallel/corpus.fr",
    "parallel/corpus.tsv", "parallel/corpus.jsonl", "parallel/corpus.tmx", "terms/occurrences.tsv",
    "terms/candidates.tsv",
]


def bad_inputs(root: Path) -> Path:
    """Generated hostile inputs next to a copy of the seeds."""
    d = root / "inbox"
    d.mkdir()
    for f in SEEDS.iterdir():
        (d / f.name).write_bytes(f.read_bytes())
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.bin").write_bytes(bytes(range(256)) * 40)
    (d / "invalid_utf8.txt").write_bytes(b"Le pr\xe9sident a parl\xe9.\n\xff\xfe\xfa broken \x80 bytes\nLast line")
    (d / "crlf.txt").write_bytes(b"Title line\r\n\r\nA sentence with Windows line ends.\r\n")
    return d


def assert_audit_contract(run_dir: Path, inputs: dict[str, bytes], docs: list) -> None:
    by_id = {d.doc_id: d for d in docs}
    for doc_id, doc in by_id.items():
        recs = [json.loads(x) for x in (run_dir / "audit" / f"{doc_id}.jsonl").read_text(encoding="utf-8").splitlines()]
        expected = split_lines(doc.text)
        assert [r["line"] for r in recs] == list(range(1, len(expected) + 1)), doc_id
        assert [r["text"] for r in recs] == expected, doc_id
        for r in recs:
            assert r["action"] in ("keep", "drop", "repair", "merge")
            assert isinstance(r["reason"], str) and r["reason"]
            if r["action"] in ("repair", "merge"):
                assert "output" in r
            if r["text"].strip() == "" and r["action"] == "drop":
                assert r["reason"] in ("empty",) or r["reason"].startswith("quarantined")


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("offline")
    inbox = bad_inputs(root)
    cfg = PipelineConfig(translate="auto")
    t0 = time.perf_counter()
    run, run_dir = run_pipeline([str(inbox)], str(root / "out"), cfg)
    return run, run_dir, root, time.perf_counter() - t0


def test_offline_run_writes_whole_contract(offline_run):
    run, run_dir, root, _ = offline_run
    for rel in CONTRACT:
        assert (run_dir / rel).is_file(), rel
    latest = root / "out" / "latest"
    assert latest.is_symlink() and latest.resolve() == run_dir.resolve()
    for d in run.docs:
        if d.ok:
            assert (run_dir / "documents" / f"{d.doc_id}.{d.lang}.txt").is_file()
    assert not list((root / "out").glob(".*.partial"))


def test_offline_run_says_which_model_and_the_fix(offline_run):
    run, run_dir, _, elapsed = offline_run
    m = json.loads((run_dir / "manifest.json").read_text())
    assert m["translation"]["en-fr"]["status"] == "unavailable"
    assert "opus-mt-en-fr" in m["translation"]["en-fr"]["model"]
    assert "normalise models" in m["translation"]["en-fr"]["fix"] or "--model-dir" in m["translation"]["en-fr"]["fix"]
    assert any("opus-mt-en-fr" in w for w in m["warnings"])
    report = (run_dir / "report.md").read_text()
    warn_section = report.split("## Counts")[0]
    assert "opus-mt-en-fr" in warn_section and "--model-dir" in warn_section
    assert elapsed < 120  # no network time-outs (the whole run, cleaning included)


def test_bad_inputs_are_quarantined_and_the_run_carries_on(offline_run):
    run, run_dir, _, _ = offline_run
    status = {d.doc_id: d.status for d in run.docs}
    assert status["empty"] == "quarantined" and status["binary"] == "quarantined"
    assert status["invalid_utf8"] == "ok"
    assert sum(s == "ok" for s in status.values()) >= 7
    rejected = [json.loads(x) for x in (run_dir / "rejected.jsonl").read_text().splitlines()]
    assert {r["doc_id"] for r in rejected if r["kind"] == "document"} >= {"empty", "binary"}
    m = json.loads((run_dir / "manifest.json").read_text())
    assert {i["doc_id"]: i["status"] for i in m["inputs"]}["binary"] == "quarantined"
    assert all(len(i["sha256"]) == 64 for i in m["inputs"])


def test_audit_has_one_record_per_input_line(offline_run):
    run, run_dir, root, _ = offline_run
    inputs = {p.stem: p.read_bytes() for p in (root / "inbox").iterdir()}
    assert_audit_contract(run_dir, inputs, run.docs)
    seeds = [d for d in run.docs if d.doc_id[:3].isdigit()]
    assert len(seeds) == 5
    for d in seeds:  # seeds are UTF-8: audit text is the file's own lines
        raw = (SEEDS / f"{d.doc_id}.txt").read_text(encoding="utf-8")
        assert len(d.lines) == len(split_lines(raw))


def test_require_fails_after_writing_everything(tmp_path):
    with pytest.raises(TranslationRequired, match="opus-mt-en-fr"):
        run_pipeline([str(SEEDS / "000_da88c3994183a637.txt")], str(tmp_path / "out"), PipelineConfig(translate="require"))
    run_dir = (tmp_path / "out" / "latest").resolve()
    for rel in CONTRACT:
        assert (run_dir / rel).is_file(), rel


def _tiny_cfg(tiny_models, tmp_path, **kw) -> PipelineConfig:
    return PipelineConfig(translate="require", **kw).with_stage(
        "translate", models={k: str(v) for k, v in tiny_models.items()}, num_beams=1, max_new_tokens=24,
        tm_path=str(tmp_path / "tm.sqlite"))


def test_translation_end_to_end_with_tiny_model(tiny_models, tmp_path):
    run, run_dir = run_pipeline([str(SEEDS)], str(tmp_path / "out"), _tiny_cfg(tiny_models, tmp_path))
    en = (run_dir / "parallel/corpus.en").read_text(encoding="utf-8").splitlines()
    fr = (run_dir / "parallel/corpus.fr").read_text(encoding="utf-8").splitlines()
    tsv = (run_dir / "parallel/corpus.tsv").read_text(encoding="utf-8").splitlines()
    jl = [json.loads(x) for x in (run_dir / "parallel/corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(en) == len(fr) == len(tsv) == len(jl) > 20
    for e, f, t, j in zip(en, fr, tsv, jl):
        assert t == f"{e}\t{f}"
        assert (j["en"], j["fr"]) == (e, f)
        assert j["origin"] == "mt:en->fr" and j["pair_id"] and j["doc_id"]
    from translate.storage import tmx

    store = tmx.tmxfile.parsestring((run_dir / "parallel/corpus.tmx").read_bytes())
    assert [(u.source, u.target) for u in store.units] == list(zip(en, fr))
    m = json.loads((run_dir / "manifest.json").read_text())
    assert m["translation"]["en-fr"]["status"] == "ok"
    for d in run.docs:
        assert (run_dir / "documents" / f"{d.doc_id}.fr.txt").is_file()


class _DroppingTranslator:
    """Stands in for a model that loses the term placeholders (and garbles the rest)."""

    model_id = "fake"
    stats: dict = {}

    def translate(self, texts, progress=None):
        import re

        fr = "les troupes de la ville ont quitté une base dans le pays avec leurs armes".split()
        return [" ".join(fr[i % len(fr)] for i in range(len(re.sub(r"XTERM\d+X", "", t).split()))) + "."
                for t in texts]


def test_term_problems_from_restore_reach_the_pairs(tmp_path, monkeypatch):
    import normalise.translate as T

    monkeypatch.setattr(T, "load_translator", lambda *a, **k: _DroppingTranslator())
    run, run_dir = run_pipeline([str(SEEDS / "000_da88c3994183a637.txt")], str(tmp_path / "out"),
                                PipelineConfig(translate="require"))
    flagged = [p for p in run.pairs if "term:placeholder-dropped" in p.flags]
    assert flagged, [p.flags for p in run.pairs]
    wagner = [p for p in flagged if "Wagner" in p.en]
    assert wagner and all("Wagner" in p.fr for p in wagner)  # restore put the dropped term back


def test_ingest_limits_come_from_the_config(tmp_path):
    from normalise.pipeline import ingest_config

    assert ingest_config(PipelineConfig(max_bytes=123)).max_bytes == 123
    cfg = PipelineConfig(max_bytes=123, stages={"ingest": {"max_bytes": 456, "max_line_chars": 10}})
    assert (ingest_config(cfg).max_bytes, ingest_config(cfg).max_line_chars) == (456, 10)
    (tmp_path / "long.txt").write_text("short\n" + "x" * 50 + "\n")
    from normalise.pipeline import stage_ingest

    _, docs, _ = stage_ingest([str(tmp_path / "long.txt")], cfg)
    assert docs[0].status == "quarantined" and "line" in docs[0].error


def test_translation_memory_beside_outputs_makes_reruns_hits(tiny_models, tmp_path):
    cfg = PipelineConfig(translate="require").with_stage(
        "translate", models={k: str(v) for k, v in tiny_models.items()}, num_beams=1, max_new_tokens=24)
    out = tmp_path / "out"
    first, _ = run_pipeline([str(SEEDS / "003_7d28a0afa9b97a46.txt")], str(out), cfg)
    again, _ = run_pipeline([str(SEEDS / "003_7d28a0afa9b97a46.txt")], str(out), cfg)
    assert (out / ".cache" / "translation-memory.sqlite").is_file()
    assert first.translation["en-fr"]["tm_misses"] > 0
    assert again.translation["en-fr"]["tm_misses"] == 0 and again.translation["en-fr"]["tm_hits"] > 0
