"""The human summary of a run (``report.md``, also the Prefect markdown artifact).

Order is what an operator needs first: warnings (a missing model, failed documents), then
counts, drops by reason, repairs by type, MT-origin scores, terms, pairs, rejects, timings.
"""

from __future__ import annotations

from collections import Counter
from typing import Any


def _table(header: list[str], rows: list[list[Any]]) -> str:
    if not rows:
        return "_none_\n"
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        out.append("| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in r) + " |")
    return "\n".join(out) + "\n"


def document_rows(run) -> list[dict[str, Any]]:
    """Per-document summary (also the Prefect table artifact)."""
    pairs = Counter(p.doc_id for p in run.pairs)
    rows = []
    for d in run.docs:
        c = d.counts()
        rows.append({
            "doc_id": d.doc_id, "language": d.lang or "", "status": d.status,
            "kept": c["keep"], "dropped": c["drop"], "repaired": c["repair"], "merged": c["merge"],
            "pairs": pairs.get(d.doc_id, 0),
            "mt_origin": "" if d.mt_score is None else round(d.mt_score, 3),
            "error": d.error or "",
        })
    return rows


def reason_counts(run, action: str) -> Counter:
    c: Counter = Counter()
    for d in run.docs:
        for r in d.lines:
            if action == "drop" and r.action == "drop":
                c[r.reason] += 1
            elif action != "drop":
                for ev in r.events:
                    if ev.get("action") in ("repair", "merge") and "absorbed" not in ev:
                        c[ev["reason"]] += 1
    return c


def _evidence(ev: dict[str, Any]) -> str:
    """The MT-origin evidence in a line: rates per 1,000 words, most telling first."""
    rates = ev.get("per_1000_words") or {}
    if not rates:
        return "no artefacts"
    return ", ".join(f"{k} {v}" for k, v in sorted(rates.items(), key=lambda kv: -kv[1]))


def render_report(run) -> str:
    parts = [f"# normalise run {run.run_id}\n"]
    warnings = list(run.warnings)
    for d in run.docs:
        if not d.ok:
            warnings.append(f"Document {d.doc_id} {d.status}: {d.error}")
    parts.append("## Warnings\n")
    parts.append("".join(f"- **{w}**\n" for w in warnings) if warnings else "_none_\n")

    docs_ok = sum(d.ok for d in run.docs)
    lines = sum(len(d.lines) for d in run.docs)
    parts.append("\n## Counts\n")
    parts.append(_table(["what", "count"], [
        ["documents", len(run.docs)], ["documents ok", docs_ok],
        ["documents quarantined / error", len(run.docs) - docs_ok],
        ["inputs refused", sum(r.kind == "input" for r in run.rejected)],
        ["input lines (all audited)", lines],
        ["segments", sum(len(v) for v in run.segments.values())],
        ["pairs emitted", len(run.pairs)],
        ["rejected", len(run.rejected)],
    ]))

    parts.append("\n## Translation\n")
    rows = []
    for key, st in sorted(run.translation.items()):
        hits, misses = st.get("tm_hits", 0), st.get("tm_misses", 0)
        rate = f"{hits / (hits + misses):.0%}" if hits + misses else ""
        rows.append([key, st.get("status"), st.get("model", ""), st.get("segments", ""), st.get("translated", ""),
                     rate, st.get("fix", "") if st.get("status") != "ok" else ""])
    parts.append(_table(["direction", "status", "model", "segments", "translated", "TM hit rate", "fix"], rows)
                 if rows else ("_translation off_\n" if run.config.translate == "off" else "_nothing to translate_\n"))

    parts.append("\n## Per document\n")
    dr = document_rows(run)
    parts.append(_table(list(dr[0].keys()) if dr else ["doc_id"], [list(r.values()) for r in dr]))

    parts.append("\n## Lines dropped, by reason\n")
    parts.append(_table(["reason", "lines"], [[k, v] for k, v in reason_counts(run, "drop").most_common()]))
    parts.append("\n## Repairs and merges, by type\n")
    parts.append(_table(["reason", "count"], [[k, v] for k, v in reason_counts(run, "repair").most_common()]))

    parts.append("\n## MT-origin scores\n")
    parts.append(_table(["doc_id", "score", "evidence (per 1,000 words)"], [
        [d.doc_id, round(d.mt_score, 3), _evidence(d.mt_evidence)]
        for d in sorted(run.docs, key=lambda d: -(d.mt_score or 0)) if d.mt_score is not None]))

    parts.append("\n## Document alignment\n")
    parts.append(_table(["en", "fr", "score"], [[m["en_doc"], m["fr_doc"], m["score"]] for m in run.doc_matches]))

    parts.append("\n## Terms\n")
    in_docs = Counter(t.get("term_id") for d in run.docs for t in d.metadata.get("terms", ()))
    docs_with = Counter(t for d in run.docs for t in {x.get("term_id") for x in d.metadata.get("terms", ())})
    term_counts = Counter(t.get("term_id") for p in run.pairs for t in p.terms)
    flags = Counter(f for p in run.pairs for f in p.flags if f.startswith("term:"))
    canon = sum(1 for d in run.docs for r in d.lines for ev in r.events if ev.get("reason") == "term:canonical")
    parts.append(_table(["term", "occurrences", "documents", "in pairs"],
                        [[k, v, docs_with[k], term_counts.get(k, 0)] for k, v in in_docs.most_common(30)]))
    parts.append(f"\nLines canonicalised (e.g. Maiga -> Maïga): {canon}\n")
    if flags:
        parts.append(_table(["term flag", "pairs"], [[k, v] for k, v in flags.most_common()]))
    parts.append(f"\nCandidate terms not in the termbase: {len(run.candidates)} (see terms/candidates.tsv)\n")

    parts.append("\n## Pairs\n")
    parts.append(_table(["origin", "pairs"], [[k, v] for k, v in Counter(p.origin for p in run.pairs).most_common()]))
    pflags = Counter(f for p in run.pairs for f in p.flags)
    if pflags:
        parts.append(_table(["flag", "pairs"], [[k, v] for k, v in pflags.most_common()]))

    parts.append("\n## Rejected, by reason\n")
    parts.append(_table(["reason", "count"], [[k, v] for k, v in Counter(r.reason for r in run.rejected).most_common()]))

    parts.append("\n## Timings (s)\n")
    parts.append(_table(["stage", "seconds"], [[k, v] for k, v in run.timings.items()]))
    return "".join(parts)
