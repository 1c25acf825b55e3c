"""Speed of sentence segmentation (stage 7) with and without the pysbd compile cache, same run.

pysbd builds a new pattern string for every abbreviation and rule it applies and passes it to
``re``; with English, French and German abbreviation lists that overflows CPython's regex cache,
so patterns are compiled again and again. ``normalise.segment`` gives pysbd's modules a ``re``
with a larger compile cache (``pysbd_regex_cache``). This bench times ``split_sentences`` over
real paragraphs in the three languages (the text column of the boilerplate set's pages, lines
of 80+ characters; labels are not read) as a long run meets them: every timing starts from
empty caches, warms up on one half of the paragraphs (not timed), then times the OTHER half, so
no timed paragraph was seen before (pysbd also escapes each sentence into a one-off pattern that
no cache can save). Modes: cache off (pysbd as shipped, the baseline) and on, alternating
``--rounds`` times; every round checks that both modes give the same sentences.

Run::

    .venv/bin/python bench/segment_speed.py
    .venv/bin/python bench/segment_speed.py --rounds 5 --json bench/results/segment_speed.json

Prints lines/s and MB/min per mode (median over rounds) and the ratio on/off. Exit status 1 if the
two modes segment any timed line differently in any round.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from normalise.segment import _PYSBD_RE, _segmenter, pysbd_regex_cache, split_sentences  # noqa: E402

PAGES = ROOT / "bench" / "data" / "boilerplate" / "pages"


def paragraphs(min_chars: int = 80) -> list[tuple[str, str]]:
    """(text, lang) for every line of 80+ characters in the set's pages (labels are not read)."""
    out = []
    for f in sorted(PAGES.glob("*.tsv")):
        for row in f.read_text(encoding="utf-8").splitlines():
            text = row.split("\t")[1] if "\t" in row else ""
            if len(text) >= min_chars:
                out.append((text, f.name[:2]))
    return out


def timed(texts: list[tuple[str, str]]) -> tuple[float, list[list[str]]]:
    t0 = time.perf_counter()
    out = [split_sentences(t, lang) for t, lang in texts]
    return time.perf_counter() - t0, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="off/on alternations (default 3)")
    ap.add_argument("--json", help="write the figures as JSON")
    args = ap.parse_args(argv)
    base = paragraphs()
    warm, texts = base[0::2], base[1::2]  # warm-up half, timed half: no timed line seen before
    mb = sum(len(t.encode("utf-8")) for t, _ in texts) / 1e6
    for lang in {lang for _, lang in base}:
        _segmenter(lang)
    times: dict[str, list[float]] = {"off": [], "on": []}
    same = True
    for _ in range(args.rounds):
        outputs = {}
        for mode in ("off", "on"):
            pysbd_regex_cache(mode == "on")
            _PYSBD_RE.cache_clear()
            re.purge()
            timed(warm)
            secs, outputs[mode] = timed(texts)
            times[mode].append(secs)
        same = same and outputs["off"] == outputs["on"]
    pysbd_regex_cache(True)
    res = {"paragraphs_warm": len(warm), "paragraphs_timed": len(texts), "mb_timed": round(mb, 3),
           "rounds": args.rounds}
    print(f"{len(warm)} paragraphs to warm up, {len(texts)} other paragraphs timed ({mb:.2f} MB); "
          f"{args.rounds} rounds")
    for mode in ("off", "on"):
        med = statistics.median(times[mode])
        res[mode] = {"seconds": round(med, 3), "lines_per_s": round(len(texts) / med, 1),
                     "mb_per_min": round(mb / med * 60, 2)}
        label = "pysbd as shipped (baseline)" if mode == "off" else "with the compile cache"
        print(f"{label:30} {med:7.2f} s  {len(texts) / med:8.0f} lines/s  {mb / med * 60:6.2f} MB/min")
    res["speedup"] = round(res["off"]["seconds"] / res["on"]["seconds"], 2)
    res["identical"] = same
    print(f"speed-up {res['speedup']}x; identical sentences: {same}")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
