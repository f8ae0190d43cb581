"""Fault injection on the sample run: kills at every stage, a full disk, damaged caches (issue 18).

Prints one JSON object with three tables:

* ``kills``: for every stage and for ``kill -9`` and SIGTERM, ``topics run`` is started on a fresh output folder
  and killed ``--delay-share`` of the way into the stage (timed from the stage's "stage X: running" log line,
  the stage's duration taken from the uninterrupted reference run). Recorded: the stage running at the kill,
  the exit status, the worker processes still alive 10 s after the parent died (psutil; they are then killed),
  the temporary files left in the run folder; then the same command resumes: its exit status, the temporary
  files left, and whether every table (CSV, JSONL, JSON, TeX; run.json excepted) is byte-identical to the
  reference run's.
* ``full_disk``: the output folder on a small tmpfs (``mount -t tmpfs``; root only, unmounted after) of a share
  of the reference run folder's size: exit status, whether stderr is exactly one ``error:`` line (log lines
  aside) and holds no traceback, and every published file checked against the reference (a table must be
  byte-identical, any other file the same size: nothing truncated is published). One more run puts the cache
  on a tiny tmpfs.
* ``damaged_caches``: each kind of cache entry (token SQLite file, jieba dictionary file, embedding part)
  damaged three ways, then ``topics run --force --stages bertopic`` (corpus, tokenize, bertopic): exit
  status, whether one warning named the set-aside file and a ``.corrupt`` copy exists, and whether the
  tables are identical to the reference's.

Tokenization runs without its cache in the kill and disk runs (``tokenize.cache: false``), so a kill during
the tokenize stage meets its worker pool; the damaged-cache runs use the cache.

Example
-------
    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/faults.py --work /tmp/faults > faults.json
    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/faults.py --work /tmp/faults --only kills --stages lda
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("corpus", "tokenize", "bertopic", "lda", "compare", "figures")
TABLES = (".csv", ".jsonl", ".json", ".tex")
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONDONTWRITEBYTECODE": "1"}


# --------------------------------------------------------------------------------------------------
# Running topics
# --------------------------------------------------------------------------------------------------
def write_config(path: Path, base: Path, output_dir: Path, cache_dir: Path, **sections) -> Path:
    data = yaml.safe_load(base.read_text(encoding="utf-8"))
    data.update(root=str(ROOT), output_dir=str(output_dir), cache_dir=str(cache_dir))
    for section, values in sections.items():
        data.setdefault(section, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class Run:
    """``topics run CONFIG [args]`` in the background; stderr lines collected with their times."""

    def __init__(self, cfg: Path, *args: str):
        self.started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "-m", "topics.cli", "run", str(cfg), *args], cwd=ROOT,
                                     env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[tuple[float, str]] = []
        self.stdout = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.append((time.monotonic() - self.started, line.rstrip("\n")))

    def wait(self, timeout: float = 1800) -> int:
        self.stdout = self.proc.stdout.read()
        rc = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=30)
        return rc

    def stage_times(self) -> dict[str, list[float]]:
        """stage -> [started, done] seconds since launch (from the runner's log lines)."""
        out: dict[str, list[float]] = {}
        for t, line in self.lines:
            for stage in STAGES:
                if f"stage {stage}: running" in line:
                    out[stage] = [t, None]
                elif f"stage {stage}: done" in line and stage in out:
                    out[stage][1] = t
        return out

    def running_stage(self) -> str | None:
        times = self.stage_times()
        running = [s for s, (a, b) in times.items() if b is None]
        return running[-1] if running else None

    @property
    def stderr(self) -> str:
        return "\n".join(line for _, line in self.lines)


def error_lines(stderr: str) -> list[str]:
    """stderr without the timestamped log lines."""
    return [line for line in stderr.splitlines() if line.strip() and not line[:2].isdigit()]


def snapshot(run_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in sorted(run_dir.rglob("*"))
            if p.is_file() and p.suffix in TABLES and p.name != "run.json"}


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def temp_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*.tmp")) if folder.is_dir() else []


# --------------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------------
def kill_scenario(work: Path, base: Path, cache: Path, reference: dict, durations: dict, stage: str,
                  sig: signal.Signals, share: float) -> dict:
    out_dir = work / f"kill-{stage}-{sig.name}"
    shutil.rmtree(out_dir, ignore_errors=True)
    cfg = write_config(out_dir / "c.yaml", base, out_dir / "results", cache, tokenize={"cache": False})
    run_dir = out_dir / "results" / yaml.safe_load(base.read_text(encoding="utf-8"))["name"]
    run = Run(cfg)
    delay = share * durations[stage]
    while run.proc.poll() is None and stage not in run.stage_times():
        time.sleep(0.02)
    if run.proc.poll() is not None:
        return {"stage": stage, "signal": sig.name, "error": "the run ended before the stage started"}
    time.sleep(max(0.0, run.stage_times()[stage][0] + delay - (time.monotonic() - run.started)))
    at = run.running_stage()
    kids = psutil.Process(run.proc.pid).children(recursive=True)
    run.proc.send_signal(sig)
    rc = run.wait()
    _, alive = psutil.wait_procs(kids, timeout=10)
    for k in alive:
        k.kill()
    row = {"stage": stage, "signal": "kill -9" if sig == signal.SIGKILL else "SIGTERM",
           "killed_after_s": round(delay, 2), "stage_at_kill": at, "exit": rc, "workers_at_kill": len(kids),
           "orphans": len(alive), "temp_files_after_kill": len(temp_files(run_dir)),
           "stderr_tail": error_lines(run.stderr)[-1:] if sig == signal.SIGTERM else None}
    resume = Run(cfg)
    row["resume_exit"] = resume.wait()
    row["temp_files_after_resume"] = len(temp_files(run_dir)) + len(temp_files(cache))
    row["tables_identical"] = not differing(snapshot(run_dir), reference)
    if not row["tables_identical"]:
        row["differ"] = differing(snapshot(run_dir), reference)[:5]
    return row


def mount_tmpfs(folder: Path, megabytes: float) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={int(megabytes * 1024)}k", "tmpfs", str(folder)],
                   check=True)


def unmount(folder: Path) -> None:
    subprocess.run(["umount", str(folder)], check=True)


def disk_scenario(work: Path, base: Path, cache: Path, ref_dir: Path, share: float, on: str = "output") -> dict:
    folder = work / f"disk-{on}-{int(share * 100)}"
    shutil.rmtree(folder, ignore_errors=True)
    size = sum(p.stat().st_size for p in ref_dir.rglob("*") if p.is_file()) / 2**20
    megabytes = share * size if on == "output" else share
    mount_tmpfs(folder / "mnt", megabytes)
    try:
        out = folder / "mnt" if on == "output" else folder / "results"
        use_cache = folder / "mnt" if on == "cache" else cache
        cfg = write_config(folder / "c.yaml", base, out, use_cache,
                           tokenize={"cache": on == "cache"})
        run_dir = out / ref_dir.name
        run = Run(cfg)
        rc = run.wait()
        lines = error_lines(run.stderr)
        truncated = []
        for p in sorted(run_dir.rglob("*")) if run_dir.is_dir() else []:
            rel = p.relative_to(run_dir)
            if not p.is_file() or p.name.startswith(".") or p.name == "run.json":
                continue
            ref = ref_dir / rel
            same = ref.is_file() and (p.read_bytes() == ref.read_bytes() if p.suffix in TABLES
                                      else p.stat().st_size == ref.stat().st_size)
            if not same:
                truncated.append(str(rel))
        return {"on": on, "tmpfs_mb": round(megabytes, 1), "exit": rc,
                "stage_at_failure": run.running_stage(), "one_error_line": len(lines) == 1 and lines[0].startswith("error: "),
                "traceback": "Traceback" in run.stderr, "error": lines[-1][:200] if lines else None,
                "published_files": sum(1 for p in run_dir.rglob("*") if p.is_file()) if run_dir.is_dir() else 0,
                "truncated_or_wrong": truncated[:5], "temp_files": len(temp_files(run_dir))}
    finally:
        unmount(folder / "mnt")


def damage(path: Path, how: str, seed: int) -> None:
    data = path.read_bytes()
    if how == "garbage":
        path.write_bytes(np.random.default_rng(seed).bytes(len(data)))
    elif how == "truncated":
        path.write_bytes(data[:len(data) // 2])
    elif how == "changed":  # one byte flipped in the middle of the content (a bad page)
        buf = bytearray(data)
        buf[len(buf) // 2] ^= 0x01
        path.write_bytes(bytes(buf))
    elif how == "empty":  # a well-formed dictionary file with no words
        from topics.tokens.dictfile import dictionary_bytes

        path.write_bytes(dictionary_bytes({}, 0, {}))


def cache_scenario(work: Path, base: Path, kind: str, how: str, reference: dict, ref_cache: Path) -> dict:
    folder = work / f"cache-{kind}-{how}"
    shutil.rmtree(folder, ignore_errors=True)
    cache = folder / "cache"
    shutil.copytree(ref_cache, cache)
    cfg = write_config(folder / "c.yaml", base, folder / "results", cache)
    pattern = {"tokens": "tokens/*.sqlite", "dictionary": "jieba/dict-*.json", "embeddings": "embeddings/*/part-*.npz"}[kind]
    targets = sorted(cache.glob(pattern))
    target = targets[len(targets) // 2]
    damage(target, how, seed=len(kind) + len(how))
    run = Run(cfg, "--stages", "bertopic")  # corpus, tokenize, bertopic: every cache is read
    rc = run.wait()
    warned = [line for line in run.stderr.splitlines() if "set aside" in line]
    tables = snapshot(next((folder / "results").iterdir())) if rc == 0 else {}
    return {"cache": kind, "damage": how, "file": target.name, "exit": rc, "warnings": len(warned),
            "warning": warned[0][9:220] if warned else None,
            "set_aside": (target.parent / (target.name + ".corrupt")).is_file(),
            "tables": len(tables), "tables_identical": bool(tables) and all(reference.get(k) == v for k, v in tables.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "sample.yaml")
    parser.add_argument("--work", type=Path, default=Path("/tmp/topics-faults"))
    parser.add_argument("--only", nargs="+", choices=["kills", "full_disk", "damaged_caches"],
                        default=["kills", "full_disk", "damaged_caches"])
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    parser.add_argument("--delay-share", type=float, default=0.4, help="kill this far into the stage")
    args = parser.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    cache = work / "cache"
    # the reference: uninterrupted, tokenization uncached (as in the kill runs), warm embedding/font cache after
    ref_cfg = write_config(work / "ref" / "c.yaml", args.config, work / "ref" / "results", cache,
                           tokenize={"cache": False})
    ref = Run(ref_cfg, "--force")
    assert ref.wait() == 0, ref.stderr[-3000:]
    ref_dir = next((work / "ref" / "results").iterdir())
    reference = snapshot(ref_dir)
    warm = Run(ref_cfg, "--force")  # timings with warm caches (what the kill runs see)
    assert warm.wait() == 0
    durations = {s: (b - a) for s, (a, b) in warm.stage_times().items()}
    report: dict = {"config": str(args.config), "reference_stage_seconds": {s: round(d, 1) for s, d in durations.items()}}
    if "kills" in args.only:
        report["kills"] = [kill_scenario(work, args.config, cache, reference, durations, stage, sig,
                                         args.delay_share)
                           for stage in args.stages if stage in durations
                           for sig in (signal.SIGKILL, signal.SIGTERM)]
    if "full_disk" in args.only:
        report["full_disk"] = [disk_scenario(work, args.config, cache, ref_dir, share)
                               for share in (0.1, 0.4, 0.7, 0.95)]
        report["full_disk"].append(disk_scenario(work, args.config, cache, ref_dir, 0.5, on="cache"))
    if "damaged_caches" in args.only:
        cached_cfg = write_config(work / "refc" / "c.yaml", args.config, work / "refc" / "results", work / "cachec")
        first = Run(cached_cfg, "--force")
        assert first.wait() == 0, first.stderr[-3000:]
        report["tables_identical_with_token_cache"] = not differing(
            snapshot(next((work / "refc" / "results").iterdir())), reference)
        report["damaged_caches"] = [cache_scenario(work, args.config, kind, how, reference, work / "cachec")
                                    for kind, hows in (("tokens", ("garbage", "truncated", "changed")),
                                                       ("dictionary", ("garbage", "truncated", "empty")),
                                                       ("embeddings", ("garbage", "truncated", "changed")))
                                    for how in hows]
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
