"""Shared fixtures. Nothing here downloads: HF_HUB_OFFLINE is set before any test runs, and the
translation tests use throw-away MarianMT models built on the fly (normalise/translate/tiny.py)."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, Path]:
    """Tiny random-weight MarianMT model directories, built once per session (~2 s):
    ``{"en-fr": Path, "fr-en": Path}``. Load them with
    ``TranslateConfig(models={"en-fr": str(tiny_models["en-fr"]), ...}, num_beams=1)``."""
    from normalise.translate.tiny import build_tiny_marian

    root = tmp_path_factory.mktemp("tiny_models")
    return {
        "en-fr": build_tiny_marian(root / "opus-mt-en-fr", "en", "fr", seed=0),
        "fr-en": build_tiny_marian(root / "opus-mt-fr-en", "fr", "en", seed=1),
    }


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    """A Prefect test harness (temporary server and database) for the flow tests of one module;
    its PREFECT_HOME is a temp dir. Starting one costs ~13 s, so flow tests share it per module."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect_home"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
