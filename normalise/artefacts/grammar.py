"""Grammar slips typical of machine translation, from the pattern table ``data/artefacts/grammar.tsv``.

Each row: language, name, regex, replacement, source. A row with a replacement is unambiguous
(``despite of`` -> ``despite``; French ``si il`` -> ``s'il``) and is repaired; a row without one
(``says it has intends to``: ``intends`` or ``has intended``?) is flagged with the match.
Not done yet: no parser, so slips that need agreement or tense analysis are out of reach; the
table is short and English/French only.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .base import Finding, load_table


@lru_cache(maxsize=None)
def rules() -> list[tuple[str, str, re.Pattern, str, str]]:
    out = []
    for lang, name, rx, repl, source in load_table("grammar.tsv", 5):
        out.append((lang, name, re.compile(rx, re.IGNORECASE | re.UNICODE), repl, source))
    return out


def _elide(m: re.Match) -> str:
    q = m.group("q")
    return q[:-1] + "'" + m.group("p")


def _match_case(src: str, repl: str) -> str:
    if src[:1].isupper() and repl[:1].islower():
        return repl[0].upper() + repl[1:]
    return repl


def detect(text: str, lang: str = "en", cfg=None) -> list[Finding]:
    out: list[Finding] = []
    for rlang, name, rx, repl, source in rules():
        if rlang != lang:
            continue
        for m in rx.finditer(text):
            if not repl:
                new = None
            elif repl == "__ELIDE__":
                new = _match_case(m.group(0), _elide(m))
            else:
                new = _match_case(m.group(0), m.expand(repl))
            out.append(Finding("grammar", name, m.start(), m.end(), evidence=m.group(0), replacement=new,
                               extra={"source": source}))
    return out
