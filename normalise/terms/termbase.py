"""The termbase: entries, their per-language forms, loading (YAML, CSV, TBX) and versioning.

A :class:`Termbase` is built from the shipped ``normalise/data/termbase.yaml`` plus any extra
files (YAML in the same schema, CSV, TBX-Basic). Later files override entries with the same id.
``Termbase.version`` is a stable hash of the content (entries as loaded, not file bytes), so a
translation memory keyed on it is invalidated exactly when a term changes.

The matcher (one compiled regular expression per language) is built lazily and cached on the
termbase; see :mod:`normalise.terms.match`.

Not done yet: entries cannot be *removed* by an extra termbase (only overridden); no per-domain
subsetting of the termbase.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

DATA_PATH = Path(__file__).resolve().parent.parent / "data" / "termbase.yaml"

LANGS = ("en", "fr")
TYPES = ("operation", "force", "agreement", "organisation", "person", "place", "acronym", "common noun")


class TermbaseError(ValueError):
    """A termbase file is malformed (bad type, missing language, unknown key...)."""


@dataclass(frozen=True)
class Variant:
    """One accepted surface form of a term in one language."""

    form: str
    to: str | None = None  # form to write in the other language when translating this variant
    to_plural: str | None = None
    case: str | None = None  # "exact" | "any" | None (per token: acronyms exact, words any)
    inflect: bool = False
    ambiguous: bool = False
    replace_with: str | None = None  # canonicalisation rewrites this variant to that form

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, False)}


@dataclass(frozen=True)
class LangForms:
    canonical: str
    variants: tuple[Variant, ...]
    canon_diacritics: bool = True
    canon_case: bool = False


@dataclass(frozen=True)
class Context:
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    window: int = 200
    default: str = "accept"  # accept | reject


@dataclass(frozen=True)
class Entry:
    id: str
    type: str
    do_not_translate: bool
    protect: bool
    forms: dict[str, LangForms]
    context: Context | None = None
    mistranslations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""
    sources: str = ""

    def canonical(self, lang: str) -> str:
        return self.forms[lang].canonical

    def to_dict(self) -> dict[str, Any]:
        """The entry in the YAML schema (what ``dump_yaml`` writes and the version hashes)."""
        d: dict[str, Any] = {"id": self.id, "type": self.type, "do_not_translate": self.do_not_translate,
                             "protect": self.protect}
        canon: dict[str, Any] = {}
        for lang, lf in sorted(self.forms.items()):
            d[lang] = {"canonical": lf.canonical, "variants": [v.to_dict() for v in lf.variants]}
            canon[lang] = {"diacritics": lf.canon_diacritics, "case": lf.canon_case}
        d["canonicalise"] = canon
        if self.context:
            d["context"] = {"positive": list(self.context.positive), "negative": list(self.context.negative),
                            "window": self.context.window, "default": self.context.default}
        if self.mistranslations:
            d["mistranslations"] = {k: list(v) for k, v in sorted(self.mistranslations.items())}
        if self.note:
            d["note"] = self.note
        if self.sources:
            d["sources"] = self.sources
        return d


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _variant(raw: Any, where: str) -> Variant:
    if isinstance(raw, str):
        return Variant(form=raw)
    if not isinstance(raw, dict) or not raw.get("form"):
        raise TermbaseError(f"{where}: a variant is a string or a mapping with 'form'")
    unknown = set(raw) - {"form", "to", "to_plural", "case", "inflect", "ambiguous", "replace_with"}
    if unknown:
        raise TermbaseError(f"{where}: unknown variant keys {sorted(unknown)}")
    case = raw.get("case")
    if case not in (None, "exact", "any"):
        raise TermbaseError(f"{where}: case must be exact or any, not {case!r}")
    return Variant(form=str(raw["form"]), to=raw.get("to"), to_plural=raw.get("to_plural"), case=case,
                   inflect=bool(raw.get("inflect", False)), ambiguous=bool(raw.get("ambiguous", False)),
                   replace_with=raw.get("replace_with"))


def entry_from_dict(raw: dict[str, Any], where: str = "termbase") -> Entry:
    """Validate one entry of the YAML schema (see the header of ``normalise/data/termbase.yaml``)."""
    if not isinstance(raw, dict) or not raw.get("id"):
        raise TermbaseError(f"{where}: every entry needs an id")
    eid = str(raw["id"])
    where = f"{where}: entry {eid}"
    etype = str(raw.get("type", "acronym" if str(raw.get("en", "")).isupper() else "organisation"))
    if etype not in TYPES:
        raise TermbaseError(f"{where}: type {etype!r} not in {TYPES}")
    canon_cfg = raw.get("canonicalise") or {}
    forms: dict[str, LangForms] = {}
    for lang in LANGS:
        spec = raw.get(lang)
        if spec is None:
            continue
        if isinstance(spec, str):
            spec = {"canonical": spec}
        canonical = spec.get("canonical")
        if not canonical:
            raise TermbaseError(f"{where}: {lang} needs a canonical form")
        variants = [_variant(v, f"{where} {lang}") for v in _as_list(spec.get("variants"))]
        if not any(v.form == canonical for v in variants):
            variants.insert(0, Variant(form=canonical))
        cc = canon_cfg.get(lang) or {}
        forms[lang] = LangForms(canonical=str(canonical), variants=tuple(variants),
                                canon_diacritics=bool(cc.get("diacritics", True)),
                                canon_case=bool(cc.get("case", False)))
    if not forms:
        raise TermbaseError(f"{where}: needs at least one of {LANGS}")
    ctx = None
    if raw.get("context"):
        c = raw["context"]
        default = c.get("default", "accept")
        if default not in ("accept", "reject"):
            raise TermbaseError(f"{where}: context default must be accept or reject")
        ctx = Context(positive=tuple(str(x) for x in _as_list(c.get("positive"))),
                      negative=tuple(str(x) for x in _as_list(c.get("negative"))),
                      window=int(c.get("window", 200)), default=default)
    mis = {lang: tuple(str(x) for x in _as_list(v)) for lang, v in (raw.get("mistranslations") or {}).items()}
    dnt = bool(raw.get("do_not_translate", False))
    protect = bool(raw.get("protect", etype != "common noun"))
    return Entry(id=eid, type=etype, do_not_translate=dnt, protect=protect, forms=forms, context=ctx,
                 mistranslations=mis, note=str(raw.get("note", "") or "").strip(),
                 sources=str(raw.get("sources", "") or "").strip())


@dataclass
class Termbase:
    """All entries by id, with a content hash and (lazily) one compiled matcher per language."""

    entries: dict[str, Entry]
    sources: list[str] = field(default_factory=list)
    _matchers: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def version(self) -> str:
        """Stable hash of the content (16 hex digits): same entries -> same version, whatever the
        file order, formatting or comments."""
        blob = json.dumps([self.entries[k].to_dict() for k in sorted(self.entries)], sort_keys=True,
                          ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, term_id: object) -> bool:
        return term_id in self.entries

    def __getitem__(self, term_id: str) -> Entry:
        return self.entries[term_id]

    def add(self, entry: Entry) -> None:
        self.entries[entry.id] = entry
        self._matchers.clear()

    def to_yaml_dict(self) -> dict[str, Any]:
        return {"entries": [self.entries[k].to_dict() for k in self.entries]}

    def matcher(self, lang: str):
        """The compiled matcher for ``lang`` (built on first use, cached)."""
        from .match import Matcher  # local import: match imports this module

        if lang not in self._matchers:
            self._matchers[lang] = Matcher(self, lang)
        return self._matchers[lang]


def read_yaml_entries(path: Path) -> list[Entry]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    raw = data.get("entries", []) if isinstance(data, dict) else data
    if not isinstance(raw, list):
        raise TermbaseError(f"{path}: expected a list of entries (or a mapping with 'entries')")
    return [entry_from_dict(r, str(path)) for r in raw]


CSV_COLUMNS = ("id", "type", "en", "fr", "en_variants", "fr_variants", "do_not_translate", "note")


def read_csv_entries(path: Path) -> list[Entry]:
    """CSV with a header: id,type,en,fr[,en_variants,fr_variants,do_not_translate,note].
    Variants are separated by ``|``; do_not_translate is true/false/yes/no/1/0."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            raw: dict[str, Any] = {"id": row.get("id"), "type": row.get("type") or "organisation",
                                   "do_not_translate": row.get("do_not_translate", "").lower() in ("1", "true", "yes", "y"),
                                   "note": row.get("note", "")}
            for lang in LANGS:
                if row.get(lang):
                    raw[lang] = {"canonical": row[lang],
                                 "variants": [v.strip() for v in row.get(f"{lang}_variants", "").split("|") if v.strip()]}
            out.append(entry_from_dict(raw, f"{path}:{i}"))
    return out


def read_entries(path: str | Path) -> list[Entry]:
    """Entries of one termbase file, by extension: .yaml/.yml, .csv, .tbx (TBX-Basic)."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext in (".yaml", ".yml"):
        return read_yaml_entries(p)
    if ext == ".csv":
        return read_csv_entries(p)
    if ext in (".tbx", ".xml"):
        from .tbx import read_tbx

        return read_tbx(p)
    raise TermbaseError(f"{p}: unknown termbase format {ext!r} (use .yaml, .csv or .tbx)")


def load_termbase(extra_paths: Iterable[str | Path] = (), include_shipped: bool = True) -> Termbase:
    """The shipped termbase plus extra YAML/CSV/TBX files (later ids override earlier ones)."""
    tb = Termbase(entries={})
    paths = ([DATA_PATH] if include_shipped else []) + [Path(p) for p in extra_paths]
    for p in paths:
        for e in read_entries(p):
            tb.entries[e.id] = e
        tb.sources.append(str(p))
    return tb


def dump_yaml(entries: Iterable[Entry], path: str | Path, header: str = "") -> None:
    """Write entries in the YAML schema (used for user termbases and TBX import)."""
    text = yaml.safe_dump({"entries": [e.to_dict() for e in entries]}, allow_unicode=True, sort_keys=False,
                          width=100)
    Path(path).write_text((header + "\n" if header else "") + text, encoding="utf-8")
