"""Run configuration: one typed object, loadable from YAML, fingerprinted for caching.

Each stage owns its options as a dataclass in its own module (``BoilerplateConfig`` in
``boilerplate.py``, ``TranslateConfig`` in ``translate/``...). This module does not import
them: it keeps each stage's options as a plain mapping under ``stages`` and builds the stage's
dataclass on demand with :meth:`PipelineConfig.section`, so an unknown key is reported with the
stage that rejected it. YAML is read with ``yaml.safe_load`` only.

Example ``normalise.yaml``::

    translate: auto          # auto | require | off
    termbases: [my_terms.yaml]
    stages:
      translate:
        backend: ctranslate2
        models: {en-fr: /models/opus-mt-en-fr}
      boilerplate:
        repeat_min_docs: 3
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")

TRANSLATE_MODES = ("auto", "require", "off")


class ConfigError(ValueError):
    """A configuration file or option that cannot be used; the message says which and why."""


@dataclass
class PipelineConfig:
    """Options of a whole run.

    translate: ``auto`` translates when a model is available and otherwise finishes every other
        stage with a prominent warning; ``require`` fails the run (after writing everything else)
        when a model is missing; ``off`` skips translation (``--no-translate``).
    termbases: extra termbase files (YAML, CSV or TBX) loaded on top of the shipped one.
    max_bytes: inputs larger than this are quarantined, not read into memory (a shortcut for
        ``stages.ingest.max_bytes``, which wins when set; see ``normalise.ingest.IngestConfig``).
    chunk_size: documents per orchestration task (keeps per-task overhead small at scale). It
        is also the reach of boilerplate's cross-document evidence (a line repeated on several
        pages of a site): that is gathered within a chunk, in full and incremental runs alike.
        Inputs are taken sorted by path, so a folder per site keeps a site's pages together.
    stages: per-stage options, keyed by stage name, passed to that stage's config dataclass.
    """

    translate: str = "auto"
    termbases: list[str] = field(default_factory=list)
    max_bytes: int = 20_000_000
    chunk_size: int = 100
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.translate not in TRANSLATE_MODES:
            raise ConfigError(f"translate must be one of {', '.join(TRANSLATE_MODES)}, not {self.translate!r}")
        if not isinstance(self.stages, dict):
            raise ConfigError("stages must be a mapping of stage name -> options")

    def section(self, name: str, cls: type[T]) -> T:
        """Build stage ``name``'s config dataclass from ``stages[name]``."""
        opts = dict(self.stages.get(name) or {})
        known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(opts) - known)
        if unknown:
            raise ConfigError(
                f"unknown option(s) for stage {name!r}: {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        return cls(**opts)

    def with_stage(self, name: str, **opts: Any) -> "PipelineConfig":
        """A copy with ``stages[name]`` updated (used by the CLI flags)."""
        stages = {k: dict(v) for k, v in self.stages.items()}
        stages.setdefault(name, {}).update(opts)
        return dataclasses.replace(self, stages=stages)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def fingerprint(self) -> str:
        """Stable hash of the options (part of incremental-run and cache keys)."""
        blob = json.dumps(self.to_dict(), sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None) -> "PipelineConfig":
        data = dict(data or {})
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown top-level option(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**data)

    @classmethod
    def from_yaml(cls, path: str | Path) -> "PipelineConfig":
        p = Path(path)
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {p}") from None
        except yaml.YAMLError as e:
            raise ConfigError(f"config file {p} is not valid YAML: {e}") from None
        if data is not None and not isinstance(data, dict):
            raise ConfigError(f"config file {p} must hold a mapping at the top level")
        return cls.from_mapping(data)
