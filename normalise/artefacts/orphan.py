"""Orphan fragments: a sentence piece cut off by a stray full stop, opening in lower case.

``...bodies near this base. to accuse France of war crimes.`` -> the fragment continues the
previous sentence. When it opens with a clause/phrase starter (``to``, ``which``, ``with``,
``pour``, ``qui``...; list in ``data/artefacts/continuation_starters.txt``) the stray stop is
removed (repair ``mt:orphan``). Any other lower-case opening after a stop (``...the base. the
army said``) might be a sentence that lost its capital instead: it is only flagged.

Never fires after an abbreviation (``etc.``, ``e.g.``, ``a.m.``; ``data/artefacts/abbreviations.txt``),
after initials (``U.S.``, ``J.``) or inside dotted names (``p.dw.com``: no space after the dot).
Line-level orphans (the fragment alone on the next line) are handled by :mod:`.split`.
The fragment must run to a sentence stop and hold two words or more (``... Anthropologie. mehr…``
is a link). Not done yet: an orphan after ``?`` or ``!`` is not looked for.
"""

from __future__ import annotations

import re

from .base import Finding, load_wordset

# the next word is a lookahead so that "e.g. bread. and" can match again at "bread"
_ORPHAN = re.compile(r"(?P<prev>[\w.]*[^\W\d_])\.(?P<sp>[ \t]+)(?=(?P<next>[^\W\d_A-ZÀ-ÖØ-Þ][\w'’-]*))", re.UNICODE)


def is_abbreviation(prev: str) -> bool:
    p = prev.lower().rstrip(".")
    if len(p) == 1:
        return prev[:1].isupper() or p in load_wordset("abbreviations.txt")  # an initial: "J.", "U.S."
    if "." in p and all(len(x) <= 2 for x in p.split(".")):
        return True  # "a.m", "e.g", "U.S"
    return p in load_wordset("abbreviations.txt") or p.split(".")[-1] in load_wordset("abbreviations.txt")


def continues(word: str) -> bool:
    return word.lower() in load_wordset("continuation_starters.txt")


def detect(text: str, lang: str = "en", cfg=None) -> list[Finding]:
    out: list[Finding] = []
    for m in _ORPHAN.finditer(text):
        nxt = m.group("next")
        if not nxt[0].islower() or any(c.isupper() for c in nxt[1:]):
            continue  # "iPhone", "eBay": a brand, not a fragment
        if is_abbreviation(m.group("prev")):
            continue
        dot = m.start("sp") - 1
        rest = text[m.start("next") :]
        stop = re.search(r"[.!?](?=\s|$)", rest)
        if not stop or rest[: stop.end()].endswith(("..", "…")) or len(rest[: stop.start()].split()) < 2:
            continue  # a fragment ends like a sentence; "mehr…", "more >" are links, not fragments
        frag = rest[: stop.end()]
        if continues(nxt):
            out.append(Finding("orphan", "stray-stop", dot, m.end("sp"), evidence=frag, replacement=" "))
        else:
            out.append(Finding("orphan", "lowercase-after-stop", dot, m.end("sp"), evidence=frag))
    return out
