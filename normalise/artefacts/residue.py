"""Untranslated residue: spans of another language inside a segment (French left in English,
German in an English translation, English in French), and locale-tagged asset names
(``google-play-badge_FR``).

How a span is found: each lower-case word is marked with the languages whose function-word list
(``data/artefacts/function_{en,fr,de}.txt``) has it, and by letters only one of the
languages uses in lower-case words (``é è ç`` French, ``ä ö ü ß`` German). A run of words with no
word *only* of the segment's own language (shared words such as ``in``, ``a`` are neutral) that
holds at least ``min_markers`` marks of one foreign language is a candidate (a word of ``data/artefacts/residue_strong.tsv``, such as ``the`` or
``les``, counts twice; inside a run, an unmarked content word lingua alone is sure of counts
as a mark); lingua (built once, restricted to en/fr/de) must then agree that the
span is in that language. Capitalised words never carry a mark (names: ``Le Pen``, ``de Gaulle``,
``Der Spiegel`` are not residue). Flags only: what the span should have said is unknown.
A function word right before a capitalised word counts as a name particle (``de Gaulle``,
``d'Ivoire``), so residue that ends on a capitalised word loses that mark.
Not done yet: single foreign words (``rapprochement``) are not flagged; languages other than
en/fr/de are not looked for.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .base import WORD_RE, Finding, function_words, load_table

LANGS = ("en", "fr", "de")
_ASSET_ID = re.compile(r"\b[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*[-_](?:FR|DE|EN|fr|de|en)\b(?![-'’])")
_LETTERS = {"fr": set("éèêëàâçùûîïôœ"), "de": set("äöüß")}
MIN_MARKERS = 2
WEAK_CONFIDENCE = 0.8  # lingua confidence needed for a run of >= 3 words with one mark fewer
# an unmarked content word inside a run (never the first) counts as a mark when lingua alone gives
# it this confidence for a foreign language ("hired", "accueillera")
WORD_CONFIDENCE = 0.9
WORD_MIN_CHARS = 5


@lru_cache(maxsize=None)
def exclusive_lexicons() -> dict[str, frozenset[str]]:
    """Function words found in one language's list only (the bench draws foreign spans with them)."""
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


@lru_cache(maxsize=None)
def strong_words() -> dict[str, frozenset[str]]:
    rows = load_table("residue_strong.tsv", 2)
    return {lg: frozenset(w for l2, w in rows if l2 == lg) for lg in LANGS}


@lru_cache(maxsize=None)
def lexicons() -> dict[str, frozenset[str]]:
    return {lg: function_words(lg) for lg in LANGS}


def marks(word: str) -> set[str]:
    """Languages a lower-case word belongs to: every function-word list that has it (``du`` is
    French and German), plus the language of letters only it uses (``é`` French, ``ü`` German)."""
    if not word[:1].islower():
        return set()
    w = word.lower().replace("’", "'")
    if "'" in w and w.split("'", 1)[1][:1] and word.replace("’", "'").split("'", 1)[1][:1].isupper():
        return set()  # "d'Ivoire", "l'Élysée": an elided article before a name
    found = {lg for lg, lex in lexicons().items() if w in lex or ("'" in w and w.split("'")[0] in lex)}
    for lg, letters in _LETTERS.items():
        if any(c in letters for c in w):
            found.add(lg)
    return found


def detect(text: str, lang: str = "en", cfg=None, min_markers: int = MIN_MARKERS,
           weak_confidence: float = WEAK_CONFIDENCE, word_confidence: float = WORD_CONFIDENCE) -> list[Finding]:
    out: list[Finding] = []
    for m in _ASSET_ID.finditer(text):
        out.append(Finding("residue", "asset-id", m.start(), m.end(), evidence=m.group(0), extra={"lang": m.group(0)[-2:].lower()}))
    if lang not in LANGS:
        return out
    ws = [(m.group(0), m.start(), m.end()) for m in WORD_RE.finditer(text)]
    own_only = {lang}
    i = 0
    while i < len(ws):
        foreign = marks(ws[i][0]) - {lang}
        if not foreign or lang in marks(ws[i][0]):
            i += 1
            continue
        # grow a run: a word of the segment's language only ends it; a word shared with it
        # ("in", "a") is neutral; foreign marks are counted per language
        j = i
        counts: dict[str, int] = {}
        while j < len(ws):
            wm = marks(ws[j][0])
            if j + 1 < len(ws) and ws[j + 1][0][:1].isupper() and not text[ws[j][2] : ws[j + 1][1]].strip():
                wm = set()  # "de Gaulle", "von der Leyen": a particle of a name, not residue
            if wm == own_only:
                break
            if j > i and text[ws[j - 1][2] : ws[j][1]].strip(" '’-"):
                break  # punctuation ends a span
            if not wm and j > i and len(ws[j][0]) >= WORD_MIN_CHARS and ws[j][0][:1].islower():
                wl, wc = span_language(ws[j][0])  # inside a run only: a content word lingua is sure of
                if wl != lang and wc >= word_confidence:
                    wm = {wl}
            if lang not in wm:
                for lg in wm:
                    counts[lg] = counts.get(lg, 0) + (2 if ws[j][0].lower() in strong_words()[lg] else 1)
            j += 1
        best = max(counts, key=counts.get) if counts else None
        n_run = j - i
        strong = bool(best) and counts[best] >= min_markers
        weak = bool(best) and counts[best] == min_markers - 1 and n_run >= 3
        if strong or weak:
            # lingua must agree on the span; a weak run (one mark fewer) must convince it more
            # (``weak_confidence``) and be three words long
            last = max(k for k in range(i, j) if marks(ws[k][0]) and lang not in marks(ws[k][0]))
            need = 0.0 if strong else weak_confidence
            hit = None
            if strong or last - i >= 2:
                # from the first to the last marked word, then the unmarked words after it (the
                # foreign phrase's content words) while lingua stays as sure of the language
                slang, conf = span_language(text[ws[i][1] : ws[last][2]])
                if slang == best and conf >= need:
                    hit = (last, conf)
                    for k in range(last + 1, j):
                        if not ws[k][0][:1].islower() or lang in marks(ws[k][0]):
                            break  # a name or a word the segment's language shares ends it
                        sl2, c2 = span_language(text[ws[i][1] : ws[k][2]])
                        if sl2 != best or c2 < hit[1] - 0.02:
                            break
                        hit = (k, c2)
            if hit is None and j - 1 > last and j - 1 - i >= 2:
                slang, conf = span_language(text[ws[i][1] : ws[j - 1][2]])
                if slang == best and conf >= need:
                    hit = (j - 1, conf)
            if hit:
                start, end = ws[i][1], ws[hit[0]][2]
                out.append(Finding("residue", f"span-{best}", start, end, evidence=text[start:end],
                                   extra={"lang": best, "confidence": round(hit[1], 3), "marks": counts[best]}))
        i = max(j, i + 1)
    return out
