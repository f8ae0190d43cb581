"""Save and load a fitted STM (one ``.npz`` file, written atomically): arrays as float64, everything else
(vocabulary, levels, settings, the fitted documents' ids) as JSON inside it. A loaded fit supports every
function a fresh one does (effects, labels, tables); its prevalence design is rebuilt from the metadata table.

The file is byte-identical for identical fits: members are written in a fixed order with a fixed timestamp
(``np.savez`` stamps the current time), and ``timings=False`` leaves out the wall-clock seconds.

Example
-------
>>> from topics.models.stm import fit_stm, simulate_corpus
>>> sim = simulate_corpus(n_docs=120, k=3, vocab_size=80, seed=1)
>>> fit = fit_stm(sim.counts, sim.vocab, sim.meta, 3, prevalence=["issuer"], seed=1)
>>> save_fit(fit, "/tmp/stm_doctest.npz")  # doctest: +SKIP
>>> load_fit("/tmp/stm_doctest.npz", sim.meta).theta.shape  # doctest: +SKIP
(120, 3)
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from ...errors import InputError
from ...io import write_bytes
from .content import Kappa
from .design import build_design
from .fit import StmFit

_ARRAYS = ("theta", "eta", "nu", "mu", "gamma", "sigma", "log_beta", "word_counts", "doc_lengths", "aspect",
           "level_topic_tokens")
FORMAT = 1


def save_fit(fit: StmFit, path: str | Path, doc_ids: Optional[Sequence[str]] = None, timings: bool = True) -> Path:
    """Write ``fit`` to ``path`` (.npz). ``doc_ids``: the fitted documents' ids, in row order (kept so the
    metadata can be matched when loading); ``timings=False`` drops wall-clock seconds (reproducible bytes)."""
    arrays = {name: getattr(fit, name) for name in _ARRAYS if getattr(fit, name) is not None}
    if fit.kappa is not None:
        arrays.update({"kappa_m": fit.kappa.m, "kappa_topic": fit.kappa.topic, "kappa_level": fit.kappa.level})
        if fit.kappa.interaction is not None:
            arrays["kappa_interaction"] = fit.kappa.interaction
    diagnostics = fit.diagnostics if timings else {k: v for k, v in fit.diagnostics.items()
                                                   if not k.endswith("seconds")}
    meta = {"format": FORMAT, "vocab": fit.vocab, "levels": [str(lv) for lv in fit.levels], "content": fit.content,
            "bound": fit.bound, "converged": fit.converged, "seconds": fit.seconds if timings else None,
            "settings": fit.settings, "diagnostics": diagnostics,
            "doc_ids": [str(d) for d in doc_ids] if doc_ids is not None else None}
    arrays["meta_json"] = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, value in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asarray(value), allow_pickle=False)
            zf.writestr(zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0)), member.getvalue())
    return write_bytes(path, buffer.getvalue())


def save_draws(draws: np.ndarray, path: str | Path) -> Path:
    """Effect draws (draws x P x K, float64) as one ``.npy`` file, written atomically, no pickle."""
    member = io.BytesIO()
    np.lib.format.write_array(member, np.asarray(draws, dtype=np.float64), allow_pickle=False)
    return write_bytes(path, member.getvalue())


def load_draws(path: str | Path) -> np.ndarray:
    """The draws :func:`save_draws` wrote."""
    path = _existing(path)
    return np.load(path, allow_pickle=False)


def saved_doc_ids(path: str | Path) -> Optional[list[str]]:
    """The document ids stored with a fit (None when it was saved without them)."""
    path = _existing(path)
    with np.load(path, allow_pickle=False) as data:
        return json.loads(data["meta_json"].tobytes().decode("utf-8")).get("doc_ids")


def load_fit(path: str | Path, meta: Optional[pd.DataFrame] = None) -> StmFit:
    """Read a fit written by :func:`save_fit`. ``meta`` (the table it was fitted with) rebuilds the prevalence
    design; without it ``fit.design`` is None (effects then need the table)."""
    path = _existing(path)
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    info = json.loads(arrays.pop("meta_json").tobytes().decode("utf-8"))
    if info.get("format") != FORMAT:
        raise InputError(f"{path}: saved with format {info.get('format')}, this version reads {FORMAT}; refit")
    terms = info["settings"].get("prevalence") or []
    design = build_design(meta.reset_index(drop=True), terms) if terms and meta is not None else None
    kappa = None
    if "kappa_m" in arrays:
        kappa = Kappa(arrays["kappa_m"], arrays["kappa_topic"], arrays["kappa_level"], arrays.get("kappa_interaction"))
    return StmFit(theta=arrays["theta"], eta=arrays["eta"], nu=arrays.get("nu"), mu=arrays["mu"],
                  gamma=arrays.get("gamma"), sigma=arrays["sigma"], log_beta=arrays["log_beta"], vocab=info["vocab"],
                  word_counts=arrays["word_counts"], doc_lengths=arrays["doc_lengths"], design=design,
                  content=info["content"], levels=info["levels"] if info["content"] else ["(all)"],
                  aspect=arrays["aspect"], kappa=kappa, level_topic_tokens=arrays["level_topic_tokens"],
                  bound=info["bound"], converged=info["converged"], seconds=info["seconds"] or 0.0,
                  settings=info["settings"], diagnostics=info["diagnostics"])


def _existing(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no saved STM here; run the stm stage first")
    return path
