"""Stage API of normalise.artefacts: repair_document audit, content-word guard, check_output,
score_document on the seeds."""

from pathlib import Path

import pytest

from normalise.artefacts import ArtefactConfig, check_output, repair_document, repair_line, score_document
from normalise.artefacts.base import Finding, content_words_safe
from normalise.document import Document

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def load(name: str, lang: str = "en") -> Document:
    path = next(SEEDS.glob(name + "*.txt"))
    doc = Document.from_text(path.stem, path.read_text(encoding="utf-8"), lang=lang)
    for r in doc.lines:
        r.lang = lang
        if not r.text.strip():
            r.drop("boilerplate", "empty")  # what the boilerplate stage does before us
    return doc


def test_seed_002_repairs_and_audit():
    doc = load("002")
    n = len(doc.lines)
    repair_document(doc)
    assert len(doc.audit_records()) == n  # one record per input line, none lost
    by = {r.line: r for r in doc.lines}
    assert by[5].action == "merge" and by[7].reason == "mt:echo" and by[9].reason == "mt:split"
    assert 'the Status of Force Agreements (called "Sofa") setting the framework' in by[5].current
    assert "Takuba, the grouping" in by[21].current and by[21].reason == "mt:typography"
    assert "near this base to accuse France of war crimes." in by[47].current and by[47].reason == "mt:orphan"
    assert by[51].action == "drop" and by[51].reason == "chrome:mt-literal"
    assert "mt:residue" in by[65].flags  # google-play-badge_FR
    for r in doc.lines:  # every change of this stage carries before/after
        for ev in r.events:
            if ev["stage"] == "artefacts" and ev["action"] == "repair":
                assert ev["before"] != ev["after"] and ev["evidence"]


def test_seed_004_grammar_flagged_not_repaired():
    doc = load("004")
    repair_document(doc)
    line6 = doc.lines[5]
    assert "mt:grammar" in line6.flags and "has intends to" in line6.current
    assert any(ev.get("action") == "flag" and ev["evidence"]["detail"] == "aux-plus-finite" for ev in line6.events)


@pytest.mark.parametrize("name", ["000", "001", "003"])
def test_human_seeds_untouched(name):
    doc = load(name)
    before = [r.current for r in doc.lines]
    repair_document(doc)
    assert [r.current for r in doc.lines] == before
    assert not any(ev["stage"] == "artefacts" for r in doc.lines for ev in r.events)


def test_seed_scores_separate_mt_from_human():
    scores = {}
    for name in ("000", "001", "002", "003", "004"):
        doc = load(name)
        repair_document(doc)
        score_document(doc)
        assert 0.0 <= doc.mt_score <= 1.0
        assert "per_1000_words" in doc.mt_evidence and "residue_spans" in doc.mt_evidence
        scores[name] = doc.mt_score
    human = max(scores["000"], scores["001"], scores["003"])
    assert min(scores["002"], scores["004"]) > human + 0.3, scores


def test_score_without_repair_runs_detectors():
    doc = load("004")
    score_document(doc)
    assert doc.mt_evidence["counts"].get("grammar") == 1
    assert "Maïga" in doc.mt_evidence["diacritic_names"]


def test_idempotent():
    doc = load("002")
    repair_document(doc)
    snap = [(r.action, r.current, len(r.events)) for r in doc.lines]
    repair_document(doc)
    assert [(r.action, r.current, len(r.events)) for r in doc.lines] == snap  # no new events either


def test_flag_only_config_changes_nothing():
    doc = load("002")
    repair_document(doc, ArtefactConfig(repair=False, drop_chrome=False))
    assert all(r.current == r.text for r in doc.lines)
    assert any("mt:split" in r.flags for r in doc.lines) and any("chrome:mt-literal" in r.flags for r in doc.lines)


@pytest.mark.parametrize("before,after,echo,ok", [
    ("the the army", "the army", ["the"], True),
    ("in the north in the north", "in the north", [" in the north"], True),
    ("the army left the base", "the army left", [], False),  # "base" lost, not an echo
    ("Takuba , the group", "Takuba, the group", [], True),
    ("near this base. to accuse", "near this base to accuse", [], True),
])
def test_content_word_guard(before, after, echo, ok):
    assert content_words_safe(before, after, echo) is ok


def test_guard_turns_unsafe_repair_into_flag(monkeypatch):
    from normalise.artefacts import grammar

    def bad(text, lang="en", cfg=None):  # a broken rule that would delete a content word
        i = text.find("base")
        return [Finding("grammar", "broken", i, i + 4, evidence="base", replacement="")] if i >= 0 else []

    monkeypatch.setattr(grammar, "detect", bad)
    new, repairs, flags = repair_line("They left the base.", "en")
    assert new == "They left the base." and repairs == [] and [f.detail for f in flags] == ["broken"]


@pytest.mark.parametrize("text,lang,expected", [
    ("The army left the the base.", "en", ["mt:echo"]),
    ("Takuba , the grouping", "en", ["mt:typography"]),
    ("It says it has intends to leave.", "en", ["mt:grammar"]),
    ("They signed avec les autorités de transition yesterday.", "en", ["mt:residue"]),
    ("I subscribe", "en", ["chrome:mt-literal"]),
    ("Il a dit: non.", "fr", ["mt:typography"]),
    ("The army left the base on Monday.", "en", []),
    ("Nous nous sommes réunis hier.", "fr", []),
])
def test_check_output(text, lang, expected):
    assert check_output(text, lang) == expected


def test_accented_names_alone_do_not_make_mt():
    text = ("President François Hollande met Ségolène Royal at the Élysée on Tuesday. "
            "Later, Jean-Marc Ayrault flew to Côte d'Ivoire, where he met officials from the region. "
            "The talks covered trade, security and the future of the French military presence in West Africa. ") * 3
    doc = Document.from_text("h", text, lang="en")
    for r in doc.lines:
        r.lang = "en"
    repair_document(doc)
    score_document(doc)
    seed = load("004")
    repair_document(seed)
    score_document(seed)
    assert doc.mt_evidence["counts"]["diacritic_names"] == 3  # capped
    assert doc.mt_score < 0.5 < seed.mt_score


def test_config_rejects_unknown_detector_and_accepts_yaml_lists():
    with pytest.raises(ValueError, match="unknown artefact detector"):
        ArtefactConfig(detectors=("echo", "spelling"))
    assert ArtefactConfig(detectors=["echo", "typography"]).detectors == ("echo", "typography")


def test_switching_a_detector_off():
    new, repairs, flags = repair_line("Takuba , the the group", "en", ArtefactConfig(detectors=("typography",)))
    assert new == "Takuba, the the group"


def test_evidence_is_json_and_has_details():
    import json

    doc = load("002")
    repair_document(doc)
    score_document(doc)
    json.dumps(doc.audit_records())
    json.dumps(doc.mt_evidence)
    assert doc.mt_evidence["details"]["split:open-bracket-or-quote"] == 1
    assert doc.mt_evidence["details"]["echo:echoed-line"] == 1


@pytest.mark.parametrize("n_dropped,joined", [(0, True), (2, True), (3, False)])
def test_no_join_across_much_dropped_text(n_dropped, joined):
    lines = ["The army said it would"] + [f"Advert {k}" for k in range(n_dropped)] + ["leave the region soon."]
    doc = Document.from_text("g", "\n".join(lines) + "\n", lang="en")
    for r in doc.lines[1:-1]:
        r.drop("boilerplate", "ad")
    repair_document(doc)
    assert (doc.lines[-1].reason == "mt:split") is joined
