"""TBX-Basic import and export of the termbase, through lxml.

Export writes a TBX-Basic ``martif`` document (ISO 30042, TBX 2008 core structure): one
``termEntry`` per entry (``id`` = term id), ``descrip type="subjectField"`` = the entry type,
``note`` = the entry note, one ``langSet`` per language and one ``tig`` per form with
``termNote type="administrativeStatus"`` (``preferredTerm-admn-sts`` for the canonical form,
``admittedTerm-admn-sts`` for variants) and ``termNote type="termType"`` (``acronym`` /
``fullForm``). What TBX-Basic has no data category for (do-not-translate, context cues, per-variant
``to``/``case``/``ambiguous``...) is carried in one extra entry-level ``note`` that starts with
``normalise:`` followed by the entry as JSON, so export then import gives the same termbase (same
``version``); other tools show it as a plain note.

Import reads TBX-Basic (``martif``/``termEntry``/``langSet``/``tig``) and TBX v3
(``tbx``/``conceptEntry``/``langSec``/``termSec``), with or without namespaces. Without a
``normalise:`` note the entry is rebuilt from the terms: the preferred term (or the first) is the
canonical form, the others are variants; type from ``subjectField`` when it is one of ours, else
``acronym`` when the termType says so, else ``organisation``.

Not done yet: languages other than en/fr are ignored on import; no DTD/schema validation (the
TBX-Basic DTD is not shipped here).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from lxml import etree

from .termbase import LANGS, TYPES, Entry, Termbase, entry_from_dict

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NOTE_PREFIX = "normalise:"


def _is_acronym(form: str) -> bool:
    return sum(c.isupper() for c in form) >= 2 and " " not in form


def export_tbx(entries: Iterable[Entry] | Termbase, path: str | Path, version: str = "") -> Path:
    """Write the entries as TBX-Basic; returns the path."""
    if isinstance(entries, Termbase):
        version = version or entries.version
        entries = list(entries.entries.values())
    root = etree.Element("martif", {"type": "TBX-Basic", XML_LANG: "en"})
    header = etree.SubElement(root, "martifHeader")
    fd = etree.SubElement(header, "fileDesc")
    sd = etree.SubElement(fd, "sourceDesc")
    etree.SubElement(sd, "p").text = f"normalise termbase {version}".strip()
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for e in entries:
        te = etree.SubElement(body, "termEntry", {"id": e.id})
        etree.SubElement(te, "descrip", {"type": "subjectField"}).text = e.type
        if e.note:
            etree.SubElement(te, "note").text = e.note
        etree.SubElement(te, "note").text = NOTE_PREFIX + json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True)
        for lang in LANGS:
            lf = e.forms.get(lang)
            if not lf:
                continue
            ls = etree.SubElement(te, "langSet", {XML_LANG: lang})
            forms = [lf.canonical] + [v.form for v in lf.variants if v.form != lf.canonical]
            for i, form in enumerate(forms):
                tig = etree.SubElement(ls, "tig")
                etree.SubElement(tig, "term").text = form
                etree.SubElement(tig, "termNote", {"type": "termType"}).text = "acronym" if _is_acronym(form) else "fullForm"
                etree.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = (
                    "preferredTerm-admn-sts" if i == 0 else "admittedTerm-admn-sts")
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    doctype = '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">'
    p.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True, doctype=doctype))
    return p


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el, *names: str):
    return [c for c in el if _local(c) in names]


def _descendants(el, *names: str):
    return [c for c in el.iter() if _local(c) in names]


def read_tbx(path: str | Path) -> list[Entry]:
    """Entries of a TBX-Basic (or TBX v3) file."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(str(path), parser).getroot()
    out: list[Entry] = []
    for n, te in enumerate(_descendants(root, "termEntry", "conceptEntry"), start=1):
        notes = [c.text or "" for c in _descendants(te, "note")]
        own = next((t for t in notes if t.startswith(NOTE_PREFIX)), None)
        if own:
            out.append(entry_from_dict(json.loads(own[len(NOTE_PREFIX):]), str(path)))
            continue
        raw: dict = {"id": te.get("id") or f"tbx_{n}"}
        subject = next((c.text for c in _children(te, "descrip") if c.get("type") == "subjectField"), None)
        any_acronym = False
        for ls in _children(te, "langSet", "langSec"):
            lang = (ls.get(XML_LANG) or "").split("-")[0].lower()
            if lang not in LANGS:
                continue
            preferred, others = None, []
            for tig in _children(ls, "tig", "ntig", "termSec"):
                term = next((t.text for t in _descendants(tig, "term") if t.text), None)
                if not term:
                    continue
                status = {tn.get("type"): (tn.text or "") for tn in _descendants(tig, "termNote")}
                if status.get("termType") in ("acronym", "abbreviation"):
                    any_acronym = True
                if preferred is None and status.get("administrativeStatus", "").startswith("preferred"):
                    preferred = term.strip()
                else:
                    others.append(term.strip())
            if preferred is None and others:
                preferred = others.pop(0)
            if preferred:
                raw[lang] = {"canonical": preferred, "variants": others}
        if not any(lang in raw for lang in LANGS):
            continue
        raw["type"] = subject if subject in TYPES else ("acronym" if any_acronym else "organisation")
        plain = [t for t in notes if t and not t.startswith(NOTE_PREFIX)]
        if plain:
            raw["note"] = " ".join(plain)
        out.append(entry_from_dict(raw, str(path)))
    return out
