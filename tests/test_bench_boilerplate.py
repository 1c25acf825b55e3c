"""The boilerplate dev set loads and is labelled consistently; the scorer's arithmetic is right.

Nothing here depends on the classifier: the scorer is tested on hand-made pages with hand-set
predictions, and the dev set is only parsed and counted."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the bench and this test run from a plain checkout
    sys.path.insert(0, str(ROOT))
_spec = importlib.util.spec_from_file_location("bench_boilerplate", ROOT / "bench" / "boilerplate.py")
bb = importlib.util.module_from_spec(_spec)
sys.modules["bench_boilerplate"] = bb
_spec.loader.exec_module(bb)

from normalise.document import Document  # noqa: E402

MIN_PAGES, MIN_SITES, MIN_PER_LANG = 36, 18, 10


@pytest.fixture(scope="module")
def pages():
    return bb.load_dev_set()


# ---------------------------------------------------------------------------------------------
# the dev set


def test_every_page_file_parses_and_is_indexed(pages):
    files = sorted((bb.DATA_DIR / "pages").glob("*.tsv"))
    assert [p.page_id for p in pages] == [f.stem for f in files]
    for p in pages:
        assert p.lines, p.page_id
        assert all(g.label in bb.LABELS for g in p.lines)
        assert all(not g.detail or g.detail in bb.DETAILS for g in p.lines)


def test_size_and_spread(pages):
    assert len(pages) >= MIN_PAGES
    assert len({p.site for p in pages}) >= MIN_SITES
    assert {p.lang for p in pages} == {"en", "fr", "de"}
    for lang in ("en", "fr", "de"):
        assert sum(p.lang == lang for p in pages) >= MIN_PER_LANG, lang


def test_held_out_split_is_from_unseen_sites_and_covers_each_language(pages):
    dev = {p.site for p in pages if p.split == "dev"}
    test = [p for p in pages if p.split == "test"]
    assert {p.split for p in pages} <= set(bb.SPLITS)
    assert len(test) >= 15
    assert {p.lang for p in test} == {"en", "fr", "de"}
    assert not dev & {p.site for p in test}, "a test page comes from a site already in dev"
    dev_pages = [p for p in pages if p.split == "dev"]
    assert len(dev_pages) >= MIN_PAGES and len(dev) >= MIN_SITES


def test_blind_split_test2_is_from_sites_in_neither_dev_nor_test(pages):
    # test2 was labelled after `test` had been looked at: a site seen in either split would leak
    seen = {p.site for p in pages if p.split in ("dev", "test")}
    test2 = [p for p in pages if p.split == "test2"]
    assert test2, "no test2 pages"
    clash = sorted(seen & {p.site for p in test2})
    assert not clash, f"test2 pages from sites already in dev/test: {clash}"
    # one page per site, so no site dominates the blind figure
    sites = [p.site for p in test2]
    assert len(sites) == len(set(sites))


def test_blind_split_test2_size_and_chrome(pages):
    # issue 3 (held-out set): at least 36 pages, 12 per language, each page with some chrome
    test2 = [p for p in pages if p.split == "test2"]
    assert len(test2) >= 36
    for lang in ("en", "fr", "de"):
        ps = [p for p in test2 if p.lang == lang]
        assert len(ps) >= 12, lang
        assert sum(g.label == "boilerplate" for p in ps for g in p.lines) >= 30, lang
        assert sum(g.label == "content" for p in ps for g in p.lines) >= 40, lang
    for p in test2:
        assert any(g.label == "boilerplate" for g in p.lines), f"{p.page_id}: no chrome"


@pytest.mark.parametrize("split", ["test3", "test6"])
def test_later_blind_splits_are_from_sites_in_no_other_split(pages, split):
    # each was labelled once the previous blind split had been measured often: fresh sites, one page each
    held = [p for p in pages if p.split == split]
    if not held:
        pytest.skip(f"no {split} pages yet")
    seen = {p.site for p in pages if p.split != split}
    clash = sorted(seen & {p.site for p in held})
    assert not clash, f"{split} pages from sites already in other splits: {clash}"
    sites = [p.site for p in held]
    assert len(sites) == len(set(sites))
    for p in held:
        assert any(g.label == "boilerplate" for g in p.lines), f"{p.page_id}: no chrome"


@pytest.mark.parametrize("split", ["sites", "sites2"])
def test_multi_page_splits_have_several_pages_per_site_from_new_sites(pages, split):
    # a run over several pages of each site (cross-document evidence at work)
    multi = [p for p in pages if p.split == split]
    if not multi and split == "sites2":
        pytest.skip("no sites2 pages yet")
    assert len(multi) >= (27 if split == "sites" else 1)
    seen = {p.site for p in pages if p.split != split}
    clash = sorted(seen & {p.site for p in multi})
    assert not clash, f"{split} pages from sites in other splits: {clash}"
    from collections import Counter
    per_site = Counter(p.site for p in multi)
    assert sum(1 for n in per_site.values() if n >= 2) >= len(per_site) - 1, per_site


def test_held_out_splits_are_every_split_but_dev():
    assert bb.HELD_OUT == ("test", "test2", "test3", "test6", "sites2")
    assert set(bb.SPLITS) == {*bb.TUNABLE, *bb.HELD_OUT} and bb.TUNABLE == ("dev", "sites")


def test_pages_are_scored_and_mostly_carry_an_article(pages):
    for p in pages:
        assert any(g.label in bb.SCORED_LABELS for g in p.lines), f"{p.page_id}: nothing to score"
    # a page that is only a consent wall is real and kept, but the set is about articles
    with_content = sum(any(g.label == "content" for g in p.lines) for p in pages)
    assert with_content >= 0.9 * len(pages)
    # each language has real chrome in it, or the drop-precision figure means nothing
    for lang in ("en", "fr", "de"):
        n = sum(g.label == "boilerplate" for p in pages if p.lang == lang for g in p.lines)
        assert n >= 20, lang


def test_detail_agrees_with_label(pages):
    content_details = {"heading-content", "dateline", "byline", "lead"}
    for p in pages:
        for n, g in enumerate(p.lines, 1):
            if g.detail in content_details:
                assert g.label == "content", f"{p.page_id}:{n}"
            elif g.detail:
                assert g.label == "boilerplate", f"{p.page_id}:{n}"


def test_no_web_addresses_or_host_names_in_page_text(pages):
    # the project writes no host names; pages were chosen without addresses in their text
    import re
    host = re.compile(r"(https?://|www\.|\b[\w-]+\.(com|org|net|de|fr|be|ch|at|uk|info|io)\b)", re.I)
    for p in pages:
        for n, g in enumerate(p.lines, 1):
            assert not host.search(g.text), f"{p.page_id}:{n}"


def test_rebuilt_document_has_one_record_per_gold_line(pages):
    for p in pages:
        doc = Document.from_text(p.page_id, p.text)
        # split_lines drops only a final empty string after a trailing newline
        assert len(doc.lines) in (len(p.lines), len(p.lines) - 1)
        for rec, g in zip(doc.lines, p.lines):
            assert rec.text == g.text


# ---------------------------------------------------------------------------------------------
# the loader rejects malformed files


@pytest.mark.parametrize(
    "row, message",
    [
        ("content no tab", "no TAB"),
        ("keep\tA sentence.", "label"),
        ("content\tA sentence.\tnot-a-detail", "detail"),
        ("empty\tnot empty", "non-empty"),
        ("content\t   ", "labelled 'empty'"),
        ("content\ta\tnav\textra", "3 columns"),
    ],
)
def test_parse_page_file_rejects(tmp_path, row, message):
    f = tmp_path / "en_01.tsv"
    f.write_text("content\tFine line.\n" + row + "\n", encoding="utf-8")
    with pytest.raises(bb.DevSetError, match=message):
        bb.parse_page_file(f)


def test_parse_page_file_accepts_all_forms(tmp_path):
    f = tmp_path / "en_01.tsv"
    f.write_text("content\tTitle\theading-content\nempty\t\nboilerplate\tShare\tshare\ncontent\t  indented\n",
                 encoding="utf-8")
    got = bb.parse_page_file(f)
    assert [(g.label, g.text, g.detail) for g in got] == [
        ("content", "Title", "heading-content"), ("empty", "", ""), ("boilerplate", "Share", "share"),
        ("content", "  indented", ""),
    ]


def _mini_set(tmp_path, rows=None, header="| file | lang | site | address | title | retrieved |"):
    d = tmp_path / "bp"
    (d / "pages").mkdir(parents=True)
    (d / "pages" / "en_01.tsv").write_text("content\tHello world.\n", encoding="utf-8")
    rows = rows if rows is not None else ["| en_01.tsv | en | example-site | - | - | - |"]
    (d / "PROVENANCE.md").write_text(
        "# P\n\n" + header + "\n|---|---|---|---|---|---|\n"
        + "\n".join(rows) + "\n", encoding="utf-8")
    return d


def test_load_dev_set_on_a_minimal_set(tmp_path):
    pages = bb.load_dev_set(_mini_set(tmp_path))
    assert [(p.page_id, p.lang, p.site) for p in pages] == [("en_01", "en", "example-site")]


@pytest.mark.parametrize(
    "rows, message",
    [
        ([], "no row"),
        (["| en_01.tsv | fr | s | - | - | - |"], "lang"),
        (["| en_01.tsv | en |  | - | - | - |"], "no site"),
        (["| en_01.tsv | en | s | - | - | - |", "| en_02.tsv | en | s | - | - | - |"], "do not exist"),
        (["| en_01.tsv | en | s | - | - |"], "cells"),
        (["| en_01.tsv | en | s | - | - | - | holdout |"], "split"),
    ],
)
def test_load_dev_set_rejects_bad_index(tmp_path, rows, message):
    header = "| file | lang | site | address | title | retrieved |"
    if rows and "holdout" in rows[0]:
        header += " split |"
    with pytest.raises(bb.DevSetError, match=message):
        bb.load_dev_set(_mini_set(tmp_path, rows, header))


def test_split_column_is_read_and_defaults_to_dev(tmp_path):
    d = _mini_set(tmp_path, ["| en_01.tsv | en | s | - | - | - | test |"],
                  "| file | lang | site | address | title | retrieved | split |")
    assert bb.load_dev_set(d)[0].split == "test"
    assert bb.load_dev_set(_mini_set(tmp_path / "b"))[0].split == "dev"


# ---------------------------------------------------------------------------------------------
# the scorer's arithmetic, on a hand-made example


def _lr(gold, kept, lang="en", site="a", text="x"):
    return bb.LineResult(page_id="p", lang=lang, site=site, line=1, gold=gold, kept=kept,
                         action="keep" if kept else "drop", reason="r", text=text)


def test_confusion_figures_by_hand():
    # 4 content kept, 1 content dropped, 2 boilerplate kept, 3 boilerplate dropped
    rs = ([_lr("content", True)] * 4 + [_lr("content", False)] + [_lr("boilerplate", True)] * 2
          + [_lr("boilerplate", False)] * 3 + [_lr("empty", False)] * 5)
    f = bb.score_lines(rs)["all"]
    assert (f["tp"], f["fn"], f["fp"], f["tn"], f["lines"]) == (4, 1, 2, 3, 10)
    assert f["keep_precision"] == pytest.approx(4 / 6)
    assert f["keep_recall"] == pytest.approx(4 / 5)
    assert f["keep_f1"] == pytest.approx(2 * (4 / 6) * (4 / 5) / (4 / 6 + 4 / 5))
    assert f["drop_precision"] == pytest.approx(3 / 4)
    assert f["drop_recall"] == pytest.approx(3 / 5)


def test_scores_split_by_language_and_site_and_sum_up():
    rs = [_lr("content", True, "en", "a"), _lr("boilerplate", False, "fr", "b"),
          _lr("content", False, "fr", "b"), _lr("boilerplate", True, "de", "c")]
    figs = bb.score_lines(rs)
    assert set(figs["by_lang"]) == {"en", "fr", "de"}
    assert figs["by_lang"]["en"]["keep_f1"] == 1.0
    assert figs["by_lang"]["en"]["drop_precision"] is None  # nothing dropped: undefined, not 0 or 1
    assert figs["by_lang"]["fr"]["drop_precision"] == 0.5
    assert figs["by_lang"]["de"]["keep_precision"] == 0.0 and figs["by_lang"]["de"]["keep_recall"] is None
    assert sum(v["lines"] for v in figs["by_site"].values()) == figs["all"]["lines"] == 4


def test_perfect_and_all_wrong():
    perfect = bb.score_lines([_lr("content", True), _lr("boilerplate", False)])["all"]
    assert perfect["keep_f1"] == 1.0 and perfect["drop_precision"] == 1.0
    wrong = bb.score_lines([_lr("content", False), _lr("boilerplate", True)])["all"]
    assert wrong["keep_f1"] == 0.0 and wrong["drop_precision"] == 0.0


def test_worst_errors_put_lost_content_first_then_longest():
    rs = [_lr("boilerplate", True, text="a very long menu line that was left in"),
          _lr("content", False, text="short"), _lr("content", False, text="a longer lost sentence"),
          _lr("content", True, text="fine"), _lr("empty", False, text="")]
    got = [r.text for r in bb.worst_errors(rs, 10)]
    assert got == ["a longer lost sentence", "short", "a very long menu line that was left in"]
    assert len(bb.worst_errors(rs, 1)) == 1


def test_reason_and_detail_tables_by_hand():
    def lr(gold, kept, reason, detail=""):
        r = _lr(gold, kept)
        r.reason, r.detail = reason, detail
        return r

    rs = [lr("boilerplate", False, "nav:menu", "nav"), lr("content", False, "nav:menu-inline"),
          lr("boilerplate", False, "teaser:related", "teaser"), lr("boilerplate", True, "content", "caption"),
          lr("content", True, "content", "heading-content"), lr("empty", False, "empty")]
    reasons = bb.reason_table(rs)
    assert reasons == {"nav": {"dropped": 2, "boilerplate": 1, "precision": 0.5},
                       "teaser": {"dropped": 1, "boilerplate": 1, "precision": 1.0}}
    details = bb.detail_table(rs)
    assert details["boilerplate/caption"] == {"lines": 1, "right": 0, "accuracy": 0.0}
    assert details["content/(none)"] == {"lines": 1, "right": 0, "accuracy": 0.0}
    assert details["content/heading-content"]["right"] == 1
    assert "empty/(none)" not in details


def test_results_for_maps_records_and_treats_merge_and_repair_as_kept():
    page = bb.Page(page_id="en_01", lang="en", site="s", lines=[
        bb.GoldLine("content", "Title"), bb.GoldLine("empty", ""), bb.GoldLine("boilerplate", "Share this"),
        bb.GoldLine("content", "Part one"), bb.GoldLine("content", "part two."), bb.GoldLine("empty", "")])
    doc = Document.from_text(page.page_id, page.text)
    assert len(doc.lines) == 5  # the trailing empty line is not a line (split_lines)
    doc.lines[1].drop("t", "empty")
    doc.lines[2].drop("t", "share:prompt")
    doc.lines[4].merge_into(doc.lines[3], "t", "mt:split", "Part one part two.")
    rs = bb.results_for([page], [doc])
    assert [(r.line, r.gold, r.kept) for r in rs] == [
        (1, "content", True), (2, "empty", False), (3, "boilerplate", False), (4, "content", True),
        (5, "content", True)]
    f = bb.score_lines(rs)["all"]
    assert f["keep_f1"] == 1.0 and f["drop_precision"] == 1.0


def test_results_for_refuses_a_missing_record():
    page = bb.Page(page_id="en_01", lang="en", site="s", lines=[bb.GoldLine("content", "A"),
                                                                 bb.GoldLine("content", "B")])
    doc = Document.from_text(page.page_id, "A")
    with pytest.raises(bb.DevSetError):
        bb.results_for([page], [doc])


def test_main_without_classifier_fails_cleanly(capsys, monkeypatch):
    def unavailable():
        raise bb.CleanerUnavailable("normalise.boilerplate has no classify_documents yet")

    monkeypatch.setattr(bb, "load_cleaner", unavailable)
    assert bb.main([]) == 2
    err = capsys.readouterr().err
    assert "cannot run the boilerplate bench" in err and "Traceback" not in err


def test_main_with_a_fake_cleaner_prints_table_and_json(tmp_path, capsys, monkeypatch):
    # a cleaner that drops every line shorter than 20 characters: figures must match a recount
    def fake():
        def classify(docs):
            for d in docs:
                for r in d.lines:
                    if len(r.text.strip()) < 20:
                        r.drop("fake", "short")
        return None, None, classify

    monkeypatch.setattr(bb, "load_cleaner", fake)
    out_json = tmp_path / "fig.json"
    assert bb.main(["--json", str(out_json), "--errors", "3"]) == 0
    out = capsys.readouterr().out
    assert "keep-F1" in out and "drop precision" in out and "target >= 0.95" in out
    import json
    figs = json.loads(out_json.read_text(encoding="utf-8"))
    pages = bb.load_dev_set()
    tp = sum(1 for p in pages for g in p.lines if g.label == "content" and len(g.text.strip()) >= 20)
    fn = sum(1 for p in pages for g in p.lines if g.label == "content" and len(g.text.strip()) < 20)
    assert (figs["all"]["tp"], figs["all"]["fn"]) == (tp, fn)
    assert len(figs["errors"]) == 3
    assert {e["split"] for e in figs["errors"]} <= set(bb.TUNABLE)  # held-out errors stay hidden by default
    present = {p.split for p in bb.load_dev_set()}
    assert set(figs["by_split"]) == present and present <= set(bb.SPLITS)
    assert bb.main(["--json", str(out_json), "--errors", "500", "--test-errors", "--bootstrap", "0"]) == 0
    figs = json.loads(out_json.read_text(encoding="utf-8"))
    assert "test" in {e["split"] for e in figs["errors"]}


def test_baselines_by_hand():
    page = bb.Page(page_id="en_01", lang="en", site="s", lines=[
        bb.GoldLine("content", "A real sentence of several words."), bb.GoldLine("content", "Title"),
        bb.GoldLine("boilerplate", "Share"), bb.GoldLine("empty", "")])
    b = bb.baseline_figures([page])
    keep_all = b["keep all"]
    assert (keep_all["tp"], keep_all["fp"], keep_all["drop_precision"]) == (2, 1, None)
    short = b["keep >= 5 words"]
    assert (short["tp"], short["fn"], short["tn"], short["fp"]) == (1, 1, 1, 0)


@pytest.mark.parametrize("langid_first, expected", [(True, ["repair", "identify", "classify"]),
                                                     (False, ["repair", "classify", "identify"])])
def test_run_cleaner_order_and_one_classify_call_over_all_pages(monkeypatch, langid_first, expected):
    calls = []

    def fake():
        return (lambda d: calls.append("repair"), lambda d: calls.append("identify"),
                lambda docs: calls.append(("classify", len(docs))))

    monkeypatch.setattr(bb, "load_cleaner", fake)
    pages = [bb.Page(page_id=f"en_0{i}", lang="en", site="s", lines=[bb.GoldLine("content", "x")])
             for i in (1, 2)]
    bb.run_cleaner(pages, langid_first=langid_first)
    # one classify call with every page (cross-document evidence), stages in the asked order
    assert ("classify", 2) in calls
    order = [c if isinstance(c, str) else c[0] for c in calls]
    firsts = sorted(set(order), key=order.index)
    assert firsts == expected


def test_bootstrap_interval_brackets_the_figure_and_is_deterministic():
    rs = []
    for i in range(12):  # pages of varying quality
        for j in range(10):
            r = _lr("content" if j < 6 else "boilerplate", kept=(j < 6) != (j == i % 10))
            r.page_id = f"p{i}"
            rs.append(r)
    f = bb.score_lines(rs)["all"]
    iv = bb.bootstrap_interval(rs, 300)
    assert iv == bb.bootstrap_interval(rs, 300)
    lo, hi = iv["keep_f1"]
    assert lo <= f["keep_f1"] <= hi and lo < hi
    assert bb.bootstrap_interval(rs, 0) == {"keep_f1": None, "drop_precision": None}
    perfect = [_lr("content", True), _lr("boilerplate", False)]
    assert bb.bootstrap_interval(perfect, 50)["keep_f1"] == (1.0, 1.0)


def test_stats_needs_no_cleaner(capsys):
    assert bb.main(["--stats"]) == 0
    assert "pages" in capsys.readouterr().out


def _three_split_set(tmp_path):
    d = tmp_path / "bp3"
    (d / "pages").mkdir(parents=True)
    rows = []
    for i, split in enumerate(("dev", "test", "test2"), start=1):
        (d / "pages" / f"en_0{i}.tsv").write_text(
            f"content\tSentence of the {split} page that the fake cleaner drops.\n"
            f"boilerplate\tShare this {split}\tshare\n", encoding="utf-8")
        rows.append(f"| en_0{i}.tsv | en | site-{split} | - | - | - | {split} |")
    (d / "PROVENANCE.md").write_text(
        "| file | lang | site | address | title | retrieved | split |\n|---|---|---|---|---|---|---|\n"
        + "\n".join(rows) + "\n", encoding="utf-8")
    return d


def _drop_all_cleaner():
    def classify(docs):
        for d in docs:
            for r in d.lines:
                r.drop("fake", "all")
    return None, None, classify


def test_held_out_errors_stay_hidden_unless_asked(tmp_path, capsys, monkeypatch):
    d = _three_split_set(tmp_path)
    monkeypatch.setattr(bb, "load_cleaner", _drop_all_cleaner)
    out_json = tmp_path / "f.json"
    assert bb.main(["--data", str(d), "--json", str(out_json), "--bootstrap", "0"]) == 0
    out = capsys.readouterr().out
    import json
    figs = json.loads(out_json.read_text(encoding="utf-8"))
    # figures for every split, errors (and the tables built from them) for dev only
    assert set(figs["by_split"]) == {"dev", "test", "test2"}
    assert figs["by_split"]["test2"]["fn"] == 1
    assert {e["split"] for e in figs["errors"]} == {"dev"}
    assert "test2 page" not in out and "test page" not in out and "dev page" in out
    assert sum(r["dropped"] for r in figs["drop_reasons"].values()) == 2  # the two dev lines only
    assert "split=test2" in out and "1 held-out test2" in out and "split=test2 lang=en" in out
    # per-site rows of held-out sites are error counts too: hidden by default
    assert set(figs["by_site"]) == {"site-dev"}
    assert "site-test2" not in out and "site-test " not in out
    assert figs["by_split_lang"]["test2/en"]["fn"] == 1
    assert bb.main(["--data", str(d), "--json", str(out_json), "--bootstrap", "0", "--test-errors"]) == 0
    figs = json.loads(out_json.read_text(encoding="utf-8"))
    assert {e["split"] for e in figs["errors"]} == {"dev", "test", "test2"}
    assert set(figs["by_site"]) == {"site-dev", "site-test", "site-test2"}


def test_split_option_runs_one_split(tmp_path, capsys, monkeypatch):
    d = _three_split_set(tmp_path)
    monkeypatch.setattr(bb, "load_cleaner", _drop_all_cleaner)
    out_json = tmp_path / "f.json"
    assert bb.main(["--data", str(d), "--split", "test2", "--json", str(out_json), "--bootstrap", "0"]) == 0
    import json
    figs = json.loads(out_json.read_text(encoding="utf-8"))
    assert set(figs["by_split"]) == {"test2"} and figs["pages"] == 1
    assert figs["errors"] == []  # a held-out split alone still lists no errors
    with pytest.raises(SystemExit):
        bb.main(["--data", str(d), "--split", "test9"])
