"""The ``stm:`` section of the run configuration (:class:`StmConfig`) and the check of its prevalence terms; part
of :mod:`topics.config`, which imports it (kept apart so that module stays under 500 lines).

Example
-------
>>> from topics.config_stm import StmConfig, stm_column, stm_term_ok
>>> StmConfig().prevalence, stm_term_ok("s(year, 4)"), stm_column("s(year, 4)")
(['issuer'], True, 'year')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, Optional

from .errors import ConfigError


@dataclass(frozen=True)
class StmConfig:
    """Structural topic model (topics.models.stm; Roberts, Stewart & Tingley 2019): documents.csv covariates
    inside the model. Fitted on whole documents (a document's units are summed)."""

    enabled: bool = False  # run the STM stage
    k: int = 10  # number of topics (K); fixed here, or chosen from k_grid when k_rule is heldout
    # prevalence terms, documents.csv columns: a text column is categorical ("issuer"), a number enters linearly
    # ("year"), "s(year)" / "s(year, 5)" is a B-spline of it (stm's s(), df = min(10, distinct values - 1));
    # [] = no covariates (a correlated topic model)
    prevalence: list[str] = field(default_factory=lambda: ["issuer"])
    content: Optional[str] = None  # documents.csv column whose levels get their own topic words (SAGE kappa); null = none
    init: Literal["spectral", "random"] = "spectral"  # spectral = anchor words (deterministic); random = seeded
    # starting points: init, then the spectral start of seeded random halves of the documents; each runs 20 EM
    # iterations and the highest bound continues (stm's selectModel; benchmarks/stm_simulation.py)
    starts: int = 4
    # after EM: up to this many merge-and-extract moves (the two most alike topics merged, the part every other
    # topic shares extracted into the freed slot, EM rerun), each kept only if it ends at a higher bound; they
    # undo a split topic plus a background topic folded into all (topics.models.stm.moves; 0 = stm's behaviour)
    moves: int = 3
    max_em_its: int = 500  # EM iterations at most (per start)
    emtol: float = 1e-6  # EM stops when the bound's relative change is below this
    seed: Optional[int] = None  # seeds random starts and the effect draws; null = the run seed
    # estimateEffect draws of theta. parametric+bootstrap (default) carries the topics' own estimation error:
    # bootstrap_replicates corpora drawn from the fitted model and refitted (the estimator's spread) plus
    # bootstrap_replicates refits of resampled documents (how far the topics move between local optima), centred
    # on the parametric bias correction; the only option whose 95 % intervals covered the truth 0.90-0.98 on held-out
    # simulations (README "Structural topic model"), at about 12 fits' time. global (stm's default) and local
    # carry theta's uncertainty given the fitted topics only (fast; they under-cover when topics are estimated
    # with error); bootstrap = the document refits alone; parametric = the model refits alone, bias-corrected
    uncertainty: Literal["global", "local", "none", "bootstrap", "parametric", "parametric+bootstrap"] = \
        "parametric+bootstrap"
    bootstrap_replicates: int = 10  # refits behind bootstrap / parametric (each; parametric+bootstrap runs both)
    draws: int = 100  # estimateEffect method-of-composition draws (stm's nsims is 25)
    k_grid: Optional[list[int]] = None  # searchK over these K -> stm/k_selection.csv (held-out likelihood, coherence, exclusivity)
    k_rule: Literal["fixed", "heldout"] = "fixed"  # fixed = use stm.k; heldout = the grid K with the best held-out likelihood
    heldout_share: float = 0.1  # searchK: share of documents that lose half their tokens (document completion)
    top_n: int = 10  # words per topic in topics.csv (prob, FREX, lift, score), coherence and exclusivity
    label_words: int = 3  # top words joined into each topic's label
    content_words: int = 30  # words per topic and content level in content_terms.csv


# STM prevalence terms: a column name, or s(column) / s(column, df) / s(column, df=df) (topics.models.stm.design)
STM_NAME = re.compile(r"^[^(),\s][^(),]*$")
STM_SPLINE = re.compile(r"^s\(\s*([^,()]+?)\s*(?:,\s*(?:df\s*=\s*)?([1-9]\d*)\s*)?\)$")


def stm_term_ok(term: str) -> bool:
    return STM_SPLINE.match(term.strip()) is not None or (not term.strip().startswith("s(")
                                                            and STM_NAME.match(term.strip()) is not None)


def stm_column(term: str) -> str:
    m = STM_SPLINE.match(term.strip())
    return m.group(1) if m else term.strip()


# Value checks of the stm section (merged into topics.config's rules): key -> (predicate, description)
STM_RULES = {
    "stm.k": (lambda v: v >= 2, "an int >= 2"),
    "stm.prevalence": (lambda v: all(stm_term_ok(t) for t in v) and len({stm_column(t) for t in v}) == len(v),
                       "a list of documents.csv columns or s(column) / s(column, df) terms, each column once"),
    "stm.content": (lambda v: STM_NAME.match(v) is not None, "a documents.csv column name (not s(...)), or null"),
    "stm.max_em_its": (lambda v: v >= 1, "an int >= 1"),
    "stm.starts": (lambda v: v >= 1, "an int >= 1"),
    "stm.moves": (lambda v: v >= 0, "an int >= 0"),
    "stm.emtol": (lambda v: 0 < v < 1, "a number in (0, 1)"),
    "stm.seed": (lambda v: v >= 0, "an int >= 0 or null"),
    "stm.draws": (lambda v: v >= 20, "an int >= 20"),
    "stm.bootstrap_replicates": (lambda v: v >= 2, "an int >= 2"),
    "stm.k_grid": (lambda v: v is None or (len(v) >= 2 and min(v) >= 2), "a list of at least two ints >= 2, or null"),
    "stm.heldout_share": (lambda v: 0 < v < 0.5, "a number in (0, 0.5)"),
    "stm.top_n": (lambda v: v >= 2, "an int >= 2"),
    "stm.label_words": (lambda v: v >= 1, "an int >= 1"),
    "stm.content_words": (lambda v: v >= 1, "an int >= 1"),
}


def check_stm_section(cfg: StmConfig, source: str) -> None:
    """Checks across keys of the section (``source``: the config file, for the message)."""
    if cfg.k_rule != "fixed" and not cfg.k_grid:
        raise ConfigError(f"{source}: stm.k_rule: {cfg.k_rule!r} chooses K from stm.k_grid, which is not set; "
                          "give stm.k_grid or use k_rule: fixed")
    if cfg.uncertainty in ("bootstrap", "parametric+bootstrap") and cfg.draws < cfg.bootstrap_replicates:
        raise ConfigError(f"{source}: stm.draws ({cfg.draws}) is below stm.bootstrap_replicates "
                          f"({cfg.bootstrap_replicates}); every refit needs at least one draw: raise stm.draws")
