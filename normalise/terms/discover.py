"""Discovering French-origin terms that are not in the termbase yet.

Evidence kinds (word lists and weights in ``normalise/data/terms_discovery.yaml``):

* ``diacritic``: a capitalised token with French letters inside English text (``Ménaka``,
  ``Tiémoko``), unless it is an English loanword with accents (``Café``).
* ``french-particle``: a capitalised sequence joined by French particles inside English text
  (``Quai d'Orsay``, ``Ministère des Armées``).
* ``acronym-fr-expansion``: an acronym defined next to a French-looking long form, as in
  ``Forces armées maliennes (FAMa)`` or ``CNT (Conseil national de transition)``: the long form's
  word initials spell the acronym (articles and prepositions skipped), the approach of Schwartz &
  Hearst (2003) for abbreviation definitions. Every use of that acronym in the corpus counts; the
  long form is the candidate's variant.
* ``quoted-foreign``: a short quoted phrase in English text that looks French.
* ``two-spellings``: a capitalised name written two ways in documents of the same language that
  differ only by accents (``Goita`` / ``Goïta``); across languages that is mostly ordinary words
  (President / Président), so it is not counted.
* ``near-termbase``: a capitalised word one edit (insertion, deletion, substitution or swap of
  two neighbours) away from a one-word termbase form, in either language (``Takumba`` for
  Takuba, ``Minusman`` for Minusma): a variant spelling to add to that entry, or an MT error.
  Words of fewer than 5 letters are not compared (too many real words are one edit apart).

Anything already matched by the termbase is skipped. Candidates are ranked by
``weight * count + number of documents`` and carry up to three contexts.

Not done yet: no language model scoring (lingua could confirm "looks French" for quoted text);
two-spelling detection ignores transliteration variants (``Abdullaye`` / ``Abdoulaye``).
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Iterable

import yaml

from ..document import Document
from .match import find_terms, fold
from .termbase import Termbase

DATA = Path(__file__).resolve().parent.parent / "data" / "terms_discovery.yaml"
TSV_COLUMNS = ("cand_id", "kind", "surface", "variants", "count", "n_docs", "score", "lang", "docs", "contexts")


@lru_cache(maxsize=1)
def _lists() -> dict[str, Any]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


@dataclass
class Candidate:
    """A possible French-origin term, with its evidence."""

    cand_id: str
    kind: str
    surface: str
    count: int = 0
    docs: list[str] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    lang: str = "en"
    score: float = 0.0

    def to_row(self) -> dict[str, str]:
        return {"cand_id": self.cand_id, "kind": self.kind, "surface": self.surface,
                "variants": " | ".join(self.variants), "count": str(self.count), "n_docs": str(len(self.docs)),
                "score": f"{self.score:g}", "lang": self.lang, "docs": ",".join(self.docs),
                "contexts": " || ".join(c.replace("\t", " ").replace("\n", " ") for c in self.contexts)}


def _cand_id(kind: str, surface: str) -> str:
    key = fold(surface).lower()
    slug = re.sub(r"[^a-z0-9]+", "_", key).strip("_")[:32] or "x"
    return f"{slug}_{hashlib.sha1((kind + '|' + key).encode()).hexdigest()[:6]}"


def _doc_texts(doc: Document) -> Iterable[tuple[str, str]]:
    """(lang, text) of each live line, or of the whole text for a document without lines."""
    if doc.lines:
        for rec in doc.live_lines():
            lang = rec.lang or doc.lang
            if lang and rec.current.strip():
                yield lang, rec.current
    elif doc.text and doc.lang:
        yield doc.lang, doc.text


def _context(text: str, start: int, end: int, width: int = 50) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a else "") + text[a:start] + "[" + text[start:end] + "]" + text[end:b] + ("…" if b < len(text) else "")


# Tokens for acronym expansion: French elisions (l', d') are tokens of their own.
_WORD = re.compile(r"[^\W\d_]+['’]?")
_ACRONYM = re.compile(r"(?<!\w)([A-Z][A-Za-z]{1,7})(?!\w)")
_QUOTED = re.compile(r"[«“\"]\s*([^\"“”«»\n]{2,60}?)\s*[»”\"]")


class _Collector:
    def __init__(self) -> None:
        self.cands: dict[tuple[str, str], Candidate] = {}

    def add(self, kind: str, surface: str, doc_id: str, lang: str, context: str, variant: str | None = None) -> None:
        key = (kind, fold(surface).lower())
        c = self.cands.get(key)
        if c is None:
            c = self.cands[key] = Candidate(cand_id=_cand_id(kind, surface), kind=kind, surface=surface, lang=lang)
        c.count += 1
        if doc_id not in c.docs:
            c.docs.append(doc_id)
        if len(c.contexts) < 3 and context not in c.contexts:
            c.contexts.append(context)
        if variant and variant not in c.variants and variant != c.surface:
            c.variants.append(variant)


    def add_tally(self, kind: str, surface: str, lang: str, tally: "_Tally", variant: str | None = None) -> None:
        """Same effect as one :meth:`add` per tallied hit, without having kept every hit."""
        key = (kind, fold(surface).lower())
        c = self.cands.get(key)
        if c is None:
            c = self.cands[key] = Candidate(cand_id=_cand_id(kind, surface), kind=kind, surface=surface, lang=lang)
        c.count += tally.count
        for d in tally.docs:
            if d not in c.docs:
                c.docs.append(d)
        for ctx in tally.contexts:
            if len(c.contexts) < 3 and ctx not in c.contexts:
                c.contexts.append(ctx)
        if variant and variant not in c.variants and variant != c.surface:
            c.variants.append(variant)


class _Tally:
    """Hits of one form, kept small: a count, the documents (once each) and the first contexts.
    Keeping every hit made memory grow with the corpus (every capitalised token of every
    document, with its context)."""

    __slots__ = ("count", "docs", "contexts", "lang")

    def __init__(self, lang: str = "") -> None:
        self.count = 0
        self.docs: dict[str, None] = {}
        self.contexts: list[str] = []
        self.lang = lang

    def add(self, doc_id: str, context: str) -> None:
        self.count += 1
        self.docs.setdefault(doc_id, None)
        if len(self.contexts) < 3 and context not in self.contexts:
            self.contexts.append(context)


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _french_score(words: list[str], lists: dict[str, Any]) -> int:
    fw = set(lists["french_function_words"])
    letters = set(lists["french_letters"])
    n = sum(1 for w in words if w.lower() in fw or w.lower().rstrip("'’") + "'" in fw)
    n += sum(1 for w in words if any(c in letters for c in w))
    return n


def _initials_match(words: list[str], acronym: str, skip: set[str]) -> bool:
    """The content words of ``words`` (skip words not counted) spell ``acronym``; the first and
    the last word must be content words."""
    # Mixed-case acronyms (FAMa) spell their words with the capitals only.
    target = (acronym if acronym.isupper() else "".join(c for c in acronym if c.isupper())).lower()
    content = [w for w in words if w.lower() not in skip]
    if not content or words[0].lower() in skip or words[-1].lower() in skip:
        return False
    return "".join(fold(w[:1]).lower() for w in content) == target


def _long_form_before(tokens: list[str], acronym: str, skip: set[str]) -> str | None:
    """The shortest run of ``tokens`` ending at the last token whose initials spell ``acronym``
    (Schwartz & Hearst: at most min(n + 5, 2n) words for an n-letter acronym)."""
    n = len(acronym)
    for size in range(1, min(n + 5, 2 * n) + 1):
        if size > len(tokens):
            break
        words = tokens[-size:]
        if _initials_match(words, acronym, skip):
            return " ".join(words).replace("' ", "'")
    return None


def _looks_french(long_form: str, fw: set[str], letters: set[str]) -> bool:
    words = long_form.replace("'", "' ").split()
    return any(w.lower() in fw for w in words) or any(c in letters for c in long_form)


_DEF_AFTER = re.compile(r"\(\s*([A-Z][A-Za-z]{1,7})\s*\)")  # long form (ACR)
_DEF_BEFORE = re.compile(r"(?<!\w)([A-Z][A-Za-z]{1,7})\s*\(([^()]{5,160})\)")  # ACR (long form)


def _acronym_definitions(text: str, skip: set[str], fw: set[str], letters: set[str]) -> list[tuple[str, str]]:
    """(acronym, French-looking long form) pairs defined in ``text``."""
    out = []
    for m in _DEF_AFTER.finditer(text):
        a = m.group(1)
        if sum(c.isupper() for c in a) < 2:
            continue
        before = re.split(r"[.!?;:()\[\]«»\"“”]", text[:m.start()])[-1]
        lf = _long_form_before([t.replace("’", "'") for t in _WORD.findall(before)], a, skip)
        if lf and _looks_french(lf, fw, letters):
            out.append((a, lf))
    for m in _DEF_BEFORE.finditer(text):
        a = m.group(1)
        if sum(c.isupper() for c in a) < 2:
            continue
        words = [t.replace("’", "'") for t in _WORD.findall(m.group(2))]
        if words and _initials_match(words, a, skip):
            lf = " ".join(words).replace("' ", "'")
            if _looks_french(lf, fw, letters):
                out.append((a, lf))
    return out


def within_one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance of ``a`` and ``b`` is at most 1 (hand-written: a bounded
    check is a few lines, and no library here offers edit distance)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
    return a[i:] == b[i + 1:]


def _one_word_forms(tb: Termbase) -> dict[str, tuple[str, str]]:
    """Folded lower one-word termbase forms of 5+ letters -> (entry id, form as written)."""
    out: dict[str, tuple[str, str]] = {}
    for e in tb.entries.values():
        for lf in e.forms.values():
            for v in lf.variants:
                if " " not in v.form and len(v.form) >= 5 and v.form.isalpha():
                    out.setdefault(fold(v.form).lower(), (e.id, v.form))
    return out


def discover_candidates(docs: Iterable[Document], tb: Termbase, min_count: int = 1) -> list[Candidate]:
    """Ranked candidates (best first) from the live lines of ``docs``; see the module docstring."""
    lists = _lists()
    letters = set(lists["french_letters"])
    fw = set(lists["french_function_words"])
    skip = set(lists["acronym_skip_words"])
    en_accented = {w.lower() for w in lists["english_accented"]}
    col = _Collector()
    spellings: dict[tuple[str, str], dict[str, _Tally]] = {}
    acronyms: dict[str, _Tally] = {}
    definitions: dict[str, str] = {}
    near_forms = _one_word_forms(tb)
    for doc in docs:
        for lang, text in _doc_texts(doc):
            spans = [(o.start, o.end) for o in find_terms(text, lang, tb)]
            for a, lf in _acronym_definitions(text, skip, fw, letters):
                definitions.setdefault(a, lf)
            for m in _ACRONYM.finditer(text):
                a = m.group(1)
                if sum(c.isupper() for c in a) >= 2 and not _covered(spans, *m.span()):
                    acronyms.setdefault(a, _Tally(lang)).add(doc.doc_id, _context(text, *m.span()))
            for m in re.finditer(r"(?<!\w)[^\W\d_]+", text):
                w = m.group(0)
                if w[:1].isupper() and len(w) > 2 and not _covered(spans, m.start(), m.end()):
                    spellings.setdefault((lang, fold(w).lower()), {}).setdefault(w, _Tally(lang)).add(
                        doc.doc_id, _context(text, m.start(), m.end()))
                    key = fold(w).lower()
                    if len(w) >= 5 and key not in near_forms:
                        near = next((f for k, f in near_forms.items() if k[0] == key[0] and within_one_edit(key, k)),
                                    None)
                        if near:
                            col.add("near-termbase", w, doc.doc_id, lang, _context(text, m.start(), m.end()),
                                    variant=f"{near[1]} ({near[0]})")
            if lang != "en":
                continue
            for m in re.finditer(r"(?<!\w)[A-ZÀ-Þ][\w\-]+(?:\s+(?:de|du|des|la|le|les)\s+|\s+[dl]['’])[A-ZÀ-Þ][\w\-]+", text):
                if not _covered(spans, m.start(), m.end()):
                    col.add("french-particle", m.group(0), doc.doc_id, lang, _context(text, m.start(), m.end()))
                    spans.append(m.span())
            for m in re.finditer(r"(?<!\w)[^\W\d_][\w\-]*", text):
                w = m.group(0)
                if (w[:1].isupper() and any(c in letters for c in w) and w.lower() not in en_accented
                        and not _covered(spans, m.start(), m.end())):
                    col.add("diacritic", w, doc.doc_id, lang, _context(text, m.start(), m.end()))
            for m in _QUOTED.finditer(text):
                inner = m.group(1).strip()
                words = inner.split()
                if (len(words) <= lists["quoted_max_words"] and _french_score(words, lists) >= lists["quoted_min_french"]
                        and not _covered(spans, m.start(1), m.end(1))):
                    col.add("quoted-foreign", inner, doc.doc_id, lang, _context(text, m.start(1), m.end(1)))
    for a, lf in definitions.items():
        if a in acronyms:
            col.add_tally("acronym-fr-expansion", a, acronyms[a].lang, acronyms[a], variant=lf)
    for (lang, _key), forms in spellings.items():
        if len(forms) < 2:
            continue
        accented = [f for f in forms if any(c in letters for c in f)]
        plain = [f for f in forms if not any(c in letters for c in f)]
        if not accented or not plain:
            continue
        best = max(accented, key=lambda f: forms[f].count)
        for f, tally in forms.items():
            col.add_tally("two-spellings", best, lang, tally, variant=f)
    weights = lists["weights"]
    out = [c for c in col.cands.values() if c.count >= min_count]
    for c in out:
        c.score = weights.get(c.kind, 1) * c.count + len(c.docs)
    out.sort(key=lambda c: (-c.score, c.kind, c.surface))
    return out


def write_candidates_tsv(cands: Iterable[Candidate], path: str | Path | IO[str]) -> Path | None:
    """``terms/candidates.tsv``: a header then one candidate per line (columns ``TSV_COLUMNS``).
    ``path`` may also be an open text stream (then nothing is returned)."""

    def write(fh: IO[str]) -> None:
        w = csv.DictWriter(fh, fieldnames=TSV_COLUMNS, delimiter="\t", lineterminator="\n",
                           quoting=csv.QUOTE_MINIMAL)
        w.writeheader()
        for c in cands:
            w.writerow(c.to_row())

    if hasattr(path, "write"):
        write(path)  # type: ignore[arg-type]
        return None
    p = Path(path)  # type: ignore[arg-type]
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8", newline="") as fh:
        write(fh)
    return p


def read_candidates_tsv(path: str | Path) -> list[Candidate]:
    with Path(path).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    out = []
    for r in rows:
        out.append(Candidate(cand_id=r["cand_id"], kind=r["kind"], surface=r["surface"],
                             count=int(r.get("count") or 0), docs=[d for d in (r.get("docs") or "").split(",") if d],
                             contexts=[c for c in (r.get("contexts") or "").split(" || ") if c],
                             variants=[v for v in (r.get("variants") or "").split(" | ") if v],
                             lang=r.get("lang") or "en", score=float(r.get("score") or 0)))
    return out
