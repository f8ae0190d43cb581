"""Per-line features for the learned line labeller (:mod:`topics.segment.learned`), measured relative to the file.

Every non-blank raw line gets one row: its width relative to the file's column width (a high quantile of the
file's line widths) and to its neighbours, punctuation at its end and inside, indentation, enumerated-heading,
byline, dateline, provenance and furniture patterns (the same regexes the rules use; hint lists stay optional
hints), repetition in the file, blank lines around it, word continuity across its breaks, its position, and what
the rule segmenter made of it (dropped, opens an article, part of a headline).  Neighbour features repeat a
subset for the lines 1 and 2 above and below (the rest for the lines 1 above and below); context features (the
share of a line's character bigrams found in the text just below and just above it: a headline shares words with
its story's lead, on whichever side the story stands) are repeated for the lines up to 3 away.  No absolute width
enters: widths are ratios to the file's own.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
from topics import clean as C
from topics.text import CLOSERS, ends_sentence

from .lines import PAGE_NUMBER_RE, DATE_BANNER_RE, RawLine, classify, read_lines

_PUNCT = set("，。、；：！？,.;:!?…—（）()“”《》")
_SPECIAL_KINDS = ("marker", "source_end", "author_source", "credit", "author_note", "caption", "dateline_end", "note")

# own features of a line; the first NEIGHBOUR of them are repeated for the lines +-1, +-2
OWN = ["rel_w", "rel_med", "ends_sent", "ends_colon", "ends_comma", "terminated", "no_punct", "indent",
       "enum", "byline", "rule_drop", "rule_start", "rule_title", "rule_owned", "blank_before", "blank_after",
       "rel_prev", "rel_next", "cjk_join_next", "word_span_next", "cont_start", "punct_share", "inner_sent",
       "digit_share", "ascii_share", "spaces", "repeat", "repeat_digits", "dateline", "start_source",
       "greeting", "closing", "special", "toc", "masthead", "page_no", "date_banner", "title_mark", "end_mark",
       "dash_start", "bullet", "genre_end", "pos", "first", "last", "chars_rel", "rule_art_frac", "same_w_prev",
       "same_w_next"]
NEIGHBOUR = 20
OFFSETS = (-2, -1, 1, 2)
# context of a line in the file's text: share of its character bigrams found in the text just below / above it
# (a headline shares words with the lead of its own story, on whichever side the story is), the difference of
# the two, and a dateline or source opening the next line; repeated for the lines +-1, +-2, +-3
CONTEXT = ["ov_down", "ov_up", "ov_diff", "next_lead"]
CONTEXT_OFFSETS = (-3, -2, -1, 1, 2, 3)
WINDOW = 160  # characters of text below / above a line that its bigrams are looked up in
# the rule segmenter's reading of the whole file (flags of its layout diagnostics)
LAYOUT = ["headline_after", "column", "tight", "nowrap", "end_marks", "bookmark_titles", "strong_delimiters"]
NAMES = (OWN + [f"{n}@{o:+d}" for o in OFFSETS for n in OWN[:NEIGHBOUR]] + ["col_rel_med", "file_lines", "blank_share"]
         + [f"rules_{k}" for k in LAYOUT] + ["rules_indent_item", "rules_articles_per_line"]
         + CONTEXT + [f"{n}@{o:+d}" for o in CONTEXT_OFFSETS for n in CONTEXT]
         + [f"{n}@{o:+d}" for o in (-1, 1) for n in OWN[NEIGHBOUR:]])


def _digitless(s: str) -> str:
    return re.sub(r"[\d一二三四五六七八九十〇零]+", "#", re.sub(r"\s+", "", s))


def _bigrams(s: str) -> set[str]:
    s = "".join(ch for ch in s if C.is_cjk(ch) or ch.isalnum())
    return {s[k:k + 2] for k in range(len(s) - 1)}


def context(texts: list[str], window: int = WINDOW) -> np.ndarray:
    """``CONTEXT`` columns of every line: bigram overlap with the ``window`` characters below and above it."""
    n = len(texts)
    out = np.zeros((n, len(CONTEXT)))
    for i, t in enumerate(texts):
        own = _bigrams(t)
        down, up = "", ""
        for j in range(i + 1, n):
            down += texts[j]
            if len(down) >= window:
                break
        for j in range(i - 1, -1, -1):
            up = texts[j] + up
            if len(up) >= window:
                break
        d = len(own & _bigrams(down[:window])) / max(1, len(own))
        u = len(own & _bigrams(up[-window:])) / max(1, len(own))
        nxt = texts[i + 1] if i + 1 < n else ""
        out[i] = [d, u, d - u, bool(C.DATELINE_RE.match(nxt) or C.START_SOURCE_RE.match(nxt))]
    return out


def _shift(a: np.ndarray, o: int) -> np.ndarray:
    """Row i of the result is row i + o of ``a`` (-1 beyond the file)."""
    n = len(a)
    sh = np.full(a.shape, -1.0)
    lo, hi = max(0, -o), min(n, n - o)
    if hi > lo:  # a file shorter than the offset has no such neighbour at all
        sh[lo:hi] = a[lo + o:hi + o]
    return sh


def rule_marks(text: str, rules_result) -> dict[int, tuple[int, int, int, float]]:
    """Line number -> (owned by a rule article, opens one, its text is part of a rule headline, position in
    the article 0..1), from a rule segmenter's :class:`SegmentResult`."""
    out: dict[int, tuple[int, int, int, float]] = {}
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for art in rules_result.articles:
        nos = [n for s, e in art.lines for n in range(s, e + 1) if n - 1 < len(raw) and raw[n - 1].strip()]
        title = re.sub(r"\s+", "", art.title or "")
        for k, n in enumerate(nos):
            t = re.sub(r"\s+", "", C.clean_line(raw[n - 1]))
            in_title = int(bool(title) and bool(t) and len(t) <= len(title) + 2 and t.strip("□") in title)
            out[n] = (1, int(k == 0), in_title, k / max(1, len(nos) - 1))
    return out


def line_table(text: str, rules_result) -> tuple[list[RawLine], list[RawLine], np.ndarray]:
    """All raw lines, the non-blank ones, and their feature matrix (one row per non-blank line, ``NAMES``)."""
    dropped: Counter = Counter()
    lines = read_lines(text, dropped)
    classify(lines, dropped)
    tl = [ln for ln in lines if ln.kind != "blank"]
    marks = rule_marks(text, rules_result)
    widths = np.array([max(ln.width, 0.5) for ln in tl], dtype=float)
    if len(tl) == 0:
        return lines, tl, np.zeros((0, len(NAMES)))
    col = float(np.quantile(widths, 0.9))
    med = float(np.median(widths))
    keys = Counter(re.sub(r"\s+", "", ln.text) for ln in tl)
    dkeys = Counter(_digitless(ln.text) for ln in tl)
    blank_before = []
    gap = 0
    idx_of = {}
    for ln in lines:
        if ln.kind == "blank":
            gap += 1
        else:
            idx_of[ln.no] = len(blank_before)
            blank_before.append(min(gap, 3))
            gap = 0
    blank_after = blank_before[1:] + [min(gap, 3)]
    n = len(tl)
    own = np.zeros((n, len(OWN)), dtype=float)
    for i, ln in enumerate(tl):
        t = ln.text
        nxt = tl[i + 1].text if i + 1 < n else ""
        w = widths[i]
        wp = widths[i - 1] if i else 0.0
        wn = widths[i + 1] if i + 1 < n else 0.0
        chars = max(1, len(t))
        m = marks.get(ln.no, (0, 0, 0, 0.0))
        own[i] = [
            w / col, w / med, ends_sentence(t), t.rstrip(CLOSERS).endswith(("：", ":", "；")),
            t.endswith(("，", ",", "、")), C.is_terminated(t), not any(ch in _PUNCT for ch in t), ln.indent,
            C.starts_enumerated(t), C.byline_strength(t), ln.kind == "drop", m[1], m[2], m[0],
            blank_before[i], blank_after[i], w / max(wp, 0.5) if i else 0.0, w / max(wn, 0.5) if i + 1 < n else 0.0,
            bool(nxt) and C.is_cjk(t[-1:] or " ") and C.is_cjk(nxt[0]),
            bool(nxt) and not C.is_terminated(t) and C.word_spans(t, nxt), bool(nxt) and C.continuation_start(nxt),
            sum(ch in _PUNCT for ch in t) / chars, bool(re.search("[。！？]", t[:-1])),
            sum(ch.isdigit() for ch in t) / chars, sum(ch.isascii() and ch.isalpha() for ch in t) / chars,
            min(t.count(" "), 5), min(keys[re.sub(r"\s+", "", t)], 5), min(dkeys[_digitless(t)], 5),
            bool(C.DATELINE_RE.match(t)), bool(C.START_SOURCE_RE.match(t)), C.is_formula(t) == "greeting",
            C.is_formula(t) == "closing", _SPECIAL_KINDS.index(ln.special) + 1 if ln.special in _SPECIAL_KINDS else 0,
            bool(C.TOC_ENTRY_RE.search(t) or C.TOC_HEADER_RE.match(t)), bool(C.MASTHEAD_RE.match(t)),
            bool(PAGE_NUMBER_RE.match(t)), bool(DATE_BANNER_RE.match(t)), ln.title_mark, ln.end_mark,
            t.startswith(("——", "—")), t.startswith(("·", "•", "●")), bool(C.GENRE_END_RE.search(t)),
            i / max(1, n - 1), i == 0, i == n - 1, len(t) / max(1.0, col), m[3],
            abs(w - wp) <= 1 if i else 0, abs(w - wn) <= 1 if i + 1 < n else 0,
        ]
    cols = [own] + [_shift(own[:, :NEIGHBOUR], o) for o in OFFSETS]
    blank_share = sum(ln.kind == "blank" for ln in lines) / max(1, len(lines))
    lay = rules_result.layout
    flags = [min(float(lay.get(k) or 0), 5.0) for k in LAYOUT]
    flags += [lay.get("indent") == "item", len(rules_result.articles) / n]
    cols.append(np.tile([col / med, min(n, 2000) / 2000, blank_share] + flags, (n, 1)))
    ctx = context([re.sub(r"\s+", "", ln.text) for ln in tl])
    cols += [ctx] + [_shift(ctx, o) for o in CONTEXT_OFFSETS] + [_shift(own[:, NEIGHBOUR:], o) for o in (-1, 1)]
    return lines, tl, np.hstack(cols)

