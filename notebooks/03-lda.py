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
# # 03 · LDA
#
# Latent Dirichlet Allocation (Blei, Ng & Jordan 2003) describes each document as a mixture of K topics and each
# topic as a distribution over words. The **lda** stage fits it on the tokens of notebook 02 (engine, K, priors and
# iterations from the `lda` section of the config, seeded), and writes under `lda/`: `doc_topics.csv` (each
# document's topic proportions, rows sum to 1), `topics.csv` (labels, top words, prevalence), `topic_terms.csv`
# (p(word | topic) for the top 30 words), `metrics.json` (coherence, diversity, exclusivity, stability) and, when
# `lda.k_grid` is set, `k_selection.csv`: the evidence for choosing K.

# %% tags=["parameters"]
config = "../configs/sample.yaml"

# %%
import pandas as pd
from IPython.display import display

from topics import report
from topics.config import load_config
from topics.pipeline import run

pd.set_option("display.max_colwidth", 100)
cfg = load_config(config)
manifest = run(cfg, only=["lda"])  # corpus, tokenize, lda; each reused when already done
r = report.load_run(cfg.run_dir)
lda = r.models["lda"]
pd.Series({"engine": cfg.lda.engine, "K": cfg.lda.k, "K grid": cfg.lda.k_grid, "iterations": cfg.lda.iterations,
           "seed": cfg.seed, "fit seconds": r.stage("lda").get("seconds")})

# %% [markdown]
# ## Choosing K
#
# With `lda.k_grid` set, the stage fits every K of the grid with `lda.sweep_seeds` seeds and reports per K: topic
# coherence (NPMI and c_v, computed with gensim on this corpus's own tokens; higher = top words co-occur more),
# held-out likelihood or perplexity, topic diversity (share of unique top words), exclusivity, and stability
# (how well topics of different seeds match). No single number decides: look for the K after which coherence and
# stability stop improving while diversity stays high. Nothing is shown when K is fixed.

# %%
display(lda.tables.get("k_selection"))
report.k_selection_figure(r)

# %% [markdown]
# ## Model quality
#
# The fitted model's scores (the same measures are computed for BERTopic in notebook 04, so they compare).

# %%
pd.Series({k: v for k, v in lda.metrics.items() if not isinstance(v, (dict, list))})

# %% [markdown]
# ## Topics
#
# Each topic's label (its first words), its top words by probability and — as R's stm `labelTopics` does — by FREX
# (frequent *and* exclusive) and lift (over-represented relative to the corpus), and its prevalence (share of all
# tokens). Topic labels are a reading aid: name topics yourself after reading their words and documents.

# %%
lda.topics

# %%
report.topic_words_figure(r, "lda", n=8)

# %% [markdown]
# ## Representative documents
#
# The documents with the highest proportion of each topic (`lda/representative_docs.csv`). Reading them is the
# check that a topic means what its words suggest; notebook 01 shows how to trace any document back to its raw
# file lines.

# %%
lda.representative_docs.groupby("topic").head(3)

# %% [markdown]
# ## Document–topic proportions
#
# The first rows of `doc_topics.csv`, joined to the issuer: the table that notebook 05 aggregates by issuer.

# %%
lda.doc_topics.merge(r.documents[["doc_id", "issuer"]], on="doc_id").head(10).round(3)
