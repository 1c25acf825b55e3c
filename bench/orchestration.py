"""Orchestration overhead and memory: the Prefect flow vs the library called directly.

For each size (default 1,000 and 10,000 generated documents, translation off) it runs, each in a
fresh child process:

* ``library``: ``normalise.pipeline.run_pipeline`` (every stage in one process, no Prefect);
* ``prefect``: ``flows.pipeline.normalise_flow`` (ephemeral Prefect, default thread runner,
  chunks of ``--chunk-size`` documents through the state store);
* ``chunked``: ``normalise.incremental.run_incremental(full=True)``, the flow's own chunking and
  state store called as a library (isolates what Prefect itself costs: ``run_pipeline`` judges
  boilerplate over all documents at once, which is slower at 10,000 documents than chunks of 100);
* ``rerun``: the same flow again with ``incremental=True`` and nothing new.

and prints wall time (the child's own measurement of the call, which for Prefect includes
starting the ephemeral API), peak RSS of the child (``wait4`` rusage), the overhead of Prefect
over the library, the rerun's share of the first run, and the memory ratio between sizes.

Goals (issue 8): overhead <= 20 % at 10,000 documents; peak memory of the Prefect run at 10,000
<= 1.5x that at 1,000; an incremental rerun with nothing new < 5 % of the first run.

The documents are generated (seeded) news-like English pages: a site's chrome (menu, share
buttons, "Skip to content", footer) around paragraphs of sentences drawn from a small grammar,
numbers and French-origin names, ~30 lines and ~3 KB each. They exercise every cleaning stage
but are not real text: quality numbers do not come from here.

    .venv/bin/python bench/orchestration.py                  # 1000 and 10000 (slow: ~minutes)
    .venv/bin/python bench/orchestration.py --sizes 200 2000 # quicker look

Exits 0 and prints a table; results also go to bench/results/orchestration.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHROME_TOP = ["Skip to content", "Home", "World", "Africa", "Politics", "Business", "Sport", "Menu",
              "Subscribe", "Sign in"]
CHROME_BOTTOM = ["Share this article", "Facebook", "Twitter", "WhatsApp", "Email", "Related articles",
                 "Check Also", "Download our app", "Get it on Google Play", "Contact us", "Privacy policy",
                 "© 2024 All rights reserved."]
SUBJECTS = ["The government", "The army", "The minister", "Local officials", "Witnesses", "The United Nations mission",
            "Regional leaders", "The spokesman", "Residents of Gao", "The French forces of Barkhane",
            "MINUSMA peacekeepers", "ECOWAS mediators", "President Keïta", "Colonel Maïga"]
VERBS = ["said", "announced", "confirmed", "denied", "reported", "warned", "explained", "added"]
OBJECTS = ["that the attack killed {n} soldiers near the border", "that talks would resume on {d}",
           "that {n} people had been displaced since {d}", "a new security plan for the north",
           "that the convoy reached Timbuktu on {d}", "that the operation would continue",
           "that the curfew was lifted in {n} districts", "that aid deliveries had been delayed",
           "that the election would be held in {d}"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]


def make_doc(rng: random.Random, i: int) -> str:
    site = i % 7
    lines = CHROME_TOP[: 5 + site % 4]
    title = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}".format(
        n=rng.randint(2, 90), d=f"{rng.randint(1, 28)} {rng.choice(MONTHS)}")
    lines += [title[:1].upper() + title[1:], f"By Staff reporter {i % 13}", f"{rng.randint(1, 28)} "
              f"{rng.choice(MONTHS)} 2024", ""]
    for _ in range(rng.randint(8, 14)):
        sents = []
        for _ in range(rng.randint(2, 4)):
            s = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}".format(
                n=rng.randint(2, 900), d=f"{rng.randint(1, 28)} {rng.choice(MONTHS)}")
            sents.append(s + ".")
        lines += [" ".join(sents), ""]
    lines += CHROME_BOTTOM[: 6 + site % 6]
    return "\n".join(lines) + "\n"


def generate(n: int, where: Path) -> Path:
    d = where / f"docs_{n}"
    if d.is_dir() and len(list(d.iterdir())) == n:
        return d
    d.mkdir(parents=True, exist_ok=True)
    rng = random.Random(n)
    for i in range(n):
        (d / f"{i:06d}_gen.txt").write_text(make_doc(rng, i), encoding="utf-8")
    return d


CHILD = r"""
import json, os, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {code!r})
mode, docs, out, chunk = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
if mode == "library":
    from normalise.config import PipelineConfig
    from normalise.pipeline import run_pipeline
    t1 = time.perf_counter()
    run, path = run_pipeline([docs], out, PipelineConfig(translate="off", chunk_size=chunk))
    n = len(run.docs)
elif mode == "chunked":
    from normalise.config import PipelineConfig
    from normalise.incremental import run_incremental
    t1 = time.perf_counter()
    run, path = run_incremental([docs], out, PipelineConfig(translate="off", chunk_size=chunk), full=True)
    n = len(run.docs)
else:
    from flows.pipeline import normalise_flow
    t1 = time.perf_counter()
    path = normalise_flow(inputs=[docs], out=out, translate="off", config={{"chunk_size": chunk}},
                          incremental=(mode == "rerun"))
    n = len(json.load(open(os.path.join(path, "manifest.json")))["inputs"])
t2 = time.perf_counter()
print(json.dumps({{"seconds": t2 - t0, "call_seconds": t2 - t1, "docs": n, "run_dir": str(path)}}))
"""


def child(mode: str, docs: Path, out: Path, chunk: int, home: Path, code: Path, api: str | None) -> dict:
    env = {**os.environ, "PREFECT_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    env.pop("PREFECT_API_URL", None)
    if api:
        env["PREFECT_API_URL"] = api
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-c", CHILD.format(code=str(code)), mode, str(docs), str(out), str(chunk)],
                         cwd=code, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    texts: dict[str, str] = {}
    readers = [threading.Thread(target=lambda k=k, f=f: texts.__setitem__(k, f.read()))
               for k, f in (("out", p.stdout), ("err", p.stderr))]
    for r in readers:
        r.start()
    _, status, ru = os.wait4(p.pid, 0)  # this child's own peak RSS (the API server is another process)
    p.returncode = os.waitstatus_to_exitcode(status)
    for r in readers:
        r.join()
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"{mode} run failed ({p.returncode}):\n{texts.get('err', '')[-3000:]}")
    res = json.loads(texts["out"].strip().splitlines()[-1])
    if res["docs"] != len(list(Path(docs).iterdir())):
        raise SystemExit(f"{mode} run saw {res['docs']} documents, not {len(list(Path(docs).iterdir()))}")
    res.update(mode=mode, process_seconds=round(wall, 2), peak_rss_mb=round(ru.ru_maxrss / 1024, 1))
    return res


def snapshot_code(work: Path) -> Path:
    """A frozen copy of the package and flows, so edits made while the benchmark runs (and the
    code version in the incremental keys) do not change between its runs."""
    import shutil

    code = work / "code"
    if code.exists():
        shutil.rmtree(code)
    for name in ("normalise", "flows"):
        shutil.copytree(ROOT / name, code / name, ignore=shutil.ignore_patterns("__pycache__"))
    return code


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--chunk-size", type=int, default=100)
    ap.add_argument("--modes", nargs="+", choices=["library", "chunked"], default=["library", "chunked"],
                    help="baselines to run besides the flow (the library one takes longest at 10,000)")
    ap.add_argument("--workdir", help="where documents and outputs go (default: a temp dir, removed)")
    ap.add_argument("--ephemeral", action="store_true",
                    help="no Prefect server: each flow process starts an ephemeral API (adds ~8-15 s per run)")
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "orchestration.json"))
    args = ap.parse_args(argv)
    tmp = tempfile.TemporaryDirectory() if not args.workdir else None
    work = Path(args.workdir or tmp.name)
    code = snapshot_code(work)
    home = work / "prefect_home"
    server = api = None
    if not args.ephemeral:
        sys.path.insert(0, str(code))
        from flows.serve import start_server

        server, api = start_server(_free_port(), str(home), open(work / "server.log", "ab"))
        print(f"Prefect server {api} (PREFECT_HOME={home})", flush=True)
    rows = []
    try:
        for n in args.sizes:
            docs = generate(n, work).resolve()  # ingest refuses symlinks that leave the named root
            skipped = {"seconds": float("nan"), "call_seconds": float("nan"), "peak_rss_mb": float("nan")}
            lib = (child("library", docs, work / f"out_lib_{n}", args.chunk_size, home, code, None)
                   if "library" in args.modes else skipped)
            chk = (child("chunked", docs, work / f"out_chunked_{n}", args.chunk_size, home, code, None)
                   if "chunked" in args.modes else skipped)
            pre = child("prefect", docs, work / f"out_flow_{n}", args.chunk_size, home, code, api)
            again = child("rerun", docs, work / f"out_flow_{n}", args.chunk_size, home, code, api)
            rows.append({"docs": n, "library": lib, "chunked": chk, "prefect": pre, "rerun": again,
                         "overhead": pre["seconds"] / lib["seconds"] - 1,
                         "overhead_chunked": pre["seconds"] / chk["seconds"] - 1,
                         "rerun_share": again["seconds"] / pre["seconds"]})
            print(f"  {n} documents done: library {lib['seconds']:.1f} s, chunked {chk['seconds']:.1f} s, "
                  f"prefect {pre['seconds']:.1f} s, "
                  f"rerun {again['seconds']:.2f} s", flush=True)
    finally:
        if server is not None:
            from flows.serve import stop_server

            stop_server(server)
    print()
    print(f"{'docs':>6} | {'library s':>9} | {'chunked s':>9} | {'prefect s':>9} | {'vs lib':>7} | {'vs chunked':>10} | "
          f"{'rerun s':>7} | {'rerun %':>7} | {'lib MB':>6} | {'chunked MB':>10} | {'prefect MB':>10}")
    print("-" * 124)
    for r in rows:
        print(f"{r['docs']:>6} | {r['library']['seconds']:>9.1f} | {r['chunked']['seconds']:>9.1f} | "
              f"{r['prefect']['seconds']:>9.1f} | {r['overhead']:>+7.1%} | {r['overhead_chunked']:>+10.1%} | "
              f"{r['rerun']['seconds']:>7.2f} | {r['rerun_share']:>7.1%} | {r['library']['peak_rss_mb']:>6.0f} | "
              f"{r['chunked']['peak_rss_mb']:>10.0f} | {r['prefect']['peak_rss_mb']:>10.0f}")
    print("library: normalise.pipeline.run_pipeline (all documents at once, one process); chunked: "
          "normalise.incremental.run_incremental (the flow's chunks and state store, no Prefect); "
          "prefect: the flow against a local Prefect server. 'vs' columns: Prefect's extra time.")
    goals = []
    if len(rows) >= 2:
        small, big = rows[0], rows[-1]
        mem = big["prefect"]["peak_rss_mb"] / small["prefect"]["peak_rss_mb"]
        lib_mem = big["library"]["peak_rss_mb"] / small["library"]["peak_rss_mb"]
        goals.append((f"overhead at {big['docs']} docs <= 20% (vs run_pipeline)", f"{big['overhead']:+.1%}",
                      big["overhead"] <= 0.20))
        goals.append((f"overhead at {big['docs']} docs <= 20% (vs the same chunks without Prefect)",
                      f"{big['overhead_chunked']:+.1%}", big["overhead_chunked"] <= 0.20))
        goals.append((f"prefect peak memory {big['docs']} / {small['docs']} <= 1.5x", f"{mem:.2f}x", mem <= 1.5))
        goals.append((f"(library peak memory {big['docs']} / {small['docs']}, for reference)", f"{lib_mem:.2f}x", True))
    for r in rows:
        goals.append((f"rerun with nothing new at {r['docs']} docs < 5% of first run", f"{r['rerun_share']:.1%}",
                      r["rerun_share"] < 0.05))
    print()
    goals = [g for g in goals if "nan" not in g[1]]  # a baseline left out with --modes
    for name, value, ok in goals:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {value}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"rows": rows, "chunk_size": args.chunk_size,
                                           "goals": [{"goal": g, "value": v, "met": ok} for g, v, ok in goals]},
                                          indent=2) + "\n")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
