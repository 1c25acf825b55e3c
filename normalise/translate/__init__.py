"""Stage 8: machine translation (MarianMT / OPUS-MT through transformers or CTranslate2).

Public API (ARCHITECTURE.md): :class:`TranslateConfig`, :func:`load_translator` ->
:class:`Translator` (``translate(texts, progress=None) -> list[str]``), :class:`ModelUnavailable`;
guard rails in :mod:`.guards`; test/bench models in :mod:`.tiny`; CLI in :mod:`.commands`.
Heavy libraries (torch, transformers, ctranslate2) are imported only when a model is loaded.
"""

from .engine import Translator, clear_model_cache, load_translator
from .models import DEFAULT_MODELS, ModelUnavailable, TranslateConfig

__all__ = ["DEFAULT_MODELS", "ModelUnavailable", "TranslateConfig", "Translator", "clear_model_cache",
           "load_translator"]
