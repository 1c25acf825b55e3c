#!/usr/bin/env python
"""Translation throughput: naive per-sentence generate vs our batched Translator vs CTranslate2.

What it measures, on ONE corpus in ONE run (each path in its own subprocess, so peak memory is
that path's own RSS high-water mark):

  (a) naive   : MarianMTModel.generate on one sentence at a time (what a first attempt does)
  (b) batched : normalise.translate.Translator, transformers backend (length-sorted batches)
  (c) ct2     : normalise.translate.Translator, CTranslate2 int8 backend (int8_float16 on CUDA)

The model has the real OPUS-MT architecture (d_model 512, 6+6 layers, 8 heads, ~59k vocabulary;
normalise/translate/tiny.py size="opus") with RANDOM weights: its speed is real, its output is
not. Because random weights would stop at arbitrary lengths, every path generates a FIXED number
of new tokens per segment (min = max new tokens, greedy), so all paths do the same work and
tokens/s = segments x budget / seconds.

The corpus: the sentences of seeds/*.txt (split with normalise.segment), made unique and cycled
to --segments (default 2,000) so the translation memory cannot shortcut path (b) or (c). Path (a)
is timed on --naive-sample evenly spaced segments and its per-segment rate extrapolated (it is
the slow one).

Targets (CPU): (b) >= 4x (a) and (c) >= 2.5x (b), segments/s. Ratios are given on wall clock
and per CPU-second of the path's process (all its threads): on a shared machine the wall-clock
ratio moves with everyone else's load, the CPU-second one much less. Exit status is 0 whatever the figures (a benchmark, not a
test); the verdict is printed.

  .venv/bin/python bench/translation.py                       # defaults: 2000 segments, 32 new tokens
  .venv/bin/python bench/translation.py --segments 500 --naive-sample 30 --json out.json
  .venv/bin/python bench/translation.py --device cuda         # on a GPU machine
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PATHS = ("naive", "batched", "ct2")


def build_corpus(n: int, cycle: bool = True) -> list[str]:
    from normalise.segment import split_sentences

    base: list[str] = []
    for f in sorted((ROOT / "seeds").glob("*.txt")):
        for line in f.read_text("utf-8", errors="replace").split("\n"):
            for s in split_sentences(line, "en"):
                if len(s.split()) >= 4 and s not in base:
                    base.append(s)
    if not base:
        raise SystemExit("no sentences found under seeds/")
    if not cycle:
        return base
    out = []
    for i in range(n):
        s = base[i % len(base)]
        k = i // len(base)
        # unique text, length close to the original: a short varying lead-in after the first cycle
        out.append(s if k == 0 else f"Update {k}: {s}")
    return out


def cpu_seconds() -> float:
    """CPU time of this process, all threads (user + system)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_mb() -> float:
    """This process's RSS high-water mark. VmHWM belongs to the address space, so it starts afresh
    at exec; getrusage's ru_maxrss does not (it keeps the parent's peak across fork+exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # not Linux: KiB on most


def worker(args: argparse.Namespace) -> None:
    """Run one path in this process and print a JSON result line."""
    import torch

    corpus = json.loads(Path(args.corpus).read_text("utf-8"))
    budget = args.new_tokens
    device = args.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    torch.set_num_threads(args.threads)
    res: dict = {"path": args.worker, "device": device, "threads": args.threads}
    t0 = time.perf_counter()
    if args.worker == "naive":
        from transformers import MarianMTModel, MarianTokenizer

        tok = MarianTokenizer.from_pretrained(args.model)
        model = MarianMTModel.from_pretrained(args.model).eval()
        if device == "cuda":
            model = model.half().to("cuda")
        res["load_s"] = round(time.perf_counter() - t0, 3)
        # evenly spaced sample, so its length mix is the corpus's (not just the first sentences)
        texts = corpus[:: max(1, len(corpus) // max(1, args.naive_sample))][: args.naive_sample]
        tokens = 0
        cpu0 = cpu_seconds()
        start = time.perf_counter()
        with torch.inference_mode():
            for t in texts:
                enc = tok([t], return_tensors="pt").to(device)
                out = model.generate(**enc, max_length=budget + 1, min_length=budget + 1, num_beams=1,
                                     do_sample=False)
                tok.batch_decode(out, skip_special_tokens=True)
                tokens += out.shape[1] - 1  # minus the decoder start token
        if device == "cuda":
            torch.cuda.synchronize()
        secs = time.perf_counter() - start
        res.update(segments_timed=len(texts), seconds=secs, cpu_seconds=cpu_seconds() - cpu0, tokens=tokens)
    else:
        from normalise.translate import TranslateConfig, load_translator

        cfg = TranslateConfig(models={"en-fr": args.model}, backend="ctranslate2" if args.worker == "ct2" else "transformers",
                              device=device, batch_size=args.batch_size, num_beams=1, max_new_tokens=budget,
                              min_new_tokens=budget, threads=args.threads, ct2_dir=args.ct2_dir, tm_path=None)
        tr = load_translator(cfg, "en", "fr")
        res["load_s"] = round(time.perf_counter() - t0, 3)
        cpu0 = cpu_seconds()
        start = time.perf_counter()
        outs = tr.translate(corpus)
        if device == "cuda":
            torch.cuda.synchronize()
        secs = time.perf_counter() - start
        assert len(outs) == len(corpus) and tr.stats["translated"] == len(corpus), tr.stats
        res.update(segments_timed=len(corpus), seconds=secs, cpu_seconds=cpu_seconds() - cpu0,
                   tokens=len(corpus) * budget, batches=tr.stats["batches"])
    res["segments_per_s"] = res["segments_timed"] / res["seconds"]
    res["tokens_per_s"] = res["tokens"] / res["seconds"]
    res["segments_per_cpu_s"] = res["segments_timed"] / res["cpu_seconds"]
    res["peak_rss_mb"] = round(peak_rss_mb(), 1)
    if device == "cuda":
        res["peak_gpu_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    print("RESULT " + json.dumps(res), flush=True)


def run_path(path: str, args: argparse.Namespace, corpus_file: Path) -> dict:
    cmd = [sys.executable, __file__, "--worker", path, "--model", str(args.model), "--corpus", str(corpus_file),
           "--new-tokens", str(args.new_tokens), "--naive-sample", str(args.naive_sample),
           "--batch-size", str(args.batch_size), "--threads", str(args.threads), "--device", args.device,
           "--ct2-dir", str(args.ct2_dir)]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise SystemExit(f"path {path} failed (exit {p.returncode}):\n{p.stderr[-3000:]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--segments", type=int, default=2000, help="corpus size (default 2000)")
    ap.add_argument("--naive-sample", type=int, default=40, help="segments timed for the naive path (default 40)")
    ap.add_argument("--new-tokens", type=int, default=32, help="fixed new tokens per segment (default 32)")
    ap.add_argument("--batch-size", type=int, default=32, help="batch size of paths (b) and (c) (default 32)")
    ap.add_argument("--threads", type=int, default=1,
                    help="CPU threads per path (default 1: on a shared machine more threads than free cores "
                         "makes torch spin and every path slower; 0 = every core this process may use)")
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"], help="device (default cpu)")
    ap.add_argument("--model", help="model directory (default: build the OPUS-size random model into --work)")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "normalise-bench-translate"),
                    help="where the model, its CTranslate2 conversion and the corpus go")
    ap.add_argument("--paths", default=",".join(PATHS), help="comma-separated subset of naive,batched,ct2")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    # internal: one path in a subprocess
    ap.add_argument("--worker", choices=PATHS, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--ct2-dir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.threads <= 0:
        from normalise.translate.engine import cpu_threads

        args.threads = cpu_threads(0)
    if args.worker:
        worker(args)
        return 0

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    args.ct2_dir = args.ct2_dir or str(work / "ct2")
    if not args.model:
        model = work / "opus-size-en-fr-v2"
        if not (model / "model.safetensors").is_file():
            from normalise.translate.tiny import build_tiny_marian

            t = time.perf_counter()
            # sentencepiece trained on the seeds too (8k pieces), so segments get realistic token
            # counts (OPUS-MT's own spm gives ~1.3-1.5 tokens per English word)
            build_tiny_marian(model, "en", "fr", size="opus", seed=0, spm_vocab_size=8000,
                              train_text=build_corpus(0, cycle=False))
            print(f"built OPUS-size random model in {time.perf_counter() - t:.1f} s: {model}")
        args.model = str(model)
    corpus = build_corpus(args.segments)
    corpus_file = work / f"corpus-{args.segments}.json"
    corpus_file.write_text(json.dumps(corpus), "utf-8")
    # convert once outside the timed runs (the conversion is cached by content hash)
    if "ct2" in args.paths:
        from normalise.translate.ct2 import convert

        t = time.perf_counter()
        convert(args.model, args.ct2_dir)
        print(f"CTranslate2 conversion ready in {time.perf_counter() - t:.1f} s")

    from transformers import MarianTokenizer

    tok = MarianTokenizer.from_pretrained(args.model)
    src_tokens = [len(x) for x in tok.spm_source.encode(corpus)]
    results = {}
    for path in [p for p in PATHS if p in args.paths.split(",")]:
        print(f"running {path} ...", flush=True)
        results[path] = run_path(path, args, corpus_file)

    import ctranslate2
    import torch
    import transformers

    summary = {
        "corpus_segments": len(corpus), "mean_source_tokens": round(sum(src_tokens) / len(src_tokens), 1),
        "new_tokens_per_segment": args.new_tokens, "batch_size": args.batch_size, "threads": args.threads,
        "device": args.device, "naive_sample": args.naive_sample,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "ctranslate2": ctranslate2.__version__, "python": platform.python_version()},
        "machine": {"cpus": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)), "platform": platform.platform()},
        "paths": results,
    }
    ratios = {}
    for a, b in (("batched", "naive"), ("ct2", "batched"), ("ct2", "naive")):
        if a in results and b in results:
            ratios[f"{a}_vs_{b}"] = results[a]["segments_per_s"] / results[b]["segments_per_s"]
            ratios[f"{a}_vs_{b}_cpu"] = results[a]["segments_per_cpu_s"] / results[b]["segments_per_cpu_s"]
    summary["ratios"] = {k: round(v, 2) for k, v in ratios.items()}

    print()
    print(f"corpus {len(corpus)} segments, mean {summary['mean_source_tokens']} source tokens, "
          f"{args.new_tokens} new tokens each (greedy, fixed), batch {args.batch_size}, "
          f"{args.threads} threads, device {args.device}")
    print(f"{'path':10} {'timed':>6} {'seconds':>9} {'seg/s':>9} {'tok/s':>9} {'seg/cpu-s':>10} {'load s':>7} "
          f"{'peak RSS MB':>12}"
          + ("  peak GPU MB" if args.device != "cpu" else ""))
    for name, r in results.items():
        est = "" if name != "naive" else f"  (sample; {len(corpus) / r['segments_per_s']:.0f} s for all)"
        print(f"{name:10} {r['segments_timed']:>6} {r['seconds']:>9.2f} {r['segments_per_s']:>9.2f} "
              f"{r['tokens_per_s']:>9.1f} {r['segments_per_cpu_s']:>10.2f} {r['load_s']:>7.2f} {r['peak_rss_mb']:>12.1f}"
              + (f"  {r.get('peak_gpu_mb', 0):>11.1f}" if args.device != "cpu" else "") + est)
    targets = {"batched_vs_naive": 4.0, "ct2_vs_batched": 2.5}
    print("ratios of segments/s: wall clock, and per CPU-second (steadier when others load the machine)")
    for k, v in ratios.items():
        tgt = targets.get(k.removesuffix("_cpu"))
        verdict = "" if tgt is None else (f"  target >= {tgt}x: " + ("MET" if v >= tgt else "NOT MET"))
        print(f"{k:22} {v:6.2f}x{verdict}")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2), "utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
