# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · Corpus overview
#
# The **corpus** stage reads the raw input named in the config (a folder of `.txt` files with a manifest, or a
# CSV/JSONL/Parquet table), cuts each raw file into articles, and removes what is not running text: mastheads,
# tables of contents, captions, duplicated bullets, ads and paywall notices, speech formulas (同志们：…谢谢大家！).
# It writes `documents.csv` (one row per document, with issuer and manifest metadata and the raw-file line spans it
# came from), `documents.jsonl` (the same with the text), `units.jsonl` (the modelling units) and
# `corpus_report.json` (what was read, kept and dropped).
#
# Change `config` in the next cell (or pass `-p config configs/mine.yaml` to papermill) to run this notebook on
# your own corpus. The config path is relative to this notebook's folder; the paths inside the config are
# taken from the project root (see the README's config reference, `root`).

# %% tags=["parameters"]
config = "../configs/sample.yaml"

# %%
import pandas as pd
from IPython.display import display

from topics import artifacts, report
from topics.config import load_config
from topics.ingest.summary import format_summary
from topics.pipeline import run

pd.set_option("display.max_colwidth", 120)
cfg = load_config(config)
manifest = run(cfg, only=["corpus"])  # reuses the stage when it already ran with the same config and data
run_dir = cfg.run_dir
r = report.load_run(run_dir)
print(f"run folder: {run_dir}  ·  input: {cfg.corpus.path}")

# %% [markdown]
# ## Documents per issuer
#
# How much text each issuer contributes. Comparisons between issuers later weigh documents by their length, so an
# issuer with few but long documents still counts; an issuer with very few documents will get wide confidence
# intervals.

# %%
print(format_summary(r.corpus_report))
report.issuer_table(r.documents)

# %% [markdown]
# ## Document lengths
#
# Characters per document (after cleaning). Very short documents carry little topic information; very long ones
# (compilations, government work reports) dominate a length-weighted comparison.

# %%
r.documents.groupby("issuer")["n_chars"].describe(percentiles=[0.25, 0.5, 0.75]).round(0)

# %%
r.documents.sort_values("n_chars")[["doc_id", "issuer", "title", "n_chars"]].head(5)

# %% [markdown]
# ## What cleaning removed
#
# Lines dropped per raw file and category (blank lines not counted). Files skipped as unreadable and any input
# warnings are listed below; `corpus.on_bad_file: warn` skips a bad file instead of stopping.

# %%
report.dropped_lines_table(r.corpus_report)

# %%
pd.DataFrame({"skipped": [r.corpus_report.get("skipped", [])], "warnings": [r.corpus_report.get("warnings", [])]}).T

# %% [markdown]
# ## An article traced back to its raw file
#
# Every document records the raw-file line spans it came from (`lines`, 1-based and inclusive), so any result can
# be checked against the source. Below: one document's cleaned text, then the raw lines of its span (with two lines
# of context; `in_document` is False for lines that cleaning removed or that belong to the neighbours). Table
# input (CSV/JSONL) has no raw lines, and the table is empty.

# %%
docs = artifacts.read_documents(run_dir, text=True)
doc_id = report.example_document(docs)
display(docs.loc[docs["doc_id"] == doc_id, ["doc_id", "issuer", "title", "source_file", "lines", "n_chars"]])
print(docs.loc[docs["doc_id"] == doc_id, "text"].str[:400].iloc[0] if doc_id else "(table input)")

# %%
report.trace_document(docs, doc_id, cfg.corpus.path, context=2)

# %% [markdown]
# ## Modelling units
#
# `segment.unit` decides what the models see: whole documents, paragraphs, or chunks of about
# `segment.chunk_chars` characters. Paragraph/chunk results are aggregated back to documents by token count.

# %%
pd.Series({"documents": len(r.documents), "units": manifest["stages"]["corpus"].get("units"),
           "unit": cfg.segment.unit})
