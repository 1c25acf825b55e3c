"""Fuzz benchmark: the library pipeline (``run_stages`` + ``export.write_run``, translation off)
over thousands of generated hostile documents.

Every document is generated from a seeded ``random.Random`` (rerunning with the same ``--seed``
rebuilds the same corpus) from one of these kinds (``KINDS``): random bytes, invalid UTF-8, UTF-16
without a BOM (little- and big-endian), NUL bytes inside text, right-to-left text with combining
marks and bidi controls, mixed scripts, zero-width characters, HTML left in, C0/C1 control
characters, CR-only and mixed line ends, mutated news-like text, hostile file names (spaces,
``..``, backslashes, a newline, non-UTF-8 bytes, 240 characters), plus the giants, once each: a
10 MB single line and a million empty lines, and a few special files (a FIFO, a symlink out of the
inbox, an empty file).

Documents are written into an inbox per batch (``--batch``, a few hundred) and each batch is one
run (cross-document stages see the whole batch, as in production). For every input it checks:

* it was refused at discovery (with an ``input:*`` reason), or ended ``ok``, ``quarantined`` or
  ``error`` with an ``error`` text (``error`` means a stage raised on that document: the run
  isolated it, but it is a bug in that stage and is listed);
* its audit file has one record per input line, numbered from 1 as ``split_lines`` gives them,
  with the raw line as ``text`` and a valid action and reason (DESIGN.md);
* nothing was written outside the output root, and ``latest`` points at a complete run.

A *crash* is an exception escaping ``run_stages`` or ``write_run`` (the whole batch lost): it is
printed with its traceback and the batch's inputs are kept under ``--keep`` for replay.

Run::

    .venv/bin/python bench/fuzz.py                       # 10,000 documents, batches of 250
    .venv/bin/python bench/fuzz.py -n 500 --no-giants    # a quick look
    .venv/bin/python bench/fuzz.py --json bench/results/fuzz.json

Prints documents/s, outcomes by status and reason, stage errors, audit violations and crashes.
Exit status 0 whenever the benchmark ran (a benchmark is not a test; tests/test_fuzz.py is).

Not done: the translation stage is not fuzzed here (translate off); files are generated, not
taken from real scrapes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

# bench/ is sys.path[0] for a script, and its modules are named for the stages they measure, so
# one could shadow a package of the same name (bench/translate.py once shadowed translate-toolkit's
# ``translate``, the TMX writer; it is bench/translation.py now): take bench/ off the path, put the
# project root on it.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

from normalise.config import PipelineConfig  # noqa: E402
from normalise.document import split_lines  # noqa: E402
from normalise.export import write_run  # noqa: E402
from normalise.pipeline import run_stages  # noqa: E402

NEWS = [
    "The minister said on Tuesday that the operation would continue in the north of the country.",
    "Operation Barkhane forces left Gao in August, according to the French army.",
    "Le président de la transition a reçu les représentants de la CEDEAO à Bamako.",
    "Die Bundeswehr beteiligt sich an der Mission MINUSMA in Mali.",
    "Skip to content", "Share on Facebook", "Check Also", "Photo: AFP", "Read more",
    "Journalists , of the agency reported that the convoy was attacked .",
    "The the sentence was echoed. The the sentence was echoed.",
]
SCRIPTS = ["Hello world", "Привет мир", "مرحبا بالعالم", "שלום עולם", "你好世界", "こんにちは", "नमस्ते दुनिया",
           "Γειά σου κόσμε", "안녕하세요", "สวัสดีชาวโลก", "Xin chào thế giới", "Selam dünya"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"]
COMBINING = [chr(c) for c in range(0x0300, 0x036F)]


def _news(rng: random.Random, n: int | None = None) -> str:
    return "\n".join(rng.choice(NEWS) for _ in range(n or rng.randint(1, 30))) + rng.choice(["", "\n", "\n\n"])


def g_random_bytes(rng):
    return rng.randbytes(rng.randint(1, 4000))


def g_invalid_utf8(rng):
    data = bytearray(_news(rng).encode("utf-8"))
    for _ in range(rng.randint(1, 20)):
        pos = rng.randrange(len(data) + 1)
        data[pos:pos] = rng.choice([b"\xff", b"\xfe", b"\xc3", b"\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe9"])
    return bytes(data)


def g_utf16_nobom(rng):
    return _news(rng).encode(rng.choice(["utf-16-le", "utf-16-be"]))


def g_nul_bytes(rng):
    text = _news(rng)
    parts = [text[i:i + rng.randint(1, 40)] for i in range(0, len(text), 40)]
    return b"\x00".join(p.encode("utf-8") for p in parts)


def g_rtl_combining(rng):
    lines = []
    for _ in range(rng.randint(1, 20)):
        s = rng.choice(SCRIPTS[2:4]) + " " + rng.choice(NEWS)
        s = "".join(c + "".join(rng.choice(COMBINING) for _ in range(rng.choice([0, 0, 1, 5, 30]))) for c in s[:80])
        lines.append(rng.choice(BIDI) + s + rng.choice(BIDI))
    return "\n".join(lines).encode("utf-8")


def g_mixed_scripts(rng):
    return "\n".join(" ".join(rng.choice(SCRIPTS + NEWS) for _ in range(rng.randint(1, 8)))
                     for _ in range(rng.randint(1, 25))).encode("utf-8")


def g_zero_width(rng):
    text = _news(rng)
    return "".join(c + (rng.choice(ZERO_WIDTH) if rng.random() < 0.2 else "") for c in text).encode("utf-8")


def g_html(rng):
    tags = ["<div class='nav'>", "</div>", "<p>", "</p>", "<script>var x = '<p>';</script>", "<!-- c -->", "<br/>",
            "&nbsp;", "&amp;", "&#x27;", "<a href=\"/x\">", "</a>", "<style>p{}</style>", "<![CDATA[x]]>"]
    out = []
    for _ in range(rng.randint(1, 30)):
        out.append(rng.choice(tags) + rng.choice(NEWS) + rng.choice(tags))
    return "\n".join(out).encode(rng.choice(["utf-8", "latin-1", "cp1252"]), errors="replace")


def g_control_chars(rng):
    ctrl = [chr(c) for c in list(range(1, 32)) + list(range(0x7F, 0xA0)) if chr(c) != "\n"]
    text = _news(rng)
    return "".join(c + (rng.choice(ctrl) if rng.random() < 0.1 else "") for c in text).encode("utf-8")


def g_line_ends(rng):
    text = _news(rng)
    return text.replace("\n", rng.choice(["\r", "\r\n", "\n\r", "\u2028", "\x85", "\x0b\x0c"])).encode("utf-8")


def g_mutated_news(rng):
    data = bytearray(_news(rng).encode(rng.choice(["utf-8", "latin-1", "cp1252", "utf-16"]), errors="replace"))
    for _ in range(rng.randint(0, 10)):
        op = rng.random()
        pos = rng.randrange(len(data) + 1)
        if op < 0.4 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif op < 0.7:
            data[pos:pos] = rng.randbytes(rng.randint(1, 8))
        else:
            del data[pos:pos + rng.randint(1, 8)]
    return bytes(data)


def g_mojibake(rng):
    return _news(rng).encode("utf-8").decode("latin-1").encode("utf-8")


KINDS = {
    "random_bytes": g_random_bytes, "invalid_utf8": g_invalid_utf8, "utf16_nobom": g_utf16_nobom,
    "nul_bytes": g_nul_bytes, "rtl_combining": g_rtl_combining, "mixed_scripts": g_mixed_scripts,
    "zero_width": g_zero_width, "html": g_html, "control_chars": g_control_chars, "line_ends": g_line_ends,
    "mutated_news": g_mutated_news, "mojibake": g_mojibake,
}

HOSTILE_NAMES = [b"a b (copy).txt", b"..weird..txt", b"back\\slash\\..\\x.txt", b"new\nline.txt", b"\xff\xfename.txt",
                 b"-rf.txt", "é\u202etxt.exe".encode("utf-8"), b"x" * 240 + b".txt", b"CON.txt", b"a:b?.txt"]


def file_name(rng: random.Random, i: int, kind: str) -> bytes:
    if rng.random() < 0.05:
        return f"{i:05d}_".encode() + rng.choice(HOSTILE_NAMES)
    return f"{i:05d}_{kind}.txt".encode()


def write_batch(inbox: Path, docs: list[tuple[bytes, bytes, str]]) -> None:
    inbox.mkdir(parents=True)
    for name, data, _kind in docs:
        fd = os.open(os.path.join(os.fsencode(inbox), name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)


def check_batch(run, run_dir: Path, n_files: int, tmp: Path,
                kind_of: dict[str, str]) -> tuple[Counter, Counter, list[str], Counter]:
    """Outcomes (status:reason), stage errors, audit violations and (kind, outcome) counts of one
    batch; ``kind_of`` maps an input path to the generator that made it."""
    by_kind: Counter = Counter()
    outcomes: Counter = Counter()
    errors: Counter = Counter()
    violations: list[str] = []
    for r in run.rejected:
        if r.kind == "input":
            outcomes[f"refused:{r.reason}"] += 1
            by_kind[(kind_of.get(os.path.basename(r.id), "?"), f"refused:{r.reason}")] += 1
    for d in run.docs:
        if d.status == "ok":
            outcome = "ok"
        elif d.status in ("quarantined", "error") and d.error:
            outcome = f"{d.status}:{d.error.split(':', 1)[0]}"
            if d.status == "error":
                errors[d.error[:160]] += 1
        else:
            outcome = f"unclear:{d.status}"
            violations.append(f"{d.doc_id}: status {d.status!r} without a clear error ({d.error!r})")
        outcomes[outcome] += 1
        by_kind[(kind_of.get(os.path.basename(d.source), "?"), outcome)] += 1
        audit = run_dir / "audit" / f"{d.doc_id}.jsonl"
        try:
            recs = [json.loads(x) for x in audit.read_text(encoding="utf-8").splitlines()]
        except (OSError, ValueError) as e:
            violations.append(f"{d.doc_id}: audit unreadable ({e})")
            continue
        expected = split_lines(d.text)
        if [r.get("line") for r in recs] != list(range(1, len(expected) + 1)):
            violations.append(f"{d.doc_id}: {len(recs)} audit records for {len(expected)} lines")
        elif [r.get("text") for r in recs] != [t.encode("utf-8", "replace").decode("utf-8") for t in expected]:
            violations.append(f"{d.doc_id}: audit text differs from the decoded input lines")
        for r in recs:
            if r.get("action") not in ("keep", "drop", "repair", "merge") or not r.get("reason"):
                violations.append(f"{d.doc_id}: line {r.get('line')} has action {r.get('action')!r} reason {r.get('reason')!r}")
                break
    accounted = sum(outcomes.values())
    if accounted != n_files:
        violations.append(f"batch: {n_files} files written, {accounted} accounted for")
    outside = [p for p in tmp.iterdir() if p.name not in ("inbox", "out", "secret.txt")]
    if outside:
        violations.append(f"written outside the output root: {outside}")
    latest = run_dir.parent / "latest"
    if not (latest / "manifest.json").is_file():
        violations.append("latest does not point at a complete run")
    return outcomes, errors, violations, by_kind


def giants() -> list[tuple[str, bytes]]:
    return [("giant_10mb_line", ("Le président a parlé. " * 460_000)[:10_000_000].encode("utf-8")),
            ("giant_million_empty_lines", b"\n" * 1_000_000)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=10_000, help="documents in all (default 10,000; giants included)")
    ap.add_argument("--batch", type=int, default=250, help="documents per run (default 250)")
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--no-giants", action="store_true", help="leave out the 10 MB line and the million empty lines")
    ap.add_argument("--keep", default="", help="directory to keep the inputs of crashed batches in")
    ap.add_argument("--json", default="", help="write the results here too")
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    kinds = sorted(KINDS)
    specials = [] if args.no_giants else giants()
    n_plain = max(0, args.n - len(specials) - 3)
    cfg = PipelineConfig(translate="off")
    by_kind: Counter = Counter()
    outcomes: Counter = Counter()
    errors: Counter = Counter()
    violations: list[str] = []
    crashes: list[str] = []
    seconds = 0.0
    done = 0
    batch_times: list[float] = []

    kind_outcomes: Counter = Counter()

    def one_batch(docs: list[tuple[bytes, bytes, str]], extra=None) -> None:
        nonlocal seconds, done
        tmp = Path(tempfile.mkdtemp(prefix="fuzz-"))
        try:
            write_batch(tmp / "inbox", docs)
            n_files = len(docs)
            if extra:
                n_files += extra(tmp)
            t0 = time.perf_counter()
            try:
                run = run_stages([str(tmp / "inbox")], cfg)
                run_dir = write_run(tmp / "out", run)
            except Exception:
                crashes.append(traceback.format_exc())
                if args.keep:
                    shutil.copytree(tmp / "inbox", Path(args.keep) / tmp.name, symlinks=True)
                return
            finally:
                dt = time.perf_counter() - t0
                seconds += dt
                batch_times.append(dt)
                done += n_files
            kind_of = {os.fsdecode(n): k for n, _, k in docs}
            kind_of.update({"zz_symlink_out.txt": "special_symlink_out", "zz_fifo.txt": "special_fifo",
                            "zz_empty.txt": "special_empty"})
            o, e, v, bk = check_batch(run, run_dir, n_files, tmp, kind_of)
            kind_outcomes.update(bk)
            outcomes.update(o)
            errors.update(e)
            violations.extend(v)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(f"  {done:>6} documents, {seconds:7.1f} s in the pipeline, {len(crashes)} crashes", file=sys.stderr)

    def special_files(tmp: Path) -> int:
        inbox = tmp / "inbox"
        (tmp / "secret.txt").write_text("outside the inbox\n")
        os.symlink(tmp / "secret.txt", inbox / "zz_symlink_out.txt")
        os.mkfifo(inbox / "zz_fifo.txt")
        (inbox / "zz_empty.txt").write_bytes(b"")
        by_kind.update(["special_symlink_out", "special_fifo", "special_empty"])
        return 3

    giant_times: dict[str, float] = {}
    i = 0
    first = True
    while i < n_plain:
        docs = []
        for _ in range(min(args.batch, n_plain - i)):
            kind = kinds[i % len(kinds)]
            docs.append((file_name(rng, i, kind), KINDS[kind](rng), kind))
            by_kind[kind] += 1
            i += 1
        if first:
            # the special files share the first batch; their secret.txt lies outside the inbox
            one_batch(docs, extra=special_files)
            first = False
            continue
        one_batch(docs)
    for name, data in specials:
        by_kind[name] += 1
        t0 = time.perf_counter()
        one_batch([(f"{name}.txt".encode(), data, name)])
        giant_times[name] = time.perf_counter() - t0
    outcomes_fixed = outcomes

    rate = done / seconds if seconds else 0.0
    print(f"\nfuzz: {done} documents in {seconds:.1f} s of pipeline time = {rate:.1f} documents/s "
          f"({len(batch_times)} runs, slowest {max(batch_times, default=0):.1f} s)")
    outs = sorted({o for _, o in kind_outcomes})
    print("\n| kind | documents | " + " | ".join(outs) + " |\n|---|---|" + "---|" * len(outs))
    for k, v in sorted(by_kind.items()):
        print(f"| {k} | {v} | " + " | ".join(str(kind_outcomes.get((k, o), "")) for o in outs) + " |")
    for name, t in giant_times.items():
        print(f"{name}: {t:.1f} s for the whole batch (generation excluded)")
    print("\n| outcome (status:reason) | documents |\n|---|---|")
    for k, v in sorted(outcomes_fixed.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"| {k} | {v} |")
    print(f"\ncrashes (exceptions escaping run_stages/write_run): {len(crashes)}")
    for c in crashes[:5]:
        print(c)
    print(f"stage errors (a stage raised on one document; isolated by the pipeline, still a bug): {sum(errors.values())}")
    for k, v in errors.most_common(15):
        print(f"  {v:5d}  {k}")
    print(f"audit/accounting violations: {len(violations)}")
    for v in violations[:20]:
        print(f"  {v}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({
            "documents": done, "seconds": round(seconds, 2), "docs_per_s": round(rate, 2), "kinds": dict(by_kind),
            "kind_outcomes": {f"{k}|{o}": v for (k, o), v in sorted(kind_outcomes.items())},
            "giant_seconds": {k: round(v, 2) for k, v in giant_times.items()},
            "outcomes": dict(outcomes_fixed), "crashes": crashes, "stage_errors": dict(errors),
            "violations": violations, "seed": args.seed, "batch": args.batch}, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
