"""Incremental runs: a state store under ``<out>/.state/`` that remembers, for every document,
what the pipeline produced from which bytes, with which configuration and which code.

Plain library (no Prefect). The orchestration (``flows/pipeline.py``) and
:func:`run_incremental` use it the same way:

1. :meth:`StateStore.plan` compares the inputs with the store. A document is *unchanged* when
   its sha256, the config fingerprint and :func:`code_version` all match what the store has; it
   is then not read, decoded or processed again. To keep a rerun with nothing new cheap (no
   per-document hashing), the stored sha256 is trusted while the file's size and mtime
   (nanoseconds) are those seen when it was hashed (``IncrementalConfig.trust_stat``).
2. New and changed documents are processed in chunks (:func:`process_chunk`); each processed
   document is written to a content-addressed blob ``.state/docs/<doc_id>/<key>.json.gz``
   (atomic rename, so concurrent writers never leave a torn file) and replaced in memory by a
   :class:`StoredDocument`: counts and reasons only, its audit, clean text and live lines read
   back from the blob on demand. This keeps a 10,000-document run's memory close to a
   1,000-document one, and lets ``export.write_run`` stream the audit one document at a time.
3. After the run directory is written, :meth:`StateStore.commit` records the new keys in the
   SQLite index ``.state/state.sqlite`` (WAL, busy timeout: two runs touching the same store
   wait for each other instead of failing; the last one to commit wins for a document both
   processed, and both wrote identical blobs for identical input).

What an incremental run directory contains: the complete current corpus. Unchanged documents'
previous results (audit, cleaned text, segments, their MT pairs) are carried over from the
store, new or changed ones are reprocessed and *replace* their previous results (pairs are
keyed by document, so nothing is duplicated), documents no longer among the inputs are dropped
from the corpus (and named in a warning). ``<out>/latest`` therefore always holds the whole
corpus. A rerun with nothing new, changed or removed writes no new run directory at all.

Source-aligned pairs (an English and a French version of one story) and pair deduplication
depend on several documents, so they are recomputed on every run that has something new, from
the stored segments.

Not done yet:

* Cross-document boilerplate evidence (lines repeated across a site's pages) is gathered within
  the documents processed together (one chunk of ``chunk_size``, in full runs as well), not over
  the whole stored corpus: a document that changes alone is judged with less evidence than when
  its site's pages are processed together. A full run (``normalise run`` without
  ``--incremental``) re-judges everything, chunk by chunk; inputs are sorted by path, so a folder
  per site keeps a site's pages in the same chunks.
* Term candidates are rediscovered over the whole corpus (reading every stored document) on
  any run that has something new.
* The index is SQLite: put ``<out>`` on a local disk, not on NFS (SQLite locking there is not
  reliable). Blobs are plain files and are fine on a shared disk for remote Dask workers.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import gzip
import hashlib
import json
import os
import sqlite3
import sys
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .document import Document, LineRecord, Pair, Rejected, Segment

STATE_DIR = ".state"
SCHEMA_VERSION = 1


@dataclass
class IncrementalConfig:
    """Options of the state store.

    trust_stat: reuse the stored sha256 of a file whose size and mtime_ns are unchanged since it
        was hashed (a rerun with nothing new then reads no file). ``False`` hashes every input on
        every run (catches an edit that kept size and mtime, at the cost of reading everything).
    compress_level: gzip level of the per-document blobs (1: fast; they are read back once per run).
    busy_timeout_s: how long a run waits for another run's write to the index before failing.
    """

    trust_stat: bool = True
    compress_level: int = 1
    busy_timeout_s: float = 120.0


@lru_cache(maxsize=None)
def code_version() -> str:
    """``<package version>+<hash of the package's code and data files>``: any change to a rule
    table or a stage invalidates stored results. Computed once per process (~ms)."""
    from . import __version__

    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix not in (".pyc",) and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def file_sha256(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def doc_key(sha256: str, config_fp: str, code: str) -> str:
    """The identity of one document's results: same bytes, same config, same code."""
    return hashlib.sha256(f"{sha256}|{config_fp}|{code}".encode()).hexdigest()[:24]


# --- what is kept in memory per document -----------------------------------------------------

class LineSummary:
    """What the report needs of a line (action, reason, event reasons) without its text."""

    __slots__ = ("action", "reason", "events", "merged_into")

    def __init__(self, action: str, reason: str, events: tuple, merged_into: int | None) -> None:
        self.action = action
        self.reason = reason
        self.events = events
        self.merged_into = merged_into

    @property
    def alive(self) -> bool:
        return self.action != "drop" and self.merged_into is None


_NO_EVENTS: tuple = ()
_INTERNED: dict[tuple, Any] = {}


def _interned(key: tuple, make) -> Any:
    """One shared read-only object per distinct value: a 10,000-document corpus has a few
    hundred distinct (action, reason, events) line summaries, so each line costs a pointer."""
    obj = _INTERNED.get(key)
    if obj is None:
        if len(_INTERNED) > 200_000:  # a long-lived serve process: keep the table bounded
            _INTERNED.clear()
        obj = _INTERNED[key] = make()
    return obj


def _slim_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """In memory, a term occurrence keeps only its ``term_id`` (all the report counts); the
    full occurrences (line, span, surface) stay in the blob."""
    if not meta.get("terms"):
        return meta
    meta = dict(meta)
    meta["terms"] = [_interned(("term", t.get("term_id")), lambda t=t: {"term_id": t.get("term_id")})
                     for t in meta["terms"]]
    return meta


def _line_summary(action: str, reason: str, events: Iterable[dict[str, Any]], merged_into: int | None) -> LineSummary:
    evs = []
    for ev in events:
        # what the report reads of an event: its action, reason, stage, and whether it absorbed a line
        slim = tuple(sorted((k, True if k == "absorbed" else str(v)) for k, v in ev.items()
                            if k in ("action", "reason", "stage", "absorbed")))
        evs.append(_interned(("ev",) + slim, lambda slim=slim: dict(slim)))
    ev_t = tuple(evs) or _NO_EVENTS
    key = ("line", action, reason, tuple(id(e) for e in ev_t), merged_into)
    return _interned(key, lambda: LineSummary(sys.intern(action), sys.intern(reason), ev_t, merged_into))


def _summarise_line(r: LineRecord) -> LineSummary:
    return _line_summary(r.action, r.reason, r.events, r.merged_into)


@dataclass
class StoredDocument(Document):
    """A processed document whose bulky parts (audit, clean text, live lines) live in the state
    store blob ``blob``; everything the report and manifest count stays in memory.

    Behaves like :class:`Document` for every reader in the pipeline (``audit_records``,
    ``clean_text``, ``live_lines``, ``counts``, ``lines`` for reason counts); it is not meant to
    be modified: stages that change lines must run on the full document before it is stored.
    ``metadata["terms"]`` keeps only each occurrence's ``term_id`` (shared objects); the full
    occurrences are in the blob.
    """

    blob: str = ""
    key: str = ""
    mt_done: bool = False
    n_segments: int = 0

    def _heavy(self) -> dict[str, Any]:
        return _read_blob(self.blob)

    def audit_records(self) -> list[dict[str, Any]]:
        return self._heavy()["audit"]

    def clean_text(self) -> str:
        return self._heavy()["clean_text"]

    def live_lines(self) -> Iterator[LineRecord]:  # type: ignore[override]
        for line, current, lang, heading in self._heavy()["live"]:
            rec = LineRecord(line=line, text=current, lang=lang, heading=heading)
            yield rec

    def segments(self) -> list[Segment]:
        return [Segment(**s) for s in self._heavy()["segments"]]


_LAST_BLOB: list[Any] = [None, None]  # (path, content): export reads a document's audit, then its text


class StateCorrupt(RuntimeError):
    """A state blob cannot be read; the message says how to recover."""


def _read_blob(path: str) -> dict[str, Any]:
    if _LAST_BLOB[0] == path:
        return _LAST_BLOB[1]
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, EOFError, ValueError) as e:
        raise StateCorrupt(f"state blob {path} cannot be read ({type(e).__name__}: {e}); delete "
                           f"{Path(path).parents[2]} to rebuild the incremental state with a full run") from e
    _LAST_BLOB[:] = [path, data]
    return data


_DOC_FIELDS = ("doc_id", "source", "sha256", "encoding", "lang", "lang_scores", "status", "error", "metadata",
               "mt_score", "mt_evidence")


def _light_fields(doc: Document) -> dict[str, Any]:
    meta = {k: v for k, v in doc.metadata.items() if k != "traceback"}
    d = {k: getattr(doc, k) for k in _DOC_FIELDS}
    d["metadata"] = meta
    return d


# --- the store ---------------------------------------------------------------------------------

@dataclass
class WorkItem:
    """One input to process: where it is, its bytes' sha256 and the key its results get."""

    ref: Any  # ingest.InputRef
    sha256: str
    key: str
    size: int = -1
    mtime_ns: int = -1


@dataclass
class Plan:
    """What a run has to do. ``todo`` are processed; ``unchanged`` (doc ids) carried over from the
    store; ``removed`` (doc ids) are in the store but no longer among the inputs."""

    todo: list[WorkItem] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    config_fp: str = ""
    code: str = ""
    full: bool = False  # every input processed (a non-incremental run)

    @property
    def nothing_new(self) -> bool:
        return not self.todo and not self.removed


class StateStore:
    """The state of one output root: ``<out>/.state/state.sqlite`` plus per-document blobs."""

    def __init__(self, out_root: str | os.PathLike[str], cfg: IncrementalConfig | None = None,
                 index: bool = True) -> None:
        """``index=False``: blobs only (what a worker processing a chunk needs; no SQLite)."""
        self.cfg = cfg or IncrementalConfig()
        self.root = Path(out_root) / STATE_DIR
        self.root.mkdir(parents=True, exist_ok=True)
        self.db = self.root / "state.sqlite"
        if not index:
            return
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute(
                "CREATE TABLE IF NOT EXISTS docs (doc_id TEXT PRIMARY KEY, path TEXT, size INTEGER, mtime_ns INTEGER,"
                " sha256 TEXT, config_fp TEXT, code_version TEXT, key TEXT, run_id TEXT, updated TEXT,"
                " light TEXT, pairs TEXT, rejected TEXT, mt_done INTEGER)")
            con.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
            con.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.db, timeout=self.cfg.busy_timeout_s, isolation_level=None)
        try:
            con.execute(f"PRAGMA busy_timeout={int(self.cfg.busy_timeout_s * 1000)}")
            yield con
        finally:
            con.close()

    # planning -------------------------------------------------------------------------------

    def entries(self) -> dict[str, tuple]:
        """doc_id -> (path, size, mtime_ns, sha256, config_fp, code_version, key)."""
        with self._connect() as con:
            rows = con.execute("SELECT doc_id, path, size, mtime_ns, sha256, config_fp, code_version, key FROM docs")
            return {r[0]: tuple(r[1:]) for r in rows}

    def plan(self, refs: Sequence[Any], config_fp: str, code: str | None = None, full: bool = False) -> Plan:
        """Split ``refs`` into work and carried-over documents. ``full=True`` processes every
        input (a non-incremental run) but still records results for the next incremental one."""
        code = code or code_version()
        known = self.entries()
        plan = Plan(config_fp=config_fp, code=code, full=full)
        seen: set[str] = set()
        for ref in refs:
            seen.add(ref.doc_id)
            try:
                st = os.stat(ref.path)
                size, mtime = st.st_size, st.st_mtime_ns
            except OSError:
                size, mtime = -1, -1
            e = known.get(ref.doc_id)
            sha = None
            if e and self.cfg.trust_stat and e[0] == ref.path and e[1] == size and e[2] == mtime and size >= 0:
                sha = e[3]
            if sha is None:
                try:
                    sha = file_sha256(ref.path)
                except OSError:
                    sha = "unreadable"
            key = doc_key(sha, config_fp, code)
            if (not full and e and e[6] == key and e[0] == ref.path
                    and (self.root / "docs" / ref.doc_id / f"{key}.json.gz").is_file()):
                plan.unchanged.append(ref.doc_id)
            else:
                plan.todo.append(WorkItem(ref=ref, sha256=sha, key=key, size=size, mtime_ns=mtime))
        plan.removed = sorted(set(known) - seen)
        return plan

    # blobs ----------------------------------------------------------------------------------

    def store_id(self) -> str:
        """A random id created with the store (``.state/store-id``): caches that refer to this
        store's blobs include it, so they are invalid once the store is deleted and rebuilt."""
        p = self.root / "store-id"
        try:
            return p.read_text().strip()
        except FileNotFoundError:
            tmp = p.with_name(f".store-id.{os.getpid()}.{uuid.uuid4().hex[:8]}")
            tmp.write_text(uuid.uuid4().hex)
            try:
                os.link(tmp, p)  # first writer wins; everyone then reads the same id
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
            return p.read_text().strip()

    def blob_path(self, doc_id: str, key: str) -> Path:
        return self.root / "docs" / doc_id / f"{key}.json.gz"

    def has_blob(self, doc_id: str, key: str) -> bool:
        return self.blob_path(doc_id, key).is_file()

    def store_document(self, doc: Document, segments: list[Segment], key: str) -> StoredDocument:
        """Write ``doc``'s bulky parts to its blob (atomically) and return the light stand-in."""
        path = self.blob_path(doc.doc_id, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        heavy = {
            "audit": doc.audit_records(),
            "clean_text": doc.clean_text() if doc.ok else "",
            "live": [[r.line, r.current, r.lang, r.heading] for r in doc.live_lines()],
            "segments": [s.to_dict() for s in segments],
            "light": _light_fields(doc),
            "lines": [[r.action, r.reason, [dict(e) for e in _summarise_line(r).events], r.merged_into]
                      for r in doc.lines],
        }
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        with open(tmp, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=self.cfg.compress_level, mtime=0) as gz:
                gz.write(json.dumps(heavy, ensure_ascii=False).encode("utf-8"))
        # No fsync per blob (it cost ~7 ms each, a third of the orchestration overhead): the rename
        # is atomic, so a crashed *process* never leaves a torn blob; only an OS crash could, and
        # such a blob fails to read with a message saying to delete <out>/.state.
        os.replace(tmp, path)
        return self._light(doc, [_summarise_line(r) for r in doc.lines], path, key, n_segments=len(segments))

    @staticmethod
    def _light(doc_fields: Document | dict[str, Any], lines: list, path: Path, key: str,
               mt_done: bool = False, n_segments: int = 0) -> StoredDocument:
        f = dict(_light_fields(doc_fields) if isinstance(doc_fields, Document) else doc_fields)
        f["metadata"] = _slim_metadata(f["metadata"])
        sd = StoredDocument(**f, blob=str(path), key=key, mt_done=mt_done, n_segments=n_segments)
        sd.lines = lines  # type: ignore[assignment]
        return sd

    def load_document(self, doc_id: str) -> StoredDocument:
        """The light stand-in of an unchanged document (reads its blob once for the line summary)."""
        with self._connect() as con:
            row = con.execute("SELECT key, mt_done FROM docs WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            raise KeyError(doc_id)
        key, mt_done = row
        path = self.blob_path(doc_id, key)
        heavy = _read_blob(str(path))
        lines = [_line_summary(a, r, ev, m) for a, r, ev, m in heavy["lines"]]
        return self._light(heavy["light"], lines, path, key, bool(mt_done), len(heavy["segments"]))

    def load_pairs(self, doc_id: str) -> tuple[list[Pair], list[Rejected]]:
        """The MT pairs and translation rejects stored for a document (before QA and dedup)."""
        with self._connect() as con:
            row = con.execute("SELECT pairs, rejected FROM docs WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            return [], []
        pairs = [Pair(**p) for p in json.loads(row[0] or "[]")]
        rejected = [Rejected(**r) for r in json.loads(row[1] or "[]")]
        return pairs, rejected

    # committing -----------------------------------------------------------------------------

    def commit(self, run_id: str, items: Iterable[WorkItem], docs: Mapping[str, Document],
               pairs: Mapping[str, list[Pair]], rejected: Mapping[str, list[Rejected]],
               mt_done: Iterable[str] = (), removed: Iterable[str] = (), config_fp: str = "",
               code: str | None = None) -> None:
        """Record the processed documents' keys (after their run directory is written), the
        per-document MT pairs of every document in ``pairs`` and forget ``removed`` ones, in one
        transaction."""
        code = code or code_version()
        now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
        mt_done = set(mt_done)
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                for it in items:
                    d = docs.get(it.ref.doc_id)
                    if d is None:
                        continue
                    con.execute(
                        "INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (it.ref.doc_id, it.ref.path, it.size, it.mtime_ns, it.sha256, config_fp, code, it.key,
                         run_id, now, "", "[]", "[]", 0))
                for doc_id, ps in pairs.items():
                    con.execute("UPDATE docs SET pairs=?, rejected=?, mt_done=? WHERE doc_id=?",
                                (json.dumps([p.to_dict() for p in ps], ensure_ascii=False),
                                 json.dumps([r.to_dict() for r in rejected.get(doc_id, [])], ensure_ascii=False),
                                 int(doc_id in mt_done), doc_id))
                for doc_id in mt_done - set(pairs):
                    con.execute("UPDATE docs SET mt_done=1 WHERE doc_id=?", (doc_id,))
                for doc_id in removed:
                    con.execute("DELETE FROM docs WHERE doc_id=?", (doc_id,))
                con.execute("INSERT OR REPLACE INTO meta VALUES ('last_run', ?)", (run_id,))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        self.prune_blobs()

    def prune_blobs(self) -> int:
        """Delete blobs no index row points at (older versions of changed documents)."""
        keep = {(d, e[6]) for d, e in self.entries().items()}
        n = 0
        docs_dir = self.root / "docs"
        if not docs_dir.is_dir():
            return 0
        for d in docs_dir.iterdir():
            for b in d.glob("*.json.gz"):
                if (d.name, b.name[: -len(".json.gz")]) not in keep:
                    # a blob written in the last minute may belong to a run still in progress
                    try:
                        if b.stat().st_mtime > _dt.datetime.now().timestamp() - 60:
                            continue
                        b.unlink()
                        n += 1
                    except OSError:
                        pass
        return n

    def meta(self, k: str) -> str | None:
        with self._connect() as con:
            row = con.execute("SELECT v FROM meta WHERE k=?", (k,)).fetchone()
        return row[0] if row else None


class StoredSegments(Mapping[str, list[Segment]]):
    """``run.segments`` for stored documents: doc_id -> segments, read from each document's blob
    on access (nothing cached), with the counts kept in memory."""

    def __init__(self, docs: Iterable[StoredDocument], counts: Mapping[str, int]) -> None:
        self._docs = {d.doc_id: d for d in docs}
        self._counts = dict(counts)

    def __getitem__(self, doc_id: str) -> list[Segment]:
        d = self._docs[doc_id]
        return d.segments() if self._counts.get(doc_id) else []

    def __iter__(self) -> Iterator[str]:
        return iter(self._docs)

    def __len__(self) -> int:
        return len(self._docs)

    def values(self):  # type: ignore[override]
        """Sized stand-ins: ``len()`` is free (counts kept in memory), iterating reads the blob."""
        return [_LazySegments(self._docs[k], self._counts.get(k, 0)) for k in self._docs]

    def items(self):  # type: ignore[override]
        return [(k, _LazySegments(self._docs[k], self._counts.get(k, 0))) for k in self._docs]

    def count(self) -> int:
        return sum(self._counts.values())


class _LazySegments(Sequence[Segment]):
    def __init__(self, doc: StoredDocument, n: int) -> None:
        self._doc, self._n = doc, n

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):  # type: ignore[override]
        return self._doc.segments()[i] if self._n else [][i]

    def __iter__(self) -> Iterator[Segment]:
        return iter(self._doc.segments() if self._n else [])


# --- the stages, chunk by chunk ----------------------------------------------------------------

def key_fingerprint(cfg: Any) -> str:
    """Config fingerprint used in document keys: the translate *mode* (auto / require / off)
    decides whether a run may go without a model, not what a document yields, so it is left
    out (a scheduled ``require`` run reuses what a manual ``auto`` run produced)."""
    import dataclasses

    return dataclasses.replace(cfg, translate="auto").fingerprint()


@dataclass
class ChunkResult:
    docs: list[StoredDocument]
    items: list[WorkItem]  # with the sha256 / key of the bytes actually read
    segment_counts: dict[str, int]


def process_chunk(items: Sequence[WorkItem], cfg: Any, out_root: str, tb: Any = None) -> ChunkResult:
    """Stages 1-7 (ingest to segmentation) on a chunk of documents, then each document stored
    as a blob and returned as its light :class:`StoredDocument`. Boilerplate's cross-document
    evidence is gathered within the chunk."""
    from . import pipeline as P
    from .ingest import load_document

    store = StateStore(out_root, index=False)
    fp, code = key_fingerprint(cfg), code_version()
    docs = [load_document(it.ref, max_bytes=cfg.max_bytes) for it in items]
    fixed: list[WorkItem] = []
    for d, it in zip(docs, items):
        if d.sha256 and d.sha256 != it.sha256:  # changed between planning and reading
            it = WorkItem(ref=it.ref, sha256=d.sha256, key=doc_key(d.sha256, fp, code), size=-1, mtime_ns=-1)
        fixed.append(it)
    P.stage_encoding(docs, cfg)
    P.stage_boilerplate(docs, cfg)
    P.stage_langid(docs, cfg)
    P.stage_artefacts(docs, cfg)
    tb = tb or P.load_terms(cfg)
    P.stage_terms(docs, cfg, tb)
    segs = P.stage_segment(docs)
    stored = [store.store_document(d, segs.get(d.doc_id, []), it.key) for d, it in zip(docs, fixed)]
    return ChunkResult(stored, fixed, {d.doc_id: len(segs.get(d.doc_id, [])) for d in docs})


@dataclass
class TranslationResult:
    pairs: dict[str, list[Pair]] = field(default_factory=dict)
    rejected: dict[str, list[Rejected]] = field(default_factory=dict)
    status: dict[str, dict[str, Any]] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)  # documents translated in every direction they need


def translate_documents(docs: Sequence[StoredDocument], cfg: Any, tb: Any, progress: Any = None) -> TranslationResult:
    """Stage 8 for a chunk of documents: every direction they need, models loaded once per
    process (``load_translator`` caches them), MT pairs grouped by document."""
    from . import pipeline as P

    run = P.Run(run_id="", config=cfg, docs=list(docs), segments={d.doc_id: d.segments() for d in docs})
    res = TranslationResult()
    outputs: dict[tuple[str, str], dict[str, str]] = {}
    failed: set[tuple[str, str]] = set()
    for (src, tgt), segs in P.translation_jobs(run, set()).items():
        out, rej, status = P.translate_direction(segs, src, tgt, cfg, tb, progress)
        outputs[(src, tgt)] = out
        res.status[f"{src}-{tgt}"] = status
        if status.get("status") != "ok":
            failed.add((src, tgt))
        for r in rej:
            res.rejected.setdefault(r.doc_id, []).append(r)
    for p in P.build_mt_pairs(run, outputs, set()):
        res.pairs.setdefault(p.doc_id, []).append(p)
    for d in docs:
        if d.ok and not any(dr in failed for dr in P.DIRECTIONS.get(d.lang or "", ())):
            res.done.append(d.doc_id)
    return res


def merge_status(into: dict[str, dict[str, Any]], st: dict[str, dict[str, Any]]) -> None:
    """Add one chunk's translation status to the run's (counts summed, a failure kept)."""
    for k, v in st.items():
        cur = into.get(k)
        if cur is None or v.get("status") != "ok":
            into[k] = dict(v) if cur is None or cur.get("status") == "ok" else cur
            continue
        for n in ("segments", "translated", "tm_hits", "tm_misses"):
            if isinstance(v.get(n), (int, float)):
                cur[n] = cur.get(n, 0) + v[n]


def translation_todo(docs: Sequence[StoredDocument], skip: set[str], cfg: Any) -> list[StoredDocument]:
    """Documents that still need translating: not source-aligned, in a language with a direction,
    not already translated with this key."""
    from . import pipeline as P

    if cfg.translate == "off":
        return []
    return [d for d in docs if d.ok and d.doc_id not in skip and d.lang in P.DIRECTIONS and not d.mt_done]


def chunked(seq: Sequence[Any], size: int) -> list[list[Any]]:
    size = max(1, int(size))
    return [list(seq[i:i + size]) for i in range(0, len(seq), size)]


def run_incremental(paths: list[str], out_root: str, cfg: Any = None, full: bool = False,
                    icfg: IncrementalConfig | None = None, progress: Any = None) -> tuple[Any, Path | None]:
    """The whole pipeline, incrementally, in this process (what the Prefect flow does, task by
    task). Returns ``(run, run_dir)``; ``(None, latest)`` when nothing is new. ``full=True``
    reprocesses every input (and refreshes the store)."""
    import time

    from . import pipeline as P
    from .config import PipelineConfig
    from .export import write_run
    from .ingest import discover_inputs

    cfg = cfg or PipelineConfig()
    t0 = time.perf_counter()
    refs, refused = discover_inputs(paths)
    store = StateStore(out_root, icfg)
    plan = store.plan(refs, key_fingerprint(cfg), full=full)
    latest = Path(out_root) / "latest"
    if plan.nothing_new and latest.exists():
        return None, latest
    tb = P.load_terms(cfg)
    new: dict[str, StoredDocument] = {}
    counts: dict[str, int] = {}
    items: list[WorkItem] = []
    for chunk in chunked(plan.todo, cfg.chunk_size):
        res = process_chunk(chunk, cfg, out_root, tb)
        new.update((d.doc_id, d) for d in res.docs)
        counts.update(res.segment_counts)
        items += res.items
    t_clean = time.perf_counter()
    docs = [new.get(r.doc_id) or store.load_document(r.doc_id) for r in refs]
    counts.update((d.doc_id, d.n_segments) for d in docs if d.doc_id not in counts)
    run = assemble_run(refs, refused, docs, counts, cfg, tb, plan, store)
    todo = translation_todo(docs, run.metadata_skip, cfg)  # type: ignore[attr-defined]
    tr_all = TranslationResult()
    for chunk in chunked(todo, cfg.chunk_size):
        tr = translate_documents(chunk, cfg, tb, progress)
        tr_all.pairs.update(tr.pairs)
        tr_all.rejected.update(tr.rejected)
        tr_all.done += tr.done
        merge_status(run.translation, tr.status)
    t_tr = time.perf_counter()
    finish_run(run, docs, cfg, tb, store, tr_all, todo)
    run.timings.update({"clean": round(t_clean - t0, 4), "translate": round(t_tr - t_clean, 4)})
    path = write_run(out_root, run)
    store.commit(run.run_id, items, new, {d.doc_id: tr_all.pairs.get(d.doc_id, []) for d in todo}, tr_all.rejected,
                 mt_done=tr_all.done,
                 removed=plan.removed, config_fp=plan.config_fp, code=plan.code)
    P.finish(run)
    return run, path


def assemble_run(refs: Sequence[Any], refused: list[Rejected], docs: list[StoredDocument], counts: dict[str, int],
                 cfg: Any, tb: Any, plan: Plan, store: StateStore) -> Any:
    """The run over the whole current corpus, with source alignment done (stage 9): documents
    aligned this time are not translated (``run.metadata_skip``)."""
    from . import pipeline as P

    run = P.Run(run_id=P.new_run_id(refs, cfg), config=cfg, inputs=list(refs), docs=docs, rejected=list(refused),
                started=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))
    run.termbase_version = getattr(tb, "version", "")
    run.segments = StoredSegments(docs, counts)  # type: ignore[assignment]
    if plan.removed and not plan.full:  # a full run's directory is just its inputs: nothing to warn about
        run.warnings.append(f"{len(plan.removed)} document(s) no longer among the inputs were removed from the corpus: "
                            + ", ".join(plan.removed[:20]) + (" ..." if len(plan.removed) > 20 else ""))
    aligned, rej, run.doc_matches = P.stage_align(run)
    run.rejected += rej
    run.aligned_pairs = aligned  # type: ignore[attr-defined]
    run.metadata_skip = {m["en_doc"] for m in run.doc_matches} | {m["fr_doc"] for m in run.doc_matches}  # type: ignore[attr-defined]
    return run


def finish_run(run: Any, docs: list[StoredDocument], cfg: Any, tb: Any, store: StateStore,
               tr: TranslationResult, translated: Sequence[StoredDocument]) -> None:
    """Stages 6b and 10: MT pairs (this run's, else the stored ones of unchanged documents),
    term candidates over the corpus, QA and dedup over all pairs."""
    from . import pipeline as P

    skip = run.metadata_skip
    fresh = {d.doc_id for d in translated}
    mt_pairs: list[Pair] = []
    for d in docs:
        if d.doc_id in skip or not d.ok:
            continue
        if d.doc_id in fresh:
            mt_pairs += tr.pairs.get(d.doc_id, [])
            run.rejected += tr.rejected.get(d.doc_id, [])
        elif d.mt_done and cfg.translate != "off":
            ps, rj = store.load_pairs(d.doc_id)
            mt_pairs += ps
            run.rejected += rj
    P.note_translation(run)
    run.candidates = P.stage_discover(docs, tb)
    run.pairs, rej = P.stage_qa(run.aligned_pairs + mt_pairs, cfg, tb)
    run.rejected += rej
