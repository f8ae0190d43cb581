"""jieba's accurate-mode segmentation, faster with identical words: blocks memoised, DAG and route fused.

jieba cuts each block between punctuation/spaces on its own, so blocks are memoised, and the DAG and route
search run in one pass (same floating-point sums, same tie-breaking). ``tests/test_tokens.py`` checks the words
against ``jieba.Tokenizer.lcut`` on real text.

Example
-------
>>> import jieba
>>> tk = jieba.Tokenizer()
>>> cut_text(tk, "推动高质量发展。", {}, list)[0] == tk.lcut("推动高质量发展。")  # doctest: +SKIP
True
"""

from __future__ import annotations

import math

# Per-process memo of segmented blocks (jieba cuts each block independently). On news text 50,000 blocks
# cost ~40 MB and keep nearly all the gain: 300,000 were 3% faster for 200 MB more per worker.
_MEMO_LIMIT = 50_000


def cut_text(tk, text: str, memo: dict, post) -> tuple[list[str], int]:
    """``post(tk.lcut(text))`` and the number of words before ``post``, for jieba's accurate mode with HMM.

    Faster than jieba with identical words: jieba cuts each block between punctuation/spaces on its own,
    so blocks are memoised (``memo``: block -> (post(words), len(words))), and the DAG and route search
    run fused in one pass (same floating-point sums, same tie-breaking).
    """
    import jieba

    re_han, re_skip = jieba.re_han_default, jieba.re_skip_default
    out: list[str] = []
    n_raw = 0
    for blk in re_han.split(text):
        if not blk:
            continue
        hit = memo.get(blk)
        if hit is None:
            if len(memo) > _MEMO_LIMIT:  # bounded memory on huge corpora
                memo.clear()
            if re_han.match(blk):
                words = _cut_block(tk, blk)
            else:
                words = [x for part in re_skip.split(blk) if part
                         for x in ((part,) if re_skip.match(part) else part)]
            hit = memo[blk] = (post(words), len(words))
        out.extend(hit[0])
        n_raw += hit[1]
    return out, n_raw

def _cut_block(tk, sentence: str) -> list[str]:
    """Exact re-implementation of jieba 0.42.1 ``Tokenizer.__cut_DAG`` (get_DAG + calc + HMM)."""
    from jieba import finalseg

    get = tk.FREQ.get
    log = math.log
    n = len(sentence)
    logtotal = log(tk.total)
    score = [0.0] * (n + 1)
    end = list(range(n + 1))
    for idx in range(n - 1, -1, -1):
        best = None
        i = idx
        f = get(sentence[idx])
        while f is not None:  # jieba: while i < N and frag in FREQ
            if f:
                s = log(f) - logtotal + score[i + 1]
                if best is None or s >= best:  # max() over (score, x) tuples: ties go to the larger x
                    best = s
                    end[idx] = i
            i += 1
            if i >= n:
                break
            f = get(sentence[idx:i + 1])
        if best is None:  # the character alone, unknown or with frequency 0: log(1)
            best = 0.0 - logtotal + score[idx + 1]
        score[idx] = best
    out: list[str] = []
    x, buf = 0, ""
    while x < n:
        y = end[x] + 1
        if y - x == 1:
            buf += sentence[x]
        else:
            if buf:
                _flush(buf, tk.FREQ, out, finalseg)
                buf = ""
            out.append(sentence[x:y])
        x = y
    if buf:
        _flush(buf, tk.FREQ, out, finalseg)
    return out

def _flush(buf: str, freq_of: dict, out: list, finalseg) -> None:
    if len(buf) == 1:
        out.append(buf)
    elif not freq_of.get(buf):
        out.extend(finalseg.cut(buf))
    else:
        out.extend(buf)
