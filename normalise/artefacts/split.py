"""Segments split over several lines (inline markup in a page translated segment by segment),
whole-line echoes between the pieces, and orphan fragments alone on a line.

Works on the sequence of live, non-empty lines of a document (dropped lines, such as the empty
lines the boilerplate stage drops with reason ``empty``, are looked across). For a line ``B``
after the text ``T`` it would continue:

* ``T`` ends inside an open bracket or quote, or ``B`` opens with punctuation that cannot start a
  sentence (``, ; : . ) ] » ”``), or ``B`` opens in lower case and ``T`` has no final stop:
  ``B`` is a split piece, joined to ``T`` (``mt:split``). After an opening bracket, a leading
  ``,``/``;``/``:`` of ``B`` (the seam of the markup) is dropped.
* ``B`` repeats the last words of ``T`` or the first words of the line after it, and ``T`` is
  unfinished: ``B`` is an echo and is folded into the head without its words (``mt:echo``).
  Seed 002: ``... Status of Force Agreements (`` / ``Status of Force Agreements`` /
  ``, called "Sofa") setting ...`` -> ``... Status of Force Agreements (called "Sofa") setting ...``.
* ``B`` opens in lower case after a finished sentence: an orphan. Opening with a continuation
  word (:func:`.orphan.continues`), it is joined and ``T``'s final stop removed (``mt:orphan``);
  otherwise it is only flagged.

A lower-case opening alone joins only when the sentence then ends (in this piece or a following
one) and never onto a heading (``Mali pulls out`` / ``by AFP`` stay apart).
Lines opening with a capital after an unfinished line are never joined: that is also what a
heading followed by its paragraph looks like. Not done yet: such splits go unseen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .base import starts_lower
from .echo import is_line_echo
from .orphan import continues, is_abbreviation
from .typography import FR_SPACE, balance_issues

_OPENERS = "([«“\"'"
_CONT_PUNCT = ",;:.)]»”"
_TERMINAL = re.compile(r"[.!?…](?:[\s\u202f\u00a0]*[\"'”’»)\]])*\s*$")  # French: ". »" closes too
_SEAM = re.compile(r"^\s*[,;:]\s*")


@dataclass
class Step:
    """One line folded into a head: ``role`` is ``split``, ``echo`` or ``orphan``."""

    index: int  # position in the list given to plan()
    role: str
    joined: str  # the head's text after folding this line in
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    head: int
    steps: list[Step] = field(default_factory=list)


def first_word(text: str) -> str:
    m = re.search(r"[^\W\d_][\w'’-]*", text)
    return m.group(0) if m else ""


def opens_lower(text: str) -> bool:
    """Opens with a lower-case word that is not a brand/URL/credit (``iPhone``, ``rm,es/dj``)."""
    s = text.lstrip()
    if not s or not s[0].isalpha() or not starts_lower(s):
        return False
    w = first_word(s)
    if re.match(r"[a-z]{1,2}['’]", w):
        w = w[:1]  # "d'Ivoire", "l'armée": an elided article opens the line in lower case
    if any(c.isupper() for c in w[1:]):
        return False
    tok = s.split()[0].rstrip(",.;:!?\"'”’»)]")
    return not ("/" in tok or "," in tok)  # "rm,es/dj": a credit line


def ends_open(text: str) -> bool:
    s = text.rstrip()
    if not s:
        return False
    if s[-1] in "([«“":
        return True
    if finished(s):
        return False  # a finished sentence with a stray bracket is a typography flag, not a split
    return any((i[0] in "([«“" and s.count(i[0]) > s.count(i[1])) or i == '""' for i in balance_issues(s))


def finished(text: str) -> bool:
    """Ends with a sentence stop (a full stop after an abbreviation or initial does not count)."""
    if not _TERMINAL.search(text):
        return False
    s = text.rstrip()
    if s.endswith(".") and not s.endswith(".."):
        m = re.search(r"([\w.]*[^\W\d_])\.$", s)
        if m and is_abbreviation(m.group(1)):
            return False
    return True


def join(t: str, b: str, lang: str = "en") -> str:
    """Join two pieces of one sentence: no space before punctuation that continues the sentence
    (French: U+202F before ``; :``, the typography policy), none after an opening bracket."""
    t2 = t.rstrip()
    b2 = b.strip()
    if t2 and t2[-1] in "([«“":
        return t2 + _SEAM.sub("", b2)
    if b2 and lang == "fr" and b2[0] in ";:":
        return t2 + FR_SPACE + b2
    if b2 and b2[0] in _CONT_PUNCT:
        return t2 + b2
    return t2 + " " + b2


def plan(texts: list[str], headings: list[bool] | None = None, lang: str = "en",
         barriers: list[bool] | None = None) -> tuple[list[Plan], list[tuple[int, str]]]:
    """Decide the joins over a list of live, non-empty line texts (in order). ``barriers[i]``
    True means line ``i`` is never joined to what precedes it (too much dropped text between).

    Returns the plans (a head and the lines folded into it) and a list of ``(index, detail)``
    for lines flagged as unsure orphans.
    """
    headings = headings or [False] * len(texts)
    barriers = barriers or [False] * len(texts)
    plans: list[Plan] = []
    flags: list[tuple[int, str]] = []
    cur: Plan | None = None
    cur_text = ""
    i = 0
    n = len(texts)
    while i < n:
        b = texts[i]
        if cur is None or i == 0 or barriers[i]:
            if cur is not None and cur.steps:
                plans.append(cur)
            cur, cur_text = Plan(head=i), b
            i += 1
            continue
        t = cur_text
        nxt = texts[i + 1] if i + 1 < n else ""
        unfinished = not finished(t)
        if unfinished and not headings[cur.head]:
            where = is_line_echo(b, t.rstrip().rstrip(_OPENERS), nxt)
            nxt_continues = ends_open(t) or (nxt.lstrip()[:1] in tuple(_CONT_PUNCT)) or opens_lower(nxt)
            if where and (ends_open(t) or nxt_continues):
                cur.steps.append(Step(i, "echo", t, {"detail": "echoed-line", "echo_of": where, "removed": b.strip()}))
                i += 1
                continue
        strong = ends_open(t) or (b.lstrip()[:1] in tuple(_CONT_PUNCT) and b.lstrip()[:3] != "...")
        # a lower-case opening alone is weaker: the joined sentence must end somewhere (this piece
        # or the next one continuing it), and never onto a heading ("Mali pulls out" / "by AFP")
        nxt_cont = nxt.lstrip()[:1] in tuple(_CONT_PUNCT) or opens_lower(nxt) or ends_open(b)
        weak = opens_lower(b) and unfinished and not headings[cur.head] and (finished(b) or nxt_cont)
        if (strong or weak) and not (headings[i] and not ends_open(t)):
            cur_text = join(t, b, lang)
            cur.steps.append(Step(i, "split", cur_text, {"detail": _signal(t, b)}))
            i += 1
            continue
        if opens_lower(b) and not unfinished and finished(b) and not b.rstrip().endswith(("…", "...")):
            # a fragment left behind ends like a sentence; a short unpunctuated lower-case line
            # after a paragraph is a byline or a link ("par France Inter", "mehr…")
            if continues(first_word(b)) and t.rstrip().endswith("."):
                cur_text = t.rstrip()[:-1] + " " + b.strip()
                cur.steps.append(Step(i, "orphan", cur_text, {"detail": "orphan-line", "fragment": b.strip(), "starter": first_word(b)}))
                i += 1
                continue
            flags.append((i, "lowercase-after-stop"))
        if cur.steps:
            plans.append(cur)
        cur, cur_text = Plan(head=i), b
        i += 1
    if cur is not None and cur.steps:
        plans.append(cur)
    return plans, flags


def _signal(t: str, b: str) -> str:
    if ends_open(t):
        return "open-bracket-or-quote"
    if b.lstrip()[:1] in _CONT_PUNCT:
        return "opens-with-punctuation"
    return "opens-lowercase"
