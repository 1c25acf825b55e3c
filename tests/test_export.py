"""Export: atomic run directories, ``latest`` only ever on a complete run, clear errors for a full
disk or a read-only output directory, nothing written outside the output root, unique run dirs."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from normalise import export
from normalise.config import PipelineConfig
from normalise.document import Document
from normalise.export import OutputError, remove_stale_partials, write_run
from normalise.pipeline import Run


def small_run(run_id: str = "20260101T000000000Z-abcdef12", docs: list[Document] | None = None) -> Run:
    """A run built by hand (no stages): enough for export to write the whole contract."""
    if docs is None:
        docs = [Document.from_text("a", "Hello world.\n\nSecond line.\n"),
                Document.from_text("b", "Bonjour.\n")]
        for d in docs:
            d.lang = "en" if d.doc_id == "a" else "fr"
    return Run(run_id=run_id, config=PipelineConfig(translate="off"), docs=docs, started="2026-01-01T00:00:00+00:00")


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_write_run_creates_complete_dir_and_latest(tmp_path):
    out = tmp_path / "out"
    final = write_run(out, small_run())
    assert final == out / "20260101T000000000Z-abcdef12"
    assert os.readlink(out / "latest") == final.name  # relative link: the root can be moved
    assert (final / "manifest.json").is_file() and (final / "audit" / "a.jsonl").is_file()
    assert (final / "documents" / "a.en.txt").read_text() == "Hello world.\nSecond line.\n"
    names = files_under(out)
    assert not [n for n in names if ".partial" in n or ".tmp" in n or n.endswith(".claim")], names


def test_same_run_id_twice_never_replaces_the_first(tmp_path):
    out = tmp_path / "out"
    first = write_run(out, small_run())
    before = (first / "manifest.json").read_bytes()
    run2 = small_run()
    second = write_run(out, run2)
    assert first != second and second.name == f"{first.name}-{os.getpid()}"
    assert (first / "manifest.json").read_bytes() == before
    assert json.loads((second / "manifest.json").read_text())["run_id"] == second.name == run2.run_id
    assert os.readlink(out / "latest") == second.name


def test_latest_never_moves_back_to_an_older_run(tmp_path):
    out = tmp_path / "out"
    write_run(out, small_run("20260102T000000000Z-aaaaaaaa"))
    write_run(out, small_run("20260101T000000000Z-bbbbbbbb"))  # e.g. a slower concurrent run
    assert os.readlink(out / "latest") == "20260102T000000000Z-aaaaaaaa"
    assert (out / "20260101T000000000Z-bbbbbbbb" / "manifest.json").is_file()


def test_stale_partials_of_dead_processes_are_removed_live_ones_kept(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = out / ".20260101T000000000Z-x.999999999.partial"  # no such pid
    live = out / f".20260101T000000000Z-y.{os.getppid()}.partial"
    for d in (dead, live):
        (d / "audit").mkdir(parents=True)
        (d / "audit" / "half.jsonl").write_text('{"line": 1')
    (out / ".20260101T000000000Z-x.999999999.claim").write_text("999999999\n")
    removed = remove_stale_partials(out)
    assert not dead.exists() and live.exists()
    assert sorted(removed) == sorted([dead.name, ".20260101T000000000Z-x.999999999.claim"])


@pytest.mark.parametrize("bad_id", ["../escape", "a/b", "..", ".hidden", "", "x" * 300, "a\x00b", "/abs"])
def test_unsafe_doc_ids_are_refused_not_written_outside(tmp_path, bad_id):
    out = tmp_path / "deep" / "out"
    d = Document.from_text(bad_id, "text\n")
    d.lang = "en"
    with pytest.raises(OutputError, match="not a safe file name"):
        write_run(out, small_run(docs=[d]))
    assert files_under(tmp_path) <= {"deep", "deep/out", "deep/out/.lock"}  # nothing else anywhere


@pytest.mark.parametrize("name", ["-", "-rf", "_x", "a..b", "x" * 200])
def test_every_make_doc_id_shape_is_writable(tmp_path, name):
    """Ids make_doc_id can produce (a leading dash, inner dots) must not stop the run."""
    d = Document.from_text(name, "text\n")
    d.lang = "en"
    final = write_run(tmp_path / "out", small_run(docs=[d]))
    assert (final / "audit" / f"{name}.jsonl").is_file()


@pytest.mark.parametrize("bad_lang", ["../x", "e/n"])
def test_unsafe_language_code_refused(tmp_path, bad_lang):
    d = Document.from_text("ok", "text\n")
    d.lang = bad_lang
    with pytest.raises(OutputError, match="language"):
        write_run(tmp_path / "out", small_run(docs=[d]))
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("bad_run_id", ["../up", "a/b", ".x"])
def test_unsafe_run_id_refused(tmp_path, bad_run_id):
    with pytest.raises(OutputError, match="run id"):
        write_run(tmp_path / "out", small_run(bad_run_id))
    assert files_under(tmp_path) <= {"out"}


def _raise_on_write(monkeypatch, err: int, after: int = 3):
    """Make the n-th and later file writes inside export fail with ``err`` (full disk, ...)."""
    real = export.write_bytes
    calls = {"n": 0}

    def failing(path, data):
        calls["n"] += 1
        if calls["n"] >= after:
            raise OSError(err, os.strerror(err), str(path))
        return real(path, data)

    monkeypatch.setattr(export, "write_bytes", failing)


@pytest.mark.parametrize("err, message", [
    (errno.ENOSPC, "is full"),
    (errno.EDQUOT, "is full"),
    (errno.EROFS, "make it writable"),
    (errno.EACCES, "make it writable"),
    (errno.ENAMETOOLONG, "too long"),
    (errno.EIO, "cannot write outputs"),
])
def test_write_errors_become_output_errors_and_leave_previous_run_intact(tmp_path, monkeypatch, err, message):
    out = tmp_path / "out"
    good = write_run(out, small_run("20260101T000000000Z-good0000"))
    _raise_on_write(monkeypatch, err)
    with pytest.raises(OutputError, match=message) as info:
        write_run(out, small_run("20260102T000000000Z-bad00000"))
    assert "--out" in str(info.value) or err == errno.EIO
    assert os.readlink(out / "latest") == good.name
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".lock")) == ["20260101T000000000Z-good0000",
                                                                                       "latest"]


def test_read_only_root_gives_clear_error(tmp_path, monkeypatch):
    """Root ignores permission bits, so the read-only file system is simulated at mkdir."""
    out = tmp_path / "ro"

    def ro_mkdir(self, *a, **kw):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", ro_mkdir)
    with pytest.raises(OutputError, match=r"Read-only file system.*make it writable or pass another --out"):
        write_run(out, small_run())


def test_real_full_disk_on_tiny_tmpfs(tmp_path):
    """A real ENOSPC when this machine lets us mount a 64 kB tmpfs (root in a privileged
    container); skipped otherwise (the monkeypatched cases above still run)."""
    import subprocess

    mnt = tmp_path / "tiny"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode(errors='replace').strip()}")
    try:
        big = Document.from_text("big", "A line of text that fills the small disk quickly.\n" * 20000)
        big.lang = "en"
        with pytest.raises(OutputError, match="is full"):
            write_run(mnt / "out", small_run(docs=[big]))
        assert not (mnt / "out" / "latest").exists()
        assert not list((mnt / "out").glob(".*.partial"))
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def test_lone_surrogates_do_not_crash_export(tmp_path):
    d = Document.from_text("sur", "bad \udcff byte\n")
    d.lang = "en"
    final = write_run(tmp_path / "out", small_run(docs=[d]))
    rec = json.loads((final / "audit" / "sur.jsonl").read_text(encoding="utf-8"))
    assert rec["line"] == 1 and "byte" in rec["text"]


@pytest.mark.parametrize("err, message", [(errno.EROFS, "make it writable"), (errno.ENOSPC, "is full")])
def test_ensure_writable_explains(tmp_path, monkeypatch, err, message):
    assert export.ensure_writable(tmp_path / "fine") == tmp_path / "fine"
    assert list((tmp_path / "fine").iterdir()) == []  # the probe is gone

    def failing_open(path, *a, **kw):
        raise OSError(err, os.strerror(err), str(path))

    monkeypatch.setattr(export.os, "open", failing_open)
    with pytest.raises(OutputError, match=message):
        export.ensure_writable(tmp_path / "bad")


def test_non_utf8_file_names_stay_identifiable_in_the_manifest(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    raw = os.path.join(os.fsencode(inbox), b"caf\xe9.txt")
    with open(raw, "wb") as fh:
        fh.write(b"Hello.\n")
    from normalise.ingest import discover_inputs, load_document

    refs, _ = discover_inputs([str(inbox)])
    doc = load_document(refs[0])
    doc.lang = "en"
    run = small_run(docs=[doc])
    run.inputs = refs
    final = write_run(tmp_path / "out", run)
    m = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
    assert m["inputs"][0]["path"].endswith("caf\\xe9.txt")
