"""Translation memory (normalise/translate/memory.py)."""

from __future__ import annotations

import threading

import pytest

from normalise.translate.memory import TranslationMemory, normalise_source


@pytest.mark.parametrize("raw,norm", [
    ("The army left.", "The army left."),
    ("  The  army\tleft.\n", "The army left."),
    ("Cafe\u0301 cr\u00e8me", "Caf\u00e9 cr\u00e8me"),   # NFD -> NFC
    ("The\u00a0army", "The army"),                       # NBSP is whitespace
    ("The Army left.", "The Army left."),                # case is kept
    ("", ""),
])
def test_normalise_source(raw, norm):
    assert normalise_source(raw) == norm


def test_persists_and_keys_on_model_and_termbase(tmp_path):
    path = tmp_path / "sub" / "tm.sqlite"
    tm = TranslationMemory(path)
    tm.put_many({"The army left.": "L'armée est partie."}, "m1", "tb1")
    tm.close()
    tm = TranslationMemory(path)
    assert tm.get_many(["The army left."], "m1", "tb1") == {"The army left.": "L'armée est partie."}
    assert tm.get_many(["The army left."], "m2", "tb1") == {}
    assert tm.get_many(["The army left."], "m1", "tb2") == {}
    assert tm.get_many(["The army left!"], "m1", "tb1") == {}
    assert (tm.hits, tm.misses) == (1, 3)
    assert len(tm) == 1


def test_many_keys_and_duplicates(tmp_path):
    tm = TranslationMemory(tmp_path / "tm.sqlite")
    pairs = {f"sentence {i}": f"phrase {i}" for i in range(1200)}  # > SQLite's parameter chunk
    tm.put_many(pairs, "m")
    got = tm.get_many(list(pairs) + ["sentence 1", "unknown"], "m")
    assert got == pairs
    assert tm.misses == 1 and tm.hits == 1200


def test_threads_share_one_memory():
    tm = TranslationMemory()
    def work(k):
        tm.put_many({f"s{k}-{i}": "x" for i in range(50)}, "m")
        tm.get_many([f"s{k}-{i}" for i in range(50)], "m")
    ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert len(tm) == 200 and tm.hits == 200
