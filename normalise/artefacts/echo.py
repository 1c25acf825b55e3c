"""Echo detector: a word or a run of words repeated right next to itself inside one segment.

``the the`` -> ``the``; ``in the north in the north of Mali`` -> ``in the north of Mali``. The
second copy is removed (with the whitespace before it); the content-word guard allows exactly
those words to go. Grammatical doubles (``had had``, ``that that``, ``vous vous``, ``nous nous``,
German ``die die``) are listed in ``data/artefacts/doubles_ok.txt`` and never touched; a doubled
word whose second copy is capitalised (``Bora Bora``, ``Walla Walla``) is taken for a name.

Repetitions of human rhetoric are not echoes (``data/artefacts/repetition_ok.tsv``): a chain
"X c X c X" of one word and connectives (``coast to coast to coast``, ``more and more and more``,
``jour après jour après jour``, ``nach und nach und nach``) is left whole, so is a run holding a
listed binomial idiom (``tight and more and more people``), and listed phrases whose doubling is a
name (``New York New York``) too. Two-word binomials (``again and again``,
``de plus en plus``) repeat no adjacent n-gram and are never candidates.

Echoes of a whole line next to the line it repeats are handled across lines by :mod:`.split`.
Echoes separated or ended by punctuation (``many, many``, ``Fakten, Fakten, Fakten``, ``Extra! Extra!``)
are deliberately left alone (rhetoric, names, lists). Not done yet: echoes longer than ``max_ngram`` words are not looked for;
an unlisted idiom with its own coordination ("and faster and faster") cannot be told from an echo
("to Gao to Gao") and is collapsed: the binomial list is hand-written.
"""

from __future__ import annotations

import re

from functools import lru_cache

from .base import TOKEN_RE, Finding, load_table, load_wordset

MAX_NGRAM = 8


@lru_cache(maxsize=None)
def repetition_ok() -> tuple[frozenset[str], frozenset[tuple[str, ...]], frozenset[tuple[str, ...]]]:
    """(chain connectives, legit doubled phrases, binomial idioms) from
    ``data/artefacts/repetition_ok.tsv``."""
    conn, phrases, binomials = set(), set(), set()
    for row in load_table("repetition_ok.tsv", 4):
        kind, words = row[0].strip(), tuple(row[1].strip().lower().split())
        if kind == "connective":
            conn.update(words)
        elif kind == "phrase":
            phrases.add(words)
        elif kind == "binomial":
            binomials.add(words)
        else:
            raise ValueError(f"repetition_ok.tsv: unknown kind {kind!r}")
    return frozenset(conn), frozenset(phrases), frozenset(binomials)


def _run(low: list[str], i: int, n: int) -> tuple[int, int]:
    """The periodic run (period ``n``) around the repeat of ``low[i:i+n]`` at ``i+n``."""
    s, e = i, i + 2 * n
    while s > 0 and low[s - 1] == low[s - 1 + n]:
        s -= 1
    while e < len(low) and low[e] == low[e - n]:
        e += 1
    return s, e


def is_chain(low: list[str], i: int, n: int) -> bool:
    """Is the repeat of ``low[i:i+n]`` at ``i+n`` rhetoric rather than an echo? Either a chain
    "X c X c X" (the period holds one word X and only connectives besides, and the periodic run
    around it starts and ends on X: "coast to coast to coast", not "to Gao to Gao"), or a run
    that contains a listed binomial idiom ("tight and more and more people")."""
    conn, _, binomials = repetition_ok()
    s, e = _run(low, i, n)
    run = low[s:e]
    for b in binomials:
        k = len(b)
        if any(tuple(run[j : j + k]) == b for j in range(len(run) - k + 1)):
            return True
    period = low[i : i + n]
    heads = [w for w in period if w not in conn]
    if n < 2 or len(heads) != 1:
        return False
    return low[s] == heads[0] and low[e - 1] == heads[0]


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def _is_word(tok: str) -> bool:
    return tok[0].isalnum()


def detect(text: str, lang: str = "en", cfg=None, max_ngram: int = MAX_NGRAM) -> list[Finding]:
    ok_doubles = load_wordset("doubles_ok.txt")
    toks = _tokens(text)
    low = [t[0].lower() for t in toks]
    out: list[Finding] = []
    i = 0
    n_tok = len(toks)
    while i < n_tok:
        found = None
        for n in range(min(max_ngram, (n_tok - i) // 2), 0, -1):
            if low[i : i + n] != low[i + n : i + 2 * n]:
                continue
            first = toks[i : i + n]
            if not all(_is_word(t[0]) for t in first):
                continue  # "Fakten, Fakten," / "Extra! Extra!" / "options, index options": rhetoric or lists
            if n > 1 and (is_chain(low, i, n) or tuple(low[i : i + n]) in repetition_ok()[1]):
                continue  # "coast to coast to coast", "New York New York": rhetoric or a name
            if n == 1:
                word = toks[i][0]
                if not word[0].isalpha() or word.lower() in ok_doubles:
                    continue
                if toks[i + 1][0][0].isupper():
                    continue  # "Bora Bora", "The The": a name
            # the second copy must follow the first with only whitespace between
            gap = text[first[-1][2] : toks[i + n][1]]
            inner_ok = all(text[toks[k][2] : toks[k + 1][1]] == text[toks[k + n][2] : toks[k + n + 1][1]]
                           for k in range(i, i + n - 1))
            if gap.strip() or not gap or not inner_ok:
                continue
            found = n
            break
        if found:
            n = found
            start = toks[i + n - 1][2]  # end of first copy
            end = toks[i + 2 * n - 1][2]  # end of second copy
            span = text[start:end]
            out.append(Finding("echo", "doubled-word" if n == 1 else "repeated-ngram", start, end,
                               evidence=span.strip(), replacement="", removes_echo=True,
                               extra={"n": n}))
            i += 2 * n
        else:
            i += 1
    return out


_LINE_NORM = re.compile(r"[\W_]+", re.UNICODE)


def norm_words(text: str) -> list[str]:
    """Lower-cased words of a text, punctuation ignored (for comparing echoed lines)."""
    return [w for w in _LINE_NORM.split(text.lower()) if w]


def is_line_echo(candidate: str, before: str, after: str, min_words: int = 2) -> str | None:
    """Is ``candidate`` (a whole line) a copy of the words just before it or just after it?
    Returns ``"tail"`` (repeats the end of ``before``, or all of it), ``"head"`` (repeats the start of
    ``after``) or ``None``. Needs at least ``min_words`` words so a one-word heading is not an echo."""
    cw = norm_words(candidate)
    if len(cw) < min_words:
        return None
    bw = norm_words(before)
    if len(bw) >= len(cw) and bw[-len(cw):] == cw:
        return "tail"
    aw = norm_words(after)
    if len(aw) >= len(cw) and aw[: len(cw)] == cw:
        return "head"
    return None
