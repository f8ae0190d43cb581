"""Markdown tables of ``benchmarks/validity.py``'s JSON (``validity.json``): what docs/uncertainty.md shows.

Usage::

    .venv/bin/python benchmarks/validity_tables.py /tmp/validity2/bench/validity.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _pct(v) -> str:
    return "" if v is None else f"{100 * v:.1f}"


def _pair(d: dict, key: str) -> str:
    return f"{_pct(d.get(key + '_vs_rest'))} / {_pct(d.get(key + '_pairwise'))}".replace(" / ", " / ").strip()


def real_table(real: dict) -> list[str]:
    lines = ["| corpus | model | unit | adjusted `excludes_zero`: vs rest / pairwise (%) | unadjusted (%) | "
             "no within-document resampling, unadjusted (%) | prevalence CIs outside [0,1] / zero width | "
             "planted: estimate [adjusted CI], found? (pairs found) |",
             "|---|---|---|---|---|---|---|---|"]
    for shape, entry in real.get("corpora", {}).items():
        for model in ("lda", "bertopic"):
            if model not in entry:
                continue
            r = entry[model]
            d = r["default"]
            wo = r.get("without_within_document_resampling")
            planted = ""
            if "planted_estimate" in d:
                planted = (f"{d['planted_estimate']:+.3f} [{d['planted_ci'][0]:+.3f}, {d['planted_ci'][1]:+.3f}]: "
                           f"{'yes' if d['planted_detected'] else 'no'} ({_pct(d.get('planted_pairs_detected'))} %); "
                           f"other rows flagged {d['other_rows_flagged']} of {d['other_rows']}")
            lines.append(f"| {shape} | {model} | {r.get('fitted_on')} | {_pair(d, 'adjusted')} | "
                         f"{_pair(d, 'unadjusted')} | {_pair(wo, 'unadjusted') if wo else ''} | "
                         f"{d['prevalence_outside_0_1']} / {d['prevalence_zero_width']} of {d['prevalence_rows']} | "
                         f"{planted} |")
    return lines


def coverage_table(sim: dict) -> list[str]:
    lines = ["| shape / proportions | prevalence coverage | difference coverage (per comparison) | "
             "simultaneous | flagged: unadjusted / adjusted (%) | outside [0,1] / zero width | "
             "resampling off: prevalence coverage, flagged (%) |", "|---|---|---|---|---|---|---|"]
    for name, e in sim.get("coverage", {}).items():
        n = e["new"]
        off = e.get("new_without_resampling")
        lines.append(f"| {name} | {n['prevalence']:.3f} | {n['difference']:.3f} | {n['difference_simultaneous']:.3f} | "
                     f"{_pct(n['flagged_unadjusted'])} / {_pct(n['flagged'])} | {n['outside_0_1']} / {n['zero_width']} | "
                     + (f"{off['prevalence']:.3f}, {_pct(off['flagged_unadjusted'])} |" if off else " |"))
    return lines


def min_docs_table(sim: dict) -> list[str]:
    rows = sim.get("min_docs", {})
    lines = ["| n | documents only: prevalence / difference coverage, width | two-stage |", "|---|---|---|"]
    for n in sorted({k.split("/")[0] for k in rows}, key=lambda s: int(s[2:])):
        a, b = rows[f"{n}/documents"], rows[f"{n}/two-stage"]
        lines.append(f"| {n[2:]} | {a['prevalence']:.3f} / {a['difference']:.3f}, {a['width']:.3f} | "
                     f"{b['prevalence']:.3f} / {b['difference']:.3f}, {b['width']:.3f} |")
    return lines


def multiplicity_table(sim: dict) -> list[str]:
    lines = ["| planted | sup-t | Holm | BH |", "|---|---|---|---|"]
    for name, r in sim.get("multiplicity", {}).items():
        cells = [f"{r[m + '_detected']:.2f} / {r[m + '_pairs_detected']:.2f} / {r[m + '_any_false']:.2f}"
                 for m in ("sup-t", "holm", "bh")]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def quality_table(quality: dict) -> list[str]:
    lines = ["| corpus | model | NPMI, whole documents: own units / common reference | NPMI, chunks (default): own / "
             "reference |", "|---|---|---|---|"]
    for corpus, by_unit in quality.items():
        for model in ("lda", "bertopic"):
            d, c = by_unit["document"][model], by_unit["chunk"][model]
            lines.append(f"| {corpus} | {model} | {d.get('npmi_own_units', '')} / {d['npmi_reference']} | "
                         f"{c.get('npmi_own_units', '')} / {c['npmi_reference']} |")
    return lines


def markdown(result: dict) -> str:
    out = []
    if "real" in result:
        out += ["### Null and planted corpora (default settings)", ""] + real_table(result["real"]) + [""]
    if "simulation" in result:
        sim = result["simulation"]
        out += ["### Coverage on simulated corpora", ""] + coverage_table(sim) + [""]
        out += ["### Levels with n documents", ""] + min_docs_table(sim) + [""]
        out += ["### Multiplicity", ""] + multiplicity_table(sim) + [""]
    if "sample" in result:
        out += ["### Sample run", ""]
        for model, r in result["sample"].items():
            out.append(f"- {model}: flagged vs rest {_pct(r['adjusted_vs_rest'])} % (unadjusted "
                       f"{_pct(r['unadjusted_vs_rest'])} %), prevalence CIs outside [0,1] {r['prevalence_outside_0_1']}, "
                       f"zero width {r['prevalence_zero_width']} of {r['prevalence_rows']}; resampled {r['resampled']}")
        checks = next(iter(result["sample"].values()))["checks"]
        out += [f"- check: {c}" for c in checks] + [""]
    if "quality" in result:
        out += ["### Topic quality by unit", ""] + quality_table(result["quality"]) + [""]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(markdown(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
