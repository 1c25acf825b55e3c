"""The ``terms`` CLI, through our own argparse parser (flows/cli.py registers the same)."""

import argparse
import io

import pytest
import yaml

from normalise.terms import load_termbase
from normalise.terms.commands import add_subcommands
from normalise.terms.discover import Candidate, write_candidates_tsv


def parse(argv):
    ap = argparse.ArgumentParser(prog="normalise")
    add_subcommands(ap.add_subparsers(dest="command"))
    return ap.parse_args(argv)


def run(argv, **kw):
    args = parse(argv)
    out = io.StringIO()
    rc = args.func(args, out=out, **kw)
    return rc, out.getvalue()


def test_find_prints_tsv_with_offsets(tmp_path):
    text = "Colonel Abdoulaye Maiga said Sofa ended.\nLa junte et l’ONU.\n"
    f = tmp_path / "001_story.txt"
    f.write_text(text, encoding="utf-8")
    rc, out = run(["terms", "find", str(f), "--lang", "en"])
    assert rc == 0
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows[0] == ["001_story", "abdoulaye_maiga", "8", "23", "Abdoulaye Maiga", "Abdoulaye Maïga"]
    for doc_id, term_id, s, e, surface, canonical in rows:
        assert text[int(s):int(e)] == surface


def test_find_language_detection_and_extra_termbase(tmp_path):
    f = tmp_path / "fr.txt"
    f.write_text("Le gouvernement de transition a dénoncé les accords avec la France et les forces "
                 "de la task force Takuba, selon le porte-parole à Kidal.\n", encoding="utf-8")
    extra = tmp_path / "x.yaml"
    extra.write_text("entries: [{id: kidal, type: place, en: Kidal, fr: Kidal}]\n", encoding="utf-8")
    rc, out = run(["terms", "find", str(f), "--termbase", str(extra)])
    ids = [line.split("\t")[1] for line in out.splitlines()]
    assert ids == ["takuba", "kidal"]


def test_find_missing_file_is_an_error(tmp_path):
    rc, out = run(["terms", "find", str(tmp_path / "nope.txt")])
    assert rc == 2 and out == ""


def test_find_bad_bytes_do_not_crash(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_bytes(b"Bamako \xff\xfe Gao\n")
    rc, out = run(["terms", "find", str(f), "--lang", "en"])
    assert rc == 0 and [line.split("\t")[1] for line in out.splitlines()] == ["bamako", "gao"]


def _cands(tmp_path):
    cands = [Candidate(cand_id="mnla_abc123", kind="acronym-fr-expansion", surface="MNLA", count=3, docs=["a", "b"],
                       variants=["Mouvement national de libération de l'Azawad"], contexts=["the [MNLA] said"]),
             Candidate(cand_id="tiemoko_def456", kind="two-spellings", surface="Tiémoko", count=2, docs=["a"],
                       variants=["Tiemoko"])]
    p = tmp_path / "candidates.tsv"
    write_candidates_tsv(cands, p)
    return p


def test_review_accept_ids(tmp_path):
    cands = _cands(tmp_path)
    into = tmp_path / "user.yaml"
    rc, out = run(["terms", "review", str(cands), "--into", str(into), "--accept", "mnla_abc123"])
    assert rc == 0 and "added 1 entry" in out
    tb = load_termbase([into])
    assert tb["mnla"].type == "acronym"
    assert [o.term_id for o in tb.matcher("fr").find("le Mouvement national de libération de l'Azawad")] == ["mnla"]
    # idempotent: accepting again adds nothing
    rc, out = run(["terms", "review", str(cands), "--into", str(into), "--all"])
    assert "added 1 entry" in out  # only Tiémoko is new
    assert len(yaml.safe_load(into.read_text(encoding="utf-8"))["entries"]) == 2


def test_review_unknown_id(tmp_path):
    rc, _ = run(["terms", "review", str(_cands(tmp_path)), "--into", str(tmp_path / "u.yaml"), "--accept", "zzz"])
    assert rc == 2


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_review_interactive(tmp_path):
    into = tmp_path / "u.yaml"
    rc, out = run(["terms", "review", str(_cands(tmp_path)), "--into", str(into)], stdin=FakeTTY("n\ny\n"))
    assert rc == 0 and "accept?" in out
    entries = yaml.safe_load(into.read_text(encoding="utf-8"))["entries"]
    assert [e["en"]["canonical"] for e in entries] == ["Tiémoko"]


def test_review_not_a_tty_accepts_nothing(tmp_path):
    into = tmp_path / "u.yaml"
    rc, out = run(["terms", "review", str(_cands(tmp_path)), "--into", str(into)], stdin=io.StringIO(""))
    assert rc == 0 and "--accept" in out and not into.exists()


def test_export_then_import(tmp_path):
    tbx = tmp_path / "out.tbx"
    rc, out = run(["terms", "export", "--tbx", str(tbx)])
    assert rc == 0 and tbx.read_bytes().startswith(b"<?xml")
    into = tmp_path / "imported.yaml"
    rc, out = run(["terms", "import", str(tbx), "--into", str(into)])
    assert rc == 0
    assert load_termbase([into], include_shipped=False).version == load_termbase().version


@pytest.mark.parametrize("argv", [["terms"], ["terms", "find"], ["terms", "review", "x.tsv"],
                                  ["terms", "find", "f", "--lang", "de"]])
def test_bad_usage_exits(argv):
    with pytest.raises(SystemExit):
        parse(argv)
