"""Scale run: cold tokenize + LDA (K = 50) on 24,084 CCTV news stories through ``topics run``, against the
plain single-process recipe, measured in the same run.

- ours: ``topics run`` (subprocess, fresh cache folder so tokenization is cold) with the config below on
  25 %, 50 % and 100 % of the stories; wall time, peak RSS of the whole process tree (sampled every
  0.1 s with psutil: the main process plus tokenizer/chain workers) and the lda/metrics.json coherence.
- plain: a ``jieba.lcut`` loop (one process, the project's stopword lists, CJK tokens only), gensim
  ``Dictionary.filter_extremes(no_below=2, no_above=0.5)`` and ``LdaMulticore(num_topics=50, passes=2)``.
- coherence: NPMI and c_v (gensim CoherenceModel via :func:`topics.evaluate.coherence`) of each model's
  top-10 words, on each model's own tokens and on one common reference (the plain recipe's tokens), over
  the same seeded sample of 1000 stories.

The plain recipe runs in its own process (reading the corpus itself); its peak RSS includes its texts and
LdaMulticore's worker process, as ours includes the tokenizer workers.

Usage (heavy: ~4 minutes; run under the shared CPU lock)::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/lda_scale.py

Prints one JSON object. Targets: ours <= 0.35x the plain recipe's time at equal or better coherence (issue 16;
issue 4 asked 0.6x), peak RSS <= 1.5 GB, memory flat as the corpus grows. ``--tokenize-engine`` (default
rjieba, the project default) and ``--corpus`` (another copy of the stories).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpora" / "xwlb_cctv.jsonl.gz"
SAMPLE = 1000  # stories the coherence of both models is measured on
CONFIG = {
    "seed": 0,
    "corpus": {"format": "jsonl", "on_bad_file": "warn",  # 1 story has no Chinese text: skipped with a warning
               "columns": {"id": "id", "text": "text", "title": "title", "issuer": "issuer"}},
    "segment": {"unit": "document"},
    "tokenize": {"workers": 2},
    # one chain on tomotopy's 2 threads (not reproducible run to run; chains > 1 are). 25 Gibbs sweeps (issue 16's
    # 0.35x budget; 40 until tok16); measured NPMI (own tokens): 100 sweeps 0.117, 60 sweeps 0.098, 40 sweeps 0.077
    # (common reference); plain recipe 0.024-0.046. The run checks NPMI and c_v >= the plain recipe's (targets).
    "lda": {"k": 50, "chains": 1, "workers": 2, "iterations": 25, "eta": 0.1, "coherence_units": SAMPLE},
    "bertopic": {"enabled": False},
    "compare": {"enabled": False},
    "figures": {"enabled": False},
}


def main() -> int:
    global CORPUS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shares", type=float, nargs="+", default=[0.25, 0.5, 1.0])
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--tokenize-engine", choices=["rjieba", "jieba"], default="rjieba")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="xwlb_cctv.jsonl.gz (default ../shared/corpora/)")
    parser.add_argument("--plain-child", metavar="OUT", help=argparse.SUPPRESS)  # internal: the plain recipe's process
    args = parser.parse_args()
    CORPUS = args.corpus
    CONFIG["tokenize"] = dict(CONFIG["tokenize"], engine=args.tokenize_engine)
    if args.plain_child:
        texts = [json.loads(l)["text"] for l in gzip.open(CORPUS, "rt", encoding="utf-8")]
        Path(args.plain_child).write_text(json.dumps(run_plain(texts), ensure_ascii=False), encoding="utf-8")
        return 0
    if not CORPUS.is_file():
        print(json.dumps({"skipped": f"corpus not found: {CORPUS.resolve()} (benchmarks need ../shared/corpora/)"}))
        return 0
    lines = gzip.open(CORPUS, "rt", encoding="utf-8").read().splitlines()
    out: dict = {"corpus": "../shared/corpora/xwlb_cctv.jsonl.gz", "stories": len(lines),
                 "characters": sum(len(json.loads(l)["text"]) for l in lines), "config": CONFIG}
    with tempfile.TemporaryDirectory(prefix="lda_scale_") as tmp:
        tmp = Path(tmp)
        ours = {}
        for share in args.shares:
            n = int(round(share * len(lines)))
            path = tmp / f"xwlb_{int(share * 100)}.jsonl"
            path.write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
            ours[f"{int(share * 100)}%"] = run_ours(path, tmp / f"run_{int(share * 100)}", n)
            print(json.dumps({"ours": {k: v for k, v in ours[f"{int(share * 100)}%"].items() if not k.startswith("_")}}), file=sys.stderr, flush=True)
        out["topics_run"] = ours
        full = ours.get("100%")
        if not args.skip_plain:
            plain = run_plain_subprocess(tmp / "plain.json")
            print(json.dumps({"plain": {k: v for k, v in plain.items() if not k.startswith("_")}}), file=sys.stderr, flush=True)
            if full:
                score_common(full, plain)
            out["plain_recipe"] = {k: v for k, v in plain.items() if not k.startswith("_")}
            if full:
                out["time_ratio"] = round(full["wall_seconds"] / plain["total_seconds"], 3)
                out["targets"] = {
                    "time<=0.35x_plain (issue 16)": out["time_ratio"] <= 0.35,
                    "npmi>=plain (common reference)": full["npmi_common"] >= plain["npmi_common"],
                    "c_v>=plain (common reference)": full["c_v_common"] >= plain["c_v_common"],
                    "peak_rss<=1.5GB": full["peak_rss_gb"] <= 1.5,
                }
        for rec in ours.values():
            for key in [k for k in rec if k.startswith("_")]:
                rec.pop(key)
        out["rss_gb_by_share"] = {k: v["peak_rss_gb"] for k, v in ours.items()}
        out["pss_gb_by_share"] = {k: v["peak_pss_gb"] for k, v in ours.items()}
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


# --------------------------------------------------------------------------------------------------
def run_ours(corpus: Path, workdir: Path, n: int) -> dict:
    import yaml

    workdir.mkdir(parents=True)
    cfg = dict(CONFIG, name="xwlb", output_dir=str(workdir / "results"), cache_dir=str(workdir / "cache"))
    cfg["corpus"] = dict(CONFIG["corpus"], path=str(corpus))
    cfg_path = workdir / "xwlb.yaml"
    cfg_path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    cmd = [sys.executable, "-m", "topics.cli", "run", str(cfg_path)]  # this checkout's code
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.perf_counter()
    log_path = workdir / "run.log"  # the run's stderr: to a file (a pipe nobody reads while watching fills up)
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)
        peak, peak_pss, by_stage = _watch_rss(proc, workdir / "results" / "xwlb" / "run.json")
        proc.wait()
    stderr = log_path.read_text(encoding="utf-8", errors="replace")
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"topics run failed ({proc.returncode}):\n{stderr[-3000:]}")
    run_dir = workdir / "results" / "xwlb"
    manifest = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    metrics = json.loads((run_dir / "lda" / "metrics.json").read_text(encoding="utf-8"))
    stages = {name: rec["seconds"] for name, rec in manifest["stages"].items()}
    top = _lda_top_words(run_dir)
    return {"stories": n, "wall_seconds": round(wall, 2), "stage_seconds": stages,
            "lda_fit_seconds": manifest["stages"]["lda"]["fit_seconds"], "peak_rss_gb": round(peak / 1e9, 3),
            "peak_pss_gb": round(peak_pss / 1e9, 3), "peak_by_stage": by_stage, "tokens": metrics["n_tokens"], "vocabulary": metrics["vocabulary"], "npmi_own": metrics["npmi"],
            "c_v_own": metrics["c_v"], "diversity": metrics["diversity"], "_run_dir": str(run_dir), "_top": top}


STAGE_ORDER = ("corpus", "tokenize", "lda")


def _watch_rss(proc: subprocess.Popen, manifest: Path) -> tuple[int, int, dict]:
    """Peak memory of ``proc`` and its descendants, sampled every 0.1 s until it exits: (summed RSS,
    summed PSS, per-stage peaks). RSS counts pages shared by forked workers once per process (an
    over-count); PSS (proportional set size) splits shared pages between the processes sharing them.
    The running stage is the first one not yet recorded in run.json (rewritten after each stage)."""
    import psutil

    peak_rss = peak_pss = 0
    by_stage: dict = {}
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            done = set(json.loads(manifest.read_text(encoding="utf-8")).get("stages", {}))
        except (OSError, ValueError):
            done = set()
        stage = next((s for s in STAGE_ORDER if s not in done), "end")
        try:
            rss = pss = 0
            for p in [root] + root.children(recursive=True):
                try:
                    info = p.memory_full_info()
                    rss += info.rss
                    pss += getattr(info, "pss", info.rss)
                except psutil.Error:
                    pass
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            old = by_stage.get(stage, (0, 0))
            by_stage[stage] = (max(old[0], rss), max(old[1], pss))
        except psutil.Error:
            pass
        time.sleep(0.1)
    return peak_rss, peak_pss, {k: {"rss_gb": round(v[0] / 1e9, 3), "pss_gb": round(v[1] / 1e9, 3)}
                                for k, v in by_stage.items()}


def _lda_top_words(run_dir: Path) -> list[list[str]]:
    import pandas as pd

    terms = pd.read_csv(run_dir / "lda" / "topic_terms.csv", keep_default_na=False)
    return [g.sort_values("rank")["term"].astype(str).tolist()[:10] for _, g in terms.groupby("topic")]


# --------------------------------------------------------------------------------------------------
def run_plain_subprocess(out: Path) -> dict:
    """The plain recipe in its own process, so its peak RSS is its own (not this script's corpus copies)."""
    subprocess.run([sys.executable, __file__, "--plain-child", str(out), "--corpus", str(CORPUS)], check=True, cwd=ROOT)
    return json.loads(out.read_text(encoding="utf-8"))


def run_plain(texts: list[str]) -> dict:
    """jieba.lcut loop + gensim LdaMulticore(passes=2), one process (LdaMulticore's default workers)."""
    import jieba
    import psutil
    from gensim.corpora import Dictionary
    from gensim.models import LdaMulticore

    from topics.tokens.wordlists import read_wordlist

    data = Path(__import__("topics").__file__).parent / "data"
    stop = read_wordlist(data / "stopwords_general.txt") | read_wordlist(data / "stopwords_domain.txt")
    cjk = re.compile(r"[\u4e00-\u9fff]")
    proc = psutil.Process()
    peak = [proc.memory_info().rss]
    stop_watch = threading.Event()

    def watch() -> None:
        while not stop_watch.is_set():
            peak[0] = max(peak[0], sum(p.memory_info().rss for p in [proc] + proc.children(recursive=True)))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    jieba.initialize()
    t0 = time.perf_counter()
    tokens = [[w for w in jieba.lcut(t) if w not in stop and cjk.search(w)] for t in texts]
    t1 = time.perf_counter()
    dictionary = Dictionary(tokens)
    dictionary.filter_extremes(no_below=2, no_above=0.5)
    bow = [dictionary.doc2bow(t) for t in tokens]
    model = LdaMulticore(bow, id2word=dictionary, num_topics=50, passes=2, random_state=0)
    t2 = time.perf_counter()
    stop_watch.set()
    watcher.join()
    top = [[w for w, _ in model.show_topic(k, topn=10)] for k in range(50)]
    from topics.evaluate import coherence

    vocab = set(dictionary.token2id)
    sample = _sample([[w for w in t if w in vocab] for t in tokens])
    co = coherence(top, sample, top_n=10)
    return {"tokenize_seconds": round(t1 - t0, 2), "lda_seconds": round(t2 - t1, 2), "total_seconds": round(t2 - t0, 2),
            "peak_rss_gb": round(peak[0] / 1e9, 3), "npmi_own": co["npmi"], "c_v_own": co["c_v"],
            "_top": top, "_sample": sample}


def _sample(token_lists: list[list[str]]) -> list[list[str]]:
    index = np.sort(np.random.default_rng(0).choice(len(token_lists), size=min(SAMPLE, len(token_lists)), replace=False))
    return [token_lists[i] for i in index]


def score_common(ours: dict, plain: dict) -> None:
    """Both models' top words scored on the same reference texts (the plain recipe's tokens)."""
    from topics.evaluate import coherence

    for target, top in ((ours, ours["_top"]), (plain, plain["_top"])):
        co = coherence(top, plain["_sample"], top_n=10)
        target["npmi_common"], target["c_v_common"] = co["npmi"], co["c_v"]
        target["common_reference_unknown_words"] = co["unknown_words"]
    for key in [k for k in ours if k.startswith("_")]:
        ours.pop(key)


if __name__ == "__main__":
    sys.exit(main())
