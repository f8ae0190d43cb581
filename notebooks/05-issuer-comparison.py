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
# # 05 · Issuer comparison
#
# The question the project exists for: **do issuers write about different themes?** The **compare** stage takes
# each model's document–topic proportions and, for the first column of `compare.covariates` (issuer by default):
#
# * **prevalence**: each issuer's share of each topic (weighted by document length in tokens), with intervals that
#   carry the sampling variability of the text and the topic model's own uncertainty: in each of `compare.draws`
#   replicates, documents are resampled within each issuer (for issuers with few documents also blocks of each
#   document's text), every document's proportions are drawn from the model's posterior, and everything is
#   recomputed (README, "How the intervals are computed");
# * **differences** between issuers (each issuer against all others, and every pair when there are few), and a
#   regression of topic proportion on the covariates (plus year when the corpus has one; stm's method of
#   composition with the same resampling). Their flag `excludes_zero` is adjusted for the number of comparisons
#   (a simultaneous band over the table); the per-comparison flag is `excludes_zero_unadjusted`;
# * **distinctive words**: within a topic, the words one issuer uses more than the others (log-odds ratio with an
#   informative Dirichlet prior, Monroe, Colaresi & Quinn 2008);
# * **similarity**: Jensen–Shannon divergence between issuers' topic distributions, and a clustering of issuers.
#
# Tables are under `<model>/compare/`, figures under `figures/` (PDF, SVG and PNG). Set `model` below to `bertopic`
# to see the same comparison on the BERTopic topics.

# %% tags=["parameters"]
config = "../configs/sample.yaml"
model = "lda"

# %%
import pandas as pd
from IPython.display import Image, display

from topics import report
from topics.compare.effects import REST
from topics.compare.latex import wide_interval_table
from topics.config import load_config
from topics.pipeline import run

pd.set_option("display.max_colwidth", 80)
cfg = load_config(config)
manifest = run(cfg, only=["figures"])  # every stage; each reused when already done
r = report.load_run(cfg.run_dir)
m = r.models[model]
column = cfg.compare.covariates[0]
labels = m.labels()  # one display label per topic: T3 · 经济 发展 改革
pd.Series(r.stage("compare")["models"][model])

# %% [markdown]
# The design checks of the comparison (small issuers, one document per issuer, nested covariates) and what the
# tool does about each:

# %%
for check in r.stage("compare")["models"][model]["checks"]:
    print(f"- {check['message']}")

# %% [markdown]
# ## Topic prevalence by issuer
#
# Percent of each issuer's tokens (columns) in each topic (rows), with the `compare.ci` interval in brackets.
# Intervals are wide when an issuer has few documents; two issuers differ credibly only where the difference
# interval below excludes zero.

# %%
prevalence = m.compare[f"{column}_prevalence"]
wide_interval_table(prevalence, column, labels)

# %%
display(*[Image(filename=str(p), width=720) for p in r.figure_paths(f"{model}_{column}_prevalence")])

# %% [markdown]
# ## Differences between issuers
#
# Each issuer minus all other issuers pooled, in percentage points, with simultaneous intervals (adjusted over the
# whole table; `*` = the adjusted interval excludes zero): the issuer-specific themes. `*_differences.csv` also
# holds the per-comparison intervals and, with few issuers, every pair.

# %%
differences = m.compare[f"{column}_differences"]
wide_interval_table(differences[differences[f"{column}_b"] == REST].rename(columns={f"{column}_a": column}),
                    column, labels)

# %%
display(*[Image(filename=str(p), width=720) for p in r.figure_paths(f"{model}_{column}_effects")
          + r.figure_paths(f"{model}_{column}_differences")])

# %% [markdown]
# ## Regression: topic proportion ~ covariates
#
# The stm-style effect estimates: each coefficient is the change in a topic's proportion for a level against the
# reference level (most documents unless `compare.reference` says otherwise), with intervals from the same
# replicates, adjusted over all coefficients (`excludes_zero`).

# %%
m.compare["topic_effects"].round(4).head(30)

# %% [markdown]
# ## Distinctive words
#
# Within each topic, the words that most distinguish one issuer's use of the topic from the others'
# (z-scored log-odds; positive = used more by that issuer). This separates *what* an issuer says about a shared
# theme from *whether* it addresses the theme.

# %%
m.compare[f"{column}_topic_words"].groupby(["topic", column]).head(5).head(40)

# %% [markdown]
# ## Issuer similarity
#
# Jensen–Shannon divergence between issuers' topic distributions (0 = identical, 1 = disjoint; base 2), and the
# average-linkage clustering it implies.

# %%
report.divergence_matrix(m.compare[f"{column}_divergence"], column).round(3)

# %%
m.compare[f"{column}_clusters"]

# %%
display(*[Image(filename=str(p), width=720) for p in r.figure_paths(f"{model}_{column}_similarity")])

# %% [markdown]
# ## Documents
#
# The most representative documents per topic and issuer, and for each document its nearest documents from *other*
# issuers in topic space: pairs worth reading side by side.

# %%
m.compare["representative_documents"].head(15)

# %%
m.compare["nearest_documents"].head(15)

# %% [markdown]
# ## Over time
#
# Prevalence per year with intervals, when the corpus has a year or date column (`compare.time_column`).

# %%
display(m.compare.get("topic_time"))
display(*[Image(filename=str(p), width=720) for p in r.figure_paths(f"{model}_prevalence_over_time")])

# %% [markdown]
# ## Topic words and documents by issuer
#
# The top words of each topic, and every document's topic proportions grouped by issuer (one row per document).
# All figure files of this model are listed below; the PDF and SVG next to each PNG are for papers.

# %%
display(*[Image(filename=str(p), width=720) for p in r.figure_paths(f"{model}_topic_words")
          + r.figure_paths(f"{model}_doc_topics")])
pd.DataFrame({"figure": [f"figures/{p.stem}.{{pdf,svg,png}}" for p in r.figure_paths(f"{model}_")]})

# %% [markdown]
# ## STM: issuer inside the model, next to LDA
#
# The comparison above estimates prevalence by issuer *after* the topic model. The structural topic model (the
# `stm` stage; Roberts, Stewart & Tingley 2019) puts the covariates of `stm.prevalence` inside the model, and
# `stm.content` lets each issuer use its own words within a topic. Its own effect estimates (stm's
# `estimateEffect`: a regression of topic proportions on the prevalence terms by the method of composition, with
# draws from the model's posterior) are in `stm/compare/effect_*.csv`. Below, each STM topic's expected
# proportion per issuer is set beside the matched LDA topic's prevalence (topics matched one-to-one on their word
# distributions; `similarity` is the cosine similarity of the pair). A run without the stm stage shows nothing here:
# set `stm.enabled: true` in the config.

# %%
stm = r.models.get("stm")
if stm is None:
    print("no stm/ folder in this run: enable the stm stage (stm.enabled: true)")
else:
    from topics.compare.stm import side_by_side

    both = side_by_side(stm.compare[f"effect_{column}_levels"], r.models["lda"].compare[f"{column}_prevalence"],
                        stm.compare["lda_alignment"], column) if "lda" in r.models else None
    display(stm.compare["lda_alignment"].round(2) if both is not None else None)
    display(both.round(3).head(40) if both is not None else stm.compare[f"effect_{column}_levels"].round(3).head(40))

# %% [markdown]
# The same as figures: STM's expected proportions (filled dots) with the matched LDA topic's prevalence (open
# squares), each issuer minus the others in the STM, the STM's K sweep (held-out likelihood; coherence against
# exclusivity) and, with `s(year)` among the prevalence terms, prevalence over time as a smooth curve with a band.
# With a content covariate, `stm/content_terms.csv` lists each topic's words per issuer.

# %%
if stm is not None:
    display(*[Image(filename=str(p), width=720) for p in r.figure_paths("stm_effect_") + r.figure_paths("stm_k_selection")])
    display(stm.compare["effect_coefficients"].round(4).head(20))
    content = stm.tables.get("content_terms")  # present with a content covariate (stm.content)
    display(content.groupby(["topic", "level"]).head(5).head(40) if content is not None else None)
