"""Model faults: a model directory with a missing or corrupt file gives an error naming that file
(in the manifest, the report's warnings and the TranslationRequired message), and every other
output of the run is still written. Damaged copies of the ``tiny_models`` fixture."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from normalise.config import PipelineConfig
from normalise.pipeline import TranslationRequired, run_pipeline

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_da88c3994183a637.txt"
CONTRACT = ["manifest.json", "report.md", "rejected.jsonl", "parallel/corpus.en", "parallel/corpus.fr",
            "parallel/corpus.tsv", "parallel/corpus.jsonl", "parallel/corpus.tmx", "terms/occurrences.tsv",
            "terms/candidates.tsv", "audit/000_da88c3994183a637.jsonl", "documents/000_da88c3994183a637.en.txt"]


def _delete(d: Path, name: str) -> None:
    (d / name).unlink()


def _truncate(d: Path, name: str) -> None:
    data = (d / name).read_bytes()
    (d / name).write_bytes(data[: len(data) // 3])


def _empty(d: Path, name: str) -> None:
    (d / name).write_bytes(b"")


def _garbage(d: Path, name: str) -> None:
    (d / name).write_bytes(b"\x00not what it should be\xff" * 10)


DAMAGE = [
    ("missing source.spm", _delete, "source.spm"),
    ("missing target.spm", _delete, "target.spm"),
    ("missing config.json", _delete, "config.json"),
    ("missing weights", _delete, "model.safetensors"),
    ("empty vocab.json", _empty, "vocab.json"),
    ("corrupt config.json", _garbage, "config.json"),
    ("corrupt vocab.json", _truncate, "vocab.json"),
    ("corrupt source.spm", _garbage, "source.spm"),
    ("truncated weights", _truncate, "model.safetensors"),
]


def damaged_copy(tiny_models, tmp_path: Path, how, name: str) -> Path:
    d = tmp_path / "opus-mt-en-fr-damaged"
    shutil.copytree(tiny_models["en-fr"], d)
    assert (d / name).is_file(), f"the tiny model has no {name}: update this test"
    how(d, name)
    return d


def cfg_for(model_dir: Path, tmp_path: Path, mode: str) -> PipelineConfig:
    return PipelineConfig(translate=mode).with_stage(
        "translate", models={"en-fr": str(model_dir)}, num_beams=1, max_new_tokens=16,
        tm_path=str(tmp_path / "tm.sqlite"))


@pytest.mark.parametrize("label, how, name", DAMAGE, ids=[d[0] for d in DAMAGE])
def test_damaged_model_named_and_other_outputs_written(tiny_models, tmp_path, label, how, name):
    model_dir = damaged_copy(tiny_models, tmp_path, how, name)
    run, run_dir = run_pipeline([str(SEED)], str(tmp_path / "out"), cfg_for(model_dir, tmp_path, "auto"))
    for rel in CONTRACT:
        assert (run_dir / rel).is_file(), rel
    m = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    st = m["translation"]["en-fr"]
    assert st["status"] == "unavailable"
    assert name in st["reason"], st  # the file is named, not just "the model"
    assert any(name in w for w in m["warnings"])
    assert name in (run_dir / "report.md").read_text(encoding="utf-8").split("## Counts")[0]
    assert m["counts"]["documents_ok"] == 1
    assert (run_dir / "documents" / "000_da88c3994183a637.en.txt").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("label, how, name", DAMAGE[:1] + DAMAGE[-1:], ids=[DAMAGE[0][0], DAMAGE[-1][0]])
def test_require_fails_naming_the_file_after_writing(tiny_models, tmp_path, label, how, name):
    model_dir = damaged_copy(tiny_models, tmp_path, how, name)
    with pytest.raises(TranslationRequired, match=name.replace(".", r"\.")):
        run_pipeline([str(SEED)], str(tmp_path / "out"), cfg_for(model_dir, tmp_path, "require"))
    run_dir = (tmp_path / "out" / "latest").resolve()
    for rel in CONTRACT:
        assert (run_dir / rel).is_file(), rel


def test_intact_copy_translates(tiny_models, tmp_path):
    """Guards the cases above: the undamaged copy does translate, so it is the damage they see."""
    d = tmp_path / "intact"
    shutil.copytree(tiny_models["en-fr"], d)
    run, run_dir = run_pipeline([str(SEED)], str(tmp_path / "out"), cfg_for(d, tmp_path, "require"))
    m = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert m["translation"]["en-fr"]["status"] == "ok"
