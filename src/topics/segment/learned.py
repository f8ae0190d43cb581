"""The learned route of article segmentation (issue 14): a line labeller, then a decoder into articles.

A gradient-boosted line labeller (:mod:`topics.segment.features` for the features) predicts for every non-blank
line its role -- ``noise``, ``title``, ``byline``, ``meta``, ``body_start`` (first line of a paragraph or
heading) or ``body_cont`` -- and whether it opens a new article.  It was trained only on synthetic pages of the
*training* layout families of ``benchmarks/seglayouts.py`` (never the sample files, never the held-out
families) by ``benchmarks/segtrain.py``, which writes the model file ``line_model.json.gz`` next to this
module: the trees as plain arrays (no pickle), read here with numpy alone.

Decoding: noise lines are dropped; a line predicted to open an article starts one, and every headline run opens
one on the side of its body (the file's orientation read from the labels, :func:`article_starts`); paragraph
starts split the paragraphs; the first run of title lines is the headline; bylines and provenance lines go into
fields (with the cleaning helpers of the rules).  ``lines`` spans are exact: every article lists the raw lines it
was built from (gaps bridged only over blank and dropped lines, as in the rules).

Example
-------
>>> from topics.segment import segment_file
>>> raw = ("关于做好春耕工作的通知\\n\\n各单位要认真贯彻落实党中央决策部署，确保各项任务落实到位。\\n\\n"
...        "要加强组织领导，压实工作责任，及时报告工作进展。\\n")
>>> r = segment_file(raw, source_file="demo.txt", method="learned")
>>> r.articles[0].title, len(r.articles[0].paragraphs), r.articles[0].lines
('关于做好春耕工作的通知', 2, [(1, 5)])
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from topics import clean as C

from .build import line_spans, segment_rules
from .features import NAMES, line_table
from .lines import Article, SegmentResult

MODEL_FILE = Path(__file__).with_name("line_model.json.gz")
ROLES = ("noise", "title", "byline", "meta", "body_start", "body_cont")


class Trees:
    """Boosted trees as plain arrays: raw score = baseline + sum of the leaves reached, per output."""

    def __init__(self, spec: dict):
        self.classes = spec["classes"]
        self.baseline = np.asarray(spec["baseline"], dtype=float)
        self.trees = [[{k: np.asarray(v) for k, v in t.items()} for t in it] for it in spec["trees"]]

    def raw(self, X: np.ndarray) -> np.ndarray:
        out = np.tile(self.baseline, (len(X), 1))
        rows = np.arange(len(X))
        for it in self.trees:
            for k, t in enumerate(it):
                node = np.zeros(len(X), dtype=int)
                for _ in range(64):
                    leaf = t["f"][node] < 0
                    if leaf.all():
                        break
                    x = X[rows, np.maximum(t["f"][node], 0)]
                    left = np.where(np.isnan(x), t["m"][node] > 0, x <= t["t"][node])
                    node = np.where(leaf, node, np.where(left, t["l"][node], t["r"][node]))
                out[:, k] += t["v"][node]
        return out

    def proba(self, X: np.ndarray) -> np.ndarray:
        z = self.raw(X)
        if z.shape[1] == 1:  # binary: one logit
            p = 1 / (1 + np.exp(-z[:, 0]))
            return np.column_stack([1 - p, p])
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)


@dataclass
class LineModel:
    role: Trees
    start: Trees
    meta: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: dict) -> "LineModel":
        if d.get("features") != NAMES:
            raise ValueError("line model was trained on other features; rebuild it with benchmarks/segtrain.py")
        return cls(Trees(d["role"]), Trees(d["start"]), d.get("meta", {}))

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Role probabilities (columns in ``ROLES`` order) and the probability that a line opens an article."""
        pr = self.role.proba(X)
        order = [self.role.classes.index(r) for r in ROLES]
        return pr[:, order], self.start.proba(X)[:, 1]


@lru_cache(maxsize=2)
def load_model(path: str | None = None) -> LineModel:
    with gzip.open(path or MODEL_FILE, "rt", encoding="utf-8") as fh:
        return LineModel.from_dict(json.load(fh))


@dataclass
class _Draft:
    nos: list[int] = field(default_factory=list)
    titles: list[list[int]] = field(default_factory=list)
    bylines: list[int] = field(default_factory=list)
    metas: list[int] = field(default_factory=list)
    paras: list[list[int]] = field(default_factory=list)


def title_runs(roles: list[str]) -> list[tuple[int, int, int | None]]:
    """Headline runs: (first title line, last title line, first line after the run and the bylines and
    provenance lines that follow it, or None at the end of the file), noise lines skipped."""
    idx = [i for i, r in enumerate(roles) if r != "noise"]
    runs: list[tuple[int, int, int | None]] = []
    k = 0
    while k < len(idx):
        if roles[idx[k]] != "title":
            k += 1
            continue
        j = k
        while j + 1 < len(idx) and roles[idx[j + 1]] == "title":
            j += 1
        m = j + 1
        while m < len(idx) and roles[idx[m]] in ("byline", "meta"):
            m += 1
        runs.append((idx[k], idx[j], idx[m] if m < len(idx) else None))
        k = j + 1
    return runs


def headlines_after(roles: list[str], p_start: np.ndarray, runs) -> bool:
    """Do headlines stand after their bodies in this file?  The structure decides first: body text before the
    first headline and none after the last one (after), or the reverse (above); when both or neither hold, the
    orientation the labeller's start probabilities favour, summed over the headlines."""
    body = [i for i, r in enumerate(roles) if r in ("body_start", "body_cont")]
    before = sum(1 for i in body if i < runs[0][0]) >= 2
    after_last = sum(1 for i in body if i > runs[-1][1]) >= 2
    if before != after_last:
        return before
    return sum(p_start[b] for _, _, b in runs if b is not None) > sum(p_start[a] for a, _, _ in runs)


def after_pull_quotes(tl, roles: list[str]) -> list[bool]:
    """Paragraph starts that follow a run of dropped lines holding a pull-quote bullet (``·`` …) below a
    finished paragraph: pull quotes are printed at the head of an article, so the body after them opens one."""
    out = [False] * len(roles)
    prev, gap = None, []
    for i, role in enumerate(roles):
        if role == "noise":
            gap.append(i)
            continue
        if (gap and prev is not None and role == "body_start" and roles[prev] in ("body_start", "body_cont")
                and C.is_terminated(tl[prev].text) and any(tl[g].text.startswith("·") for g in gap)):
            out[i] = True
        gap, prev = [], i
    return out


def article_starts(roles: list[str], p_start: np.ndarray, low: float = 0.0,
                   quoted: list[bool] | None = None) -> list[bool]:
    """Which lines open an article (a structured decode of the line labels): a line the labeller gives > 0.5
    (> 0.9 for a continuation line) and so does a ``quoted`` line (:func:`after_pull_quotes`); then every
    headline run opens one at the line that opens it in
    this file's orientation (:func:`headlines_after`) -- the headline itself when headlines stand above their
    bodies, the first body line after the headline (and its byline) when they stand after them -- unless the
    labeller gives both candidate lines at most ``low`` (default 0: every run opens one; 0.05 scored 0.854 vs
    0.865 on training-family pages of seeds 16 and 17); the other candidate and the lines inside a headline
    run above its body do not open one (a kicker, headline and subtitle are one headline)."""
    starts = [bool(p > 0.5) and r != "body_cont" or p > 0.9 for p, r in zip(p_start, roles)]
    for i, q in enumerate(quoted or []):
        starts[i] = starts[i] or q
    runs = title_runs(roles)
    if not runs:
        return starts
    after = headlines_after(roles, p_start, runs)
    for a, z, b in runs:
        c, o = (b, a) if after else (a, b)
        if c is not None and max(p_start[a], p_start[b] if b is not None else 0.0) > low:
            starts[c] = True
        if o is not None:
            starts[o] = False
        if not after:
            for j in range(a + 1, z + 1):
                starts[j] = False
    return starts


def keep_sentences(tl, roles: list[str], p_role: np.ndarray, sure: float = 0.9, full: float = 0.6) -> None:
    """A paragraph break after a line that is cut mid-sentence (not terminated) and not short (at least
    ``full`` of the file's column width, a high quantile of its line widths: not a heading) or cut inside a
    word (a DOCX first visual line) is kept only when the labeller is ``sure`` of it; else the line continues
    the paragraph."""
    if not tl:
        return
    col = float(np.quantile([ln.width for ln in tl], 0.9)) or 1.0
    bs, bc = ROLES.index("body_start"), ROLES.index("body_cont")
    prev = None
    for i, role in enumerate(roles):
        if role == "noise":
            continue
        if (role == "body_start" and prev is not None and roles[prev] in ("body_start", "body_cont")
                and not C.is_terminated(tl[prev].text)
                and (tl[prev].width >= full * col or C.word_spans(tl[prev].text, tl[i].text))
                and p_role[i, bs] / max(1e-9, p_role[i, bs] + p_role[i, bc]) < sure):
            roles[i] = "body_cont"
        prev = i


def decode(tl, roles: list[str], starts: list[bool]) -> list[_Draft]:
    """Predicted line labels -> article drafts (line numbers by field), in line order."""
    drafts: list[_Draft] = []
    prev = None
    for ln, role, start in zip(tl, roles, starts):
        if role == "noise":
            continue
        if not drafts or start:
            drafts.append(_Draft())
            prev = None
        d = drafts[-1]
        d.nos.append(ln.no)
        if role == "title":
            if prev == "title":
                d.titles[-1].append(ln.no)
            else:
                d.titles.append([ln.no])
        elif role == "byline":
            d.bylines.append(ln.no)
        elif role == "meta":
            d.metas.append(ln.no)
        elif role == "body_start" or not d.paras or prev not in ("body_start", "body_cont"):
            d.paras.append([ln.no])
        else:
            d.paras[-1].append(ln.no)
        prev = role
    out: list[_Draft] = []
    carry = None
    for d in drafts:  # a draft without body (a headline and byline alone) opens the next draft
        if carry is not None:
            d.nos, d.titles, d.bylines, d.metas = (carry.nos + d.nos, carry.titles + d.titles,
                                                   carry.bylines + d.bylines, carry.metas + d.metas)
            carry = None
        if not d.paras:
            carry = d
            continue
        out.append(d)
    if carry is not None and out:
        last = out[-1]
        last.nos += carry.nos
        last.titles += carry.titles
        last.bylines += carry.bylines
        last.metas += carry.metas
    return out


def rejoin(drafts: list[_Draft], by_no: dict, after: bool = False) -> list[_Draft]:
    """An article interrupted mid-sentence by another one (columns extracted interleaved, a jump) goes on in the
    next headless draft: a draft without a headline whose first paragraph follows an unfinished last paragraph
    of the nearest earlier draft (with one draft in between) is joined to it; not where headlines stand
    ``after`` their bodies (0.865 vs 0.874 there on training-family pages)."""
    out: list[_Draft] = []
    for d in drafts:
        if not d.titles and d.paras and len(out) >= 2:
            host = out[-2]
            last = host.paras[-1] if host.paras else None
            if not after and last and not C.is_terminated(by_no[last[-1]].text) and out[-1].titles:
                host.nos += d.nos
                host.bylines += d.bylines
                host.metas += d.metas
                host.paras[-1] += d.paras[0]
                host.paras += d.paras[1:]
                continue
        out.append(d)
    return out


def _article(d: _Draft, by_no: dict, drop_formulas: bool, dropped: Counter) -> Article:
    raw_title = {n: C.clean_title(C.strip_end_mark(C.strip_bookmarks(by_no[n].raw).strip())) for n in d.nos}
    art = Article(title=C.join_headline([raw_title[n] for n in d.titles[0]]) if d.titles else None)
    authors = [raw_title[n] for n in d.bylines]
    for n in d.metas:
        t = by_no[n].text
        art.add_provenance(authors, *(C.provenance(t) or ("note", t, None)))
    for part in d.paras:
        s = ""
        for n in part:
            s = C.join_wrapped(s, by_no[n].text) if s else by_no[n].text
        t = C.clean_paragraph(s)
        if drop_formulas and C.is_formula(t) in ("greeting", "closing"):
            dropped["speech_formula"] += len(part)
            continue
        if drop_formulas:
            t = C.ADDRESS_PREFIX_RE.sub("", t)
        if not art.paragraphs and (dl := C.split_dateline(t)):
            art.dateline = art.dateline or dl[0]
            authors[:0] = [dl[1]] if dl[1] else []
            t = dl[2]
        if t:
            art.paragraphs.append(t)
    art.author = "；".join(x for x in authors if x) or None
    art.partial = art.title is None
    return art


def label_lines(text: str, *, source_file: str, drop_speech_formulas: bool = True, model: LineModel | None = None):
    """The raw lines, the non-blank ones, their role probabilities (``ROLES`` columns) and article-start
    probabilities; the rule segmenter's reading of the file is one of the labeller's inputs."""
    rules = segment_rules(text, source_file=source_file, drop_speech_formulas=drop_speech_formulas)
    lines, tl, X = line_table(text, rules)
    if not tl:
        return lines, tl, np.zeros((0, len(ROLES))), np.zeros(0)
    p_role, p_start = (model or load_model()).predict(X)
    return lines, tl, p_role, p_start


def assemble(lines, tl, p_role: np.ndarray, p_start: np.ndarray, *, source_file: str,
             drop_speech_formulas: bool = True, low: float = 0.0) -> SegmentResult:
    """Line probabilities -> articles (see the module docstring)."""
    dropped: Counter = Counter()
    dropped["blank"] = sum(1 for ln in lines if ln.kind == "blank")
    roles = [ROLES[k] for k in p_role.argmax(axis=1)]
    keep_sentences(tl, roles, p_role)
    starts = article_starts(roles, p_start, low, after_pull_quotes(tl, roles))
    for ln, role in zip(tl, roles):
        if role == "noise":
            ln.kind = "drop"
            dropped["noise"] += 1
    by_no = {ln.no: ln for ln in tl}
    runs = title_runs(roles)
    drafts = rejoin(decode(tl, roles, starts), by_no, bool(runs) and headlines_after(roles, p_start, runs))
    owner = {n: k for k, d in enumerate(drafts) for n in d.nos}
    articles = []
    for k, d in enumerate(drafts):
        art = _article(d, by_no, drop_speech_formulas, dropped)
        if art.paragraphs:
            art.lines = line_spans(d.nos, owner, k, lines)
            articles.append(art)
    layout = {"source_file": source_file, "method": "learned",
              "confidence": round(float(np.mean(p_role.max(axis=1))), 4) if len(p_role) else 1.0}
    return SegmentResult(articles=articles, dropped={k: v for k, v in dropped.items() if v}, layout=layout)


def segment_learned(text: str, *, source_file: str, drop_speech_formulas: bool = True,
                    model: LineModel | None = None, low: float = 0.0) -> SegmentResult:
    """Segment ``text`` with the line labeller (see the module docstring)."""
    lines, tl, p_role, p_start = label_lines(text, source_file=source_file,
                                             drop_speech_formulas=drop_speech_formulas, model=model)
    return assemble(lines, tl, p_role, p_start, source_file=source_file,
                    drop_speech_formulas=drop_speech_formulas, low=low)


def segment_hybrid(text: str, *, source_file: str, drop_speech_formulas: bool = True,
                   model: LineModel | None = None, sure: float = 0.9) -> SegmentResult:
    """The rules on the file with the lines the labeller is ``sure`` are page furniture blanked out (line
    numbers are kept, so the ``lines`` spans still point to the raw file)."""
    lines, tl, p_role, _ = label_lines(text, source_file=source_file, drop_speech_formulas=drop_speech_formulas,
                                       model=model)
    noise = {ln.no for ln, p in zip(tl, p_role[:, ROLES.index("noise")]) if p >= sure}
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = "\n".join("" if k in noise else s for k, s in enumerate(raw, start=1))
    result = segment_rules(kept, source_file=source_file, drop_speech_formulas=drop_speech_formulas)
    if noise:
        result.dropped["blank"] = result.dropped.get("blank", 0) - len(noise)
        result.dropped["noise"] = len(noise)
    result.layout["method"] = "hybrid"
    return result
