"""Typography artefacts and the punctuation-spacing policy for output text.

Detected and repaired (``mt:typography``):

* English and French: whitespace before ``,`` and ``.`` (``Takuba , the grouping``); English
  also before ``;``, ``:``, ``!``, ``?``; whitespace just inside brackets (``( called``).
* French: a high punctuation mark (``; : ! ?``) glued to the word before it (English spacing
  left by MT) gets a narrow no-break space; guillemets with nothing inside them get one too.

Flagged only (no safe repair): unbalanced brackets or quotes, mixed quote styles (straight
``"``, curly, guillemets in one segment). A text that opens with a quote it does not close is
not flagged: that is how a quotation running over several paragraphs is printed.

French policy (:data:`FR_SPACE`): U+202F NARROW NO-BREAK SPACE before ``; : ! ?`` and inside
``« »``, as the Imprimerie nationale's "espace fine insécable" recommends for ``; ! ?`` and
(simplified here) also for ``:`` and guillemets, where it prescribes a full no-break space.
:func:`normalise_punctuation` enforces that policy on output text (any space there becomes
U+202F); :func:`detect` repairs only what is wrong under any policy (a missing space), so a
French source typed with ordinary spaces before ``:`` is not "repaired".

Why not sacremoses' ``MosesPunctNormalizer``: its tables also rewrite dashes, curly quotes and
``«»`` into ASCII and move commas around quotes, which would change clean text and undo the quote
policy of the encoding stage; the spacing rules below follow its EXTRA_WHITESPACE and French
rules (``normalize-punctuation.perl``) but are applied alone.
Not done yet: no repair for unbalanced quotes; times and ratios (``10:30``) are left as they are,
as are URLs.
"""

from __future__ import annotations

import re

from .base import Finding

FR_SPACE = "\u202f"
_SPACES = " \t\u00a0\u202f\u2009"

# whitespace before , or . when the mark is followed by space/end/closing char; never before "..."
_SPACE_BEFORE_COMMA_DOT = re.compile(r"(?<=[^\s(\[«“])[ \t\u00a0\u202f\u2009]+(?=[,.](?![.\d])(?:\s|$|[\"'”’»)\]]))")
# English: the same for ; : ! ?
_SPACE_BEFORE_HIGH = re.compile(r"(?<=[^\s(\[«“])[ \t\u00a0\u202f\u2009]+(?=[;:!?](?:\s|$|[\"'”’)\]]))")
_SPACE_IN_OPEN = re.compile(r"(?<=[(\[])[ \t]+(?=\S)")
_SPACE_IN_CLOSE = re.compile(r"(?<=\S)[ \t]+(?=[)\]])")
# French: ; : ! ? glued to a letter/closing char and followed by space or end
_FR_GLUED_HIGH = re.compile(r"(?<=[^\W\d_]|[)\]»”])(?=[;:!?](?:\s|$))", re.UNICODE)
_FR_GUILL_OPEN = re.compile(r"«(?=[^\s\u202f\u00a0])")
_FR_GUILL_CLOSE = re.compile(r"(?<=[^\s\u202f\u00a0])»")

_PAIRS = (("(", ")"), ("[", "]"), ("“", "”"), ("«", "»"))
# German quotes open low and close high („…“), or point inwards (»…«)
_PAIRS_DE = (("(", ")"), ("[", "]"), ("„", "“"), ("»", "«"))
_OPENING_QUOTES = "\"“„«»"


def _f(detail: str, m: re.Match, repl: str) -> Finding:
    ctx = m.string[max(0, m.start() - 15) : m.end() + 3]
    return Finding("typography", detail, m.start(), m.end(), evidence=ctx, replacement=repl)


def balance_issues(text: str, lang: str = "en") -> list[str]:
    """Names of the bracket/quote pairs left open or closed without opening in ``text``
    (German pairs quotes as „…“ and »…«)."""
    issues = []
    for o, c in _PAIRS_DE if lang == "de" else _PAIRS:
        if o in "«»":  # guillemets point either way (German »…«, Swiss and French «…»): count only
            if text.count(o) != text.count(c):
                issues.append("«»")
            continue
        depth = 0
        for ch in text:
            if ch == o:
                depth += 1
            elif ch == c:
                depth -= 1
                if depth < 0:
                    break
        if depth != 0:
            issues.append(o + c)
    if text.count('"') % 2:
        issues.append('""')
    return issues


def quote_styles(text: str) -> set[str]:
    styles = set()
    if '"' in text:
        styles.add("straight")
    if "“" in text or "”" in text:
        styles.add("curly")
    if "«" in text or "»" in text:
        styles.add("guillemets")
    return styles


def detect(text: str, lang: str = "en", cfg=None) -> list[Finding]:
    out: list[Finding] = []
    for m in _SPACE_BEFORE_COMMA_DOT.finditer(text):
        out.append(_f("space-before", m, ""))
    if lang != "fr":
        for m in _SPACE_BEFORE_HIGH.finditer(text):
            out.append(_f("space-before", m, ""))
    else:
        for m in _FR_GLUED_HIGH.finditer(text):
            out.append(_f("fr-missing-space", m, FR_SPACE))
        for m in _FR_GUILL_OPEN.finditer(text):
            out.append(Finding("typography", "fr-guillemet-space", m.end(), m.end(), evidence=text[m.start():m.end() + 10], replacement=FR_SPACE))
        for m in _FR_GUILL_CLOSE.finditer(text):
            out.append(Finding("typography", "fr-guillemet-space", m.start(), m.start(), evidence=text[max(0, m.start() - 10):m.end()], replacement=FR_SPACE))
    for rx in (_SPACE_IN_OPEN, _SPACE_IN_CLOSE):
        for m in rx.finditer(text):
            out.append(_f("space-in-bracket", m, ""))
    issues = balance_issues(text, lang)
    lead = text.lstrip()[:1]
    if len(issues) == 1 and lead in _OPENING_QUOTES and lead in issues[0][:1] + ('"' if issues[0] == '""' else ""):
        issues = []  # a quote running over several paragraphs: each opens, only the last closes
    for issue in issues:
        out.append(Finding("typography", "unbalanced", 0, len(text), evidence=issue))
    styles = quote_styles(text)
    if len(styles) > 1:
        out.append(Finding("typography", "mixed-quotes", 0, len(text), evidence=",".join(sorted(styles))))
    return out


_FR_HIGH_ANY = re.compile(r"(?<=[^\W\d_]|[)\]»”\"'])[ \t\u00a0\u202f\u2009]*(?=[;:!?](?:\s|$|[\"'”»)]))", re.UNICODE)
_FR_GUILL_OPEN_ANY = re.compile(r"«[ \t\u00a0\u202f\u2009]*")
_FR_GUILL_CLOSE_ANY = re.compile(r"[ \t\u00a0\u202f\u2009]*»")
_MULTI_SPACE = re.compile(r"(?<=\S) {2,}(?=\S)")


def normalise_punctuation(text: str, lang: str) -> str:
    """Apply the spacing policy for ``lang`` to output text (idempotent).

    ``en`` (and any language but French): no space before ``, . ; : ! ?`` nor just inside
    brackets. ``fr``: no space before ``, .``; U+202F before ``; : ! ?`` (replacing whatever space
    was there, inserting one where none was) and inside ``« »``. Runs of inner spaces become one.
    Leading/trailing whitespace, quote characters, dashes and URLs/times (``10:30``) are kept.
    """
    out = _SPACE_BEFORE_COMMA_DOT.sub("", text)
    if lang == "fr":
        out = _FR_HIGH_ANY.sub(FR_SPACE, out)
        out = _FR_GUILL_OPEN_ANY.sub("«" + FR_SPACE, out)
        out = _FR_GUILL_CLOSE_ANY.sub(FR_SPACE + "»", out)
    else:
        out = _SPACE_BEFORE_HIGH.sub("", out)
    out = _SPACE_IN_OPEN.sub("", out)
    out = _SPACE_IN_CLOSE.sub("", out)
    return _MULTI_SPACE.sub(" ", out)
