"""Peak memory of the compare or figures stage alone on a finished run folder (issue 16).

Calls ``write_comparisons`` / ``draw_figures`` directly (no stage keys read or written, nothing else rerun) while
a thread samples the process tree's RSS every 0.1 s (and every log line shows it); with ``--where`` also the main thread's innermost
``topics.*`` frames, and prints the 25 places with the highest RSS. One stage per process (memory a stage frees
is not always returned to the system)::

    PYTHONPATH=src .venv/bin/python benchmarks/stage_memory.py /tmp/topics-scale/run_100000/scale.yaml compare --where
"""
import json, logging, sys, threading, time
from pathlib import Path
import psutil
from topics.config import load_config

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(rss)s %(message)s", stream=sys.stderr)


class _Rss(logging.Filter):
    """Each log line carries the process tree's RSS when it was written: the stage's baseline between its steps."""

    def filter(self, record):
        record.rss = f"[{tree_rss() / 1e9:.3f} GB]"
        return True


for _h in logging.getLogger().handlers:
    _h.addFilter(_Rss())
cfg = load_config(sys.argv[1])
run_dir = Path(cfg.run_dir)
peak, stage, done = {}, ["start"], [False]
me = psutil.Process()
main_id = threading.get_ident()
where: dict = {}

def location():
    f = sys._current_frames().get(main_id)
    names = []
    while f is not None:
        mod = f.f_globals.get("__name__", "")
        if mod.startswith("topics."):
            names.append(f"{mod.split('.')[-1]}.{f.f_code.co_name}:{f.f_lineno}")
        f = f.f_back
    return " < ".join(names[:3])

def tree_rss() -> int:
    rss = 0
    for p in [me] + me.children(recursive=True):
        try:
            rss += p.memory_info().rss
        except psutil.Error:
            pass
    return rss

def sample():
    while not done[0]:
        rss = tree_rss()
        peak[stage[0]] = max(peak.get(stage[0], 0), rss)
        if "--where" in sys.argv:
            loc = location()
            where[loc] = max(where.get(loc, 0), rss)
        time.sleep(0.1)

threading.Thread(target=sample, daemon=True).start()
seconds = {}
for name in [a for a in sys.argv[2:] if not a.startswith("--")]:
    stage[0] = name
    t = time.perf_counter()
    if name == "compare":
        from topics.compare.run import write_comparisons
        write_comparisons(run_dir, cfg.compare, cfg.seed)
    else:
        from topics.figures.draw import draw_figures
        draw_figures(run_dir, cfg.figures, cfg.compare, font_dir=Path(cfg.cache_dir) / "fonts")
    seconds[name] = round(time.perf_counter() - t, 1)
done[0] = True
time.sleep(0.2)
if where:
    for loc, rss in sorted(where.items(), key=lambda kv: -kv[1])[:25]:
        print(f"{rss / 1e9:6.3f} GB  {loc}", file=sys.stderr)
print(json.dumps({"peak_rss_gb": {k: round(v / 1e9, 3) for k, v in peak.items()}, "seconds": seconds}))
