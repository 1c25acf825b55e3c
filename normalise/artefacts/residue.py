"""Untranslated residue: spans of another language inside a segment (French left in English,
German in an English translation, English in French), and locale-tagged asset names
(``google-play-badge_FR``).

How a span is found: each lower-case word is marked with the languages whose function-word list
(``data/artefacts/function_{en,fr,de}.txt``) has it *exclusively*, or by letters only one of the
languages uses in lower-case words (``é è ç`` French, ``ä ö ü ß`` German). A run of words with no
mark of the segment's own language that holds at least ``min_markers`` marks of one foreign
language is a candidate; lingua (built once, restricted to en/fr/de) must then agree that the
span is in that language. Capitalised words never carry a mark (names: ``Le Pen``, ``de Gaulle``,
``Der Spiegel`` are not residue). Flags only: what the span should have said is unknown.
Not done yet: single foreign words (``rapprochement``) are not flagged; languages other than
en/fr/de are not looked for.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .base import WORD_RE, Finding, function_words

LANGS = ("en", "fr", "de")
_ASSET_ID = re.compile(r"\b[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*[-_](?:FR|DE|EN|fr|de|en)\b(?![-'’])")
_LETTERS = {"fr": set("éèêëàâçùûîïôœ"), "de": set("äöüß")}
MIN_MARKERS = 2


@lru_cache(maxsize=None)
def exclusive_lexicons() -> dict[str, frozenset[str]]:
    lex = {lg: function_words(lg) for lg in LANGS}
    return {lg: frozenset(lex[lg] - frozenset().union(*(lex[o] for o in LANGS if o != lg))) for lg in LANGS}


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH, Language.GERMAN).build()


def span_language(text: str) -> tuple[str, float]:
    """Most likely of en/fr/de for a short span, with lingua's confidence."""
    vals = _detector().compute_language_confidence_values(text)
    best = vals[0]
    return best.language.iso_code_639_1.name.lower(), best.value


def marks(word: str) -> set[str]:
    if not word[:1].islower():
        return set()
    w = word.lower().replace("’", "'")
    found = {lg for lg, lex in exclusive_lexicons().items() if w in lex or w.split("'")[0] in lex and "'" in w}
    for lg, letters in _LETTERS.items():
        if any(c in letters for c in w):
            found.add(lg)
    return found


def detect(text: str, lang: str = "en", cfg=None, min_markers: int = MIN_MARKERS) -> list[Finding]:
    out: list[Finding] = []
    for m in _ASSET_ID.finditer(text):
        out.append(Finding("residue", "asset-id", m.start(), m.end(), evidence=m.group(0), extra={"lang": m.group(0)[-2:].lower()}))
    if lang not in LANGS:
        return out
    ws = [(m.group(0), m.start(), m.end()) for m in WORD_RE.finditer(text)]
    own = exclusive_lexicons()[lang]
    i = 0
    while i < len(ws):
        mk = marks(ws[i][0])
        foreign = mk - {lang}
        if not foreign or lang in mk:
            i += 1
            continue
        # grow a run of words carrying no mark of the segment's own language
        j = i
        counts: dict[str, int] = {}
        while j < len(ws):
            w = ws[j][0]
            wm = marks(w)
            if lang in wm or w.lower() in own:
                break
            if j > i and text[ws[j - 1][2] : ws[j][1]].strip(" '’-"):
                break  # punctuation ends a span
            for lg in wm - {lang}:
                counts[lg] = counts.get(lg, 0) + 1
            j += 1
        best = max(counts, key=counts.get) if counts else None
        if best and counts[best] >= min_markers:
            # unmarked lower-case words around the marked ones join the span (content words of
            # the foreign phrase), up to a word of the segment's language or punctuation
            k = i
            while k > 0 and not marks(ws[k - 1][0]) and ws[k - 1][0][:1].islower() \
                    and ws[k - 1][0].lower() not in own and not text[ws[k - 1][2] : ws[k][1]].strip(" '’-"):
                k -= 1
            start, end = ws[k][1], ws[j - 1][2]
            span = text[start:end]
            slang, conf = span_language(span)
            if slang == best:
                out.append(Finding("residue", f"span-{best}", start, end, evidence=span,
                                   extra={"lang": best, "confidence": round(conf, 3)}))
        i = max(j, i + 1)
    return out
