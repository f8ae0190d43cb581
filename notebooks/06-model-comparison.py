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
# # 06 · Model comparison
#
# A finding that holds under two different models is more credible than one that depends on a modelling choice.
# LDA (notebook 03) and BERTopic (notebook 04) see the same documents and the same vocabulary, so their topics can
# be matched. The **compare** stage aligns them:
#
# * **topic alignment**: each LDA topic paired one-to-one with a BERTopic topic by the similarity of their word
#   distributions (Hungarian matching on cosine similarity of the topic–term weights);
# * **document agreement**: how well the two models' dominant-topic assignments agree (normalised mutual
#   information and adjusted Rand index; BERTopic outliers excluded).
#
# **Stability across seeds** asks the same of one model: refit with other seeds and match topics; a topic that
# reappears under every seed is a property of the corpus, not of the random start.

# %% tags=["parameters"]
config = "../configs/sample.yaml"

# %%
import pandas as pd
from IPython.display import Image, display

from topics import report
from topics.config import load_config
from topics.pipeline import run

pd.set_option("display.max_colwidth", 80)
cfg = load_config(config)
manifest = run(cfg, only=["figures"])  # every stage; each reused when already done
r = report.load_run(cfg.run_dir)
print("models in this run:", ", ".join(r.models))

# %% [markdown]
# ## The two models side by side
#
# Coherence and diversity are computed the same way for both models, on the same tokens.

# %%
report.metrics_table(r).T

# %% [markdown]
# ## Topic alignment
#
# Each row pairs an LDA topic with its best BERTopic match; `similarity` near 1 means the same words carry both
# topics. Unmatched or weakly matched topics are model-specific: read their documents before interpreting them.

# %%
r.compare.get("model_alignment")

# %%
display(*[Image(filename=str(p), width=640) for p in r.figure_paths("model_alignment")])

# %% [markdown]
# ## Document agreement

# %%
pd.Series(r.compare_json.get("model_agreement", {}), dtype=object)

# %% [markdown]
# ## Stability across seeds
#
# LDA's stability: the mean best-match similarity of topics between fits with different seeds (from `metrics.json`),
# and — when a K sweep ran — the same per K (`k_selection.csv`).

# %%
pd.DataFrame({name: {k: v for k, v in mt.metrics.items() if "stab" in k} for name, mt in r.models.items()})

# %%
r.models["lda"].tables.get("k_selection")
