"""Inter-annotator agreement on the boilerplate set: how far two careful readers agree, line by line.

A second annotator labelled a sample of the set's pages again, independently (the rules they
followed are in ``bench/data/boilerplate/agreement/README.md``): from the page's text alone, the
same input the classifier gets, with the labelling guidelines of PROVENANCE.md and without seeing
the first labels or the classifier. This script compares, on the same lines:

- annotator B against the gold labels (annotator A): the ceiling a text-only reader reaches on
  this labelling task, as keep-F1 and drop precision (the issue's measures) and Cohen's kappa;
- the classifier against A, and against B, on the same pages, so the gap is read on one sample;
- every disagreement between A and B, with both labels and details (``--list``).

Run::

    .venv/bin/python bench/agreement.py            # figures
    .venv/bin/python bench/agreement.py --list     # and each line the two annotators label differently
    .venv/bin/python bench/agreement.py --no-classifier

Exit status 0 when it ran, 2 when a second-annotation file does not match its page (different
line count or text: the sample must be the same lines) or cannot be parsed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# the bench module by path: ``bench/`` is not a package and ``boilerplate`` is also a module of
# ``normalise``; loading it by file keeps the two apart
_spec = importlib.util.spec_from_file_location("bench_boilerplate", ROOT / "bench" / "boilerplate.py")
bb = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("bench_boilerplate", bb)
_spec.loader.exec_module(bb)

AGREEMENT_DIR = bb.DATA_DIR / "agreement"


def load_second(pages: dict[str, Any], agreement_dir: Path = AGREEMENT_DIR) -> dict[str, list[Any]]:
    """The second annotation, per page id. Each file must have exactly the lines of its page."""
    out: dict[str, list[Any]] = {}
    files = sorted(agreement_dir.glob("*.tsv"))
    if not files:
        raise bb.DevSetError(f"no second-annotation files under {agreement_dir}")
    for f in files:
        if f.stem not in pages:
            raise bb.DevSetError(f"{f.name}: no page {f.stem} in the boilerplate set")
        second = bb.parse_page_file(f)
        gold = pages[f.stem].lines
        if len(second) != len(gold):
            raise bb.DevSetError(f"{f.name}: {len(second)} lines, the page has {len(gold)}")
        for n, (a, b) in enumerate(zip(gold, second), start=1):
            # same text on both sides, and the parser ties 'empty' to blank text: so both
            # annotations score exactly the same lines
            if a.text != b.text:
                raise bb.DevSetError(f"{f.name}:{n}: text differs from the page's line")
        out[f.stem] = second
    return out


def kappa(c: "bb.Confusion") -> float | None:
    """Cohen's kappa of two binary labellings given as a confusion table (keep = positive)."""
    n = c.lines
    if not n:
        return None
    po = (c.tp + c.tn) / n
    pe = ((c.tp + c.fn) / n) * ((c.tp + c.fp) / n) + ((c.fp + c.tn) / n) * ((c.fn + c.tn) / n)
    return None if pe == 1 else (po - pe) / (1 - pe)


def figures(c: "bb.Confusion") -> dict[str, Any]:
    """keep-F1 etc. as ``bench/boilerplate.py`` reports them, plus agreement and kappa."""
    d = c.figures()
    d["agreement"] = (c.tp + c.tn) / c.lines if c.lines else None
    d["kappa"] = kappa(c)
    return d


def compare(pages: dict[str, Any], second: dict[str, list[Any]],
            predicted: dict[tuple[str, int], bool] | None) -> dict[str, Any]:
    """Confusions of B vs A, classifier vs A and classifier vs B over the sampled pages' lines."""
    b_vs_a, c_vs_a, c_vs_b = bb.Confusion(), bb.Confusion(), bb.Confusion()
    per_lang: dict[str, Any] = {}
    disagreements = []
    for pid, rows in sorted(second.items()):
        page = pages[pid]
        lang = per_lang.setdefault(page.lang, bb.Confusion())
        for n, (a, b) in enumerate(zip(page.lines, rows), start=1):
            if a.label == "empty":
                continue
            b_vs_a.add(a.label, b.label == "content")
            lang.add(a.label, b.label == "content")
            if a.label != b.label:
                disagreements.append({"page": pid, "line": n, "a": f"{a.label}/{a.detail or '-'}",
                                      "b": f"{b.label}/{b.detail or '-'}", "text": a.text})
            if predicted is not None:
                kept = predicted[(pid, n)]
                c_vs_a.add(a.label, kept)
                c_vs_b.add(b.label, kept)
    out = {"pages": len(second), "lines": b_vs_a.lines,
           "b_vs_a": figures(b_vs_a), "per_lang_b_vs_a": {k: figures(v) for k, v in sorted(per_lang.items())},
           "disagreements": disagreements,
           "by_pair": Counter(f"{d['a']} -> {d['b']}" for d in disagreements).most_common()}
    if predicted is not None:
        out["classifier_vs_a"] = figures(c_vs_a)
        out["classifier_vs_b"] = figures(c_vs_b)
    return out


def _row(name: str, f: dict[str, Any]) -> str:
    def v(x: float | None) -> str:
        return "   -  " if x is None else f"{x:6.3f}"
    return (f"{name:28} {v(f['keep_precision'])} {v(f['keep_recall'])} {v(f['keep_f1'])} "
            f"{v(f['drop_precision'])} {v(f['drop_recall'])} {v(f['agreement'])} {v(f['kappa'])}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", action="store_true", help="print every line the annotators label differently")
    ap.add_argument("--no-classifier", action="store_true", help="annotators only (no cleaner run)")
    ap.add_argument("--json", help="write the figures as JSON")
    args = ap.parse_args(argv)
    try:
        all_pages = bb.load_dev_set()
        pages = {p.page_id: p for p in all_pages}
        second = load_second(pages)
    except bb.DevSetError as exc:
        print(f"agreement: {exc}", file=sys.stderr)
        return 2
    predicted = None
    if not args.no_classifier:
        # all pages are cleaned together, as in bench/boilerplate.py, so cross-document evidence
        # is the same as there; only the sampled pages are scored
        docs, _ = bb.run_cleaner(all_pages)
        predicted = {(r.page_id, r.line): r.kept for r in bb.results_for(all_pages, docs)}
    res = compare(pages, second, predicted)
    splits = Counter(pages[p].split for p in second)
    print(f"second annotation: {res['pages']} pages ({', '.join(f'{k} {v}' for k, v in sorted(splits.items()))}), "
          f"{res['lines']} scored lines")
    print(f"\n{'':28}  keepP  keepR keepF1  dropP  dropR  agree  kappa")
    print(_row("annotator B vs gold (A)", res["b_vs_a"]))
    for lang, f in res["per_lang_b_vs_a"].items():
        print(_row(f"  lang={lang}", f))
    if predicted is not None:
        print(_row("classifier vs A", res["classifier_vs_a"]))
        print(_row("classifier vs B", res["classifier_vs_b"]))
    print(f"\n{len(res['disagreements'])} lines labelled differently (A -> B):")
    for pair, n in res["by_pair"]:
        print(f"  {n:3d}  {pair}")
    if args.list:
        for d in res["disagreements"]:
            print(f"  {d['page']}:{d['line']}  {d['a']:28} {d['b']:28} {d['text'][:80]}")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
