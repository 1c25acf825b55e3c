"""Translation memory: an on-disk SQLite cache of translated segments.

Keyed by the *normalised* source segment (Unicode NFC, runs of whitespace collapsed, ends
stripped) + the model id + the termbase version, so a rerun, or the same quote in three
documents, goes to the model once, and a new model or termbase invalidates nothing by accident
(their entries simply stop matching).

What it does not do: no eviction or size limit; no fuzzy matches (exact normalised source only);
entries are never invalidated when a model directory is changed in place under the same id.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
import time
import unicodedata
from pathlib import Path

__all__ = ["normalise_source", "TranslationMemory"]

_WS = re.compile(r"\s+")


def normalise_source(text: str) -> str:
    """The form a segment is looked up (and translated) in: NFC, whitespace runs -> one space."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _key(src: str, model_id: str, tb_version: str) -> str:
    return hashlib.sha256("\x00".join((model_id, tb_version, src)).encode("utf-8")).hexdigest()


class TranslationMemory:
    """SQLite-backed ``(source, model, termbase version) -> translation`` store.

    ``path=None`` (or ``":memory:"``) keeps it in memory for the process. ``hits`` and ``misses``
    count lookups since it was opened. Safe to share between threads of one process (one lock);
    several processes may use the same file (SQLite locking, WAL journal).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = str(path) if path else ":memory:"
        if self.path != ":memory:":
            Path(self.path).expanduser().parent.mkdir(parents=True, exist_ok=True)
            self.path = str(Path(self.path).expanduser())
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS tm (key TEXT PRIMARY KEY, model TEXT NOT NULL, tb_version TEXT NOT NULL,"
            " source TEXT NOT NULL, target TEXT NOT NULL, created REAL NOT NULL)")
        self._db.commit()
        self.hits = 0
        self.misses = 0

    def get_many(self, sources: list[str], model_id: str, tb_version: str = "") -> dict[str, str]:
        """Translations known for the (already normalised) ``sources``; counts hits and misses."""
        found: dict[str, str] = {}
        uniq = list(dict.fromkeys(sources))
        keys = {_key(s, model_id, tb_version): s for s in uniq}
        with self._lock:
            items = list(keys)
            for i in range(0, len(items), 500):  # SQLite's host-parameter limit
                chunk = items[i:i + 500]
                q = f"SELECT key, target FROM tm WHERE key IN ({','.join('?' * len(chunk))})"
                for k, tgt in self._db.execute(q, chunk):
                    found[keys[k]] = tgt
            self.hits += len(found)
            self.misses += len(uniq) - len(found)
        return found

    def put_many(self, pairs: dict[str, str], model_id: str, tb_version: str = "") -> None:
        now = time.time()
        rows = [(_key(s, model_id, tb_version), model_id, tb_version, s, t, now) for s, t in pairs.items()]
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO tm VALUES (?, ?, ?, ?, ?, ?)", rows)
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM tm").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
