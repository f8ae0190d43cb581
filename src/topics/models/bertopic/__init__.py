"""BERTopic on Chinese units, offline, seeded and reproducible: embeddings, fitting, and the tables of a
:class:`~topics.models.result.TopicModelResult`. BERTopic, UMAP, HDBSCAN and the encoders are imported only
when a fit runs (the ``bertopic`` extra).

Example
-------
>>> from topics.models.bertopic import fit_on_chunks, bertopic_result  # doctest: +SKIP
"""

from .fit import BertopicFit, check_size, embed_units, fit_bertopic, fit_on_chunks
from .outputs import bertopic_result, load_model, save_model

__all__ = ["BertopicFit", "bertopic_result", "check_size", "embed_units", "fit_bertopic", "fit_on_chunks",
           "load_model", "save_model"]
