"""Stage 6: French-origin terms (termbase, matching, canonicalisation, MT protection, verification,
discovery). See ARCHITECTURE.md row 6 and the module docstrings for what each part does not do yet.

Public API::

    tb = load_termbase(extra_paths=())          # tb.version: stable content hash (TM key)
    find_terms(text, lang, tb) -> list[Occurrence]
    canonicalise_document(doc, tb) -> None
    protect(text, src_lang, tb) -> Protected    # .masked, .slots
    restore(text, protected, tgt_lang, tb) -> str
    verify_pair(pair, tb) -> None               # fills pair.terms, adds term:* flags
    discover_candidates(docs, tb) -> list[Candidate]
    write_candidates_tsv(cands, path)
"""

from .canonical import CanonicalConfig, canonicalise_document, canonicalise_text
from .config import TermsConfig
from .discover import Candidate, discover_candidates, write_candidates_tsv
from .match import Occurrence, find_terms, fold
from .protect import Protected, ProtectConfig, Slot, protect, restore, target_form
from .termbase import Entry, Termbase, TermbaseError, Variant, load_termbase
from .verify import VerifyConfig, verify_pair

__all__ = [
    "CanonicalConfig", "Candidate", "Entry", "Occurrence", "Protected", "ProtectConfig", "Slot", "Termbase",
    "TermbaseError", "TermsConfig", "Variant", "VerifyConfig", "canonicalise_document", "canonicalise_text",
    "discover_candidates", "find_terms", "fold", "load_termbase", "protect", "restore", "target_form",
    "verify_pair", "write_candidates_tsv",
]
