"""Tests for topics.tokens.batches: content-defined batches, the batch file format, the warm path."""

from __future__ import annotations


import numpy as np
import pytest

from helpers import SAMPLE
from topics.config import TokenizeConfig
from topics.tokens import make_tokenizer, tokenize_texts
from topics.tokens.batches import BatchStore, TokenBatch, batch_ends


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """The sample's paragraphs: many short texts, so several batches."""
    out = []
    for p in sorted(SAMPLE.glob("*.txt")):
        out += [line.strip() for line in p.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 5]
    return out


def _batches(texts: list[str], size: int) -> list[tuple[str, ...]]:
    bounds = [0, *batch_ends(texts, max_texts=size)]
    return [tuple(texts[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


def test_boundaries_follow_content_so_an_insertion_changes_one_batch(texts):
    before = _batches(texts, 20)
    assert len(before) >= 10 and sum(map(len, before)) == len(texts)
    middle = len(texts) // 2
    after = _batches(texts[:middle] + ["一段新插入的文字，不在原来的文本里。"] + texts[middle:], 20)
    changed = set(after) - set(before)
    assert 1 <= len(changed) <= 2  # the batch holding the new text (and, if it ends one, its neighbour)
    assert _batches(texts, 20) == before  # deterministic


def test_max_chars_bounds_a_batch():
    ends = list(batch_ends(["字" * 100] * 50, max_texts=10**9, max_chars=1000))
    assert ends == list(range(10, 51, 10))


def test_batch_bytes_round_trip_and_damage_is_refused():
    batch = TokenBatch.from_token_lists([["推动", "高质量发展"], [], ["发展", "推动", "推动"]], [5, 0, 4])
    again = TokenBatch.from_bytes(batch.to_bytes())
    assert again.token_lists() == batch.token_lists() == [["推动", "高质量发展"], [], ["发展", "推动", "推动"]]
    assert again.n_raw.tolist() == [5, 0, 4]
    data = bytearray(batch.to_bytes())
    data[-3] ^= 0x01
    assert TokenBatch.from_bytes(bytes(data)) is None
    assert TokenBatch.from_bytes(batch.to_bytes()[:-1]) is None
    count, doc_freq = batch.counts()
    assert dict(zip(batch.vocab, count.tolist())) == {"推动": 3, "高质量发展": 1, "发展": 1}
    assert dict(zip(batch.vocab, doc_freq.tolist())) == {"推动": 2, "高质量发展": 1, "发展": 1}
    taken = batch.take([2, 0, 2])
    assert taken.token_lists() == [["发展", "推动", "推动"], ["推动", "高质量发展"], ["发展", "推动", "推动"]]
    merged = TokenBatch.concat([batch, TokenBatch.from_token_lists([["新词", "推动"]], [2])])
    assert merged.token_lists() == batch.token_lists() + [["新词", "推动"]]


@pytest.mark.parametrize("engine", ["rjieba", "jieba"])
def test_warm_reads_batches_without_segmenting(tmp_path, texts, engine):
    cfg = TokenizeConfig(engine=engine, workers=1)
    cold_tok = make_tokenizer(cfg, cache_dir=tmp_path)
    cold, s1 = tokenize_texts(texts, cold_tok, cache_dir=tmp_path, progress=False)
    assert cold == [cold_tok(t) for t in texts] and s1["cached"] == 0
    warm_tok = make_tokenizer(cfg, cache_dir=tmp_path)
    warm, s2 = tokenize_texts(texts, warm_tok, cache_dir=tmp_path, progress=False)
    assert warm == cold and s2["segmented"] == 0 and s2["cached"] == s1["unique_texts"]
    assert warm_tok._jieba is None and warm_tok.segment_calls == 0
    # a damaged batch file is ignored and rewritten; the per-text cache still serves its texts
    store = BatchStore(tmp_path, warm_tok.settings_hash)
    files = sorted(store.folder.rglob("*.tok"))
    files[0].write_bytes(files[0].read_bytes()[:-2])
    again_tok = make_tokenizer(cfg, cache_dir=tmp_path)
    again, s3 = tokenize_texts(texts, again_tok, cache_dir=tmp_path, progress=False)
    assert again == cold and s3["segmented"] == 0 and again_tok.segment_calls == 0
    assert TokenBatch.from_bytes(files[0].read_bytes()) is not None
    # reordered texts: new batches, every text from the per-text cache
    shuffled = list(np.random.default_rng(0).permutation(np.array(texts, dtype=object)))
    mixed, s4 = tokenize_texts(shuffled, make_tokenizer(cfg, cache_dir=tmp_path), cache_dir=tmp_path, progress=False)
    assert s4["segmented"] == 0 and mixed == [cold[texts.index(t)] for t in shuffled]
