"""Speed of the cleaner (stages 1-4: decode, encoding repair, boilerplate, language id) on one core.

Generates a corpus of news-like scraped text (default 50 MB) from the seeds and the boilerplate
dev pages, shuffled and mutated so that no two documents are the same: paragraphs are sampled
from all pages, numbers and names are swapped, some lines get mojibake (UTF-8 read as cp1252),
NBSPs or zero-width spaces, chrome lines and duplicated captions are sprinkled in, and a share
of documents is encoded as cp1252 or UTF-16 instead of UTF-8. Each document goes through
``decode_bytes`` -> ``Document.from_text`` -> ``repair_document`` -> ``classify_documents``
(in runs of ``--chunk`` documents, as the pipeline batches them) -> ``identify_document``.

It reports MB of input per minute (wall clock and CPU time of this process), documents and lines
per second, the time spent per stage, and peak memory (``ru_maxrss``). The target of issue 3 is
>= 10 MB/min on one core. The run is single-threaded (``RAYON_NUM_THREADS=1`` is set before
lingua loads, so its Rust side stays on one core as well).

Run::

    .venv/bin/python bench/clean_speed.py              # 50 MB, the figure for the report
    .venv/bin/python bench/clean_speed.py --mb 5       # a quick look

Exit status 0 whether or not the target is met (a benchmark is not a test).
"""

from __future__ import annotations

import os

os.environ.setdefault("RAYON_NUM_THREADS", "1")

import argparse  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from normalise.boilerplate import BoilerplateConfig, classify_documents  # noqa: E402
from normalise.document import Document  # noqa: E402
from normalise.encoding import BinaryInput, EncodingConfig, decode_bytes, repair_document  # noqa: E402
from normalise.langid import LangIdConfig, identify_document  # noqa: E402

TARGET_MB_PER_MIN = 10.0

CHROME = [
    "Skip to content", "Share this article", "Follow us on Twitter", "Subscribe", "Read also",
    "Lire aussi", "Auch interessant", "Leave a Comment", "© 2024 Media Group. All rights reserved.",
    "Download the app", "Accept all cookies", "Home > World > Europe", "Advertisement", "Anzeige",
    "Publicité", "Check Also", "rm/dj (AFP, dpa)", "With AFP", "Image: Jane Doe/AFP", "Newsletter",
]


def source_lines() -> list[str]:
    """Non-empty lines of the seeds and the dev pages (the text column), as the material."""
    out: list[str] = []
    for f in sorted((ROOT / "seeds").glob("*.txt")):
        out += [ln for ln in f.read_text(encoding="utf-8").split("\n") if ln.strip()]
    pages = ROOT / "bench" / "data" / "boilerplate" / "pages"
    for f in sorted(pages.glob("*.tsv")):
        for row in f.read_text(encoding="utf-8").split("\n"):
            parts = row.split("\t")
            if len(parts) >= 2 and parts[1].strip():
                out.append(parts[1])
    return out


_NUM = re.compile(r"\d+")


def mutate(line: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        line = _NUM.sub(lambda m: str(rng.randint(1, 3000)), line)
    words = line.split(" ")
    if len(words) > 6 and rng.random() < 0.5:  # swap two words: no two documents alike
        i, j = rng.randrange(len(words)), rng.randrange(len(words))
        words[i], words[j] = words[j], words[i]
        line = " ".join(words)
    r = rng.random()
    if r < 0.03:
        try:
            line = line.encode("utf-8").decode("cp1252")  # mojibake for ftfy
        except UnicodeDecodeError:
            pass
    elif r < 0.06:
        line = line.replace(" ", "\u00a0", 2)
    elif r < 0.08:
        line = line.replace(" ", " \u200b", 1)
    return line


def make_document(pool: list[str], rng: random.Random, target_chars: int) -> bytes:
    lines: list[str] = []
    if rng.random() < 0.6:
        lines += rng.sample(CHROME, 3)
    size = 0
    while size < target_chars:
        ln = mutate(rng.choice(pool), rng)
        lines.append(ln)
        if rng.random() < 0.05:
            lines.append(ln)  # duplicated caption/paragraph
        if rng.random() < 0.08:
            lines.append(rng.choice(CHROME))
        lines.append("")
        size += len(ln) + 1
    if rng.random() < 0.5:
        lines += rng.sample(CHROME, 4)
    text = "\n".join(lines) + "\n"
    r = rng.random()
    if r < 0.1:
        return text.encode("cp1252", errors="replace")
    if r < 0.13:
        return text.encode("utf-16")
    return text.encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=50.0, help="corpus size in MB of input bytes (default 50)")
    ap.add_argument("--doc-kb", type=float, default=6.0, help="average document size in KB (default 6)")
    ap.add_argument("--chunk", type=int, default=100, help="documents per classify_documents run (default 100)")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    pool = source_lines()
    target = int(args.mb * 1_000_000)
    t0 = time.perf_counter()
    corpus: list[bytes] = []
    total = 0
    while total < target:
        doc = make_document(pool, rng, int(rng.uniform(0.3, 1.7) * args.doc_kb * 1000))
        corpus.append(doc)
        total += len(doc)
    gen_s = time.perf_counter() - t0
    print(f"generated {len(corpus)} documents, {total / 1e6:.1f} MB from {len(pool)} source lines in {gen_s:.1f} s")

    ecfg, bcfg, lcfg = EncodingConfig(), BoilerplateConfig(), LangIdConfig()
    stage = {"decode": 0.0, "repair": 0.0, "boilerplate": 0.0, "langid": 0.0}
    n_lines = 0
    dropped = 0
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    w0, c0 = time.perf_counter(), time.process_time()
    for start in range(0, len(corpus), args.chunk):
        docs = []
        t = time.perf_counter()
        for i, data in enumerate(corpus[start : start + args.chunk]):
            try:
                dec = decode_bytes(data, ecfg)
            except BinaryInput:
                continue
            docs.append(Document.from_text(f"doc{start + i}", dec.text, encoding=dec.encoding))
        t1 = time.perf_counter()
        for d in docs:
            repair_document(d, ecfg)
        t2 = time.perf_counter()
        classify_documents(docs, bcfg)
        t3 = time.perf_counter()
        for d in docs:
            identify_document(d, lcfg)
        t4 = time.perf_counter()
        stage["decode"] += t1 - t
        stage["repair"] += t2 - t1
        stage["boilerplate"] += t3 - t2
        stage["langid"] += t4 - t3
        for d in docs:
            n_lines += len(d.lines)
            dropped += sum(1 for r in d.lines if r.action == "drop")
    wall = time.perf_counter() - w0
    cpu = time.process_time() - c0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB

    mb = total / 1e6
    per_min_wall = mb / (wall / 60)
    per_min_cpu = mb / (cpu / 60)
    print()
    print(f"{'corpus':<28}{mb:>10.1f} MB   {len(corpus)} documents   {n_lines} lines")
    print(f"{'wall time':<28}{wall:>10.1f} s")
    print(f"{'CPU time (this process)':<28}{cpu:>10.1f} s")
    print(f"{'throughput (wall)':<28}{per_min_wall:>10.1f} MB/min   target >= {TARGET_MB_PER_MIN:.0f}   "
          f"{'MET' if per_min_wall >= TARGET_MB_PER_MIN else 'NOT MET'}")
    print(f"{'throughput (CPU)':<28}{per_min_cpu:>10.1f} MB/min")
    print(f"{'documents / s (wall)':<28}{len(corpus) / wall:>10.1f}")
    print(f"{'lines / s (wall)':<28}{n_lines / wall:>10.0f}")
    print(f"{'lines dropped':<28}{dropped / max(1, n_lines):>10.1%}")
    print(f"{'peak memory (ru_maxrss)':<28}{peak_mb:>10.0f} MB   (before the run: {rss_before / 1024:.0f} MB, "
          f"includes the generated corpus)")
    print()
    print(f"{'stage':<16}{'seconds':>10}{'share':>8}{'MB/min':>10}")
    for k, v in stage.items():
        print(f"{k:<16}{v:>10.1f}{v / max(wall, 1e-9):>8.0%}{mb / (v / 60) if v else float('inf'):>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
