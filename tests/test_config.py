from __future__ import annotations

from dataclasses import dataclass

import pytest

from normalise.config import ConfigError, PipelineConfig


@dataclass
class Demo:
    threshold: float = 0.5
    name: str = "x"


def test_section_builds_stage_config_and_rejects_unknown_keys():
    cfg = PipelineConfig(stages={"demo": {"threshold": 0.9}})
    assert cfg.section("demo", Demo) == Demo(threshold=0.9)
    assert cfg.section("other", Demo) == Demo()
    with pytest.raises(ConfigError, match="unknown option.*'demo'.*thresold"):
        PipelineConfig(stages={"demo": {"thresold": 1}}).section("demo", Demo)


def test_yaml_safe_load_and_errors(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("translate: require\ntermbases: [a.yaml]\nstages: {demo: {name: y}}\n")
    cfg = PipelineConfig.from_yaml(p)
    assert cfg.translate == "require" and cfg.termbases == ["a.yaml"]
    p.write_text("!!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        PipelineConfig.from_yaml(p)
    p.write_text("bogus: 1\n")
    with pytest.raises(ConfigError, match="unknown top-level"):
        PipelineConfig.from_yaml(p)
    with pytest.raises(ConfigError, match="not found"):
        PipelineConfig.from_yaml(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="translate must be"):
        PipelineConfig(translate="sometimes")


def test_fingerprint_changes_with_options():
    a, b = PipelineConfig(), PipelineConfig().with_stage("demo", threshold=1)
    assert a.fingerprint() != b.fingerprint()
    assert a.fingerprint() == PipelineConfig().fingerprint()
    assert a.stages == {}  # with_stage copies
