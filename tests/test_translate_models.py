"""Model resolution, fast failure and file checks (normalise/translate/models.py)."""

from __future__ import annotations

import shutil
import socket
import tarfile
import time

import pytest

from normalise.translate import ModelUnavailable, TranslateConfig, load_translator
from normalise.translate import models as M


@pytest.fixture(autouse=True)
def fresh_probes():
    M._PROBES.clear()
    yield
    M._PROBES.clear()


def offline_cfg(tmp_path, **kw):
    return TranslateConfig(cache_dir=str(tmp_path / "hf"), models_dir=str(tmp_path / "models"), num_beams=1,
                           max_new_tokens=4, **kw)


def test_offline_missing_model_fails_fast_and_names_the_fixes(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(M, "_download", lambda *a, **k: pytest.fail("must not download"))
    monkeypatch.setattr(M, "hub_reachable", lambda *a, **k: pytest.fail("must not probe the hub offline"))
    t0 = time.perf_counter()
    with pytest.raises(ModelUnavailable) as e:
        load_translator(offline_cfg(tmp_path), "en", "fr")
    assert time.perf_counter() - t0 < 3
    msg = str(e.value)
    assert "Helsinki-NLP/opus-mt-en-fr" in msg
    assert "offline" in e.value.reason
    assert "normalise models pull opus-mt-en-fr" in msg
    assert "--model-dir en-fr=/path/to/dir" in msg
    assert "normalise models import BUNDLE" in msg
    assert e.value.model == "Helsinki-NLP/opus-mt-en-fr"


@pytest.fixture
def silent_server():
    """A port that accepts TCP connections but never answers (like a stalling proxy)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    yield f"http://127.0.0.1:{srv.getsockname()[1]}"
    srv.close()


def _closed_port_url():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("kind,timeout", [("refused", 2.0), ("silent", 0.5), ("no-such-host", 2.0)])
def test_unreachable_hub_fails_fast(tmp_path, monkeypatch, silent_server, kind, timeout):
    url = {"refused": _closed_port_url(), "silent": silent_server, "no-such-host": "https://hub.invalid"}[kind]
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(M, "hub_url", lambda: url)
    monkeypatch.setattr(M, "_download", lambda *a, **k: pytest.fail("must not download when unreachable"))
    t0 = time.perf_counter()
    with pytest.raises(ModelUnavailable) as e:
        load_translator(offline_cfg(tmp_path, hub_timeout=timeout), "fr", "en")
    assert time.perf_counter() - t0 < timeout + 2
    assert "unreachable" in e.value.reason or "did not answer" in e.value.reason
    assert "opus-mt-fr-en" in str(e.value) and "--model-dir fr-en=" in e.value.fix


def test_pull_fails_fast_when_unreachable(tmp_path, monkeypatch, silent_server):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(M, "hub_url", lambda: silent_server)
    t0 = time.perf_counter()
    with pytest.raises(ModelUnavailable) as e:
        M.pull_model(offline_cfg(tmp_path, hub_timeout=0.5), "opus-mt-en-fr")
    assert time.perf_counter() - t0 < 3
    assert "did not answer" in e.value.reason


def test_pull_offline_refuses_at_once(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailable, match="offline"):
        M.pull_model(offline_cfg(tmp_path), "en-fr")


def test_pull_unknown_name(tmp_path):
    with pytest.raises(ModelUnavailable, match="en-fr"):
        M.pull_model(offline_cfg(tmp_path), "opus-mt-xx-yy")


def _copy(tiny_models, dest):
    shutil.copytree(tiny_models["en-fr"], dest)
    return dest


@pytest.mark.parametrize("name,damage", [
    ("source.spm", "delete"), ("target.spm", "garbage"), ("vocab.json", "garbage"), ("config.json", "delete"),
    ("config.json", "empty"), ("model.safetensors", "truncate"), ("model.safetensors", "delete"),
])
def test_damaged_directory_names_the_file(tiny_models, tmp_path, name, damage):
    d = _copy(tiny_models, tmp_path / "m")
    f = d / name
    if damage == "delete":
        f.unlink()
    elif damage == "empty":
        f.write_bytes(b"")
    elif damage == "garbage":
        f.write_bytes(b"\x00not a model{")
    else:
        f.write_bytes(f.read_bytes()[:200])
    with pytest.raises(ModelUnavailable) as e:
        load_translator(TranslateConfig(models={"en-fr": str(d)}), "en", "fr")
    assert name in str(e.value)
    assert e.value.file == name


def test_local_directory_wins_and_missing_directory_is_clear(tiny_models, tmp_path):
    r = M.resolve_model(TranslateConfig(models={"en-fr": str(tiny_models["en-fr"])}), "en", "fr")
    assert r.source == "local" and r.path == tiny_models["en-fr"].resolve()
    with pytest.raises(ModelUnavailable, match="does not exist"):
        M.resolve_model(TranslateConfig(models={"en-fr": str(tmp_path / "nope")}), "en", "fr")


def test_models_dir_then_hf_cache(tiny_models, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    cfg = offline_cfg(tmp_path)
    # HF cache layout: models--org--name/{refs/main, snapshots/<rev>/...}
    repo = tmp_path / "hf" / "models--Helsinki-NLP--opus-mt-en-fr"
    rev = "0" * 40
    shutil.copytree(tiny_models["en-fr"], repo / "snapshots" / rev)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(rev)
    assert M.resolve_model(cfg, "en", "fr").source == "hf-cache"
    _copy(tiny_models, tmp_path / "models" / "opus-mt-en-fr")
    r = M.resolve_model(cfg, "en", "fr")
    assert r.source == "models-dir" and r.path == tmp_path / "models" / "opus-mt-en-fr"
    assert load_translator(cfg, "en", "fr").translate(["The army left."])[0] is not None


def test_import_bundle_directory_and_tarball(tiny_models, tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    shutil.copytree(tiny_models["en-fr"], bundle / "opus-mt-en-fr")
    shutil.copytree(tiny_models["fr-en"], bundle / "opus-mt-fr-en")
    got = M.import_bundle(bundle, tmp_path / "models1")
    assert sorted(p.name for p in got) == ["opus-mt-en-fr", "opus-mt-fr-en"]
    tgz = tmp_path / "bundle.tar.gz"
    with tarfile.open(tgz, "w:gz") as tf:
        tf.add(bundle, arcname="bundle")
    got = M.import_bundle(tgz, tmp_path / "models2")
    assert sorted(p.name for p in got) == ["opus-mt-en-fr", "opus-mt-fr-en"]
    M.check_model_dir(tmp_path / "models2" / "opus-mt-fr-en")
    assert not any(p.name.startswith(".") for p in (tmp_path / "models2").iterdir())


def test_import_refuses_a_broken_bundle(tiny_models, tmp_path):
    bundle = tmp_path / "bundle" / "opus-mt-en-fr"
    shutil.copytree(tiny_models["en-fr"], bundle)
    (bundle / "vocab.json").unlink()
    with pytest.raises(ModelUnavailable, match="vocab.json"):
        M.import_bundle(tmp_path / "bundle", tmp_path / "models")
    assert not (tmp_path / "models" / "opus-mt-en-fr").exists()


def test_describe_lists_every_direction_without_downloading(tiny_models, tmp_path, monkeypatch):
    monkeypatch.setattr(M, "_download", lambda *a, **k: pytest.fail("must not download"))
    cfg = offline_cfg(tmp_path, models={"en-fr": str(tiny_models["en-fr"])})
    rows = {r["direction"]: r for r in M.describe(cfg)}
    assert set(rows) == {"en-fr", "fr-en", "de-en", "de-fr"}
    assert rows["en-fr"]["status"] == "ok" and rows["en-fr"]["source"] == "local"
    assert rows["de-en"]["status"] == "unavailable" and "opus-mt-de-en" in rows["de-en"]["fix"]


@pytest.mark.parametrize("kw", [{"backend": "marian"}, {"device": "tpu"}, {"batch_size": 0}])
def test_config_validation(kw):
    with pytest.raises(ValueError):
        TranslateConfig(**kw)


def test_online_path_probes_then_downloads(tiny_models, tmp_path, monkeypatch):
    import http.server
    import threading

    class Ok(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):  # noqa: N802 (http.server's naming)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=srv.handle_request, daemon=True).start()
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(M, "hub_url", lambda: f"http://127.0.0.1:{srv.server_address[1]}")
    calls = []
    monkeypatch.setattr(M, "_download", lambda spec, cache: calls.append(spec) or tiny_models["en-fr"])
    r = M.resolve_model(offline_cfg(tmp_path), "en", "fr")
    srv.server_close()
    assert calls == ["Helsinki-NLP/opus-mt-en-fr"] and r.source == "download"


def test_probe_result_is_reused(monkeypatch, silent_server):
    monkeypatch.setattr(M, "hub_url", lambda: silent_server)
    t0 = time.perf_counter()
    assert M.hub_reachable(0.5)[0] is False
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    assert M.hub_reachable(0.5)[0] is False
    assert first >= 0.4 and time.perf_counter() - t0 < 0.1


def test_models_dir_folder_named_by_direction(tiny_models, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    _copy(tiny_models, tmp_path / "models" / "en-fr")
    r = M.resolve_model(offline_cfg(tmp_path), "en", "fr")
    assert r.source == "models-dir" and r.path.name == "en-fr"
