"""Ingest: discovery refuses unsafe inputs per file; loading never raises on bad content."""

from __future__ import annotations

import os
import socket

import pytest

from normalise.document import make_doc_id, split_lines
from normalise.ingest import discover_inputs, load_document


@pytest.mark.parametrize("name, expected", [
    ("seeds/002_044e7af8dd34af74.txt", "002_044e7af8dd34af74"),
    ("a b/ü article (1).txt", "article_1"),
    ("../../etc/passwd", "passwd"),
    ("noext", "noext"),
    ("...", None),  # nothing usable: a hash-based id
])
def test_make_doc_id(name, expected):
    got = make_doc_id(name)
    if expected is None:
        assert got.startswith("doc_") and len(got) == 16
    else:
        assert got == expected


@pytest.mark.parametrize("text, lines", [
    ("", []), ("a", ["a"]), ("a\n", ["a"]), ("a\n\n", ["a", ""]), ("\n", [""]), ("a\r\nb", ["a\r", "b"]),
])
def test_split_lines_matches_audit_numbering(text, lines):
    assert split_lines(text) == lines


def test_discover_files_dirs_globs_and_refusals(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "a.txt").write_text("hello\n")
    (inbox / "sub" / "a.txt").write_text("same name, other folder\n")
    (inbox / ".hidden").write_text("skipped\n")
    outside = tmp_path / "secret.txt"
    outside.write_text("outside\n")
    os.symlink(outside, inbox / "link_out.txt")
    os.symlink(inbox / "a.txt", inbox / "link_in.txt")
    os.mkfifo(inbox / "fifo.txt")
    refs, refused = discover_inputs([str(inbox), str(tmp_path / "missing.txt"), str(tmp_path / "nomatch*.txt")])
    ids = sorted(r.doc_id for r in refs)
    assert "a" in ids and any(i.startswith("a_") for i in ids), ids
    assert "link_in" in ids and "hidden" not in " ".join(ids)
    reasons = {os.path.basename(r.id): r.reason for r in refused}
    assert reasons["link_out.txt"] == "input:symlink-outside-input"
    assert reasons["fifo.txt"] == "input:not-a-regular-file"
    assert reasons["missing.txt"] == "input:not-found"
    assert reasons["nomatch*.txt"] == "input:no-match"
    assert reasons[".hidden"] == "input:hidden"  # refused with a reason, never silently skipped
    assert len({r.doc_id for r in refs}) == len(refs)


def test_unix_socket_refused(tmp_path):
    path = tmp_path / "s.sock"
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(str(path))
        refs, refused = discover_inputs([str(path)])
        assert not refs and refused[0].reason == "input:not-a-regular-file"
    finally:
        s.close()


def _load(tmp_path, data: bytes, **kw):
    p = tmp_path / "doc.txt"
    p.write_bytes(data)
    refs, _ = discover_inputs([str(p)])
    return load_document(refs[0], **kw)


@pytest.mark.parametrize("data, status, error_prefix", [
    (b"", "quarantined", "empty"),
    (b"\n\n  \n", "quarantined", "empty"),
    (bytes(range(256)) * 20, "quarantined", "binary"),
    (b"Caf\xe9 cr\xe8me, na\xefve.\nSecond line\n", "ok", None),
    ("Déjà vu.\n".encode("utf-16"), "ok", None),
    (b"\xef\xbb\xbfBOM line\n", "ok", None),
])
def test_load_document_statuses(tmp_path, data, status, error_prefix):
    doc = _load(tmp_path, data)
    assert doc.status == status
    if error_prefix:
        assert doc.error.startswith(error_prefix)
    assert doc.sha256 and len(doc.sha256) == 64
    # every decoded line has exactly one record
    assert [r.line for r in doc.lines] == list(range(1, len(split_lines(doc.text)) + 1))


def test_latin1_decoded_not_replaced(tmp_path):
    doc = _load(tmp_path, b"Caf\xe9 cr\xe8me, na\xefve.\n")
    assert doc.lines[0].text == "Café crème, naïve."
    assert doc.encoding


def test_too_large_is_quarantined_without_reading(tmp_path):
    doc = _load(tmp_path, b"x" * 2000, max_bytes=1000)
    assert doc.status == "quarantined" and doc.error.startswith("too-large")
    assert doc.lines == [] and len(doc.sha256) == 64


def test_unreadable_file_is_refused(tmp_path, monkeypatch):
    p = tmp_path / "x.txt"
    p.write_text("a")
    monkeypatch.setattr("normalise.ingest.os.access", lambda path, mode: False)  # root reads everything
    refs, refused = discover_inputs([str(p)])
    assert not refs and refused[0].reason.startswith("input:unreadable")
