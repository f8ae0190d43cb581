"""What switching ``tokenize.engine`` (jieba -> rjieba) changes on the built-in sample corpus, through the stages.

For each engine, ``topics run configs/sample.yaml --stages tokenize`` (this checkout's code, a subprocess; the
corpus stage runs once per engine too) with only ``tokenize.engine`` and a fresh cache changed. Then, from the two
run folders:

- units whose token lists differ, and tokens of the jieba run not matched in the rjieba run (per-unit multiset)
  and the reverse; the most frequent differing tokens both ways;
- vocabulary: terms only in one run, and the terms whose document frequency differs;
- names.csv: names tagged/dropped only in one run;
- the tokenize stage's seconds for each engine.

Usage (light: ~1 min; still under the shared CPU lock)::

    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/engines_sample.py

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "sample.yaml"
ENGINES = ("jieba", "rjieba")


def run_engine(engine: str, workdir: Path) -> Path:
    import yaml

    cfg = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    cfg["corpus"]["path"] = str(ROOT / cfg["corpus"]["path"])
    cfg["corpus"]["manifest"] = str(ROOT / cfg["corpus"]["manifest"])
    cfg.update(name=f"sample_{engine}", output_dir=str(workdir / "results"), cache_dir=str(workdir / f"cache_{engine}"))
    cfg.setdefault("tokenize", {})["engine"] = engine
    path = workdir / f"{engine}.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    subprocess.run([sys.executable, "-m", "topics.cli", "run", str(path), "--stages", "tokenize", "-q"],
                   cwd=ROOT, env=env, check=True)
    return workdir / "results" / f"sample_{engine}"


def compare(a_dir: Path, b_dir: Path) -> dict:
    import pandas as pd

    from topics import artifacts

    a = {r["unit_id"]: r["tokens"] for r in artifacts.iter_tokens(a_dir)}
    b = {r["unit_id"]: r["tokens"] for r in artifacts.iter_tokens(b_dir)}
    if set(a) != set(b):
        raise SystemExit(f"the runs have different units ({len(a)} vs {len(b)}): the corpus stage differs")
    only_a, only_b = Counter(), Counter()
    differ = 0
    for unit, toks in a.items():
        if toks != b[unit]:
            differ += 1
            only_a.update(Counter(toks) - Counter(b[unit]))
            only_b.update(Counter(b[unit]) - Counter(toks))
    total_a, total_b = sum(map(len, a.values())), sum(map(len, b.values()))
    va = pd.read_csv(a_dir / artifacts.VOCABULARY_CSV, keep_default_na=False).set_index("token")
    vb = pd.read_csv(b_dir / artifacts.VOCABULARY_CSV, keep_default_na=False).set_index("token")
    both = va.index.intersection(vb.index)
    df_changed = int((va.loc[both, "doc_freq"] != vb.loc[both, "doc_freq"]).sum())
    na = pd.read_csv(a_dir / artifacts.NAMES_CSV, keep_default_na=False)
    nb = pd.read_csv(b_dir / artifacts.NAMES_CSV, keep_default_na=False)
    key = lambda d: set(zip(d["token"], d["name"], d["dropped"].astype(str)))  # noqa: E731
    return {
        "units": len(a), "units_differing": differ,
        "tokens_jieba": total_a, "tokens_rjieba": total_b,
        "jieba_tokens_not_in_rjieba": sum(only_a.values()), "rjieba_tokens_not_in_jieba": sum(only_b.values()),
        "share_of_jieba_tokens_reproduced": round(1 - sum(only_a.values()) / max(total_a, 1), 6),
        "top_only_jieba": only_a.most_common(12), "top_only_rjieba": only_b.most_common(12),
        "vocabulary": {"jieba": len(va), "rjieba": len(vb), "only_jieba": sorted(set(va.index) - set(vb.index))[:20],
                       "only_rjieba": sorted(set(vb.index) - set(va.index))[:20],
                       "n_only_jieba": len(set(va.index) - set(vb.index)),
                       "n_only_rjieba": len(set(vb.index) - set(va.index)), "doc_freq_changed": df_changed},
        "names": {"only_jieba": sorted(key(na) - key(nb))[:20], "only_rjieba": sorted(key(nb) - key(na))[:20]},
    }


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    with tempfile.TemporaryDirectory(prefix="engines_sample_") as tmp:
        dirs = {e: run_engine(e, Path(tmp)) for e in ENGINES}
        out = compare(dirs["jieba"], dirs["rjieba"])
        out["tokenize_seconds"] = {e: round(json.loads((d / "run.json").read_text("utf-8"))["stages"]["tokenize"]["seconds"], 2)
                                   for e, d in dirs.items()}
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
