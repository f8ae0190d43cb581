"""Structural topic model (STM; Roberts, Stewart & Airoldi 2016, JASA 111(515); R package ``stm``, Roberts,
Stewart & Tingley 2019, JSS 91(2)) in numpy/scipy/numba: topic prevalence depends on document covariates
(issuer, a spline of year) and topic content (the words) can depend on a covariate.

Modules: :mod:`.design` (covariate design, B-splines), :mod:`.spectral` (anchor-word / random init),
:mod:`.estep` (per-document Laplace approximation, compiled), :mod:`.mstep` (gamma, Sigma, beta),
:mod:`.content` (SAGE kappa, Jeffreys prior), :mod:`.fit` (variational EM), :mod:`.effects` (estimateEffect,
method of composition), :mod:`.bootstrap` / :mod:`.parametric` (refit-based effect uncertainty), :mod:`.labels`
(prob/FREX/lift/score words, per content level), :mod:`.diagnostics`
(held-out likelihood, semantic coherence, exclusivity, searchK), :mod:`.tables` (doc_topics / topics /
topic_terms / content terms / metrics in the LDA stage's shapes), :mod:`.simulate` (the generative process),
:mod:`.store` (save/load a fit).

Example
-------
>>> from topics.models.stm import fit_stm, estimate_effect, label_words, simulate_corpus
>>> sim = simulate_corpus(n_docs=300, k=4, vocab_size=200, seed=1)
>>> fit = fit_stm(sim.counts, sim.vocab, sim.meta, k=4, prevalence=["issuer", "s(year)"], seed=1)
>>> effect = estimate_effect(fit, sim.meta, draws=50, seed=1)
>>> effect.coefficients().columns.tolist()[:3]
['topic', 'term', 'estimate']
"""

from .design import Design, build_design
from .diagnostics import exclusivity, heldout_likelihood, make_heldout, search_k, semantic_coherence
from .effects import Effect, estimate_effect
from .fit import StmFit, fit_stm
from .labels import content_words, label_words
from .simulate import Simulation, expected_theta, simulate_corpus
from .store import load_draws, load_fit, save_draws, save_fit
from .tables import content_terms_table, doc_topics_table, metrics, topic_terms_table, topics_table

__all__ = ["Design", "build_design", "Effect", "estimate_effect", "StmFit", "fit_stm", "label_words",
           "content_words", "exclusivity", "heldout_likelihood", "make_heldout", "search_k", "semantic_coherence",
           "Simulation", "expected_theta", "simulate_corpus", "content_terms_table", "doc_topics_table", "metrics",
           "topic_terms_table", "topics_table", "load_fit", "save_fit", "load_draws", "save_draws"]
