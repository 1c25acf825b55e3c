"""Quality benchmark of the MT-artefact stage (issue 4): inject artefacts into clean text, measure.

For every clean sentence of ``bench/data/artefacts/clean_{en,fr}.txt`` and every artefact type
that applies to it, a small document is built (a clean context line, the damaged sentence inside
a paragraph of up to two clean sentences either side -- ``--sentences``: alone on its line --,
another clean context line; empty lines between pieces already dropped with reason ``empty``
as the boilerplate stage would), :func:`normalise.artefacts.repair_document` is run, and we record
which artefact types the stage reported (events ``mt:<type>`` / ``chrome:mt-literal``) and whether
the cleaned text equals the clean original. Then the clean sentences alone form the negative set,
where nothing may be changed or flagged.

Per type: precision and recall of detection (a type reported on a document where it was not
injected is a false positive), and the exact-repair rate over the injections that are meant to be
repaired (flag-only injections -- residue, unbalanced or mixed quotes, ambiguous grammar -- are
detection only). Seeded RNG: ``--seed`` (default 7). Run: ``.venv/bin/python bench/artefacts.py``.
Exit status 0 always (a benchmark, not a test); ``--json`` also prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from normalise.artefacts import chrome, repair_document, score_document  # noqa: E402
from normalise.artefacts.base import load_wordset  # noqa: E402
from normalise.artefacts.orphan import continues  # noqa: E402
from normalise.artefacts.residue import exclusive_lexicons  # noqa: E402
from normalise.document import Document  # noqa: E402

DATA = ROOT / "bench" / "data" / "artefacts"
TYPES = ("split", "echo", "orphan", "typography", "residue", "grammar", "chrome")
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
NNBSP = "\u202f"


def read_list(name: str) -> list[str]:
    return [l.strip() for l in (DATA / name).read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")]


@dataclass
class Sample:
    kind: str  # artefact type injected ("none" for the negative set)
    variant: str
    lang: str
    pieces: list[str]  # the damaged sentence, as lines
    expected: str  # clean text the stage should produce for these lines ("" when dropped)
    repairable: bool
    types: set[str] = field(default_factory=set)


# --------------------------------------------------------------------------- injectors

def _words(s: str) -> list[re.Match]:
    return list(WORD.finditer(s))


def inj_split(s: str, lang: str, rng: random.Random) -> Sample | None:
    if "(" in s and rng.random() < 0.3:
        cut = s.index("(") + 1
        return Sample("split", "after-bracket", lang, [s[:cut], s[cut:]], s, True, {"split"})
    cuts = [m.start() for m in _words(s)[1:] if m.group(0)[0].islower() and s[m.start() - 1] == " "]
    cuts += [i for i, ch in enumerate(s) if ch in ",;:" and i > 0 and s[i - 1] != " " and i + 1 < len(s) and s[i + 1] == " "]
    if not cuts:
        return None
    chosen = sorted(rng.sample(cuts, min(len(cuts), 2 if rng.random() < 0.3 else 1)))
    pieces, last = [], 0
    for c in chosen:
        pieces.append(s[last:c].strip())
        last = c
    pieces.append(s[last:].strip())
    if any(not p for p in pieces):
        return None
    return Sample("split", f"{len(pieces)}-pieces", lang, pieces, s, True, {"split"})


def inj_echo(s: str, lang: str, rng: random.Random) -> Sample | None:
    ws = _words(s)
    r = rng.random()
    if r < 0.4:
        ok = load_wordset("doubles_ok.txt")
        cands = [m for m in ws if m.group(0)[0].islower() and m.group(0).lower() not in ok]
        if not cands:
            return None
        m = rng.choice(cands)
        return Sample("echo", "doubled-word", lang, [s[: m.end()] + " " + m.group(0) + s[m.end():]], s, True, {"echo"})
    if r < 0.75:
        n = rng.randint(2, 4)
        runs = [i for i in range(len(ws) - n + 1)
                if all(s[ws[k].end(): ws[k + 1].start()] == " " for k in range(i, i + n - 1))]
        if not runs:
            return None
        i = rng.choice(runs)
        a, b = ws[i].start(), ws[i + n - 1].end()
        return Sample("echo", "repeated-ngram", lang, [s[:b] + " " + s[a:b] + s[b:]], s, True, {"echo"})
    # a whole line echoing the end of the line before it, the next piece opening in lower case
    cuts = [j for j, m in enumerate(ws) if j >= 3 and m.group(0)[0].islower() and s[m.start() - 1] == " "]
    if not cuts:
        return None
    j = rng.choice(cuts)
    k = rng.randint(2, 3)
    if any(s[ws[t].end(): ws[t + 1].start()] != " " for t in range(j - k, j)):
        return None
    line1 = s[: ws[j].start()].strip()
    echo = s[ws[j - k].start(): ws[j - 1].end()]
    return Sample("echo", "echoed-line", lang, [line1, echo, s[ws[j].start():]], s, True, {"echo", "split"})


def inj_orphan(s: str, lang: str, rng: random.Random) -> Sample | None:
    ws = _words(s)
    cands = [j for j, m in enumerate(ws) if j >= 2 and continues(m.group(0)) and m.group(0)[0].islower()
             and s[ws[j - 1].end(): m.start()] == " "]
    if not cands:
        return None
    if rng.random() < 0.15:
        # a lower-case opening that is not a clause starter: flagged, never repaired
        other = [j for j, m in enumerate(ws) if j >= 2 and not continues(m.group(0)) and m.group(0)[0].islower()
                 and s[ws[j - 1].end(): m.start()] == " " and len(ws) - j >= 2]
        if other:
            j = rng.choice(other)
            cut = ws[j - 1].end()
            bad = s[:cut] + "." + s[cut:]
            return Sample("orphan", "unsure", lang, [bad], bad, False, {"orphan"})
    j = rng.choice(cands)
    cut = ws[j - 1].end()
    if rng.random() < 0.7:
        return Sample("orphan", "stray-stop", lang, [s[:cut] + "." + s[cut:]], s, True, {"orphan"})
    return Sample("orphan", "orphan-line", lang, [s[:cut] + ".", s[cut:].strip()], s, True, {"orphan"})


def inj_typography(s: str, lang: str, rng: random.Random) -> list[Sample]:
    """One sample per typography variant the sentence allows (so rare variants are measured)."""
    out: list[Sample] = []
    marks = [i for i, ch in enumerate(s) if ch in ",.;:" and i > 0 and s[i - 1] not in " " + NNBSP
             and (i + 1 == len(s) or s[i + 1] == " ")]
    if lang == "fr":
        marks = [i for i in marks if s[i] in ",."]
    if marks:
        i = rng.choice(marks)
        out.append(Sample("typography", "space-before", lang, [s[:i] + " " + s[i:]], s, True, {"typography"}))
    if "(" in s:
        i = s.index("(") + 1
        out.append(Sample("typography", "space-in-bracket", lang, [s[:i] + " " + s[i:]], s, True, {"typography"}))
    if lang == "fr" and re.search(NNBSP + r"[;:!?]", s):
        i = rng.choice([m.start() for m in re.finditer(NNBSP + r"[;:!?]", s)])
        out.append(Sample("typography", "fr-glued", lang, [s[:i] + s[i + 1:]], s, True, {"typography"}))
    if lang == "fr" and "«" + NNBSP in s:
        i = s.index("«" + NNBSP) + 1
        out.append(Sample("typography", "fr-guillemet", lang, [s[:i] + s[i + 1:]], s, True, {"typography"}))
    if re.search(r"[)”»]", s) or s.count('"') >= 2:
        i = rng.choice([m.start() for m in re.finditer(r"[)\"”»]", s)])
        bad = s[:i] + s[i + 1:]
        out.append(Sample("typography", "unbalanced", lang, [bad], bad, False, {"typography"}))
    if s.count('"') >= 2:
        i = s.index('"')
        bad = s[:i] + "“" + s[i + 1:]  # opening curly, closing straight
        out.append(Sample("typography", "mixed-quotes", lang, [bad], bad, False, {"typography"}))
    return out


def _foreign_span(pool: list[str], src_lang: str, rng: random.Random) -> str | None:
    lex = exclusive_lexicons()[src_lang]
    for _ in range(20):
        t = rng.choice(pool)
        ws = _words(t)
        starts = [j for j, m in enumerate(ws) if m.group(0).lower() in lex and m.group(0)[0].islower()]
        if not starts:
            continue
        j = rng.choice(starts)
        n = rng.randint(3, 6)
        if j + n > len(ws):
            continue
        span = t[ws[j].start(): ws[j + n - 1].end()]
        if re.search(r"[,.;:!?()«»\"]", span):
            continue
        return span
    return None


def inj_residue(s: str, lang: str, rng: random.Random, pools: dict) -> Sample | None:
    if lang == "en":
        src = "de" if rng.random() < 0.35 else "fr"
        span = rng.choice(pools["de"]) if src == "de" else _foreign_span(pools["fr"], "fr", rng)
    else:
        src = "en"
        span = _foreign_span(pools["en"], "en", rng)
    if not span:
        return None
    ws = _words(s)
    gaps = [ws[j].end() for j in range(1, len(ws) - 1) if s[ws[j].end(): ws[j + 1].start()] == " "]
    if not gaps:
        return None
    g = rng.choice(gaps)
    bad = s[:g] + " " + span + s[g:]
    return Sample("residue", f"{src}-in-{lang}", lang, [bad], bad, False, {"residue"})


GRAMMAR = {
    # (clean, damaged, repairable): inverse of rules of normalise/data/artefacts/grammar.tsv plus
    # slips that table may not cover (measured honestly: misses show up as lost recall)
    "en": [(r"\b(intends|wants|hopes|wishes|decides|seeks) to\b", r"has \1 to", False),
           (r"\bdespite\b", "despite of", True),
           (r"\b(discuss(?:ed|es)?)\b", r"\1 about", True),
           (r"\bwill\b", "will can", False)],
    "fr": [(r"\bs'(ils?)\b", r"si \1", True),
           (r"\b(qu|lorsqu|puisqu)'(il|ils|elle|elles|on)\b", r"\1e \2", True),
           (r"\bdu (?=[a-zé])", "de le ", False)],
}


def inj_grammar(s: str, lang: str, rng: random.Random) -> Sample | None:
    opts = [(rx, rep, ok) for rx, rep, ok in GRAMMAR[lang] if re.search(rx, s, re.IGNORECASE)]
    if not opts:
        return None
    rx, rep, ok = rng.choice(opts)
    m = re.search(rx, s, re.IGNORECASE)
    new = m.expand(rep)
    if m.group(0)[0].isupper():
        new = new[0].upper() + new[1:]
    bad = s[: m.start()] + new + s[m.end():]
    return Sample("grammar", rx, lang, [bad], s if ok else bad, ok, {"grammar"})


# --------------------------------------------------------------------------- running

def inj_split_capital(s: str, lang: str, rng: random.Random) -> Sample | None:
    """A split before a capitalised word: out of the detector's scope by design (it looks like a
    heading followed by its paragraph). Measured apart, to show the limit."""
    cuts = [m.start() for m in _words(s)[1:] if m.group(0)[0].isupper() and s[m.start() - 1] == " "]
    if not cuts:
        return None
    c = rng.choice(cuts)
    return Sample("split", "before-capital", lang, [s[:c].strip(), s[c:].strip()], s, True, {"split"})


def human_pages() -> list[tuple[str, str, list[list[str]]]]:
    """Real scraped pages of the boilerplate dev set (read only; owned by the boilerplate bench),
    as (page, lang, rows). Empty when that directory is absent."""
    pages = []
    for p in sorted((ROOT / "bench" / "data" / "boilerplate" / "pages").glob("*.tsv")):
        rows = [l.split("\t") for l in p.read_text(encoding="utf-8").split("\n")]
        if rows and rows[-1] == [""]:
            rows.pop()
        pages.append((p.stem, p.stem[:2], rows))
    return pages


def chrome_on_pages(pages) -> tuple[list[str], int, int, int]:
    """The chrome detector run on every non-empty line of the human pages, in the line's language:
    content lines it calls chrome (false positives), and how many boilerplate lines it catches."""
    fp, n, bp_hit, bp_n = [], 0, 0, 0
    for _name, lang, rows in pages:
        for row in rows:
            if len(row) < 2 or not row[1].strip():
                continue
            hit = bool(chrome.detect(row[1], lang))
            if row[0] == "content":
                n += 1
                if hit:
                    fp.append(row[1])
            elif row[0] == "boilerplate":
                bp_n += 1
                bp_hit += hit
    return fp, n, bp_hit, bp_n


def run_page(lang: str, rows: list[list[str]]) -> Document:
    doc = Document.from_text("page", "\n".join(r[1] if len(r) > 1 else "" for r in rows) + "\n", lang=lang)
    for r, row in zip(doc.lines, rows):
        r.lang = lang
        if row[0] != "content":
            r.drop("boilerplate", "empty" if row[0] == "empty" else "labelled-boilerplate")
        r.heading = len(row) > 2 and row[2].startswith("heading")
    repair_document(doc)
    score_document(doc)
    return doc


def run_sample(smp: Sample, ctx: tuple[str, str], inline: tuple[str, str] = ("", "")) -> tuple[set[str], bool, bool]:
    """Run one sample: ``ctx`` are clean paragraphs on lines of their own before and after;
    ``inline`` clean sentences sharing the first/last piece's line (paragraph mode)."""
    pieces = list(smp.pieces)
    if smp.kind != "chrome":
        pieces[0] = (inline[0] + " " + pieces[0]).strip()
        pieces[-1] = (pieces[-1] + " " + inline[1]).strip()
    lines = [ctx[0], ""]
    for k, p in enumerate(pieces):
        if k:
            lines.append("")
        lines.append(p)
    lines += ["", ctx[1]]
    doc = Document.from_text("bench", "\n".join(lines) + "\n", lang=smp.lang)
    for r in doc.lines:
        r.lang = smp.lang
        if not r.text.strip():
            r.drop("boilerplate", "empty")
    repair_document(doc)
    found = set()
    for r in doc.lines:
        for ev in r.events:
            if ev.get("stage") != "artefacts":
                continue
            reason = ev["reason"]
            found.add("chrome" if reason.startswith("chrome:") else reason.split(":", 1)[1])
    middle = smp.expected if smp.kind == "chrome" or not smp.expected else \
        " ".join(x for x in (inline[0], smp.expected, inline[1]) if x)
    expected = "\n".join(x for x in (ctx[0], middle, ctx[1]) if x) + "\n"
    changed = any(r.action != "keep" and r.reason != "empty" for r in doc.lines)
    return found, doc.clean_text() == expected, changed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--sentences", action="store_true",
                    help="damaged sentence alone on its line (default: inside a paragraph of 1-5 clean sentences)")
    ap.add_argument("--show-misses", type=int, default=0, help="print up to N misses per type")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    pools = {"en": read_list("clean_en.txt"), "fr": read_list("clean_fr.txt"), "de": read_list("residue_de.txt")}
    chrome_lines = read_list("chrome_en.txt")
    samples: list[Sample] = []
    for lang in ("en", "fr"):
        for s in pools[lang]:
            for inj in (inj_split, inj_echo, inj_orphan, inj_grammar):
                smp = inj(s, lang, rng)
                if smp:
                    samples.append(smp)
            samples.extend(inj_typography(s, lang, rng))
            smp = inj_residue(s, lang, rng, pools)
            if smp:
                samples.append(smp)
    for c in chrome_lines:
        samples.append(Sample("chrome", "held-out", "en", [c], "", True, {"chrome"}))
    negatives = [Sample("none", "clean", lang, [s], s, True, set()) for lang in ("en", "fr") for s in pools[lang]]

    t0 = time.perf_counter()
    tp, fn, fp = defaultdict(int), defaultdict(int), defaultdict(int)
    rep_ok, rep_n = defaultdict(int), defaultdict(int)
    misses = defaultdict(list)
    by_variant = defaultdict(lambda: [0, 0])
    for smp in samples + negatives:
        pool = pools[smp.lang]
        ctx = (rng.choice(pool), rng.choice(pool))
        inline = ("", "")
        if not args.sentences and smp.kind != "none":
            inline = tuple(" ".join(rng.sample(pool, rng.randint(0, 2))) for _ in range(2))
        found, exact, changed = run_sample(smp, ctx, inline)
        if smp.kind != "none":
            by_variant[(smp.kind, smp.variant)][0] += smp.kind in found
            by_variant[(smp.kind, smp.variant)][1] += 1
        for t in TYPES:
            if t in smp.types:
                if t in found:
                    tp[t] += 1
                else:
                    fn[t] += 1
                    misses[t].append(("missed", smp.pieces))
            elif t in found:
                fp[t] += 1
                misses[t].append(("false+", smp.kind, smp.pieces))
        if smp.kind != "none" and smp.repairable:
            rep_n[smp.kind] += 1
            rep_ok[smp.kind] += exact
            if not exact:
                misses[smp.kind].append(("inexact", smp.pieces))
    neg_changed = neg_flagged = 0
    for smp in negatives:  # rerun for the negative-set verdict (no context sentences at all)
        doc = Document.from_text("neg", smp.pieces[0] + "\n", lang=smp.lang)
        doc.lines[0].lang = smp.lang
        repair_document(doc)
        neg_changed += doc.clean_text() != smp.pieces[0] + "\n"
        neg_flagged += bool(doc.lines[0].events)
    held_rows = []
    for name in ("chrome_en_heldout.txt", "chrome_en_heldout4.txt", "chrome_en_heldout5.txt",
                 "chrome_en_heldout6.txt"):
        held = read_list(name)
        hit = 0
        for c in held:
            f, _, _ = run_sample(Sample("chrome", "held-out", "en", [c], "", True, {"chrome"}),
                                 (rng.choice(pools["en"]), rng.choice(pools["en"])))
            hit += "chrome" in f
        held_rows.append((name, hit, len(held)))
    cap = [x for x in (inj_split_capital(s, lang, rng) for lang in ("en", "fr") for s in pools[lang]) if x]
    cap_found = sum("split" in run_sample(x, (rng.choice(pools[x.lang]), rng.choice(pools[x.lang])))[0] for x in cap)
    secs = time.perf_counter() - t0

    rows = []
    for t in TYPES:
        inj = tp[t] + fn[t]
        prec = tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else float("nan")
        rec = tp[t] / inj if inj else float("nan")
        ex = rep_ok[t] / rep_n[t] if rep_n[t] else float("nan")
        rows.append({"type": t, "injected": inj, "tp": tp[t], "fp": fp[t], "fn": fn[t], "precision": prec,
                     "recall": rec, "repairable": rep_n[t], "exact_repair": ex})
    print(f"MT-artefact benchmark  seed={args.seed}  mode={'sentences' if args.sentences else 'paragraphs'}  samples={len(samples)}  negatives={len(negatives)}  {secs:.1f}s")
    print(f"{'type':<11} {'injected':>8} {'TP':>5} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7} {'repairable':>10} {'exact':>6}")
    for r in rows:
        print(f"{r['type']:<11} {r['injected']:>8} {r['tp']:>5} {r['fp']:>4} {r['fn']:>4} {r['precision']:>9.3f} "
              f"{r['recall']:>7.3f} {r['repairable']:>10} {r['exact_repair']:>6.3f}")
    print(f"negative set: {len(negatives)} clean sentences (en {len(pools['en'])}, fr {len(pools['fr'])}): "
          f"changed {neg_changed}, flagged {neg_flagged}")
    print("recall by variant: " + ", ".join(
        f"{k[0]}/{k[1][:22]} {v[0]}/{v[1]}" for k, v in sorted(by_variant.items()) if k[0] in ("residue", "orphan", "echo", "typography")))
    print("chrome held out: " + ", ".join(f"{n} {h}/{t}" for n, h, t in held_rows)
          + "  (batch 3 was seen before the web vocabulary was written; batch 4 before the"
          " structure test; batch 5 was measured blind first, then tuned on; batch 6 never: see PROVENANCE.md)")
    print(f"out of scope by design: splits before a capitalised word detected {cap_found}/{len(cap)}")

    # real pages nobody here wrote: what the stage changes or flags on human text
    pages = human_pages()
    if pages:
        changed, flagged, n_lines = defaultdict(int), defaultdict(int), 0
        page_scores = []
        for name, lang, page_rows in pages:
            doc = run_page(lang, page_rows)
            n_lines += sum(1 for r in doc.lines if r.alive and r.current.strip())
            page_scores.append(doc.mt_score)
            for r in doc.lines:
                for ev in r.events:
                    if ev.get("stage") == "artefacts" and "absorbed" not in ev:
                        (flagged if ev["action"] == "flag" else changed)[ev["reason"]] += 1
        print(f"human pages (boilerplate dev set, content lines only): {len(pages)} pages, {n_lines} lines")
        ch_fp, ch_n, ch_bp_hit, ch_bp_n = chrome_on_pages(pages)
        print(f"  chrome detector alone, line by line: content lines called chrome {len(ch_fp)}/{ch_n}"
              + (" (" + "; ".join(repr(x) for x in ch_fp[:5]) + ")" if ch_fp else "")
              + f"; labelled boilerplate lines called chrome {ch_bp_hit}/{ch_bp_n} (for information: other chrome is the boilerplate stage's)")
        print("  lines changed: " + (", ".join(f"{k} {v}" for k, v in sorted(changed.items())) or "none"))
        print("  flags raised:  " + (", ".join(f"{k} {v}" for k, v in sorted(flagged.items())) or "none"))
        ps = sorted(page_scores)
        print(f"  MT score: median {ps[len(ps) // 2]:.3f}, 90th pct {ps[int(len(ps) * 0.9)]:.3f}, max {ps[-1]:.3f}, "
              f"pages >= 0.5: {sum(x >= 0.5 for x in ps)}")
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    if seeds:
        out = []
        for p in seeds:
            seed_rows = [["content" if l.strip() else "empty", l] for l in p.read_text(encoding="utf-8").split("\n")]
            out.append(f"{p.stem[:3]} {run_page('en', seed_rows).mt_score:.3f}")
        print("seed MT scores (002 and 004 are machine translated): " + ", ".join(out))
    if args.show_misses:
        for t in TYPES:
            for m in misses[t][: args.show_misses]:
                print(" ", t, m)
    if args.json:
        clean = [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()} for r in rows]  # NaN -> null
        print(json.dumps({"seed": args.seed, "rows": clean, "negatives": len(negatives),
                          "negatives_changed": neg_changed, "negatives_flagged": neg_flagged}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
