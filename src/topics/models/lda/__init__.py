"""LDA: tomotopy (collapsed Gibbs), gensim or Spark MLlib (variational Bayes) behind one interface, several seeded chains,
a K sweep, and the tables of a :class:`~topics.models.result.TopicModelResult`.

Example
-------
>>> from topics.config import LdaConfig
>>> from topics.models.lda import fit_lda, lda_result
>>> result = lda_result(fit_lda(tokens_df, LdaConfig(k=5), seed=42), LdaConfig(k=5), None)  # doctest: +SKIP
"""

from .fit import LdaInput, LdaResult, SparkRun, check_k, fit_lda, prepare_input
from .outputs import lda_result, save_model
from .select import choose_k, search_k

__all__ = ["LdaInput", "LdaResult", "SparkRun", "check_k", "choose_k", "fit_lda", "lda_result", "prepare_input", "save_model",
           "search_k"]
