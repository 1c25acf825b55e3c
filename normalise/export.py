"""Stage 11, export: write the output contract of DESIGN.md for one run, atomically.

Everything is written into a hidden staging directory ``<out>/.<run-id>.<pid>.partial`` (each
file fsynced) that is renamed to ``<out>/<run-id>`` only when complete; then ``<out>/latest`` (a
relative symlink) is replaced in one ``os.replace``. A reader of ``latest`` therefore never sees a
partial run, and an interrupted run leaves only a ``.partial`` directory that the next run removes
(when the process that made it is gone). Two processes writing into the same root at once get two
run directories (the run id is claimed under a ``flock``; the second gets a ``-<pid>`` suffix) and
``latest`` never moves back to an older run. docs/guarantees.md states all of this for users.

The TMX file is written with translate-toolkit (TMX 1.4) and read back to validate it.

Not done: the output root must be on a local POSIX file system (``flock``, ``rename`` and
symlinks); on NFS or Windows the guarantees are weaker. Old run directories are never pruned.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import glob
import io
import json
import os
import platform
import re
import shutil
from pathlib import Path
from typing import Any, Iterable

from .document import Document, Pair


class OutputError(RuntimeError):
    """The output directory cannot be written; the message says what to do."""


#: what a file-name component written by export may look like (doc ids, language codes)
#: (what ``make_doc_id`` produces: no separator, no leading dot, so never ``..`` or hidden)
_SAFE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")


def _clean_cell(text: str) -> str:
    """One segment per line: tabs and line breaks inside a segment become spaces."""
    return " ".join(text.replace("\t", " ").splitlines()).strip()


#: characters that ``json.dumps(ensure_ascii=False)`` leaves raw but that ``str.splitlines()`` and
#: many JSONL readers treat as line ends (NEL, LINE/PARAGRAPH SEPARATOR): escaped so one record
#: stays one line for every reader (found by bench/fuzz.py).
_LINE_BREAKERS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_LINE_BREAKERS_RE = re.compile("[\x85\u2028\u2029]")


def _json_line(record: dict[str, Any]) -> str:
    """One JSON record on one line, UTF-8 text kept readable, line-breaking characters escaped."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=False)
    return _LINE_BREAKERS_RE.sub(lambda m: _LINE_BREAKERS[m.group()], text) + "\n"


def _jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(_json_line(r) for r in records)


def write_bytes(path: Path, data: bytes) -> None:
    """Atomic single-file write (temporary file in the same directory + fsync + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_text(path: Path, text: str) -> None:
    """:func:`write_bytes` of ``text`` in UTF-8. A lone surrogate (which UTF-8 cannot hold) is
    written as ``?`` rather than failing the whole run."""
    write_bytes(path, text.encode("utf-8", "replace"))


def versions() -> dict[str, str]:
    """Versions of the package, Python and the libraries that shape the output."""
    from importlib import metadata

    out = {"python": platform.python_version()}
    for name in ("normalise", "prefect", "transformers", "torch", "sentencepiece", "ctranslate2", "ftfy",
                 "lingua-language-detector", "langdetect", "sacremoses", "pysbd", "translate-toolkit"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def translations_by_doc(run) -> dict[str, dict[str, list[tuple[list[int], str]]]]:
    """doc_id -> lang -> [(source lines, text)] for every side a document has in the pairs."""
    out: dict[str, dict[str, list[tuple[list[int], str]]]] = {}
    for p in run.pairs:
        if not p.origin.startswith("mt:"):
            continue
        for lang in ("en", "fr"):
            if lang != p.src_lang:
                out.setdefault(p.doc_id, {}).setdefault(lang, []).append((p.lines, getattr(p, lang)))
    return out


def _paragraphs(items: list[tuple[list[int], str]]) -> str:
    """Rebuild paragraphs: segments that came from the same first input line share a line."""
    paras: list[tuple[int, list[str]]] = []
    for lines, text in items:
        key = lines[0] if lines else -1
        if paras and paras[-1][0] == key:
            paras[-1][1].append(text)
        else:
            paras.append((key, [text]))
    return "".join(" ".join(t) + "\n" for _, t in paras)


def display_path(path: str) -> str:
    """A file name as UTF-8 text: names that are not valid UTF-8 (Python keeps their bytes as
    lone surrogates) show those bytes as ``\\xNN`` instead of becoming ``?``, so the manifest
    still says which file it was."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


def manifest(run) -> dict[str, Any]:
    docs_by_id = {d.doc_id: d for d in run.docs}
    inputs = []
    for ref in run.inputs:
        d: Document | None = docs_by_id.get(ref.doc_id)
        inputs.append({
            "path": display_path(ref.path), "doc_id": ref.doc_id, "sha256": d.sha256 if d else None,
            "language": d.lang if d else None, "status": d.status if d else "missing",
            "error": d.error if d else None, "encoding": d.encoding if d else None,
            "mt_origin_score": d.mt_score if d else None, "mt_evidence": d.mt_evidence if d else {},
            "lines": d.counts() if d else {}, "credits": d.metadata.get("credits", []) if d else [],
        })
    refused = [{**r.to_dict(), "id": display_path(r.id)} for r in run.rejected if r.kind == "input"]
    reject_reasons: dict[str, int] = {}
    for r in run.rejected:
        reject_reasons[r.reason] = reject_reasons.get(r.reason, 0) + 1
    return {
        "run_id": run.run_id,
        "started": run.started,
        "status": "complete",
        "warnings": list(run.warnings),
        "translation": run.translation,
        "inputs": inputs,
        "refused_inputs": refused,
        "config": run.config.to_dict(),
        "config_fingerprint": run.config.fingerprint(),
        "termbase_version": run.termbase_version,
        "versions": versions(),
        "document_matches": run.doc_matches,
        "counts": {
            "documents": len(run.docs),
            "documents_ok": sum(d.ok for d in run.docs),
            "documents_quarantined": sum(d.status == "quarantined" for d in run.docs),
            "documents_error": sum(d.status == "error" for d in run.docs),
            "segments": sum(len(v) for v in run.segments.values()),
            "pairs": len(run.pairs),
            "rejected": len(run.rejected),
            "rejected_by_reason": dict(sorted(reject_reasons.items())),
            "term_candidates": len(run.candidates),
        },
        "timings": run.timings,
    }


def _tmx(pairs: list[Pair]) -> bytes:
    from translate.storage import tmx

    store = tmx.tmxfile(sourcelanguage="en", targetlanguage="fr")
    for p in pairs:
        store.addtranslation(_clean_cell(p.en), "en", _clean_cell(p.fr), "fr",
                             comment=f"{p.pair_id} origin={p.origin} doc={p.doc_id}")
    data = bytes(store)
    back = tmx.tmxfile.parsestring(data)  # validate by reading back
    if len(back.units) != len(pairs):
        raise OutputError(f"TMX validation failed: wrote {len(pairs)} units, read back {len(back.units)}")
    return data


def _occurrences_tsv(pairs: list[Pair]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(["pair_id", "term_id", "en_span", "en_surface", "fr_span", "fr_surface", "status"])
    for p in pairs:
        for t in p.terms:
            w.writerow([p.pair_id, t.get("term_id", ""), _span(t.get("en_span")), t.get("en_surface", ""),
                        _span(t.get("fr_span")), t.get("fr_surface", ""), t.get("status", "ok")])
    return buf.getvalue()


def _span(span: Any) -> str:
    if span is None:
        return ""
    if isinstance(span, (list, tuple)) and len(span) == 2:
        return f"{span[0]}-{span[1]}"
    return str(span)


def _candidates_tsv(cands: list[Any]) -> str:
    from .terms import write_candidates_tsv

    buf = io.StringIO()
    write_candidates_tsv(cands, buf)
    return buf.getvalue()


def write_files(stage_dir: Path, run) -> None:
    """Every file of the contract into ``stage_dir``."""
    from .report import render_report

    (stage_dir / "documents").mkdir(parents=True, exist_ok=True)
    (stage_dir / "audit").mkdir(parents=True, exist_ok=True)
    (stage_dir / "parallel").mkdir(parents=True, exist_ok=True)
    (stage_dir / "terms").mkdir(parents=True, exist_ok=True)
    mt = translations_by_doc(run)
    for d in run.docs:
        doc_id = _safe_component(d.doc_id, "document")
        write_text(stage_dir / "audit" / f"{doc_id}.jsonl", _jsonl(d.audit_records()))
        if d.ok and d.lang:
            write_text(stage_dir / "documents" / f"{doc_id}.{_safe_component(d.lang, 'language')}.txt", d.clean_text())
        for lang, items in mt.get(d.doc_id, {}).items():
            if lang != d.lang:
                write_text(stage_dir / "documents" / f"{doc_id}.{_safe_component(lang, 'language')}.txt",
                           _paragraphs(items))
    pairs = run.pairs
    write_text(stage_dir / "parallel" / "corpus.en", "".join(_clean_cell(p.en) + "\n" for p in pairs))
    write_text(stage_dir / "parallel" / "corpus.fr", "".join(_clean_cell(p.fr) + "\n" for p in pairs))
    write_text(stage_dir / "parallel" / "corpus.tsv",
               "".join(f"{_clean_cell(p.en)}\t{_clean_cell(p.fr)}\n" for p in pairs))
    write_text(stage_dir / "parallel" / "corpus.jsonl", _jsonl(
        {**p.to_dict(), "en": _clean_cell(p.en), "fr": _clean_cell(p.fr)} for p in pairs))
    write_bytes(stage_dir / "parallel" / "corpus.tmx", _tmx(pairs))
    rejected = [{**r.to_dict(), "id": display_path(r.id)} if r.kind == "input" else r.to_dict() for r in run.rejected]
    rejected += [{"kind": "document", "id": d.doc_id, "doc_id": d.doc_id, "reason": f"document:{d.status}",
                  "text": "", "detail": {"error": d.error, "source": display_path(d.source)}} for d in run.docs if not d.ok]
    write_text(stage_dir / "rejected.jsonl", _jsonl(rejected))
    write_text(stage_dir / "terms" / "occurrences.tsv", _occurrences_tsv(pairs))
    write_text(stage_dir / "terms" / "candidates.tsv", _candidates_tsv(run.candidates))
    write_text(stage_dir / "report.md", render_report(run))
    write_text(stage_dir / "manifest.json", json.dumps(manifest(run), ensure_ascii=False, indent=2) + "\n")


def _explain(e: OSError, where: Path) -> OutputError:
    if e.errno == errno.ENOSPC or e.errno == errno.EDQUOT:
        return OutputError(f"the disk holding {where} is full ({e.strerror}): free some space or pass another "
                           f"--out directory; nothing was changed under {where}/latest")
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"cannot write to {where} ({e.strerror}): make it writable or pass another --out "
                           f"directory; nothing was changed under {where}/latest")
    if e.errno == errno.ENAMETOOLONG:
        return OutputError(f"a file name under {where} is too long for this file system ({e.filename}): "
                           f"shorten the input file names or pass an --out directory with a shorter path")
    return OutputError(f"cannot write outputs under {where}: {e}")


def ensure_writable(out_root: str | os.PathLike[str]) -> Path:
    """Create ``out_root`` if needed and prove a file can be written and removed there, raising
    :class:`OutputError` (with what to do) otherwise. Callers that write anything under the root
    before :func:`write_run` (state stores, locks) should call it first, so a read-only or full
    output directory is reported in the same words everywhere."""
    root = Path(out_root)
    probe = root / f".probe-{os.getpid()}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, b"probe\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        os.unlink(probe)
    except OSError as e:
        with contextlib.suppress(OSError):
            probe.unlink()
        raise _explain(e, root) from e
    return root


def _fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable (best effort: some file systems refuse)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _root_lock(root: Path):
    """Serialise the short critical sections (claiming a run id, moving ``latest``) between
    processes writing into the same output root. ``fcntl.flock`` is released by the kernel when
    the holder dies, so a killed run never leaves the root locked."""
    import fcntl

    fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def point_latest(out_root: Path, run_id: str) -> None:
    """Move ``latest`` to ``run_id`` in one atomic rename (a symlink is created beside it and
    renamed over it, so readers see the old target or the new one, never nothing)."""
    tmp = out_root / f".latest.tmp-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(run_id, tmp)
    os.replace(tmp, out_root / "latest")


def _latest_target(root: Path) -> str | None:
    try:
        return os.readlink(root / "latest")
    except OSError:
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_pid(name: str) -> int:
    """The pid in a staging name ``.<run-id>.<pid>.partial``, a claim ``.<run-id>.<pid>.claim``
    or a temporary link ``.latest.tmp-<pid>``; -1 when there is none."""
    if name.startswith(".latest.tmp-"):
        tail = name.rsplit("-", 1)[-1]
        return int(tail) if tail.isdigit() else -1
    try:
        return int(name.rsplit(".", 2)[-2])
    except (ValueError, IndexError):
        return -1


def remove_stale_partials(root: Path) -> list[str]:
    """Remove staging directories, run-id claims and temporary links left by interrupted runs
    (their process is gone); a run in progress in another process keeps its own. Returns the
    names removed."""
    removed = []
    for stale in sorted(root.glob(".*.partial")) + sorted(root.glob(".*.claim")) + sorted(root.glob(".latest.tmp-*")):
        pid = _owner_pid(stale.name)
        if pid == os.getpid() or pid < 0 or not _pid_alive(pid):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    stale.unlink()
            removed.append(stale.name)
    return removed


def _claim_run_id(root: Path, run_id: str) -> tuple[str, Path]:
    """Reserve a run directory name nobody else has used or is writing: ``run_id`` itself, or
    ``run_id-<pid>`` when another process (or an earlier run) already holds that name. The claim
    is a small file ``.<run-id>.<pid>.claim`` created under the root lock."""
    pid = os.getpid()
    with _root_lock(root):
        for candidate in (run_id, f"{run_id}-{pid}", f"{run_id}-{pid}-{os.urandom(3).hex()}"):
            taken = (root / candidate).exists() or any(
                _owner_pid(c.name) != pid and _pid_alive(_owner_pid(c.name))
                for c in root.glob(f".{glob.escape(candidate)}.*.claim"))
            if not taken:
                claim = root / f".{candidate}.{pid}.claim"
                claim.write_text(f"{pid}\n", encoding="utf-8")
                return candidate, claim
    raise OutputError(f"could not reserve a run directory for {run_id} under {root}")


def _safe_component(name: str, what: str) -> str:
    """``name`` if it is a plain file-name component (so nothing can be written outside the run
    directory), else :class:`OutputError`. Ingest already sanitises doc ids (make_doc_id); this
    guards documents built by other callers."""
    if not name or name in (".", "..") or not _SAFE_NAME.fullmatch(name) or len(name.encode()) > 200:
        raise OutputError(f"refusing to write a file for {what} {name!r}: not a safe file name")
    return name


def write_run(out_root: str | os.PathLike[str], run) -> Path:
    """Write the run under ``out_root/<run-id>`` and point ``out_root/latest`` at it.

    Steps: remove what dead runs left (``.partial`` dirs, claims); claim a run directory name
    (``run.run_id``, or ``run.run_id-<pid>`` when another process took it first; ``run.run_id``
    is updated to the name used); write every file into ``.<run-id>.<pid>.partial``; fsync;
    rename it to ``<run-id>`` (a complete run never replaces another one); move ``latest`` there
    unless another process already pointed it at a newer run (run ids sort by time).
    Raises :class:`OutputError` (message says what to do) when the root cannot be written.
    """
    root = Path(out_root)
    pid = os.getpid()
    stage_dir: Path | None = None
    claim: Path | None = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(root)
        _safe_component(run.run_id, "run id")
        run_id, claim = _claim_run_id(root, run.run_id)
        run.run_id = run_id
        final = root / run_id
        stage_dir = root / f".{run_id}.{pid}.partial"
        stage_dir.mkdir()
        write_files(stage_dir, run)
        _fsync_dir(stage_dir)
        os.rename(stage_dir, final)  # never replaces: the claim made sure ``final`` is free
        stage_dir = None
        _fsync_dir(root)
        with _root_lock(root):
            current = _latest_target(root)
            if current is None or not (root / current / "manifest.json").is_file() or current <= run_id:
                point_latest(root, run_id)
                _fsync_dir(root)
    except OSError as e:
        if stage_dir is not None:
            shutil.rmtree(stage_dir, ignore_errors=True)
        raise _explain(e, root) from e
    except BaseException:  # OutputError, a bug in a writer, KeyboardInterrupt: leave nothing half-written
        if stage_dir is not None:
            shutil.rmtree(stage_dir, ignore_errors=True)
        raise
    finally:
        if claim is not None:
            with contextlib.suppress(OSError):
                claim.unlink()
    return final
