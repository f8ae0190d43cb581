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
from .sample import SampledInput, needs_sample, sample_input
from .select import choose_k, search_k
from .streamed import write_sampled

__all__ = ["LdaInput", "LdaResult", "SampledInput", "SparkRun", "check_k", "choose_k", "fit_lda", "lda_result",
           "needs_sample", "prepare_input", "sample_input", "save_model", "search_k", "write_sampled"]
