"""Property tests: whatever bytes and file names arrive, the library pipeline (``run_stages`` +
``export.write_run``, translation off) does not crash, every input ends refused, ok, quarantined
or error with a reason, the audit has one record per input line (DESIGN.md numbering), and nothing
is written outside the output root. bench/fuzz.py runs the same checks over 10,000 documents."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalise.config import PipelineConfig
from normalise.document import split_lines
from normalise import export
from normalise.export import write_run
from normalise.pipeline import run_stages

CFG = PipelineConfig(translate="off")
SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# text with the awkward parts of Unicode over-represented
AWKWARD = st.sampled_from(["\u200b", "\u200d", "\ufeff", "\u202e", "\u2067", "\u0301", "\u0651", "\x00", "\x1b", "\x85",
                           "\u2028", "\r", "\t", "\xa0", "<p>", "&amp;", "é", "ß", "ش", "中", "🙂", "\U0001F3F4\U000E0067"])
LINE = st.lists(st.one_of(st.text(max_size=30), AWKWARD, st.sampled_from(
    ["The minister spoke in Bamako.", "Skip to content", "Le président a parlé.", "Photo: AFP"])), max_size=12).map("".join)
TEXT = st.tuples(st.lists(LINE, max_size=15), st.sampled_from(["\n", "\r\n", "\r", "\n\n"]), st.booleans()).map(
    lambda t: t[1].join(t[0]) + (t[1] if t[2] else ""))
ENCODED = st.tuples(TEXT, st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "utf-16", "latin-1", "cp1252", "utf-8-sig"])
                    ).map(lambda t: t[0].encode(t[1], errors="replace"))
CONTENT = st.one_of(ENCODED, st.binary(max_size=600),
                    st.tuples(ENCODED, st.binary(max_size=8), st.integers(0, 400)).map(
                        lambda t: t[0][: t[2]] + t[1] + t[0][t[2]:]))
NAME = st.one_of(
    st.from_regex(r"[A-Za-z0-9_]{1,12}\.txt", fullmatch=True).map(str.encode),
    st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\x00" not in b and b not in (b".", b"..")),
    st.sampled_from([b"..txt", b"...", b"a..b", b"back\\..\\slash.txt", b"new\nline", b"\xff\xfe.txt", b"-", b"x" * 250]),
)


def check(run, run_dir: Path, n_files: int) -> None:
    accounted = sum(r.kind == "input" for r in run.rejected)
    for d in run.docs:
        accounted += 1
        assert d.status in ("ok", "quarantined", "error")
        if d.status != "ok":
            assert d.error and ":" in d.error, (d.doc_id, d.error)
        assert d.status != "error", f"a stage raised on {d.doc_id}: {d.error}"
        recs = [json.loads(x) for x in (run_dir / "audit" / f"{d.doc_id}.jsonl").read_text(encoding="utf-8").splitlines()]
        expected = split_lines(d.text)
        assert [r["line"] for r in recs] == list(range(1, len(expected) + 1)), d.doc_id
        assert [r["text"] for r in recs] == [t.encode("utf-8", "replace").decode() for t in expected]
        for r in recs:
            assert r["action"] in ("keep", "drop", "repair", "merge") and r["reason"]
    assert accounted == n_files
    assert (run_dir.parent / "latest" / "manifest.json").is_file()


def run_files(files: list[tuple[bytes, bytes]]):
    tmp = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        inbox = tmp / "inbox"
        inbox.mkdir()
        written = 0
        for name, data in files:
            path = os.path.join(os.fsencode(inbox), name)
            if os.path.lexists(path):
                continue
            with open(path, "wb") as fh:
                fh.write(data)
            written += 1
        before = set(os.listdir(tmp))
        run = run_stages([str(inbox)], CFG)
        run_dir = write_run(tmp / "out", run)
        assert set(os.listdir(tmp)) - before == {"out"}, "something was written outside the output root"
        assert run_dir.parent == tmp / "out"
        check(run, run_dir, written)
        return run
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@SETTINGS
@given(st.lists(CONTENT, min_size=1, max_size=4))
def test_any_bytes_end_processed_or_quarantined_with_full_audit(contents):
    run_files([(f"doc{i}.txt".encode(), c) for i, c in enumerate(contents)])


@settings(SETTINGS, max_examples=12)
@given(st.lists(st.tuples(NAME, st.sampled_from([b"Hello.\n", b"", b"\xff\x00\x01"])), min_size=1, max_size=5))
def test_hostile_file_names_stay_inside_the_output_root(files):
    run = run_files(files)
    ids = [d.doc_id for d in run.docs]
    assert len(set(ids)) == len(ids)
    for i in ids:
        assert export._SAFE_NAME.fullmatch(i), i
        assert "/" not in i and "\\" not in i and not i.startswith(".") and len(i) <= 120


@pytest.mark.slow
def test_giants_are_quarantined_with_every_line_audited():
    """A 10 MB single line and a million empty lines: quarantined with a reason, never a stall,
    and the million lines each get their record."""
    run = run_files([(b"long.txt", b"word " * 2_000_000), (b"empty_lines.txt", b"\n" * 1_000_000)])
    by_id = {d.doc_id: d for d in run.docs}
    assert by_id["long"].status == "quarantined" and by_id["long"].error.startswith("line-too-long")
    assert by_id["empty_lines"].status == "quarantined" and len(by_id["empty_lines"].lines) == 1_000_000
