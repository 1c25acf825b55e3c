"""Pair checks (one table per check, accept and reject cases) and deduplication."""

from __future__ import annotations

import pytest

from normalise.document import Pair
from normalise.pairs import (
    CHECKS,
    FLAG,
    OK,
    REJECT,
    Language,
    PairConfig,
    anchors,
    check_pairs,
    dedup_key,
    dedup_pairs,
    terminal_class,
)


def P(en: str, fr: str, pid: str = "p", **kw) -> Pair:
    return Pair(pair_id=pid, en=en, fr=fr, origin=kw.pop("origin", "aligned"), doc_id="d", src_lang="en", **kw)


def verdict(name: str, pair: Pair, cfg: PairConfig | None = None) -> str | None:
    chk = CHECKS[name](cfg or PairConfig())
    s = chk.score(pair)
    return None if s is None else chk.verdict(s)


CASES = [
    # (check, en, fr, expected verdict; None = check does not apply)
    ("length", "The junta broke off the defence accords.", "La junte a rompu les accords de défense.", OK),
    ("length", "The junta broke off the defence accords with France on Monday.", "La junte a rompu.", REJECT),
    ("length", "The junta broke off the accords on Monday.", "La junte a rompu lundi.", OK),
    ("length", "The junta broke off the accords on Monday night.", "La junte a rompu lundi.", FLAG),
    ("length", "Mali", "Le Mali", None),  # too short to judge
    ("numbers", "On May 2, 4,300 troops left.", "Le 2 mai, 4 300 soldats sont partis.", OK),
    ("numbers", "It cost 2.5 million in 2022.", "Cela a coûté 2,5 millions en 2022.", OK),
    ("numbers", "The 1st meeting was on Monday.", "La 1re réunion a eu lieu lundi.", OK),
    ("numbers", "At 14:30 on Friday.", "À 14 h 30 vendredi.", OK),
    ("numbers", "On May 3, 4,300 troops left.", "Le 2 mai, 4 300 soldats sont partis.", FLAG),
    ("numbers", "Some 4,300 troops left in 2021.", "Quelque 5 000 soldats sont partis en 2022.", REJECT),
    ("numbers", "See www.example.org for details.", "Voir www.example.org pour les détails.", OK),
    ("numbers", "See www.example.org for details.", "Voir www.exemple.fr pour les détails.", REJECT),
    ("numbers", "Troops left.", "Les soldats sont partis.", None),
    ("numbers", "More than 2 000 delegates.", "Plus de 2000 délégués.", OK),  # SI spacing in English
    ("numbers", "He spoke on Friday.", "Il a parlé le 11 novembre 2022.", FLAG),  # weekdays not compared
    ("numbers", "Two minutes of silence at 11:00.", "Deux minutes de silence à 11 h.", OK),
    ("numbers", "One hundred years later.", "100 ans plus tard.", FLAG),  # spelt out on one side
    ("punct", "He left.", "Il est parti.", OK),
    ("punct", 'He said "no."', "Il a dit « non ».", OK),
    ("punct", "Did he leave?", "Est-il parti ?", OK),
    ("punct", "He left.", "Il est parti", FLAG),
    ("punct", "Did he leave?", "Il est parti.", FLAG),
    ("copy", "The junta broke off the accords.", "La junte a rompu les accords.", OK),
    ("copy", "The junta broke off the accords.", "The junta broke off the accords.", REJECT),
    ("copy", "The junta broke off the accords.", "the junta  broke off the accords", REJECT),
    ("copy", "Emmanuel Macron", "Emmanuel Macron", FLAG),  # names are the same in both languages
    ("repeat", "The troops left the base.", "Les soldats ont quitté la base.", OK),
    ("repeat", "The troops left the the base.", "Les soldats ont quitté la base.", OK),  # a slip, not a loop
    ("repeat", "We gather from coast to coast to coast.", "Nous nous rassemblons.", OK),
    ("repeat", "The troops left the the the base.", "Les soldats ont quitté la base.", FLAG),
    ("repeat", "The troops left.", "Les soldats les soldats les soldats les soldats.", REJECT),
    ("repeat", "This is it.", "C'est cela.", OK),  # "is" inside "This" is no repeat
    ("terms", "Barkhane ended.", "Barkhane a pris fin.", None),
    ("terms", "Barkhane ended.", "Barkhane a pris fin.", OK),
    ("terms", "Barkhane ended.", "L'opération a pris fin.", FLAG),
]
TERMS = {
    len(CASES) - 2: [{"term_id": "barkhane", "status": "ok"}, {"term_id": "sofa", "status": "repaired"}],
    len(CASES) - 1: [{"term_id": "barkhane", "status": "missing"}],
}


@pytest.mark.parametrize("idx", range(len(CASES)))
def test_check_table(idx: int) -> None:
    name, en, fr, want = CASES[idx]
    pair = P(en, fr, terms=TERMS.get(idx, []))
    assert verdict(name, pair) == want, (name, en, fr)


def fake_detect(text: str) -> tuple[str, float]:
    """A deterministic stand-in for normalise.langid.detect_language."""
    if any(w in text.split() for w in ("le", "la", "les", "des")):
        return "fr", 0.97
    if "das" in text.split():
        return "de", 0.6
    return "en", 0.95


@pytest.mark.parametrize(
    "en,fr,want",
    [
        ("The troops left the base on Monday night.", "Les soldats ont quitté la base lundi soir.", OK),
        ("The troops left the base on Monday night.", "The troops left the base on Monday night!", REJECT),
        ("Les soldats ont quitté la base lundi soir.", "Les soldats ont quitté la base lundi soir.", REJECT),
        ("The troops left the base on Monday night.", "Die Soldaten und das Lager am Montag.", FLAG),
        ("Troops left.", "Partis.", None),  # too short
    ],
)
def test_language_check(en: str, fr: str, want: str | None) -> None:
    chk = Language(PairConfig(), detect=fake_detect)
    s = chk.score(P(en, fr))
    assert (None if s is None else chk.verdict(s)) == want


def test_language_check_with_real_langid_if_present() -> None:
    pytest.importorskip("normalise.langid")
    chk = Language(PairConfig())
    good = P("The French troops left the base in northern Mali on Monday night.",
             "Les soldats français ont quitté la base du nord du Mali lundi soir.")
    bad = P("The French troops left the base in northern Mali on Monday night.",
            "The French troops left the base in northern Mali on Monday evening.")
    assert chk.verdict(chk.score(good)) == OK
    assert chk.verdict(chk.score(bad)) == REJECT


def test_anchors_language_aware() -> None:
    assert sorted(anchors("On May 2, 2022, 4,300 people", "en")) == sorted(anchors("Le 2 mai 2022, 4 300 personnes", "fr"))
    assert anchors("4,3 %", "fr") == ["#4.3"]
    assert anchors("4,300", "en") == ["#4300"]
    assert anchors("They may come in 2 days", "en") == ["#2"]  # "may" is not a month


@pytest.mark.parametrize("text,want", [("Go.", "."), ("Go!", "!"), ('"Go?"', "?"), ("Allez !", "!"),
                                       ("« Allez. »", "."), ("Go", ""), ("Note:", ":"), ("Etc…", ".")])
def test_terminal_class(text: str, want: str) -> None:
    assert terminal_class(text) == want


def test_check_pairs_rejects_with_reason_and_flags_soft_problems() -> None:
    pairs = [
        P("On May 2, 4,300 troops left.", "Le 2 mai, 4 300 soldats sont partis.", "ok"),
        P("On May 2, 4,300 troops left.", "Le 2 mai, 4 300 soldats sont partis", "soft"),
        P("The junta broke off the defence accords.", "The junta broke off the defence accords.", "copy"),
    ]
    kept, rejected = check_pairs(pairs, PairConfig(checks=("copy", "length", "numbers", "punct")))
    assert [p.pair_id for p in kept] == ["ok", "soft"]
    assert kept[0].flags == [] and kept[0].scores["numbers"] == 1.0
    assert kept[1].flags == ["pair:punct"]
    assert len(rejected) == 1
    r = rejected[0]
    assert (r.kind, r.id, r.reason) == ("pair", "copy", "pair:copy")
    assert r.detail["scores"]["copy"] == 7.0 and "copy" in r.detail["failed"]


def test_thresholds_are_config() -> None:
    pair = P("The junta broke off the accords on Monday night.", "La junte a rompu lundi.")
    assert verdict("length", pair) == FLAG
    assert verdict("length", pair, PairConfig(length_flag=2.5)) == OK
    assert verdict("length", pair, PairConfig(length_reject=2.0)) == REJECT


# --- dedup -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a,b,same",
    [
        ("The troops left.", "the troops left", True),
        ("The troops left in 2021.", "The troops left in 2022.", True),  # digits normalised
        ("L'armée est partie.", "L’armee est partie !", True),
        ("The troops left.", "The troops stayed.", False),
    ],
)
def test_dedup_key(a: str, b: str, same: bool) -> None:
    assert (dedup_key(a) == dedup_key(b)) is same


def test_dedup_keeps_first_and_provenance() -> None:
    pairs = [
        P("The troops left.", "Les soldats sont partis.", "a:1", seg_ids=["a:1"]),
        P("The troops stayed.", "Les soldats sont restés.", "a:2"),
        P("The troops left.", "Les soldats sont partis.", "b:7", seg_ids=["b:7"]),
        P("the troops left", "les soldats sont partis", "c:3", origin="mt:en->fr"),
    ]
    kept, rejected = dedup_pairs(pairs)
    assert [p.pair_id for p in kept] == ["a:1", "a:2"]
    assert kept[0].duplicates == ["b:7", "c:3"]
    assert kept[1].duplicates == []
    assert [(r.id, r.reason, r.detail["duplicate_of"], r.detail["match"]) for r in rejected] == [
        ("b:7", "pair:duplicate", "a:1", "exact"),
        ("c:3", "pair:duplicate", "a:1", "normalised"),
    ]
    assert rejected[1].detail["origin"] == "mt:en->fr"
    assert rejected[0].detail["seg_ids"] == ["b:7"]


def test_terms_check_reads_the_terms_stage_output() -> None:
    """The statuses written by normalise.terms.verify_pair drive the check."""
    chk = CHECKS["terms"](PairConfig())
    ok = P("Barkhane ended.", "Barkhane a pris fin.", terms=[{"term_id": "barkhane", "status": "ok"}])
    bad = P("Barkhane ended.", "L'opération a pris fin.",
            terms=[{"term_id": "barkhane", "status": "ok"}, {"term_id": "sofa", "status": "mistranslated"}])
    flagged_only = P("Barkhane ended.", "L'opération a pris fin.", flags=["term:missing"])
    assert chk.score(ok) == 1.0 and chk.verdict(chk.score(ok)) == OK
    assert chk.score(bad) == 0.5 and chk.verdict(chk.score(bad)) == FLAG
    assert chk.score(flagged_only) == 0.0


def test_terms_check_with_real_verify_pair_if_present() -> None:
    terms = pytest.importorskip("normalise.terms")
    tb = terms.load_termbase()
    pair = P("French forces of Operation Barkhane left Mali.", "Les forces françaises ont quitté le Mali.")
    terms.verify_pair(pair, tb)
    assert [t["status"] for t in pair.terms] == ["missing"]
    kept, rejected = check_pairs([pair], PairConfig(checks=("terms",)))
    assert not rejected and kept[0].flags.count("pair:terms") == 1 and kept[0].scores["terms"] == 0.0


def test_language_check_skipped_with_a_note_without_langid(monkeypatch, caplog) -> None:
    import normalise.pairs as pairs_mod

    monkeypatch.setattr(pairs_mod, "_langid", lambda: None)
    monkeypatch.setattr(pairs_mod.Language, "_warned", False)
    with caplog.at_level("WARNING", logger="normalise.pairs"):
        chk = pairs_mod.Language(PairConfig())
    assert chk.score(P("The French troops left the base on Monday.", "The French troops left the base on Monday.")) is None
    assert any("language check skipped" in r.message for r in caplog.records)
    kept, rejected = check_pairs([P("The troops left the base in the north.", "Les soldats ont quitté la base du nord.")],
                                 checks=[chk])
    assert len(kept) == 1 and "lang" not in kept[0].scores
