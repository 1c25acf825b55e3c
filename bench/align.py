"""Quality of sentence and document alignment against bench/data/align (not a test).

    .venv/bin/python bench/align.py            # table of strict P/R/F1 per set and overall
    .venv/bin/python bench/align.py --errors   # also list every wrong bead

Sets:
* ``real-dev``: 11 English/French press releases published in both languages, hand-aligned
  (bench/data/align/gold.jsonl, provenance in bench/data/align/PROVENANCE.md); looked at while
  the weights were set.
* ``real-held``: 2 more (another publisher, business news), aligned by hand before the aligner
  ever ran on them and never used for tuning.
* ``synthetic``: built here, deterministically (seeded), from the 1-1 beads of the dev set:
  sentences of several documents are pooled into new documents, then edited to create known
  1-0 / 0-1 (a sentence dropped on one side, an unrelated sentence inserted), 2-1 / 1-2 (two
  consecutive sentences joined on one side) beads.

* ``+chrome`` (not in ``overall``): every real pair again with three lines of web chrome
  inserted at random places on each side (English lines from seeds/, French ones typical site
  chrome typed by hand); never used for tuning.

Metrics (strict: a predicted bead counts only when it equals a gold bead exactly):
* ``beads``: every bead, including 1-0/0-1;
* ``non-null``: only beads with sentences on both sides (what becomes a pair);
* ``links``: sentence-pair links (i, j) implied by non-null beads, precision/recall over links.

Also: document alignment over the real set (10 English vs 10 French documents, several on the
same topic), and a length-only Gale-Church baseline in the same run for comparison.
Exit status 0 whatever the figures (a benchmark, not a test).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from normalise.align import AlignConfig, align_documents, align_sentences  # noqa: E402
from normalise.document import Document, Pair  # noqa: E402
from normalise.pairs import PairConfig, check_pairs  # noqa: E402

DATA = ROOT / "bench" / "data" / "align"

Bead = tuple[tuple[int, ...], tuple[int, ...]]


def load_real() -> list[dict]:
    with open(DATA / "gold.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def synthetic(real: list[dict], n_docs: int = 12, size: int = 12, seed: int = 7) -> list[dict]:
    """Documents made of pooled 1-1 pairs with known edits (see module docstring)."""
    rng = random.Random(seed)
    pairs = [(d["en"][b[0][0]], d["fr"][b[1][0]]) for d in real for b in d["beads"]
             if len(b[0]) == 1 and len(b[1]) == 1]
    out = []
    for k in range(n_docs):
        chosen = rng.sample(pairs, size)
        en: list[str] = []
        fr: list[str] = []
        beads: list[list[list[int]]] = []
        i = 0
        while i < len(chosen):
            e, f = chosen[i]
            op = rng.random()
            if op < 0.10:  # English sentence without translation
                beads.append([[len(en)], []])
                en.append(e)
            elif op < 0.20:  # French sentence without translation
                beads.append([[], [len(fr)]])
                fr.append(f)
            elif op < 0.30 and i + 1 < len(chosen):  # two English sentences, one French
                e2, f2 = chosen[i + 1]
                beads.append([[len(en), len(en) + 1], [len(fr)]])
                en.extend([e, e2])
                fr.append(f + " " + f2)
                i += 1
            elif op < 0.40 and i + 1 < len(chosen):  # one English sentence, two French
                e2, f2 = chosen[i + 1]
                beads.append([[len(en)], [len(fr), len(fr) + 1]])
                en.append(e + " " + e2)
                fr.extend([f, f2])
                i += 1
            else:
                beads.append([[len(en)], [len(fr)]])
                en.append(e)
                fr.append(f)
            i += 1
        out.append({"doc": f"syn{k:02d}", "set": "synthetic", "en": en, "fr": fr, "beads": beads})
    return out


# Web chrome left in by scraping. English: lines of the project's seeds/ (scraped pages, kept
# verbatim there); French: typical French site chrome, typed by hand (no French seed exists).
CHROME_EN = ["Accessibility links", "Breaking News", "1. Skip to content", "2. Skip to main menu",
             "3. Skip to more DW sites", "https://p.dw.com/p/4Al33", "May 3, 2022", "ConflictsMali"]
CHROME_FR = ["Aller au contenu principal", "Partager", "Lire aussi", "Publicité",
             "Abonnez-vous à notre infolettre", "Accueil > Actualités", "Temps de lecture : 2 min"]


def with_chrome(docs: list[dict], per_side: int = 3, seed: int = 11) -> list[dict]:
    """The same documents with ``per_side`` chrome lines inserted at random places on each side
    (gold: each a 1-0 or 0-1 bead; the original beads shifted)."""
    rng = random.Random(seed)
    out = []
    for d in docs:
        beads = [(list(e), list(f)) for e, f in d["beads"]]
        # Insert as new null beads between existing beads, then renumber both sides.
        for side, pool in ((0, CHROME_EN), (1, CHROME_FR)):
            for text in rng.sample(pool, per_side):
                at = rng.randrange(len(beads) + 1)
                beads.insert(at, ([text], []) if side == 0 else ([], [text]))
        en: list[str] = []
        fr: list[str] = []
        new_beads = []
        for e, f in beads:
            ne = []
            for x in e:
                en.append(x if isinstance(x, str) else d["en"][x])
                ne.append(len(en) - 1)
            nf = []
            for y in f:
                fr.append(y if isinstance(y, str) else d["fr"][y])
                nf.append(len(fr) - 1)
            new_beads.append([ne, nf])
        out.append({"doc": d["doc"] + "+chrome", "set": "chrome", "en": en, "fr": fr, "beads": new_beads})
    return out


def as_beads(raw: list) -> set[Bead]:
    return {(tuple(e), tuple(f)) for e, f in raw}


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def links(beads: set[Bead]) -> set[tuple[int, int]]:
    return {(i, j) for e, f in beads for i in e for j in f}


def evaluate(docs: list[dict], cfg: AlignConfig, show_errors: bool = False) -> dict[str, list[int]]:
    """Counts per metric: [tp, n_pred, n_gold]."""
    c = {"beads": [0, 0, 0], "non-null": [0, 0, 0], "links": [0, 0, 0]}
    for d in docs:
        gold = as_beads(d["beads"])
        pred = {(b.en, b.fr) for b in align_sentences(d["en"], d["fr"], cfg=cfg)}
        for name, g, p in (
            ("beads", gold, pred),
            ("non-null", {b for b in gold if b[0] and b[1]}, {b for b in pred if b[0] and b[1]}),
            ("links", links(gold), links(pred)),
        ):
            c[name][0] += len(g & p)
            c[name][1] += len(p)
            c[name][2] += len(g)
        if show_errors:
            for b in sorted(pred - gold):
                print(f"  {d['doc']}: predicted {list(b[0])}-{list(b[1])} not in gold")
            for b in sorted(gold - pred):
                print(f"  {d['doc']}: missed gold {list(b[0])}-{list(b[1])}")
    return c


def doc_alignment(real: list[dict]) -> tuple[int, int, int]:
    en = [Document.from_text(d["doc"] + ".en", "\n".join(d["en"]) + "\n", lang="en") for d in real]
    fr = [Document.from_text(d["doc"] + ".fr", "\n".join(d["fr"]) + "\n", lang="fr") for d in real]
    matches = align_documents(en, fr, {})
    good = sum(m.en_doc[:-3] == m.fr_doc[:-3] for m in matches)
    return good, len(matches), len(real)


def doc_alignment_pairwise(real: list[dict]) -> tuple[int, int, int, int]:
    """Every English document against every French one, one pair per run (the smallest run
    the pipeline can get): (right pairs matched, right pairs, wrong pairs matched, wrong pairs)."""
    en = [Document.from_text(d["doc"] + ".en", "\n".join(d["en"]) + "\n", lang="en") for d in real]
    fr = [Document.from_text(d["doc"] + ".fr", "\n".join(d["fr"]) + "\n", lang="fr") for d in real]
    right = wrong = n_right = n_wrong = 0
    for e in en:
        for f in fr:
            hit = bool(align_documents([e], [f], {}))
            if e.doc_id[:-3] == f.doc_id[:-3]:
                n_right += 1
                right += hit
            else:
                n_wrong += 1
                wrong += hit
    return right, n_right, wrong, n_wrong


def pair_checks(real: list[dict]) -> None:
    """Pair checks on the gold pairs of the real set (true translations: should be kept) and on
    the same sentences paired with the next bead's French (misaligned: should be caught)."""
    from collections import Counter

    true_pairs, wrong_pairs = [], []
    for d in real:
        beads = [b for b in d["beads"] if b[0] and b[1]]
        for k, (e, f) in enumerate(beads):
            en = " ".join(d["en"][i] for i in e)
            true_pairs.append(Pair(f"{d['doc']}:{k}", en, " ".join(d["fr"][j] for j in f), "aligned", d["doc"], "en"))
            if k + 1 < len(beads):
                f2 = beads[k + 1][1]
                wrong_pairs.append(Pair(f"{d['doc']}:{k}x", en, " ".join(d["fr"][j] for j in f2), "aligned",
                                        d["doc"], "en"))
    print("\npair checks (PairConfig defaults) on gold pairs of the real set:")
    for name, pairs in (("true pairs", true_pairs), ("misaligned pairs", wrong_pairs)):
        kept, rejected = check_pairs(pairs, PairConfig())
        flagged = sum(1 for p in kept if p.flags)
        reasons = Counter(r.reason for r in rejected)
        flags = Counter(f for p in kept for f in p.flags)
        print(f"  {name:<17} n={len(pairs):>3}  kept clean {len(kept) - flagged:>3}  kept flagged {flagged:>3}  "
              f"rejected {len(rejected):>3}  reasons {dict(reasons)}  flags {dict(flags)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--errors", action="store_true", help="list wrong and missed beads")
    args = ap.parse_args()
    real = load_real()
    dev = [d for d in real if not d.get("held_out")]
    held = [d for d in real if d.get("held_out")]
    syn = synthetic(dev)  # from the dev documents only, so nothing of the held-out set leaks
    chrome = with_chrome(real)
    sets = {"real-dev": dev, "real-held": held, "synthetic": syn, "overall": real + syn,
            "+chrome": chrome}
    systems = {
        "align (no MT)": AlignConfig(),
        # Baseline: the same DP scoring sentence length only (no lexical evidence anywhere).
        "length only (Gale-Church)": replace(AlignConfig(), length_weight=1.0, orphan_penalty=0.0),
    }
    print(f"gold: {len(dev)} real dev document pairs ({sum(len(d['beads']) for d in dev)} beads), "
          f"{len(held)} real held-out ({sum(len(d['beads']) for d in held)} beads), "
          f"{len(syn)} synthetic ({sum(len(d['beads']) for d in syn)} beads)\n")
    header = f"{'system':<27} {'set':<10} {'metric':<9} {'P':>6} {'R':>6} {'F1':>6}  {'tp/pred/gold':>14}"
    print(header)
    print("-" * len(header))
    timings: dict[str, float] = {}
    for sys_name, cfg in systems.items():
        t0 = time.perf_counter()
        evaluate(sets["overall"], cfg)
        timings[sys_name] = time.perf_counter() - t0
        for set_name, docs in sets.items():
            counts = evaluate(docs, cfg, show_errors=args.errors and set_name != "overall"
                              and sys_name.startswith("align"))
            for metric, (tp, npred, ngold) in counts.items():
                p, r, f = prf(tp, npred, ngold)
                print(f"{sys_name:<27} {set_name:<10} {metric:<9} {p:6.3f} {r:6.3f} {f:6.3f}  "
                      f"{tp:>4}/{npred:>4}/{ngold:>4}")
        print()
    n_sents = sum(len(d["en"]) + len(d["fr"]) for d in sets["overall"])
    base = timings["length only (Gale-Church)"]
    for sys_name, secs in timings.items():
        print(f"speed {sys_name:<27} {n_sents / secs:8.0f} sentences/s  ({secs / base:.1f}x the length-only time)")
    good, n_pred, n_gold = doc_alignment(real)
    p, r, f = prf(good, n_pred, n_gold)
    print(f"document alignment (real set, {n_gold} EN x {n_gold} FR): "
          f"P {p:.3f} R {r:.3f} F1 {f:.3f} ({good} right of {n_pred} matched)")
    right, n_right, wrong, n_wrong = doc_alignment_pairwise(real)
    print(f"document alignment, one EN and one FR document per run: {right}/{n_right} true pairs matched, "
          f"{wrong}/{n_wrong} wrong pairs matched")
    pair_checks(real)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
