"""Issue 18, caches: nothing under cache_dir can run code, and a damaged cache is set aside and rebuilt.

Findings 3 (a planted pickle ran during ``topics run``) and 7 (garbage or a truncated token cache gave a
traceback, a changed page gave silently wrong tokens, an empty dictionary file a math domain error).
"""

from __future__ import annotations

import logging
import marshal
import pickle
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from topics import artifacts
from topics.config import TokenizeConfig
from topics.io import write_table
from topics.tokens import ChineseTokenizer
from topics.tokens.batches import TokenBatch
from topics.tokens.stream import tokenize_run

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "sample"
PACKAGE = ROOT / "src" / "topics"
TEXT = "国务院关于推动高质量发展的意见。各地区各部门要坚持稳中求进工作总基调，扎实推进中国式现代化。"


class _Touch:
    """Unpickling this creates ``path`` (what a planted pickle could do instead of ``os.system``)."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


# --------------------------------------------------------------------------------------------------
# Finding 3: the cache can run code
# --------------------------------------------------------------------------------------------------
def test_a_planted_pickle_in_the_dictionary_cache_is_never_loaded(tmp_path):
    tok = ChineseTokenizer(TokenizeConfig(), cache_dir=tmp_path)
    marker = tmp_path / "ran"
    folder = tmp_path / "jieba"
    folder.mkdir()
    for name in (f"dict-{tok.settings_hash}.pickle", f"dict-{tok.settings_hash}.json"):
        (folder / name).write_bytes(pickle.dumps(_Touch(marker)))
    tokens = tok(TEXT)
    assert not marker.exists()
    assert "高质量发展" in tokens


def test_jiebas_own_marshal_cache_is_never_read(tmp_path):
    clean = ChineseTokenizer(TokenizeConfig(), cache_dir=tmp_path / "clean")(TEXT)
    planted = tmp_path / "planted" / "jieba"
    planted.mkdir(parents=True)
    for name in ("jieba.cache", "jieba.u0.cache"):  # jieba.Tokenizer.initialize() reads tmp_dir/jieba.cache
        (planted / name).write_bytes(marshal.dumps(({"国": 1, "务": 1}, 2)))
    assert ChineseTokenizer(TokenizeConfig(), cache_dir=tmp_path / "planted")(TEXT) == clean


def test_no_module_loads_code_from_a_file():
    """pickle, marshal, joblib, torch.load and np.load without allow_pickle=False run code from their input."""
    loaders = re.compile(r"\b(pickle\.loads?|marshal\.loads?|joblib\.load|torch\.load|dill\.loads?|cloudpickle\.loads?)\(")
    np_load = re.compile(r"\bnp\.load\(([^)]*)\)")
    found = []
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {m.group(0)}" for m in loaders.finditer(source)]
        found += [f"{path.name}: {m.group(0)}" for m in np_load.finditer(source) if "allow_pickle=False" not in m.group(1)]
    assert found == []


# --------------------------------------------------------------------------------------------------
# Finding 7: a damaged token cache or dictionary file
# --------------------------------------------------------------------------------------------------
def unit_table() -> pd.DataFrame:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLE.glob("*.txt"))]
    paragraphs = [line.strip() for t in texts for line in t.split("\n") if len(line.strip()) > 30][:120]
    return pd.DataFrame({"unit_id": [f"u{i}" for i in range(len(paragraphs))],
                         "doc_id": [f"d{i // 4}" for i in range(len(paragraphs))],
                         "text": paragraphs, "n_chars": [len(p) for p in paragraphs]})


def tokenized(run_dir: Path, cache: Path) -> bytes:
    """tokens.jsonl of the stage on the fixed unit table (one process)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    write_table(unit_table(), run_dir / artifacts.UNITS_JSONL)
    tokenize_run(run_dir, TokenizeConfig(workers=1), cache)
    return artifacts.tokens_path(run_dir).read_bytes()


def change_tokens_in_place(db: Path) -> None:
    """Swap two words of equal UTF-8 length inside the stored token text: SQLite still reads every page."""
    data = db.read_bytes()
    a, b = "发展".encode(), "改革".encode()
    assert data.count(a) > 3
    db.write_bytes(data.replace(a, b, 3))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "changed page"])
def test_a_damaged_token_cache_is_set_aside_and_rebuilt(tmp_path, damage, caplog):
    cache = tmp_path / "cache"
    expected = tokenized(tmp_path / "first", cache)
    (db,) = (cache / "tokens").glob("*.sqlite")
    for batch in (cache / "tokens").rglob("*.tok"):  # the batch layer in front of the per-text rows
        batch.unlink()
    if damage == "garbage":
        db.write_bytes(np.random.default_rng(0).bytes(db.stat().st_size))
    elif damage == "truncated":
        db.write_bytes(db.read_bytes()[:db.stat().st_size // 2])
    else:
        change_tokens_in_place(db)
    caplog.set_level(logging.WARNING, logger="topics")
    assert tokenized(tmp_path / "second", cache) == expected
    assert [p.name for p in (cache / "tokens").glob("*.corrupt")] == [db.name + ".corrupt"]
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and str(db) in warned[0] and "rebuilt" in warned[0] and "\n" not in warned[0]
    assert tokenized(tmp_path / "third", cache) == expected  # the rebuilt cache is used as it is


@pytest.mark.parametrize("damage", ["garbage", "truncated", "changed byte"])
def test_a_damaged_token_batch_is_set_aside_and_rebuilt(tmp_path, damage, caplog):
    cache = tmp_path / "cache"
    expected = tokenized(tmp_path / "first", cache)
    batches = sorted((cache / "tokens").rglob("*.tok"))
    assert batches
    data = batches[0].read_bytes()
    batches[0].write_bytes({"garbage": np.random.default_rng(0).bytes(len(data)), "truncated": data[:len(data) // 2],
                            "changed byte": data[:-1] + bytes([data[-1] ^ 1])}[damage])
    caplog.set_level(logging.WARNING, logger="topics")
    assert tokenized(tmp_path / "second", cache) == expected
    assert batches[0].with_name(batches[0].name + ".corrupt").is_file()
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and str(batches[0]) in warned[0] and "rebuilt" in warned[0]
    rebuilt = TokenBatch.from_bytes(batches[0].read_bytes())  # the same tokens (its vocabulary order may differ)
    assert rebuilt is not None and rebuilt.token_lists() == TokenBatch.from_bytes(data).token_lists()
    assert tokenized(tmp_path / "third", cache) == expected


def empty_dictionary_like(path: Path) -> bytes:
    """A well-formed dictionary file of the same format as ``path`` that holds no words."""
    if path.suffix == ".pickle":  # the format before issue 18
        return pickle.dumps(({}, 0, {}))
    from topics.tokens.dictfile import dictionary_bytes

    return dictionary_bytes({}, 0, {})


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_dictionary_file_is_set_aside_and_rebuilt(tmp_path, damage, caplog):
    expected = ChineseTokenizer(TokenizeConfig(), cache_dir=tmp_path).load()
    (built,) = (tmp_path / "jieba").glob("dict-*")
    data = built.read_bytes()
    built.write_bytes({"garbage": np.random.default_rng(1).bytes(len(data)), "truncated": data[:len(data) // 2],
                       "empty": empty_dictionary_like(built)}[damage])
    caplog.set_level(logging.WARNING, logger="topics")
    again = ChineseTokenizer(TokenizeConfig(), cache_dir=tmp_path).load()
    assert again(TEXT) == expected(TEXT) and again.jieba_tokenizer.FREQ == expected.jieba_tokenizer.FREQ
    assert (built.parent / (built.name + ".corrupt")).is_file()
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and str(built) in warned[0] and "rebuilt" in warned[0]
    assert built.read_bytes() == data  # rebuilt to the same bytes


@pytest.mark.parametrize("damage", ["garbage", "truncated", "changed byte"])
def test_a_damaged_embedding_cache_part_is_set_aside(tmp_path, damage, caplog):
    from topics.models.bertopic.embeddings import EmbeddingCache

    cache = EmbeddingCache(tmp_path, "model")
    digests = [f"{i:064x}" for i in range(8)]
    vectors = np.random.default_rng(2).standard_normal((8, 16)).astype(np.float32)
    cache.put(digests, vectors)
    (part,) = cache.folder.glob("*.npz")
    data = bytearray(part.read_bytes())
    if damage == "garbage":
        data = bytearray(np.random.default_rng(3).bytes(len(data)))
    elif damage == "truncated":
        data = data[:len(data) // 2]
    else:
        at = bytes(data).index(vectors.tobytes()[:16]) + 5
        data[at] ^= 0x40
    part.write_bytes(bytes(data))
    caplog.set_level(logging.WARNING, logger="topics")
    fresh = EmbeddingCache(tmp_path, "model")
    fresh.refresh()
    assert len(fresh) == 0 and (part.parent / (part.name + ".corrupt")).is_file()
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and part.name in warned[0]
