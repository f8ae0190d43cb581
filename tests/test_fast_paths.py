"""The fast paths of issue 16 give exactly what the plain code they replaced gave."""

from __future__ import annotations

import io
from types import SimpleNamespace

import numpy as np
import pandas as pd

from topics.evaluate import top_indices
from topics.ingest.script import detected_share, is_traditional
from topics.io import append_jsonl, append_jsonl_pair
from topics.models.lda.engines import EncodedCorpus, fit_tomotopy
from topics.models.lda.parts import PART_TOKENS, lda_parts, window_counts


def test_top_indices_is_the_stable_argsort_prefix():
    rng = np.random.default_rng(0)
    for trial in range(500):
        x = rng.integers(0, 4, size=int(rng.integers(1, 40))).astype(float) if trial % 2 else rng.random(30)
        if trial % 5 == 0:
            x[rng.random(len(x)) < 0.3] = -np.inf
        if trial % 7 == 0:
            x[rng.random(len(x)) < 0.2] = np.nan
        n = int(rng.integers(0, 45))
        assert np.array_equal(top_indices(x, n), np.argsort(-x, kind="stable")[:n])
    m = rng.integers(0, 3, size=(4, 25)).astype(float)
    assert np.array_equal(top_indices(m, 6), np.argsort(-m, axis=1, kind="stable")[:, :6])


def test_token_ids_in_order_of_first_occurrence_across_chunks():
    rng = np.random.default_rng(1)
    lists = [[f"w{v}" for v in rng.zipf(1.3, size=int(rng.integers(0, 400))) % 5000] for _ in range(1500)]
    lists.insert(3, ["a", None, "b"])  # a missing value: that chunk goes word by word
    index: dict = {}
    ids = [index.setdefault(w, len(index)) for t in lists for w in t]
    enc = EncodedCorpus.from_token_lists(iter(lists))  # > 250,000 tokens: several chunks
    assert enc.vocab == list(index) and enc.ids.dtype == np.int32 and enc.ids.tolist() == ids
    assert enc.offsets.tolist() == np.cumsum([0] + [len(t) for t in lists]).tolist()


def test_tomotopy_parts_equal_the_per_unit_windows():
    rng = np.random.default_rng(2)
    lists = [list(rng.choice(list("abcdefghij"), size=int(rng.integers(1, 80)))) for _ in range(40)]
    enc = EncodedCorpus.from_token_lists(lists)
    fit = fit_tomotopy(enc, k=3, alpha=None, eta=None, iterations=5, seed=1)
    ids = pd.DataFrame({"unit_id": [f"u{i}" for i in range(40)], "doc_id": [f"d{i // 3}" for i in range(40)],
                        "n_tokens": [len(t) for t in lists]})
    result = SimpleNamespace(fit=fit, ids=ids)
    for part_tokens in (PART_TOKENS, 7):
        loop = lda_parts(result, part_tokens, windows=window_counts(result, part_tokens))
        pd.testing.assert_frame_equal(lda_parts(result, part_tokens), loop, check_exact=True)


def test_document_lines_from_one_encode():
    df = pd.DataFrame({"doc_id": ["a", 'b"x'], "year": [2020, None], "lines": [[], [[1, 2]]],
                       "v": [np.nan, 1.5], "text": ['文本\n"q"', ""]})
    for frame in (df, df[["text"]], df[["text", "doc_id"]]):
        full, meta, full2, meta2 = io.StringIO(), io.StringIO(), io.StringIO(), io.StringIO()
        append_jsonl(frame, full)
        append_jsonl(frame, meta, drop=("text",))
        append_jsonl_pair(frame, full2, meta2, "text")
        assert (full.getvalue(), meta.getvalue()) == (full2.getvalue(), meta2.getvalue())


def test_detected_share_agrees_with_is_traditional():
    for text in ["這是繁體中文的文章，國家發展", "这是简体中文的文章，国家发展", "", "abc", "國家", "國家發展這個", "乾"]:
        for threshold in (0.0, 0.05, 0.5):
            detected, share = is_traditional(text, threshold)
            assert detected_share(text, threshold) == (share if detected else None)
