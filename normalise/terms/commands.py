"""``normalise terms ...``: the termbase tools on the command line (no Prefect).

``flows/cli.py`` calls :func:`add_subcommands` with its subparsers. Subcommands:

* ``terms find FILE... [--lang en|fr] [--termbase PATH...]``: one occurrence per line,
  ``doc_id<TAB>term_id<TAB>start<TAB>end<TAB>surface<TAB>canonical``; offsets are characters of
  the decoded file text (``normalise.encoding.decode_bytes``). Without ``--lang`` each file's
  language comes from ``normalise.langid.detect_language`` (en or fr; anything else -> en).
* ``terms review CANDIDATES.tsv --into USER.yaml [--accept ID...|--all]``: accept discovery
  candidates into a user termbase (created if missing; existing ids are kept). Without
  ``--accept``/``--all`` it asks y/n/q per candidate when stdin is a terminal, else lists them
  and accepts nothing.
* ``terms import FILE.tbx --into X.yaml``: TBX-Basic (or TBX v3) to our YAML schema.
* ``terms export --tbx OUT.tbx [--termbase PATH...]``: the termbase (shipped + extras) as TBX-Basic.

Not done yet: ``review`` guesses the entry type from the kind of evidence (acronym / person /
organisation / common noun) and writes the same form for both languages except for acronym
expansions; a reviewer should edit the YAML afterwards.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any, TextIO

import yaml

from ..document import make_doc_id


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        from ..encoding import decode_bytes
    except ImportError:  # the encoding stage is optional for this tool
        return data.decode("utf-8", errors="replace")
    return decode_bytes(data).text


def _lang_of(text: str) -> str:
    try:
        from ..langid import detect_language
    except ImportError:
        return "en"
    try:
        lang, _ = detect_language(text[:5000])
    except Exception:  # language id failing must not stop a lookup tool
        return "en"
    return lang if lang in ("en", "fr") else "en"


def cmd_find(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from .match import find_terms
    from .termbase import load_termbase

    out = out or sys.stdout
    tb = load_termbase(args.termbase or ())
    status = 0
    for name in args.files:
        p = Path(name)
        if not p.is_file():
            print(f"normalise terms find: {name}: no such file", file=sys.stderr)
            status = 2
            continue
        text = _decode(p)
        lang = args.lang or _lang_of(text)
        doc_id = make_doc_id(str(p))
        try:
            for o in find_terms(text, lang, tb):
                surface = o.surface.replace("\t", " ").replace("\n", " ")
                out.write(f"{doc_id}\t{o.term_id}\t{o.start}\t{o.end}\t{surface}\t{o.canonical}\n")
        except BrokenPipeError:  # `normalise terms find ... | head` closed the pipe: not an error
            return status
    return status


def _slug(text: str) -> str:
    from .match import fold

    return re.sub(r"[^a-z0-9]+", "_", fold(text).lower()).strip("_") or "term"


_KIND_TYPE = {"acronym-fr-expansion": "acronym", "two-spellings": "person", "diacritic": "person",
              "french-particle": "organisation", "quoted-foreign": "common noun"}


def candidate_entry(c: Any, taken: set[str]) -> dict[str, Any]:
    """A termbase entry (YAML schema) for an accepted candidate."""
    eid = base = _slug(c.surface)
    n = 2
    while eid in taken:
        eid, n = f"{base}_{n}", n + 1
    etype = _KIND_TYPE.get(c.kind, "organisation")
    en_variants = [v for v in c.variants if v != c.surface] if c.kind != "acronym-fr-expansion" else []
    fr_variants = list(c.variants) if c.kind == "acronym-fr-expansion" else list(en_variants)
    return {"id": eid, "type": etype, "do_not_translate": c.kind != "quoted-foreign",
            "en": {"canonical": c.surface, "variants": en_variants},
            "fr": {"canonical": c.surface, "variants": fr_variants},
            "note": f"accepted from discovery ({c.kind}, {c.count} occurrences in {len(c.docs)} documents); "
                    "type guessed, review it"}


def _read_user_yaml(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("entries", []) if isinstance(data, dict) else data)


def _write_user_yaml(path: Path, entries: list[dict[str, Any]]) -> None:
    from .termbase import entry_from_dict

    for e in entries:  # refuse to write anything the loader would reject
        entry_from_dict(e, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# User termbase (normalise terms review / import). Same schema as normalise/data/termbase.yaml.\n"
    path.write_text(header + yaml.safe_dump({"entries": entries}, allow_unicode=True, sort_keys=False, width=100),
                    encoding="utf-8")


def cmd_review(args: argparse.Namespace, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    from .discover import read_candidates_tsv
    from .termbase import load_termbase

    stdin = stdin or sys.stdin
    out = out or sys.stdout
    cands = read_candidates_tsv(args.candidates)
    into = Path(args.into)
    entries = _read_user_yaml(into)
    taken = {str(e.get("id")) for e in entries} | set(load_termbase().entries)
    have_surfaces = {str((e.get("en") or {}).get("canonical", "")) for e in entries}
    if args.all:
        chosen = cands
    elif args.accept:
        wanted = set(args.accept)
        chosen = [c for c in cands if c.cand_id in wanted]
        unknown = wanted - {c.cand_id for c in chosen}
        if unknown:
            print(f"normalise terms review: unknown candidate ids: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
    elif stdin.isatty():
        chosen = []
        for c in cands:
            out.write(f"{c.cand_id}  [{c.kind}] {c.surface}  x{c.count}  {' | '.join(c.variants)}\n")
            for ctx in c.contexts[:2]:
                out.write(f"    {ctx}\n")
            out.write("accept? [y/N/q] ")
            out.flush()
            ans = stdin.readline().strip().lower()
            if ans == "q":
                break
            if ans in ("y", "yes"):
                chosen.append(c)
    else:
        for c in cands:
            out.write(f"{c.cand_id}\t{c.kind}\t{c.surface}\t{c.count}\n")
        out.write("(not a terminal: pass --accept ID... or --all to accept)\n")
        return 0
    added = 0
    for c in chosen:
        if c.surface in have_surfaces:
            continue
        e = candidate_entry(c, taken)
        taken.add(e["id"])
        have_surfaces.add(c.surface)
        entries.append(e)
        added += 1
    _write_user_yaml(into, entries)
    out.write(f"added {added} entr{'y' if added == 1 else 'ies'} to {into}\n")
    return 0


def cmd_import(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from .tbx import read_tbx

    out = out or sys.stdout
    new = [e.to_dict() for e in read_tbx(args.file)]
    into = Path(args.into)
    entries = {str(e.get("id")): e for e in _read_user_yaml(into)}
    for e in new:
        entries[e["id"]] = e
    _write_user_yaml(into, list(entries.values()))
    out.write(f"imported {len(new)} entr{'y' if len(new) == 1 else 'ies'} into {into}\n")
    return 0


def cmd_export(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from .tbx import export_tbx
    from .termbase import load_termbase

    out = out or sys.stdout
    tb = load_termbase(args.termbase or ())
    export_tbx(tb, args.tbx)
    out.write(f"exported {len(tb)} entries (termbase {tb.version}) to {args.tbx}\n")
    return 0


def add_subcommands(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``terms`` and its subcommands; each sets ``func(args) -> int``."""
    p = subparsers.add_parser("terms", help="termbase tools: find, review, import, export",
                              description="French-origin terms: find occurrences, review discovered "
                                          "candidates, import/export TBX-Basic.")
    sub = p.add_subparsers(dest="terms_command", metavar="{find,review,import,export}")
    sub.required = True

    f = sub.add_parser("find", help="term occurrences as TSV: doc_id term_id start end surface canonical")
    f.add_argument("files", nargs="+", metavar="FILE")
    f.add_argument("--lang", choices=("en", "fr"), help="language of the files (default: detected per file)")
    f.add_argument("--termbase", nargs="+", default=[], metavar="PATH", help="extra YAML/CSV/TBX termbases")
    f.set_defaults(func=cmd_find)

    r = sub.add_parser("review", help="accept discovered candidates into a user termbase")
    r.add_argument("candidates", metavar="CANDIDATES.tsv")
    r.add_argument("--into", required=True, metavar="USER_TERMBASE.yaml")
    g = r.add_mutually_exclusive_group()
    g.add_argument("--accept", nargs="+", metavar="ID", help="candidate ids (first column) to accept")
    g.add_argument("--all", action="store_true", help="accept every candidate")
    r.set_defaults(func=cmd_review)

    i = sub.add_parser("import", help="TBX-Basic file into a YAML termbase")
    i.add_argument("file", metavar="FILE.tbx")
    i.add_argument("--into", required=True, metavar="X.yaml")
    i.set_defaults(func=cmd_import)

    e = sub.add_parser("export", help="the termbase as TBX-Basic")
    e.add_argument("--tbx", required=True, metavar="OUT.tbx")
    e.add_argument("--termbase", nargs="+", default=[], metavar="PATH", help="extra YAML/CSV/TBX termbases")
    e.set_defaults(func=cmd_export)
    return p
