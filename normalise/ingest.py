"""Stage 1, ingest: find input files safely and turn their bytes into :class:`Document` s.

``discover_inputs`` expands files, directories (recursively, sorted) and globs into
:class:`InputRef` s and refuses, per file and with a reason, anything that is not a regular
readable file inside the place the user named (symlinks that leave it, sockets, FIFOs).
``load_document`` reads one file and never raises for bad content: empty, binary, oversized or
undecodable input becomes a document with ``status="quarantined"`` and an ``error`` that says
why, and every line it has still gets an audit record.

Not done yet: archives (.gz, .zip) are not opened; HTML is treated as text (the boilerplate stage
sees the tags as text lines).
"""

from __future__ import annotations

import glob
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .document import Document, LineRecord, Rejected, make_doc_id, split_lines


@dataclass(frozen=True)
class InputRef:
    """A file accepted for processing."""

    path: str
    doc_id: str
    root: str  # the directory or file the user named


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _refuse(path: str, reason: str) -> Rejected:
    return Rejected(kind="input", id=path, doc_id=make_doc_id(path), reason=reason)


def _check_file(path: Path, root: Path) -> str | None:
    """Why ``path`` must be refused, or None."""
    try:
        lst = path.lstat()
    except OSError as e:
        return f"input:unreadable ({e.strerror})"
    if stat.S_ISLNK(lst.st_mode):
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "input:broken-symlink"
        if not _is_within(target, root.resolve()):
            return "input:symlink-outside-input"
        lst = target.stat()
    if not stat.S_ISREG(lst.st_mode):
        return "input:not-a-regular-file"
    if not os.access(path, os.R_OK):
        return "input:unreadable (permission denied)"
    return None


def discover_inputs(paths: list[str]) -> tuple[list[InputRef], list[Rejected]]:
    """Expand ``paths`` (files, directories, globs) into unique inputs, sorted by path.

    Hidden files (``.name``) inside directories are skipped silently as they are not inputs a
    user named; everything else that cannot be used is returned as a :class:`Rejected` with the
    reason. Duplicate doc ids (same file name in two folders) get a short hash suffix.
    """
    refs: list[InputRef] = []
    rejected: list[Rejected] = []
    seen: set[str] = set()
    for spec in paths:
        candidates: list[tuple[Path, Path]] = []
        p = Path(spec)
        if any(ch in spec for ch in "*?[") and not p.exists():
            matches = sorted(glob.glob(spec, recursive=True))
            if not matches:
                rejected.append(_refuse(spec, "input:no-match"))
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    candidates.extend((f, mp) for f in sorted(mp.rglob("*")) if not f.is_dir())
                else:
                    candidates.append((mp, mp.parent))
        elif p.is_dir() and not p.is_symlink():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if f.is_dir() and not f.is_symlink():
                    continue
                candidates.append((f, p))
        elif p.exists() or p.is_symlink():
            candidates.append((p, p.parent))
        else:
            rejected.append(_refuse(spec, "input:not-found"))
        for f, root in candidates:
            key = str(f.resolve()) if not f.is_symlink() else str(f.absolute())
            if key in seen:
                continue
            seen.add(key)
            why = _check_file(f, root)
            if why:
                rejected.append(_refuse(str(f), why))
                continue
            refs.append(InputRef(path=str(f), doc_id=make_doc_id(f.name), root=str(root)))
    # unique doc ids: the first keeps the plain id, later ones get a path-hash suffix
    ids: dict[str, int] = {}
    unique: list[InputRef] = []
    for r in sorted(refs, key=lambda r: r.path):
        if r.doc_id in ids:
            suffix = hashlib.sha256(r.path.encode("utf-8", "surrogatepass")).hexdigest()[:8]
            r = InputRef(path=r.path, doc_id=f"{r.doc_id}_{suffix}", root=r.root)
        ids[r.doc_id] = 1
        unique.append(r)
    return unique, rejected


def _quarantine(doc: Document, reason: str, text: str) -> Document:
    doc.status = "quarantined"
    doc.error = reason
    doc.text = text
    doc.lines = [LineRecord(line=i, text=t) for i, t in enumerate(split_lines(text), start=1)]
    for r in doc.lines:
        r.drop("ingest", "quarantined:" + reason.split(" ", 1)[0].rstrip(":"))
    return doc


def load_document(ref: InputRef, max_bytes: int = 20_000_000) -> Document:
    """Read and decode one input. Never raises for bad content (see module docstring)."""
    from .encoding import BinaryInput, decode_bytes

    doc = Document(doc_id=ref.doc_id, source=ref.path)
    try:
        size = os.stat(ref.path).st_size
        if size > max_bytes:
            doc.status = "quarantined"
            doc.error = f"too-large: {size} bytes > max_bytes={max_bytes} (raise max_bytes in the config to accept it)"
            h = hashlib.sha256()
            with open(ref.path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            doc.sha256 = h.hexdigest()
            return doc
        with open(ref.path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        doc.status = "error"
        doc.error = f"unreadable: {e.strerror or e}"
        return doc
    doc.sha256 = hashlib.sha256(data).hexdigest()
    if not data:
        doc.status = "quarantined"
        doc.error = "empty: the file has no bytes"
        return doc
    try:
        decoded = decode_bytes(data)
    except BinaryInput as e:
        return _quarantine(doc, f"binary: {e}", data.decode("utf-8", errors="replace"))
    doc.text = decoded.text
    doc.encoding = decoded.encoding
    doc.metadata["encoding"] = {"name": decoded.encoding, "confidence": decoded.confidence, "notes": list(decoded.notes)}
    doc.lines = [LineRecord(line=i, text=t) for i, t in enumerate(split_lines(decoded.text), start=1)]
    if not any(r.text.strip() for r in doc.lines):
        for r in doc.lines:
            r.drop("ingest", "empty")
        doc.status = "quarantined"
        doc.error = "empty: no text after decoding"
    return doc
