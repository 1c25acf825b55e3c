"""``TermsConfig``: the options of stage 6 in one flat dataclass, for ``stages.terms`` in the
pipeline YAML (``PipelineConfig.section("terms", TermsConfig)``). Each part of the stage keeps its
own small config (:class:`CanonicalConfig`, :class:`ProtectConfig`, :class:`VerifyConfig`); this
one only gathers their options under one name and hands each part its own.

The termbase files themselves are not here: ``PipelineConfig.termbases`` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .canonical import CanonicalConfig
from .protect import ProtectConfig
from .verify import VerifyConfig


@dataclass
class TermsConfig:
    """Options of stage 6 (defaults in brackets).

    record_occurrences: keep found terms in ``doc.metadata["terms"]`` [True].
    fallback_lang: language for lines with no language set [None: such lines are skipped].
    placeholder_prefix / placeholder_suffix: MT placeholders are prefix + number + suffix
        ["XTERM" / "X", i.e. XTERM0X; see normalise/terms/protect.py for why].
    protect_all: also mask common nouns (junta, jihadist) before MT [False: the model translates
        them and verify_pair checks the result].
    repair: let verify_pair replace known mistranslations on the machine-translated side [True].
    ignore_types: entry types verify_pair does not check [none].
    discover_min_count: candidates seen fewer times are not reported [1].
    """

    record_occurrences: bool = True
    fallback_lang: str | None = None
    placeholder_prefix: str = "XTERM"
    placeholder_suffix: str = "X"
    protect_all: bool = False
    repair: bool = True
    ignore_types: tuple[str, ...] = ()
    discover_min_count: int = 1

    def __post_init__(self) -> None:
        if not self.placeholder_prefix.isalpha() or not self.placeholder_prefix.isupper():
            raise ValueError("placeholder_prefix must be capital letters (it must survive the MT model)")
        if self.discover_min_count < 1:
            raise ValueError("discover_min_count must be >= 1")
        self.ignore_types = tuple(self.ignore_types)

    def canonical(self) -> CanonicalConfig:
        return CanonicalConfig(record_occurrences=self.record_occurrences, fallback_lang=self.fallback_lang)

    def protect(self) -> ProtectConfig:
        return ProtectConfig(prefix=self.placeholder_prefix, suffix=self.placeholder_suffix,
                             protect_all=self.protect_all)

    def verify(self) -> VerifyConfig:
        return VerifyConfig(repair=self.repair, ignore_types=self.ignore_types)
