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
# # 02 · Tokenization
#
# Chinese has no spaces, so the **tokenize** stage segments each modelling unit into words with jieba. A shipped
# dictionary of political and official terms (习近平新时代中国特色社会主义思想, 全面从严治党, 新质生产力, …) keeps
# those terms whole; stopword lists remove function words (general list) and the genre's boilerplate (domain
# list: 同志们, 本报讯, units, …); numbers are dropped; and the vocabulary is pruned by document frequency
# (`tokenize.no_below`, `tokenize.no_above`). Both models (LDA and BERTopic) use this one vocabulary.
# Outputs: `tokens.jsonl` (tokens per unit), `vocabulary.csv` (token, doc_freq, count) and
# `vocabulary_dropped.csv` (pruned terms with the reason).

# %% tags=["parameters"]
config = "../configs/sample.yaml"

# %%
import pandas as pd
from IPython.display import display

from topics import artifacts, report
from topics.config import load_config
from topics.pipeline import run
from topics.tokens import ChineseTokenizer

cfg = load_config(config)
manifest = run(cfg, only=["tokenize"])  # corpus + tokenize, reused when already done
run_dir = cfg.run_dir
r = report.load_run(run_dir)
tok_summary = r.stage("tokenize")
pd.Series(tok_summary["counts"], name="after tokenization")

# %% [markdown]
# ## Vocabulary
#
# The most frequent tokens and their document frequency. Frequent words that carry no topic (generic verbs, genre
# formulas) are candidates for `tokenize.user_stopwords`; words that should have stayed together are candidates for
# `tokenize.user_dictionary`.

# %%
r.vocabulary.sort_values("count", ascending=False).head(30).reset_index(drop=True)

# %%
r.vocabulary[["doc_freq", "count"]].describe().round(1)

# %% [markdown]
# ## One paragraph, before and after
#
# jieba's raw segmentation of a paragraph next to the tokens the models see (stopwords, punctuation and numbers
# removed; dictionary terms kept whole).

# %%
units = artifacts.read_units(run_dir)
tokenizer = ChineseTokenizer(cfg.tokenize, cache_dir=cfg.cache_dir)
paragraph = report.sample_paragraph(units)
print(paragraph)
print("raw   :", " | ".join(tokenizer.segment(paragraph)))
print("tokens:", " | ".join(tokenizer(paragraph)))

# %% [markdown]
# ## Dictionary hits
#
# Terms of the shipped political dictionary (plus `tokenize.user_dictionary`, if set) that occur in this corpus, with
# how often. Without the dictionary jieba would split most of them (中国式现代化 → 中国式 | 现代化).

# %%
hits = report.dictionary_hits(r.vocabulary, cfg.tokenize)
print(f"{len(hits)} dictionary terms occur in the vocabulary "
      f"({hits['count'].sum() / r.vocabulary['count'].sum():.1%} of all tokens)")
hits.head(30)

# %% [markdown]
# ## Stopword effects
#
# What each stopword list removes: the most frequent removed words and the share of all raw words each list takes
# out. A topic word appearing here would be a reason to edit the list (the lists are plain text files in
# `src/topics/data/`; add your own with `tokenize.user_stopwords`).

# %%
removed, totals = report.stopword_effects(units, cfg.tokenize)
display(pd.Series(totals))
removed

# %% [markdown]
# ## Frequency pruning
#
# Terms removed from the vocabulary because they occur in too few documents (`no_below`), in too many
# (`no_above`), or beyond `keep_n`; and units left with no tokens (these get no topic proportions).

# %%
display(pd.Series(tok_summary["drop_report"]["terms_dropped"], name="terms dropped"))
r.vocabulary_dropped.groupby("reason").head(10).reset_index(drop=True)

# %%
tokens = artifacts.read_tokens(run_dir)
tokens.assign(n_tokens=tokens["tokens"].map(len)).merge(r.documents[["doc_id", "issuer"]], on="doc_id") \
    .groupby("issuer")["n_tokens"].describe().round(0)
