"""Stage 1, ingest: find input files safely and turn their bytes into :class:`Document` s.

``discover_inputs`` expands files, directories (recursively, sorted) and globs into
:class:`InputRef` s and refuses, per file and with a reason, anything that is not a regular
readable file inside the place the user named (symlinks that leave it, sockets, FIFOs).
``load_document`` reads one file and never raises for bad content: empty, binary, oversized,
pathologically shaped (a line or line count over :class:`IngestConfig`'s limits) or undecodable
input becomes a document with ``status="quarantined"`` and an ``error`` that says why, and every
line it has still gets an audit record (a file over ``max_bytes`` is never read, so it has none).
A file that stopped being a regular readable file after discovery gets ``status="error"``.

Doc ids come from file names through :func:`make_doc_id` (only ``[A-Za-z0-9._-]``, no leading
dot, so never a path), are cut to ``max_doc_id_chars`` with a hash suffix, and are unique per run.

Not done yet: archives (.gz, .zip) are not opened; HTML is treated as text (the boilerplate stage
sees the tags as text lines); ``IngestConfig`` is not yet read from the YAML config by
``pipeline.stage_ingest`` (only ``max_bytes`` is passed), so the other limits take their defaults.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .document import Document, LineRecord, Rejected, make_doc_id, split_lines


@dataclass
class IngestConfig:
    """Limits that keep one pathological file from stalling or exhausting a run. A file over a
    limit is quarantined (status ``quarantined``, ``error`` says which limit and how to raise it);
    its lines are still audited, except for ``max_bytes`` where the file is never read.

    max_bytes: files larger than this are not read into memory (default 20 MB).
    max_line_chars: a line longer than this quarantines the document (default 50,000 characters:
        a news paragraph is far shorter, and sentence splitting grows faster than linearly with
        line length; a 10 MB line would stall the MT-artefact and segmentation stages).
    max_lines: more lines than this quarantines the document (default 2,000,000; each line
        costs an audit record in memory, about 1 kB).
    max_doc_id_chars: doc ids longer than this are cut and given a hash suffix so every output
        file name stays far below the 255-byte limit of common file systems (default 120).
    """

    max_bytes: int = 20_000_000
    max_line_chars: int = 50_000
    max_lines: int = 2_000_000
    max_doc_id_chars: int = 120


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


def _short_id(doc_id: str, path: str, limit: int = IngestConfig.max_doc_id_chars) -> str:
    """Cut an over-long doc id and add a hash of the path, so output file names stay short."""
    if len(doc_id) <= limit:
        return doc_id
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return doc_id[: limit - 13].rstrip("._-") + "_" + digest


def _refuse(path: str, reason: str) -> Rejected:
    return Rejected(kind="input", id=path, doc_id=_short_id(make_doc_id(path), path), reason=reason)


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


def _walk(top: Path, rejected: list[Rejected]) -> list[tuple[Path, Path]]:
    """Files under directory ``top`` (recursive, sorted, symlinked directories not followed) as
    ``(file, top)``. Hidden entries are refused once, at the top-most hidden one (a ``.git`` or
    ``.state`` directory is one refusal, not one per file), so nothing is left out silently."""
    out: list[tuple[Path, Path]] = []
    hidden_seen: set[Path] = set()
    for f in sorted(top.rglob("*")):
        rel = f.relative_to(top)
        hidden_at = next((i for i, part in enumerate(rel.parts) if part.startswith(".")), None)
        if hidden_at is not None:
            first = top.joinpath(*rel.parts[: hidden_at + 1])
            if first not in hidden_seen:
                hidden_seen.add(first)
                rejected.append(_refuse(str(first), "input:hidden"))
            continue
        if f.is_dir() and not f.is_symlink():
            continue
        out.append((f, top))
    return out


def discover_inputs(paths: list[str]) -> tuple[list[InputRef], list[Rejected]]:
    """Expand ``paths`` (files, directories, globs) into unique inputs, sorted by path.

    Hidden files and directories (``.name``) inside directories are not read: each top-most one is
    refused once with ``input:hidden`` (editor swap files, ``.git``, a state store); everything
    else that cannot be used is returned as a :class:`Rejected` with the reason. Duplicate doc ids (same file name in two folders) get a short hash suffix.
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
                if mp.is_dir() and not mp.is_symlink():
                    candidates.extend(_walk(mp, rejected))
                else:
                    candidates.append((mp, mp.parent))
        elif p.is_dir() and not p.is_symlink():
            candidates.extend(_walk(p, rejected))
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
            refs.append(InputRef(path=str(f), doc_id=_short_id(make_doc_id(f.name), str(f)), root=str(root)))
    # unique doc ids: the first keeps the plain id, later ones get a path-hash suffix
    ids: dict[str, int] = {}
    unique: list[InputRef] = []
    for r in sorted(refs, key=lambda r: r.path):
        n = 0
        while r.doc_id in ids:  # a loop: a file may itself be named like a suffixed id
            n += 1
            salt = r.path if n == 1 else f"{r.path}#{n}"
            suffix = hashlib.sha256(salt.encode("utf-8", "surrogatepass")).hexdigest()[:8]
            base = r.doc_id if n == 1 else r.doc_id.rsplit("_", 1)[0]
            r = InputRef(path=r.path, doc_id=f"{base}_{suffix}", root=r.root)
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


def _read_regular(path: str, max_bytes: int) -> tuple[bytes | None, int, str]:
    """Open ``path`` without blocking and read at most ``max_bytes + 1`` bytes from the open
    descriptor, after checking *that descriptor* is a regular file: a file swapped for a FIFO or a
    device between discovery and loading is refused instead of hanging the run.
    Returns ``(data or None when too large, size, sha256 of the whole file)``."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise IsADirectoryError(errno.EINVAL, "not a regular file", path)
        h = hashlib.sha256()
        chunks: list[bytes] = []
        total = 0
        keep = True
        while True:
            block = os.read(fd, 1 << 20)
            if not block:
                break
            h.update(block)
            total += len(block)
            if keep:
                if total > max_bytes:
                    keep = False
                    chunks = []
                else:
                    chunks.append(block)
        return (b"".join(chunks) if keep else None), total, h.hexdigest()
    finally:
        os.close(fd)


def load_document(ref: InputRef, cfg: IngestConfig | None = None, max_bytes: int | None = None) -> Document:
    """Read and decode one input. Never raises for bad content (see module docstring).

    ``max_bytes`` (kept for callers that pass only it) overrides ``cfg.max_bytes``.
    """
    from .encoding import BinaryInput, decode_bytes

    cfg = cfg or IngestConfig()
    limit = cfg.max_bytes if max_bytes is None else max_bytes
    doc = Document(doc_id=ref.doc_id, source=ref.path)
    try:
        data, size, doc.sha256 = _read_regular(ref.path, limit)
    except OSError as e:
        doc.status = "error"
        if e.errno == errno.EINVAL and "regular" in str(e):
            doc.error = "unreadable: not a regular file any more (it changed after discovery)"
        else:
            doc.error = f"unreadable: {e.strerror or e}"
        return doc
    if data is None:
        # not read into memory: no lines, so the audit file of this document is empty on purpose
        doc.status = "quarantined"
        doc.error = f"too-large: {size} bytes > max_bytes={limit} (raise max_bytes in the config to accept it)"
        return doc
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
    lines = split_lines(decoded.text)
    if len(lines) > cfg.max_lines:
        return _quarantine_decoded(doc, f"too-many-lines: {len(lines)} lines > max_lines={cfg.max_lines} "
                                        f"(raise max_lines in the ingest config to accept it)", lines)
    longest = max(range(len(lines)), key=lambda i: len(lines[i]), default=None)
    if longest is not None and len(lines[longest]) > cfg.max_line_chars:
        return _quarantine_decoded(doc, f"line-too-long: line {longest + 1} has {len(lines[longest])} characters > "
                                        f"max_line_chars={cfg.max_line_chars} (raise max_line_chars in the ingest "
                                        f"config to accept it)", lines)
    doc.lines = [LineRecord(line=i, text=t) for i, t in enumerate(lines, start=1)]
    if not any(r.text.strip() for r in doc.lines):
        for r in doc.lines:
            r.drop("ingest", "empty")
        doc.status = "quarantined"
        doc.error = "empty: no text after decoding"
    return doc


def _quarantine_decoded(doc: Document, reason: str, lines: list[str]) -> Document:
    """Quarantine decoded text: every line keeps its audit record, dropped with the reason."""
    doc.status = "quarantined"
    doc.error = reason
    tag = "quarantined:" + reason.split(":", 1)[0]
    doc.lines = [LineRecord(line=i, text=t) for i, t in enumerate(lines, start=1)]
    for r in doc.lines:
        r.drop("ingest", tag)
    return doc
