"""``normalise models ...`` (normalise/translate/commands.py), driven through argparse exactly as
flows/cli.py registers it, without Prefect."""

from __future__ import annotations

import argparse
import json
import shutil
import time

import pytest

from normalise.translate import commands
from normalise.translate import models as M


def run(argv, capsys):
    parser = argparse.ArgumentParser(prog="normalise")
    sub = parser.add_subparsers(dest="command")
    commands.add_subcommands(sub)
    args = parser.parse_args(argv)
    rc = args.func(args)
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.fixture
def offline(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(M, "_download", lambda *a, **k: pytest.fail("must not download"))
    return ["--models-dir", str(tmp_path / "models"), "--cache-dir", str(tmp_path / "hf")]


def test_list_shows_resolution_and_fixes(tiny_models, offline, capsys):
    rc, out, _ = run(["models", "list", *offline, "--model-dir", f"en-fr={tiny_models['en-fr']}"], capsys)
    assert rc == 1  # fr-en, de-* unavailable
    assert "en-fr" in out and "ok (local)" in out
    assert "UNAVAILABLE" in out and "normalise models pull opus-mt-de-en" in out
    rc, out, _ = run(["models", "list", *offline, "--json"], capsys)
    assert {r["direction"] for r in json.loads(out)} == {"en-fr", "fr-en", "de-en", "de-fr"}


def test_import_then_list_and_verify(tiny_models, offline, tmp_path, capsys):
    bundle = tmp_path / "bundle"
    shutil.copytree(tiny_models["en-fr"], bundle / "opus-mt-en-fr")
    shutil.copytree(tiny_models["fr-en"], bundle / "opus-mt-fr-en")
    rc, out, _ = run(["models", "import", *offline, str(bundle)], capsys)
    assert rc == 0 and "imported opus-mt-en-fr" in out and "imported opus-mt-fr-en" in out
    rc, out, _ = run(["models", "verify", *offline, "en-fr", "opus-mt-fr-en"], capsys)
    assert rc == 0
    assert "en-fr: ok" in out and "fr-en: ok" in out and "models-dir" in out


def test_verify_names_the_corrupt_file(tiny_models, offline, tmp_path, capsys):
    bad = tmp_path / "bad"
    shutil.copytree(tiny_models["en-fr"], bad)
    (bad / "target.spm").write_bytes(b"garbage")
    rc, _, err = run(["models", "verify", *offline, "--model-dir", f"en-fr={bad}", "en-fr"], capsys)
    assert rc == 1 and "target.spm" in err


def test_verify_ctranslate2_backend(tiny_models, offline, tmp_path, capsys):
    rc, out, _ = run(["models", "verify", *offline, "--backend", "ctranslate2", "--model-dir",
                      f"fr-en={tiny_models['fr-en']}", "fr-en"], capsys)
    assert rc == 0 and "ctranslate2" in out


def test_pull_offline_fails_fast_with_the_fix(offline, capsys):
    t0 = time.perf_counter()
    rc, _, err = run(["models", "pull", *offline, "opus-mt-en-fr"], capsys)
    assert time.perf_counter() - t0 < 3
    assert rc == 1 and "offline" in err and "--model-dir en-fr=" in err


def test_import_missing_bundle(offline, tmp_path, capsys):
    rc, _, err = run(["models", "import", *offline, str(tmp_path / "nope.tar.gz")], capsys)
    assert rc == 1 and "does not exist" in err


def test_bad_model_dir_flag(offline, capsys):
    with pytest.raises(SystemExit, match="DIRECTION=PATH"):
        run(["models", "list", *offline, "--model-dir", "nonsense"], capsys)
