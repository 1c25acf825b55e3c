"""The data that flows between stages: documents, their lines, segments and pairs.

Every stage works on these plain dataclasses (no Prefect, no I/O). The audit contract of
DESIGN.md is carried by :class:`LineRecord`: one record per *input* line, created at ingest and
never removed. Stages change a record through its methods (:meth:`LineRecord.drop`,
:meth:`LineRecord.repair`, :meth:`LineRecord.merge_into`), each of which appends an event with the
stage, a machine-readable reason and before/after text, so the audit can replay every decision.

Conventions every stage follows:

* ``record.text`` is the raw decoded input line and never changes.
* ``record.current`` is the line as the pipeline sees it now (after repairs).
* A dropped line stays in ``doc.lines`` with ``action == "drop"``; later stages skip it
  (:meth:`Document.live_lines`).
* A merged line points at its head with ``merged_into``; the head's ``current`` holds the joined
  text and its action becomes ``merge``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Iterator

ACTIONS = ("keep", "drop", "repair", "merge")

_DOC_ID_BAD = re.compile(r"[^A-Za-z0-9._-]+")


def make_doc_id(name: str) -> str:
    """Stable document id from a file name: the stem, with anything but ``[A-Za-z0-9._-]``
    replaced by ``_``. ``seeds/002_044e7af8dd34af74.txt`` -> ``002_044e7af8dd34af74``."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if "." in base.lstrip("."):
        base = base[: base.rfind(".")] if not base.startswith(".") else base
    cleaned = _DOC_ID_BAD.sub("_", base).strip("._")
    return cleaned or "doc_" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def split_lines(text: str) -> list[str]:
    """Lines as the audit numbers them: ``text.split("\\n")`` without the final empty string that
    follows a trailing newline. A lone ``\\r`` before ``\\n`` is kept in the raw line (the audit
    shows the input as it was); the encoding stage normalises it."""
    if text == "":
        return []
    parts = text.split("\n")
    if parts and parts[-1] == "":
        parts.pop()
    return parts


@dataclass(slots=True)
class LineRecord:
    """One input line and everything the pipeline decided about it (slotted: a run holds one per
    input line, so its size matters)."""

    line: int
    text: str
    current: str = ""
    action: str = "keep"
    reason: str = "content"
    events: list[dict[str, Any]] = field(default_factory=list)
    merged_into: int | None = None
    heading: bool = False
    lang: str | None = None
    flags: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.current:
            self.current = self.text

    @property
    def alive(self) -> bool:
        """Still part of the document's content (not dropped, not merged into another line)."""
        return self.action != "drop" and self.merged_into is None

    def drop(self, stage: str, reason: str, **detail: Any) -> None:
        """Drop the line. The first drop wins; later stages do not touch a dropped line."""
        if self.action == "drop":
            return
        self.events.append({"stage": stage, "reason": reason, "action": "drop", **detail})
        self.action = "drop"
        self.reason = reason

    def repair(self, stage: str, reason: str, new_text: str, **detail: Any) -> bool:
        """Replace the current text, recording before and after. No-op when unchanged."""
        if new_text == self.current:
            return False
        self.events.append(
            {"stage": stage, "reason": reason, "action": "repair", "before": self.current,
             "after": new_text, **detail}
        )
        self.current = new_text
        if self.action == "keep":
            self.action = "repair"
            self.reason = reason
        elif self.action == "repair":
            self.reason = self.reason + ";" + reason if reason not in self.reason.split(";") else self.reason
        return True

    def merge_into(self, head: "LineRecord", stage: str, reason: str, joined: str, **detail: Any) -> None:
        """Fold this line into ``head``; ``joined`` is the head's new text."""
        self.events.append({"stage": stage, "reason": reason, "action": "merge", "into": head.line, **detail})
        self.merged_into = head.line
        self.action = "merge"
        self.reason = reason
        head.events.append(
            {"stage": stage, "reason": reason, "action": "merge", "before": head.current,
             "after": joined, "absorbed": self.line, **detail}
        )
        head.current = joined
        head.action = "merge"
        head.reason = reason

    def flag(self, flag: str) -> None:
        if flag not in self.flags:
            self.flags.append(flag)

    def audit(self) -> dict[str, Any]:
        """The audit record of DESIGN.md (one per input line)."""
        rec: dict[str, Any] = {"line": self.line, "text": self.text, "action": self.action, "reason": self.reason}
        if self.action in ("repair", "merge"):
            rec["output"] = "" if self.merged_into is not None else self.current
        if self.merged_into is not None:
            rec["merged_into"] = self.merged_into
        if self.heading:
            rec["heading"] = True
        if self.lang:
            rec["lang"] = self.lang
        if self.flags:
            rec["flags"] = list(self.flags)
        if self.events:
            rec["events"] = self.events
        return rec


@dataclass
class Document:
    """One input file."""

    doc_id: str
    source: str
    sha256: str = ""
    encoding: str = ""
    text: str = ""
    lines: list[LineRecord] = field(default_factory=list)
    lang: str | None = None
    lang_scores: dict[str, float] = field(default_factory=dict)
    status: str = "ok"  # ok | quarantined | error
    error: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)  # credits, encoding notes, ...
    mt_score: float | None = None
    mt_evidence: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_text(cls, doc_id: str, text: str, source: str = "", **kw: Any) -> "Document":
        """Build a document (and its line records) from decoded text; handy in tests."""
        sha = kw.pop("sha256", None) or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        doc = cls(doc_id=doc_id, source=source or doc_id, sha256=sha, text=text, **kw)
        doc.lines = [LineRecord(line=i, text=t) for i, t in enumerate(split_lines(text), start=1)]
        return doc

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def live_lines(self) -> Iterator[LineRecord]:
        """Lines that are still content, in order."""
        return (r for r in self.lines if r.alive)

    def clean_text(self) -> str:
        """The cleaned document: one paragraph per surviving line."""
        return "\n".join(r.current for r in self.live_lines() if r.current.strip()) + "\n"

    def counts(self) -> dict[str, int]:
        c = {a: 0 for a in ACTIONS}
        for r in self.lines:
            c[r.action] += 1
        return c

    def audit_records(self) -> list[dict[str, Any]]:
        return [r.audit() for r in self.lines]


@dataclass
class Segment:
    """A sentence (or heading) of one document, in one language."""

    seg_id: str  # "<doc_id>:<n>", n from 1 in document order
    doc_id: str
    lang: str
    text: str
    lines: list[int] = field(default_factory=list)  # input lines it came from
    heading: bool = False
    flags: list[str] = field(default_factory=list)
    terms: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Pair:
    """One English/French pair ready for export (or rejection)."""

    pair_id: str
    en: str
    fr: str
    origin: str  # "aligned" | "mt:en->fr" | "mt:fr->en" | "mt:de->en+fr" ...
    doc_id: str
    src_lang: str
    seg_ids: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    terms: list[dict[str, Any]] = field(default_factory=list)
    mt_origin_score: float | None = None
    duplicates: list[str] = field(default_factory=list)  # pair ids folded into this one

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Rejected:
    """A segment or pair left out, with why (rejected.jsonl)."""

    kind: str  # "segment" | "pair" | "document"
    id: str
    doc_id: str
    reason: str
    text: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
