"""Finding termbase terms in text: one compiled regular expression per language.

How matching works:

* Text and forms are *folded* one character to one character (so offsets stay valid): accents
  removed (``Maïga`` -> ``Maiga``), typographic apostrophes and dashes straightened, NBSP -> space.
  Case is kept in the folded text; each token of a form is matched case-insensitively unless it is
  an acronym (two or more capitals: ``UN`` must not match French ``un``) or the variant says
  ``case: exact``.
* Words of a form may be separated by any run of whitespace or hyphens; ``inflect`` variants accept
  a plural ending on each word (``Status of Force(s) Agreement(s)``).
* All variants of all entries go into one alternation, longest first, between word boundaries, so
  ``UN Security Council`` wins over ``UN`` and ``Operation Barkhane`` over ``Barkhane``.
* Ambiguous variants (``Sofa``, ``Wagner``, ``Barkhane``, ``Serval``...) are kept only when the
  entry's context cues say so (negative cue words near the match and no more positive ones ->
  rejected; no cue at all -> the entry's ``default``). A short all-capital acronym inside a
  shouting headline is kept only when the line reads as the matcher's language (its neighbours
  are known headline words, no word of the line marks the other language:
  ``data/terms_headline.yaml``): "UN SAYS MALI ..." is the UN, French "UN SOLDAT ..." is not;
  "L'ONU APPELLE ..." is the UN in French. A headline word missing from those lists loses the
  acronym next to it. In such a line an acronym form of an entry with context cues ("SOFA") is
  checked against the cues like an ambiguous form ("SOFA BED" is furniture).

The regex engine is Python's ``re``: a hand-written matcher, because no well-kept library here does
accent- and inflection-tolerant multi-word dictionary matching with offsets (sacremoses and pysbd
tokenise; they do not look up terms).

Not done yet: no morphological analysis beyond plural endings (no French feminine/elision
variants other than those listed as forms); cues are word prefixes (or whole words, written
``word$``) in a character window, not a classifier.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from .termbase import Entry, Termbase, Variant

# Characters folded to a single ASCII stand-in (one-to-one, offsets preserved).
_PUNCT_FOLD = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ",
}


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c in _PUNCT_FOLD:
        return _PUNCT_FOLD[c]
    if c.isascii():
        return c
    d = unicodedata.normalize("NFD", c)
    base = "".join(ch for ch in d if not unicodedata.combining(ch))
    return base if len(base) == 1 else c


def fold(text: str) -> str:
    """Accent-free, apostrophe/dash-straightened copy of ``text`` with the same length."""
    if text.isascii():
        return text
    return "".join(_fold_char(c) for c in text)


def _is_acronym_token(tok: str) -> bool:
    return sum(1 for c in tok if c.isupper()) >= 2


_TOKEN_SPLIT = re.compile(r"[\s\-]+")
_SEP = r"[\s\-]+"
_PLURAL = r"(?:s|es|x)?"


def variant_pattern(v: Variant) -> str:
    """The regex source for one variant (over folded text)."""
    parts = []
    for tok in _TOKEN_SPLIT.split(fold(v.form).strip()):
        if not tok:
            continue
        pat = re.escape(tok)
        if v.inflect and tok[-1:].isalpha():
            pat += _PLURAL
        exact = v.case == "exact" or (v.case is None and _is_acronym_token(tok))
        if exact and not tok.isupper() and len(tok) >= 5:
            # an exact-case form is also accepted in all capitals (headlines: MAÏGA, BARKHANE);
            # not short ones, whose capitals are often another acronym (GAO is not Gao)
            up = re.escape(tok.upper()) + (_PLURAL.upper() if v.inflect and tok[-1:].isalpha() else "")
            pat = f"(?:{pat}|{up})"
        parts.append(pat if exact else f"(?i:{pat})")
    return _SEP.join(parts)


@dataclass
class Occurrence:
    """One term found in a text. Offsets are character offsets into that text."""

    term_id: str
    start: int
    end: int
    surface: str
    canonical: str  # what canonicalisation writes for this surface in this language
    lang: str
    form: str = ""  # the termbase variant that matched
    plural: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cue_regex(cues: tuple[str, ...]) -> re.Pattern[str] | None:
    cues = tuple(c for c in cues if c.strip())
    if not cues:
        return None
    # a cue is a word prefix ("denounc"); one ending in "$" is a whole word, plural allowed
    alts = "|".join(re.escape(fold(c[:-1]).lower()) + r"(?:s|es)?(?!\w)" if c.endswith("$")
                    else re.escape(fold(c).lower()) for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alts})")


def transfer_spelling(surface: str, form: str, keep_case: bool = True, diacritics: bool = True) -> str:
    """Rewrite ``surface`` with the accents (and, if not ``keep_case``, the case) of ``form``
    wherever the two are the same letters; the rest of ``surface`` (plural endings, spacing) is
    kept. ``Maiga`` + ``Maïga`` -> ``Maïga``; ``MAIGA`` -> ``MAÏGA``."""
    fs, ff = fold(surface), fold(form)
    n = min(len(fs), len(ff))
    if fs[:n].lower() != ff[:n].lower():
        return surface
    out = []
    for i, c in enumerate(surface):
        if i >= n:
            out.append(c)
            continue
        # Diacritics are only added, never removed: "Cédéao" and "CEDEAO" are both correct.
        t = form[i] if diacritics and not form[i].isascii() else c
        model = c if keep_case else form[i]
        t = t.upper() if model.isupper() else (t.lower() if model.islower() else t)
        out.append(t)
    return "".join(out)


class Matcher:
    """All variants of one language compiled into one regex, plus the per-entry cue regexes."""

    def __init__(self, tb: Termbase, lang: str):
        self.lang = lang
        self.tb = tb
        specs: list[tuple[int, str, Entry, Variant]] = []
        for entry in tb.entries.values():
            lf = entry.forms.get(lang)
            if not lf:
                continue
            for v in lf.variants:
                specs.append((len(v.form), variant_pattern(v), entry, v))
        # Longest first (the regex alternation takes the first that fits); at equal length a
        # variant with its own rewrite (FAMA -> FAMa) goes before the generic one.
        specs.sort(key=lambda s: (-s[0], s[3].replace_with is None))
        self.groups: dict[str, tuple[Entry, Variant]] = {}
        alts = []
        for i, (_, pat, entry, v) in enumerate(specs):
            name = f"v{i}"
            self.groups[name] = (entry, v)
            alts.append(f"(?P<{name}>{pat})")
        self.regex = re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)") if alts else None
        # Ambiguous forms shared by several entries (the surname Maïga of two people): when the
        # context rejects the entry the regex picked, the others are tried in termbase order.
        self.shared: dict[str, list[tuple[Entry, Variant, re.Pattern[str]]]] = {}
        for _, pat, entry, v in specs:
            if v.ambiguous:
                self.shared.setdefault(fold(v.form).lower(), []).append((entry, v, re.compile(pat)))
        self.cues: dict[str, tuple[Any, Any]] = {
            e.id: (_cue_regex(e.context.positive), _cue_regex(e.context.negative))
            for e in tb.entries.values() if e.context
        }

    def _context_ok(self, entry: Entry, folded: str, start: int, end: int) -> bool:
        ctx = entry.context
        if ctx is None:
            return True
        pos_re, neg_re = self.cues[entry.id]
        left = folded[max(0, start - ctx.window):start].lower()
        right = folded[end:end + ctx.window].lower()
        pos = sum(len(r.findall(left)) + len(r.findall(right)) for r in (pos_re,) if r)
        neg = sum(len(r.findall(left)) + len(r.findall(right)) for r in (neg_re,) if r)
        if neg and neg >= pos:
            return False
        if not pos and not neg:
            return ctx.default == "accept"
        return True

    def _other_reading(self, entry: Entry, v: Variant, folded: str, start: int, end: int,
                       trusted: frozenset[str] = frozenset(), need_context: bool = True):
        """Another entry with the same ambiguous form that reads this match: a ``trusted`` one
        first, then (when ``need_context``) one whose context cues accept it."""
        others = [(e2, v2) for e2, v2, rx in self.shared.get(fold(v.form).lower(), ())
                  if e2.id != entry.id and rx.fullmatch(folded, start, end)]
        for e2, v2 in others:
            if e2.id in trusted:
                return e2, v2
        if need_context:
            for e2, v2 in others:
                if self._context_ok(e2, folded, start, end):
                    return e2, v2
        return None

    @staticmethod
    def _shouting(folded: str, start: int, end: int) -> bool:
        """A short acronym inside an all-capitals headline (``MALI: LA JUNTE ... AU MALI``): the
        letters around it (same line, 40 characters either side) are nearly all capitals."""
        ls = folded.rfind("\n", 0, start) + 1
        le = folded.find("\n", end)
        le = len(folded) if le == -1 else le
        around = folded[max(ls, start - 40):start] + folded[end:min(le, end + 40)]
        letters = [c for c in around if c.isalpha()]
        # three letters are enough: "UN SOLDAT" on a line of its own is shouting French too
        return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)

    _WORD = re.compile(r"[A-Za-z]+")

    def _headline_vocab(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """(known words, foreign markers, termbase acronyms) for this language (built once)."""
        if getattr(self, "_hl", None) is None:
            data = headline_data()
            known = {fold(w).lower() for w in data.get("known_words", {}).get(self.lang, ())}
            acr = set()
            for entry in self.tb.entries.values():
                lf = entry.forms.get(self.lang)
                for v in (lf.variants if lf else ()):
                    for tok in self._WORD.findall(fold(v.form)):
                        known.add(tok.lower())
                        if _is_acronym_token(tok):
                            acr.add(tok.upper())
            markers = {fold(w).lower() for w in data.get("foreign_markers", {}).get(self.lang, ())}
            self._hl = (frozenset(known), frozenset(markers), frozenset(acr))
        return self._hl

    def _headline_acronym_ok(self, folded: str, start: int, end: int) -> bool:
        """A short acronym in an all-capitals line is kept when the line reads as this language:
        the words next to it are known words of it (``data/terms_headline.yaml``, words of its
        termbase forms, termbase acronyms) and no other word is a marker of the other language.
        "UN SAYS MALI MUST ..." keeps UN; French "UN SOLDAT TUE PRES DE GAO" does not. A
        language with no known-word list rejects all such acronyms."""
        known, markers, acr = self._headline_vocab()
        if not known:
            return False
        ls = folded.rfind("\n", 0, start) + 1
        le = folded.find("\n", end)
        le = len(folded) if le == -1 else le
        words = [(m.start(), m.group(0)) for m in self._WORD.finditer(folded, ls, le)]
        left = [w for p, w in words if p < start]
        right = [w for p, w in words if p >= end]
        for w in left + right:
            if w.upper() not in acr and w.lower() in markers and w.lower() not in known:
                return False
        near = ([left[-1]] if left else []) + ([right[0]] if right else [])
        return bool(near) and all(w.upper() in acr or w.lower() in known for w in near)

    def find(self, text: str, trusted: frozenset[str] = frozenset()) -> list[Occurrence]:
        """Occurrences in ``text``. ``trusted``: term ids already disambiguated elsewhere (the
        other side of a pair): their ambiguous forms are taken without looking at context cues,
        and preferred over another entry sharing the form."""
        if self.regex is None or not text:
            return []
        folded = fold(text)
        out: list[Occurrence] = []
        for m in self.regex.finditer(folded):
            entry, v = self.groups[m.lastgroup]  # type: ignore[index]
            start, end = m.span()
            if v.ambiguous and trusted and entry.id not in trusted:
                alt = self._other_reading(entry, v, folded, start, end, trusted, need_context=False)
                if alt is not None:
                    entry, v = alt
            # In a line of capitals an exact-case acronym form is no longer told apart by its case
            # ("SOFA" the agreement vs "SOFA BED"): an entry with context cues is checked as if
            # the form were ambiguous.
            shouted_form = (not v.ambiguous and entry.context is not None and folded[start:end].isupper()
                            and self._shouting(folded, start, end))
            if (v.ambiguous or shouted_form) and entry.id not in trusted \
                    and not self._context_ok(entry, folded, start, end):
                if shouted_form:
                    continue
                alt = self._other_reading(entry, v, folded, start, end, trusted)
                if alt is None:
                    continue
                entry, v = alt
            if (end - start) <= 3 and folded[start:end].isupper() and self._shouting(folded, start, end) \
                    and not self._headline_acronym_ok(folded, start, end):
                continue
            surface = text[start:end]
            plural = len(_TOKEN_SPLIT.sub(" ", m.group(0))) > len(_TOKEN_SPLIT.sub(" ", fold(v.form))) \
                and v.inflect
            out.append(Occurrence(term_id=entry.id, start=start, end=end, surface=surface,
                                  canonical=canonical_surface(surface, v, entry, self.lang, plural),
                                  lang=self.lang, form=v.form, plural=plural))
        return out


@lru_cache(maxsize=None)
def headline_data() -> dict[str, Any]:
    """Word lists of ``normalise/data/terms_headline.yaml`` (see :meth:`Matcher._headline_acronym_ok`)."""
    import yaml

    from .termbase import DATA_PATH

    path = DATA_PATH.parent / "terms_headline.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for key in ("known_words", "foreign_markers"):
        for lang, words in (data.get(key) or {}).items():
            bad = [w for w in words if not isinstance(w, str)]
            if bad:  # "no", "on", "off" unquoted are booleans in YAML 1.1
                raise ValueError(f"{path.name}: {key}.{lang} has non-string entries {bad!r}: quote them")
    return data


def canonical_surface(surface: str, v: Variant, entry: Entry, lang: str, plural: bool = False) -> str:
    """What the per-language policy writes for ``surface`` (matched through variant ``v``)."""
    lf = entry.forms[lang]
    if v.replace_with:
        if plural:
            ending = surface[len(v.form):] if fold(surface).lower().startswith(fold(v.form).lower()) else ""
            return v.replace_with + ending
        return v.replace_with
    if not lf.canon_diacritics and not lf.canon_case:
        return surface
    # Only rewrite when the surface has the form's shape (same separators); otherwise keep it.
    if len(surface) < len(v.form):
        return surface
    return transfer_spelling(surface, v.form, keep_case=not lf.canon_case, diacritics=lf.canon_diacritics)


def find_terms(text: str, lang: str, tb: Termbase) -> list[Occurrence]:
    """Every termbase term in ``text`` (language ``lang``: "en" or "fr"), in text order.

    Languages the termbase has no forms for give an empty list."""
    if lang not in ("en", "fr"):
        return []
    return tb.matcher(lang).find(text)
