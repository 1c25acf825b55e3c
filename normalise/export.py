"""Stage 11, export: write the output contract of DESIGN.md for one run, atomically.

Everything is written into a hidden staging directory ``<out>/.<run-id>.partial`` that is renamed
to ``<out>/<run-id>`` only when complete; then ``<out>/latest`` (a relative symlink) is replaced
in one ``os.replace``. A reader of ``latest`` therefore never sees a partial run, and an
interrupted run leaves only a ``.partial`` directory that the next run removes.

The TMX file is written with translate-toolkit (TMX 1.4) and read back to validate it.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import platform
import shutil
from pathlib import Path
from typing import Any, Iterable

from .document import Document, Pair


class OutputError(RuntimeError):
    """The output directory cannot be written; the message says what to do."""


def _clean_cell(text: str) -> str:
    """One segment per line: tabs and line breaks inside a segment become spaces."""
    return " ".join(text.replace("\t", " ").splitlines()).strip()


def _jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in records)


def write_text(path: Path, text: str) -> None:
    """Atomic single-file write (temporary file in the same directory + fsync + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


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


def manifest(run) -> dict[str, Any]:
    docs_by_id = {d.doc_id: d for d in run.docs}
    inputs = []
    for ref in run.inputs:
        d: Document | None = docs_by_id.get(ref.doc_id)
        inputs.append({
            "path": ref.path, "doc_id": ref.doc_id, "sha256": d.sha256 if d else None,
            "language": d.lang if d else None, "status": d.status if d else "missing",
            "error": d.error if d else None, "encoding": d.encoding if d else None,
            "mt_origin_score": d.mt_score if d else None, "mt_evidence": d.mt_evidence if d else {},
            "lines": d.counts() if d else {}, "credits": d.metadata.get("credits", []) if d else [],
        })
    refused = [r.to_dict() for r in run.rejected if r.kind == "input"]
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
        write_text(stage_dir / "audit" / f"{d.doc_id}.jsonl", _jsonl(d.audit_records()))
        if d.ok and d.lang:
            write_text(stage_dir / "documents" / f"{d.doc_id}.{d.lang}.txt", d.clean_text())
        for lang, items in mt.get(d.doc_id, {}).items():
            if lang != d.lang:
                write_text(stage_dir / "documents" / f"{d.doc_id}.{lang}.txt", _paragraphs(items))
    pairs = run.pairs
    write_text(stage_dir / "parallel" / "corpus.en", "".join(_clean_cell(p.en) + "\n" for p in pairs))
    write_text(stage_dir / "parallel" / "corpus.fr", "".join(_clean_cell(p.fr) + "\n" for p in pairs))
    write_text(stage_dir / "parallel" / "corpus.tsv",
               "".join(f"{_clean_cell(p.en)}\t{_clean_cell(p.fr)}\n" for p in pairs))
    write_text(stage_dir / "parallel" / "corpus.jsonl", _jsonl(
        {**p.to_dict(), "en": _clean_cell(p.en), "fr": _clean_cell(p.fr)} for p in pairs))
    tmx_path = stage_dir / "parallel" / "corpus.tmx"
    tmp = tmx_path.with_name(".corpus.tmx.tmp")
    tmp.write_bytes(_tmx(pairs))
    os.replace(tmp, tmx_path)
    rejected = [r.to_dict() for r in run.rejected]
    rejected += [{"kind": "document", "id": d.doc_id, "doc_id": d.doc_id, "reason": f"document:{d.status}",
                  "text": "", "detail": {"error": d.error, "source": d.source}} for d in run.docs if not d.ok]
    write_text(stage_dir / "rejected.jsonl", _jsonl(rejected))
    write_text(stage_dir / "terms" / "occurrences.tsv", _occurrences_tsv(pairs))
    write_text(stage_dir / "terms" / "candidates.tsv", _candidates_tsv(run.candidates))
    write_text(stage_dir / "report.md", render_report(run))
    write_text(stage_dir / "manifest.json", json.dumps(manifest(run), ensure_ascii=False, indent=2) + "\n")


def _explain(e: OSError, where: Path) -> OutputError:
    if e.errno == errno.ENOSPC:
        return OutputError(f"the disk holding {where} is full: free some space or pass another --out directory")
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"cannot write to {where} ({e.strerror}): make it writable or pass another --out directory")
    return OutputError(f"cannot write outputs under {where}: {e}")


def point_latest(out_root: Path, run_id: str) -> None:
    """Move ``latest`` to ``run_id`` in one atomic rename."""
    tmp = out_root / f".latest.tmp-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(run_id, tmp)
    os.replace(tmp, out_root / "latest")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_partials(root: Path) -> None:
    """Remove staging directories left by interrupted runs (their process is gone); a run in
    progress in another process keeps its own."""
    for stale in root.glob(".*.partial"):
        try:
            pid = int(stale.name.rsplit(".", 2)[-2])
        except (ValueError, IndexError):
            pid = -1
        if pid == os.getpid() or pid < 0 or not _pid_alive(pid):
            shutil.rmtree(stale, ignore_errors=True)


def write_run(out_root: str | os.PathLike[str], run) -> Path:
    """Write the run under ``out_root/<run-id>`` and point ``out_root/latest`` at it."""
    root = Path(out_root)
    final = root / run.run_id
    stage_dir = root / f".{run.run_id}.{os.getpid()}.partial"
    try:
        root.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(root)
        stage_dir.mkdir()
        write_files(stage_dir, run)
        if final.exists():
            shutil.rmtree(final)
        os.replace(stage_dir, final)
        point_latest(root, run.run_id)
    except OSError as e:
        shutil.rmtree(stage_dir, ignore_errors=True)
        raise _explain(e, root) from e
    return final
