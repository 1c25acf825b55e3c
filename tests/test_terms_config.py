"""TermsConfig: defaults, validation, and the per-part configs it hands out."""

import pytest

from normalise.terms import TermsConfig, load_termbase, protect, restore


def test_defaults_match_the_parts():
    cfg = TermsConfig()
    assert cfg.protect().prefix == "XTERM" and cfg.verify().repair and cfg.canonical().record_occurrences


@pytest.mark.parametrize("kw", [{"placeholder_prefix": "xterm"}, {"placeholder_prefix": "X_T"},
                                {"discover_min_count": 0}])
def test_bad_values_rejected(kw):
    with pytest.raises(ValueError):
        TermsConfig(**kw)


def test_custom_placeholder_round_trip():
    tb = load_termbase()
    p = protect("Operation Barkhane ended.", "en", tb, TermsConfig(placeholder_prefix="ZZT").protect())
    assert p.masked == "ZZT0X ended."
    assert restore("ZZT0X a pris fin.", p, "fr", tb) == "Opération Barkhane a pris fin."


def test_from_pipeline_yaml_section():
    from normalise.config import PipelineConfig

    cfg = PipelineConfig(stages={"terms": {"protect_all": True, "ignore_types": ["common noun"]}})
    tc = cfg.section("terms", TermsConfig)
    assert tc.protect().protect_all and tc.verify().ignore_types == ("common noun",)
