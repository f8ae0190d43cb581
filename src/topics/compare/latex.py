"""LaTeX (booktabs) copies of the main comparison tables, written by hand: no jinja2 needed.

Example
-------
>>> print(to_latex_booktabs(pd.DataFrame({"a": ["x_1"], "b": [2]}), "A & B", "tab:x").splitlines()[2])
\\caption{A \\& B}
"""

from __future__ import annotations

import pandas as pd

from .effects import REST
from .tablemeta import caption_note


_LATEX_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}

def latex_escape(text: object) -> str:
    return "".join(_LATEX_ESCAPES.get(ch, ch) for ch in str(text))

def to_latex_booktabs(df: pd.DataFrame, caption: str, label: str) -> str:
    """A booktabs ``table`` environment (needs \\usepackage{booktabs}; CJK text needs xeCJK or ctex)."""
    cols = "l" * (1 if len(df.columns) else 0) + "r" * max(len(df.columns) - 1, 0)
    lines = [r"\begin{table}[htbp]", r"\centering", rf"\caption{{{latex_escape(caption)}}}",
             rf"\label{{{label}}}", rf"\begin{{tabular}}{{{cols}}}", r"\toprule",
             " & ".join(latex_escape(c) for c in df.columns) + r" \\", r"\midrule"]
    for row in df.itertuples(index=False):
        lines.append(" & ".join(latex_escape("" if pd.isna(v) else v) for v in row) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)

def wide_interval_table(df: pd.DataFrame, column: str, labels: dict, percent: bool = True) -> pd.DataFrame:
    """Topics as rows, levels of ``column`` as columns, cells 'estimate [low, high]' (in % by default), with a
    ``*`` after the interval when the table has ``excludes_zero`` and it is true (the adjusted flag)."""
    f = 100.0 if percent else 1.0
    star = df["excludes_zero"].astype(bool) if "excludes_zero" in df.columns else pd.Series(False, index=df.index)
    cell = df.apply(lambda r: f"{r.estimate * f:.1f} [{r.ci_low * f:.1f}, {r.ci_high * f:.1f}]", axis=1)
    cell = cell + star.map({True: "*", False: ""})
    wide = df.assign(cell=cell).pivot(index="topic", columns=column, values="cell")
    wide = wide[list(dict.fromkeys(df[column]))]
    wide.insert(0, "topic", [labels.get(t, f"T{t}") for t in wide.index])
    return wide.reset_index(drop=True)

LEVELS_PER_TABLE = 6  # columns of levels that fit a page width in a booktabs table


def _parts(wide: pd.DataFrame, caption: str, label: str) -> str:
    """One booktabs table per group of :data:`LEVELS_PER_TABLE` level columns (the topic column repeated)."""
    levels = list(wide.columns[1:])
    groups = [levels[i:i + LEVELS_PER_TABLE] for i in range(0, len(levels), LEVELS_PER_TABLE)] or [[]]
    if len(groups) == 1:
        return to_latex_booktabs(wide, caption, label)
    return "\n".join(to_latex_booktabs(wide[[wide.columns[0], *g]], f"{caption} (part {i + 1} of {len(groups)})",
                                        f"{label}-{i + 1}") for i, g in enumerate(groups))


def latex_tables(tables: dict, model: str, labels: dict, cfg) -> dict[str, str]:
    """The prevalence table and the level-vs-rest differences of the first compared column; each caption says
    how its intervals were computed and whether they are adjusted."""
    col = cfg.covariates[0]
    out = {}
    prev = tables[f"{col}_prevalence"]
    out[f"{col}_prevalence"] = _parts(
        wide_interval_table(prev, col, labels), f"{model}: topic prevalence by {col}, % of tokens "
        f"[{caption_note('prevalence', cfg.ci, cfg.draws)}]", f"tab:{model}-{col}-prevalence")
    diff = tables.get(f"{col}_differences")  # absent when the column has one group
    rest = diff[diff[f"{col}_b"] == REST].rename(columns={f"{col}_a": col}) if diff is not None else ()
    if len(rest):
        out[f"{col}_differences"] = _parts(
            wide_interval_table(rest, col, labels), f"{model}: prevalence of each {col} minus all others, "
            f"percentage points [{caption_note('differences', cfg.ci, cfg.draws)}; "
            f"{len(rest)} rows]", f"tab:{model}-{col}-differences")
    return out
