"""bench/agreement.py: the second annotation matches its pages, and the agreement arithmetic is right.

The arithmetic is tested on hand-made pages with hand-set labels; the shipped second annotation is
only parsed and checked against the pages it labels (no classifier run)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_agreement", ROOT / "bench" / "agreement.py")
ag = importlib.util.module_from_spec(_spec)
sys.modules["bench_agreement"] = ag
_spec.loader.exec_module(ag)
bb = ag.bb


def _page(pid: str, rows: list[tuple[str, str]]):
    return bb.Page(page_id=pid, lang=pid[:2], site="example", lines=[bb.GoldLine(label=l, text=t) for l, t in rows])


def _write(tmp_path: Path, pid: str, rows: list[tuple[str, str]]) -> Path:
    (tmp_path / f"{pid}.tsv").write_text("".join(f"{l}\t{t}\n" for l, t in rows), encoding="utf-8")
    return tmp_path


def test_shipped_second_annotation_matches_its_pages():
    pages = {p.page_id: p for p in bb.load_dev_set()}
    second = ag.load_second(pages)
    assert len(second) >= 60
    assert {pid[:2] for pid in second} == {"en", "fr", "de"}
    res = ag.compare(pages, second, None)
    assert res["lines"] >= 500
    # the figure the README reports; a relabelling that changes it must update the README too
    readme = (ag.AGREEMENT_DIR / "README.md").read_text(encoding="utf-8")
    assert f"| {res['b_vs_a']['keep_f1']:.3f} |" in readme


def test_kappa_by_hand():
    c = bb.Confusion(tp=40, fn=10, fp=5, tn=45)  # agreement 0.85; chance 0.5*0.45 + 0.5*0.55 = 0.5
    assert ag.kappa(c) == pytest.approx(0.7)
    assert ag.kappa(bb.Confusion()) is None
    assert ag.kappa(bb.Confusion(tp=3)) is None  # one class only: chance agreement is 1


def test_compare_counts_disagreements_and_classifier(tmp_path):
    gold = [("content", "Title"), ("boilerplate", "Share"), ("empty", ""), ("content", "Body.")]
    pages = {"en_01": _page("en_01", gold)}
    _write(tmp_path, "en_01", [("content", "Title"), ("content", "Share"), ("empty", ""), ("content", "Body.")])
    second = ag.load_second(pages, tmp_path)
    pred = {("en_01", 1): True, ("en_01", 2): False, ("en_01", 4): False}
    res = ag.compare(pages, second, pred)
    assert res["lines"] == 3
    assert [(d["line"], d["a"], d["b"]) for d in res["disagreements"]] == [(2, "boilerplate/-", "content/-")]
    assert res["b_vs_a"]["keep_precision"] == pytest.approx(2 / 3) and res["b_vs_a"]["keep_recall"] == 1.0
    assert res["classifier_vs_a"]["tp"] == 1 and res["classifier_vs_a"]["fn"] == 1 and res["classifier_vs_a"]["tn"] == 1
    assert res["classifier_vs_b"]["fn"] == 2


@pytest.mark.parametrize("rows, message", [
    ([("content", "Title"), ("content", "Body.")], "lines, the page has"),
    ([("content", "Title"), ("content", "Other"), ("content", "Body.")], "text differs"),
    ([("content", "Title"), ("empty", "Share"), ("content", "Body.")], "label 'empty' on a non-empty line"),
])
def test_mismatched_second_annotation_is_refused(tmp_path, rows, message):
    pages = {"en_01": _page("en_01", [("content", "Title"), ("boilerplate", "Share"), ("content", "Body.")])}
    _write(tmp_path, "en_01", rows)
    with pytest.raises(bb.DevSetError, match=message):
        ag.load_second(pages, tmp_path)


def test_file_for_an_unknown_page_is_refused(tmp_path):
    _write(tmp_path, "en_02", [("content", "x")])
    with pytest.raises(bb.DevSetError, match="no page en_02"):
        ag.load_second({"en_01": _page("en_01", [("content", "x")])}, tmp_path)
