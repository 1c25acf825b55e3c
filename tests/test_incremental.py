"""The incremental state store and the chunked, incremental pipeline (library only, no Prefect)."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from normalise.config import PipelineConfig
from normalise.incremental import (
    IncrementalConfig,
    StateStore,
    chunked,
    doc_key,
    key_fingerprint,
    run_incremental,
)
from normalise.ingest import discover_inputs

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def inbox(tmp_path):
    d = tmp_path / "inbox"
    d.mkdir()
    for p in sorted(SEEDS.iterdir()):
        shutil.copy2(p, d / p.name)
    return d


def _pairs(run_dir: Path) -> list[dict]:
    """Every pair the run made, kept or rejected (tiny random models give junk that the guards
    and QA mostly reject): one dict per pair or rejected segment with its id, doc and texts."""
    kept = [json.loads(x) for x in (run_dir / "parallel/corpus.jsonl").read_text().splitlines()]
    out = [{"pair_id": p["pair_id"], "doc_id": p["doc_id"], "en": p["en"], "fr": p["fr"], "kept": True} for p in kept]
    for x in (run_dir / "rejected.jsonl").read_text().splitlines():
        r = json.loads(x)
        if r["kind"] in ("pair", "segment"):
            out.append({"pair_id": r["id"], "doc_id": r["doc_id"], "en": r.get("text", ""),
                        "fr": json.dumps(r.get("detail", {}), sort_keys=True), "kept": False})
    return sorted(out, key=lambda p: p["pair_id"])


def _tiny_cfg(tiny_models, tmp_path, **kw) -> PipelineConfig:
    return PipelineConfig(stages={"translate": {"models": {k: str(v) for k, v in tiny_models.items()},
                                                "num_beams": 1, "max_new_tokens": 12,
                                                "tm_path": str(tmp_path / "tm.sqlite")}}, **kw)


def test_same_outputs_as_the_in_process_pipeline(inbox, tmp_path):
    """Storing documents as blobs and streaming them back must not change what is written
    (one chunk: boilerplate gathers cross-document evidence within a chunk)."""
    from normalise.pipeline import run_pipeline

    cfg = PipelineConfig(translate="off")
    _, inc_dir = run_incremental([str(inbox)], str(tmp_path / "inc"), cfg)
    _, ref_dir = run_pipeline([str(inbox)], str(tmp_path / "ref"), PipelineConfig(translate="off"))
    files = sorted(p.relative_to(ref_dir) for p in ref_dir.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(inc_dir) for p in inc_dir.rglob("*") if p.is_file())
    for rel in files:
        if rel.name in ("manifest.json", "report.md"):
            continue
        if rel.parts[0] == "audit" or rel.parts[0] == "documents":
            assert (inc_dir / rel).read_bytes() == (ref_dir / rel).read_bytes(), rel
    m_inc, m_ref = (json.loads((d / "manifest.json").read_text()) for d in (inc_dir, ref_dir))
    assert m_inc["counts"] == m_ref["counts"]
    assert [(i["doc_id"], i["lines"], i["language"]) for i in m_inc["inputs"]] == \
           [(i["doc_id"], i["lines"], i["language"]) for i in m_ref["inputs"]]


def test_rerun_with_nothing_new_skips_everything(inbox, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run, first = run_incremental([str(inbox)], str(out), PipelineConfig(translate="off"))
    assert run is not None and first.is_dir()
    import normalise.ingest as ingest

    def must_not_read(*a, **k):
        raise AssertionError("an unchanged document was read again")

    monkeypatch.setattr(ingest, "load_document", must_not_read)
    run2, again = run_incremental([str(inbox)], str(out), PipelineConfig(translate="off"))
    assert run2 is None and again.resolve() == first.resolve()
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == sorted([first.name, "latest"])


def test_changed_document_replaces_its_pairs(inbox, tmp_path, tiny_models):
    out = tmp_path / "out"
    cfg = _tiny_cfg(tiny_models, tmp_path)
    target = sorted(inbox.iterdir())[3]
    doc_id = target.stem
    _, d1 = run_incremental([str(inbox)], str(out), cfg)
    before = _pairs(d1)
    assert sum(p["doc_id"] == doc_id for p in before) > 3
    # the story gets shorter: its old pairs must go, the others stay as they were
    lines = target.read_text(encoding="utf-8").splitlines()
    target.write_text("\n".join(lines[: len(lines) // 2]) + "\nA completely new closing sentence about Gao.\n",
                      encoding="utf-8")
    run2, d2 = run_incremental([str(inbox)], str(out), cfg)
    assert run2 is not None and d2 != d1
    after = _pairs(d2)
    ids = [p["pair_id"] for p in after]
    assert len(ids) == len(set(ids)), "pairs duplicated"
    others = lambda ps: [(p["pair_id"], p["en"], p["fr"]) for p in ps if p["doc_id"] != doc_id]  # noqa: E731
    assert others(after) == others(before)
    # the changed document's pairs are exactly those a fresh run gives
    _, fresh = run_incremental([str(inbox)], str(tmp_path / "fresh"), cfg)
    mine = lambda ps: [(p["en"], p["fr"]) for p in ps if p["doc_id"] == doc_id]  # noqa: E731
    assert mine(after) == mine(_pairs(fresh)) and mine(after) != mine(before)
    # the audit of the changed document describes the new file
    audit = (d2 / "audit" / f"{doc_id}.jsonl").read_text().splitlines()
    assert len(audit) == len(target.read_text(encoding="utf-8").splitlines())


def test_removed_document_leaves_the_corpus_with_a_warning(inbox, tmp_path):
    out = tmp_path / "out"
    run_incremental([str(inbox)], str(out), PipelineConfig(translate="off"))
    gone = sorted(inbox.iterdir())[0]
    gone.unlink()
    run, d = run_incremental([str(inbox)], str(out), PipelineConfig(translate="off"))
    assert not (d / "audit" / f"{gone.stem}.jsonl").exists()
    assert any(gone.stem in w for w in run.warnings)
    assert len(list((d / "audit").iterdir())) == len(list(inbox.iterdir()))
    assert gone.stem not in StateStore(out).entries()


def test_store_id_is_stable_and_changes_with_a_rebuilt_store(tmp_path):
    a = StateStore(tmp_path).store_id()
    assert StateStore(tmp_path, index=False).store_id() == a and len(a) == 32
    shutil.rmtree(tmp_path / ".state")
    assert StateStore(tmp_path).store_id() != a


def test_unreadable_blob_names_the_fix(inbox, tmp_path):
    from normalise.incremental import StateCorrupt

    out = tmp_path / "out"
    run_incremental([str(inbox)], str(out), PipelineConfig(translate="off"))
    doc_id = sorted(inbox.iterdir())[0].stem
    blob = next((out / ".state" / "docs" / doc_id).glob("*.json.gz"))
    blob.write_bytes(blob.read_bytes()[:20])
    import normalise.incremental as inc

    inc._LAST_BLOB[:] = [None, None]
    with pytest.raises(StateCorrupt, match="delete .*\\.state"):
        StateStore(out).load_document(doc_id)


@pytest.mark.parametrize("change, todo", [
    ("nothing", 0),
    ("touch", 0),           # same bytes, new mtime: rehashed, still unchanged
    ("edit-one", 1),
    ("config", 5),          # another configuration re-judges everything
    ("code", 5),            # so does another version of the code
    ("blob-lost", 1),       # a missing blob is rebuilt, not trusted
    ("translate-mode", 0),  # auto vs require decides failure, not results
])
def test_plan(inbox, tmp_path, change, todo, monkeypatch):
    out = tmp_path / "out"
    cfg = PipelineConfig(translate="off")
    run_incremental([str(inbox)], str(out), cfg)
    refs, _ = discover_inputs([str(inbox)])
    first = sorted(inbox.iterdir())[0]
    if change == "touch":
        st = first.stat()
        os.utime(first, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    elif change == "edit-one":
        first.write_text(first.read_text(encoding="utf-8") + "One more line.\n", encoding="utf-8")
    elif change == "config":
        cfg = cfg.with_stage("boilerplate", **{})
        cfg.max_bytes = 1_000_000
    elif change == "code":
        import normalise.incremental as inc

        monkeypatch.setattr(inc, "code_version", lambda: "9.9.9+other")
    elif change == "blob-lost":
        next((out / ".state" / "docs" / first.stem).glob("*.json.gz")).unlink()
    elif change == "translate-mode":
        cfg = PipelineConfig(translate="require")
    plan = StateStore(out).plan(refs, key_fingerprint(cfg))
    assert len(plan.todo) == todo
    assert len(plan.unchanged) == len(refs) - todo and not plan.removed


def test_trust_stat_off_hashes_every_file(inbox, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_incremental([str(inbox)], str(out), PipelineConfig(translate="off"))
    refs, _ = discover_inputs([str(inbox)])
    import normalise.incremental as inc

    calls = []
    real = inc.file_sha256
    monkeypatch.setattr(inc, "file_sha256", lambda p: calls.append(p) or real(p))
    StateStore(out, IncrementalConfig(trust_stat=True)).plan(refs, key_fingerprint(PipelineConfig(translate="off")))
    assert calls == []
    StateStore(out, IncrementalConfig(trust_stat=False)).plan(refs, key_fingerprint(PipelineConfig(translate="off")))
    assert len(calls) == len(refs)


def test_two_writers_on_one_store(tmp_path):
    """Two runs committing at the same time wait for each other; both commits land."""
    from normalise.document import Document
    from normalise.incremental import WorkItem
    from normalise.ingest import InputRef

    errors = []

    def writer(n: int) -> None:
        try:
            store = StateStore(tmp_path)
            for i in range(20):
                doc = Document.from_text(f"d{n}_{i}", f"text {n} {i}\n")
                key = doc_key(doc.sha256, "fp", "code")
                sd = store.store_document(doc, [], key)
                item = WorkItem(ref=InputRef(path=f"/x/{doc.doc_id}.txt", doc_id=doc.doc_id, root="/x"),
                                sha256=doc.sha256, key=key)
                store.commit(f"run{n}", [item], {doc.doc_id: sd}, {}, {}, config_fp="fp", code="code")
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(StateStore(tmp_path).entries()) == 40


def test_stored_document_reads_back_like_the_original(tmp_path):
    from normalise.document import Document

    doc = Document.from_text("x", "Skip to content\nHello  world.\n\nBye.\n")
    doc.lines[0].drop("boilerplate", "nav:skip-link")
    doc.lines[1].repair("encoding", "whitespace:collapse", "Hello world.")
    doc.lang = "en"
    sd = StateStore(tmp_path).store_document(doc, [], doc_key(doc.sha256, "f", "c"))
    assert sd.audit_records() == doc.audit_records()
    assert sd.clean_text() == doc.clean_text()
    assert sd.counts() == doc.counts()
    assert [r.current for r in sd.live_lines()] == [r.current for r in doc.live_lines()]
    assert [(r.action, r.reason) for r in sd.lines] == [(r.action, r.reason) for r in doc.lines]
    assert not hasattr(sd.lines[0], "text")  # the light stand-in does not keep text in memory


@pytest.mark.parametrize("n, size, sizes", [(0, 3, []), (5, 2, [2, 2, 1]), (4, 4, [4]), (3, 0, [1, 1, 1])])
def test_chunked(n, size, sizes):
    assert [len(c) for c in chunked(list(range(n)), size)] == sizes
