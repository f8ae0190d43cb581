"""Re-join the parts of interleaved articles (R4): an article printed inside another, two columns extracted
interleaved, a paragraph displaced by the extraction.  Runs on the articles of a headline-first page."""

from __future__ import annotations

from topics import clean as C

from .articles import CUT_CLAUSE, Art
from .lines import punctuated
from .orient import HEADLINE_BLOCK
from .units import Unit, merge, split_unit


def _reads_like(near_y: float, near_x: float) -> bool:
    """A text whose bigram share with ``y`` is ``near_y`` and with ``x`` is ``near_x`` reads like ``y``."""
    return near_y > 1.5 * near_x + 0.02


def _reclaim_tail(y: Art, x: Art) -> bool:
    """Article ``x`` interrupted ``y`` mid-sentence.  If a paragraph of ``x`` was joined on line length alone,
    or one of ``x``'s paragraphs is cut mid-sentence, and the text from there on reads like ``y`` rather than
    ``x``, that tail belongs to ``y`` (two columns extracted interleaved; an article printed inside another)."""
    for bi, u in enumerate(x.body):
        for at in u.weak:
            head, tail = split_unit(u, at)
            tail_text = tail.text + "".join(r.text for r in x.body[bi + 1:])
            head_text = "".join(t.text for t in x.titles + x.body[:bi]) + head.text
            if len(head_text) >= 100 and len(tail_text) >= 50 and _reads_like(
                    C.affinity(tail_text, y.text()), C.affinity(tail_text, head_text)):
                _hand_back(y, x, x.body[:bi] + [head], [tail] + x.body[bi + 1:])
                return True
    for bi in range(2, len(x.body)):  # x's own paragraph cut mid-sentence, the next one not opening a sentence
        head_body, tail_body = x.body[:bi], x.body[bi:]
        spans = C.word_spans(y.body[-1].text, tail_body[0].text)  # y's cut word goes on there: 推动高质 | 量发展
        if not (head_body[-1].kind == "para" and tail_body[0].kind == "para" and not tail_body[0].start
                and not C.starts_enumerated(tail_body[0].text) and (not C.is_terminated(head_body[-1].text) or spans)):
            continue
        tail_text = "".join(r.text for r in tail_body)
        head_text = "".join(t.text for t in x.titles + head_body)
        near_y, near_x = C.affinity(tail_text, y.text()), C.affinity(tail_text, head_text)
        if len(head_text) >= 100 and len(tail_text) >= 50 and (
                _reads_like(near_y, near_x)
                or spans and (near_y > near_x or _orphan_cut(y.body[-1].text, tail_body[0].text))):
            _hand_back(y, x, head_body, tail_body)  # (the cut sentence of y goes on there: two articles interleaved)
            return True
    return False


HEAD_MIN = 100  # characters (as _reclaim_tail's head)


def _resumes_outer(out: list[Art], a: Art) -> bool:
    """A headless part ``a`` that opens mid-sentence (or completes a cut word) under a finished article ``x``
    (closed: end mark, source line) goes on from a paragraph of ``x`` left unfinished further up: the article
    printed inside ``x`` from there on (a box set into its text, its headline read as text of ``x``) ends at
    ``x``'s end mark, and nothing marked where ``x`` resumes (…学习标兵、学习 | inner article … □ | 案例”，推动…).
    ``x`` keeps its text up to that paragraph and takes ``a``; the text between becomes an article of its own.
    The nearest unfinished paragraph that is text (clause punctuation, or its word goes on in ``a``: a line with
    neither is the inner article's headline), with at least ``HEAD_MIN`` characters of text on each side."""
    if not (a.headless and not a.titles and a.body and out and out[-1].closed and out[-1].titles):
        return False
    x, head = out[-1], a.body[0].text
    for m in range(len(x.body) - 2, 0, -1):
        u = x.body[m]
        spans = C.word_spans(u.text, head)
        if u.kind != "para" or C.is_terminated(u.text) or not (spans or punctuated(u.text)):
            continue
        inner = x.body[m + 1:]
        inner_chars = sum(len(v.text) for v in inner)
        if not (C.continuation_start(head) or spans) or min(inner_chars, len(x.text()) - inner_chars) < HEAD_MIN:
            return False
        k = next((i for i, v in enumerate(inner) if v.kind not in HEADLINE_BLOCK), len(inner))
        b = Art(titles=[v for v in inner[:k] if v.kind in ("short", "subtitle")],
                bylines=[v for v in inner[:k] if v.kind in ("byline", "byline?")], body=inner[k:], tail=x.tail, closed=True)
        x.body, x.tail = x.body[:m + 1], []
        take(x, a)
        x.closed = a.closed
        out.append(b)
        return True
    return False


def take(x: Art, a: Art, join: bool = True) -> None:
    """``x`` goes on with the part ``a``: ``a``'s first paragraph joined to ``x``'s last (the sentence cut there goes
    on) when ``join``, else set after it; ``a``'s tail and furniture counts go with it."""
    if join:
        merge(x.body[-1], a.body[0])
        x.body += a.body[1:]
    else:
        x.body += a.body
    x.tail += a.tail
    x.extra += a.extra


def _rest_of_outer(out: list[Art], a: Art) -> bool:
    """A headless part ``a`` under a closed article ``x`` that reads like the article ``y`` above ``x`` (left
    without an end mark) rather than like ``x`` (bigram shares, the margin of :func:`_reads_like`) is ``y``'s rest:
    ``x`` was printed inside ``y`` (its headline block took ``y``'s cut row as a kicker, so ``y`` looked finished).
    Development (TRAIN magazine seeds 30-49): of 36 headless parts left standing alone under a closed article, 26
    are the rest of the article above it.  A part that opens mid-sentence (``训。充分发挥…``) cannot open an article
    and cannot go on from ``x`` (closed), so there it is ``y``'s rest as soon as it reads more like ``y`` than like
    ``x``, without the margin: development (TRAIN magazine 30-49, compilations and re-typesets 30-31), of 5 such
    parts left standing alone, the 3 that read more like ``y`` are all ``y``'s rest; of the 2 that read more like
    ``x``, one is ``y``'s rest (still missed), one is not."""
    if not (a.headless and not a.titles and a.body and len(out) >= 2):
        return False
    y, x = out[-2], out[-1]
    if not (x.closed and x.titles and y.titles and y.body and not y.closed):
        return False
    frag = "".join(u.text for u in a.body)
    near_y, near_x = C.affinity(frag, y.text()), C.affinity(frag, x.text())
    if len(frag) < HEAD_MIN or not (_reads_like(near_y, near_x)
                                    or C.continuation_start(a.body[0].text) and near_y > near_x):
        return False
    take(y, a, y.unterminated())
    y.closed = a.closed
    return True


# how much more x's rest leans to y than the part does (bigram shares; development re-typesets: the outer rest of two
# articles crossed leans about 0.13, an outer rest after a whole inner article -0.02 or less: the part is y's rest)
LEAN = 0.05


def _crossed(out: list[Art], a: Art, y: Art) -> bool:
    """Two articles interleaved both ways (outer text, inner article, outer rest, inner rest): the headless part
    ``a``, opening mid-sentence, goes on from a line of the last article ``x`` (closed, with a headline), not from
    the article ``y`` left open further up, when the text of ``x`` after that line reads like ``y`` (the outer
    article's rest, set under the inner article's cut line and closed by the outer article's end mark) and ``a``
    reads like ``x`` above it.  ``y`` takes that rest with ``x``'s end, ``x`` keeps its text up to the line and
    takes ``a``.  The line is the unfinished row (a unit's or a row inside one: the cut line is often joined to
    the rest below it) where the text below reads most like ``y`` against ``x`` above it, by the margin
    :func:`_reads_like` sets (as in :func:`_reclaim_tail`), with at least ``HEAD_MIN`` characters on each side."""
    if not (out and out[-1] is not y and out[-1].closed and out[-1].titles and a.body):
        return False
    x, frag, opening = out[-1], "".join(u.text for u in a.body), a.body[0].text
    mid = C.continuation_start(opening)
    titles, y_text = "".join(t.text for t in x.titles), y.text()
    frag_y, best = C.affinity(frag, y_text), None
    for m, u in enumerate(x.body):
        for j in range(1, len(u.parts) + 1):
            cut = u.parts[j - 1][1]
            if C.is_terminated(cut) or u.kind not in ("para", "short") or not punctuated(u.text) or (
                    j == len(u.parts) and m + 1 >= len(x.body)) or j < len(u.parts) and not (
                    j >= 2 and C.text_width(cut) < C.text_width(u.parts[j - 2][1]) - 1.5):
                continue  # (inside a unit only a row short of the row above it: a full row goes on below)
            head = titles + "".join(v.text for v in x.body[:m]) + "".join(p for _, p in u.parts[:j])
            rest = "".join(p for _, p in u.parts[j:]) + "".join(v.text for v in x.body[m + 1:])
            if min(len(head), len(rest)) < HEAD_MIN:
                continue
            ry, rx = C.affinity(rest, y_text), C.affinity(rest, head)
            lean = ry - rx - (frag_y - C.affinity(frag, head))
            if _reads_like(ry, rx) and lean > LEAN and (best is None or lean > best[0]) and (
                    mid or C.word_spans(cut, opening)):
                best = (lean, m, j)
    if best is None:
        return False
    _, m, j = best
    u = x.body[m]
    if j < len(u.parts):
        left, right = split_unit(u, j)
        left.kind, right.kind = u.kind, "para"
        keep, rest = x.body[:m] + [left], [right] + x.body[m + 1:]
    else:
        keep, rest = x.body[:m + 1], x.body[m + 1:]
    merge(y.body[-1], rest[0])
    y.body += rest[1:]
    y.tail += x.tail
    y.closed, y.interrupted = x.closed, False
    x.body, x.tail = keep, []
    take(x, a)
    x.closed = a.closed
    return True


def _orphan_cut(a: str, b: str) -> bool:
    """The break leaves a single character of a two-character word on each side (…进行的节 | 约能源…): a word
    that cannot end a line nor open a sentence, so the text below is the rest of the text above, whatever the
    vocabulary (two excerpts of one report read alike)."""
    return bool(a and b and C.is_cjk(a[-1]) and C.is_cjk(b[0]) and C.common_word(a[-1] + b[0])
                and not C.common_word(a[-2:]) and not C.common_word(b[:2]))


def _hand_back(y: Art, x: Art, keep: list[Unit], rest: list[Unit]) -> None:
    """``x`` keeps ``keep`` and stays open (interrupted); ``rest`` finishes ``y``'s cut sentence and goes to it
    with ``x``'s tail."""
    merge(y.body[-1], rest[0])
    y.body += rest[1:]
    y.tail += x.tail
    y.closed, y.interrupted = x.closed, False
    x.body, x.tail, x.closed, x.interrupted = keep, [], False, True


def stitch(arts: list[Art]) -> list[Art]:
    """Re-join interleaved parts (R4): a headless fragment that starts mid-sentence (or reads like it) continues
    the article left open mid-sentence (the one it resembles most when several are open)."""
    out: list[Art] = []
    for k, a in enumerate(arts):
        open_arts = [b for b in out if b.interrupted and b.is_open()]
        if open_arts and a.titles and not a.continued_from:
            # (not an article whose cut word a later headless part completes: that part is its rest)
            any(_reclaim_tail(y, a) for y in open_arts if not any(
                b.headless and not b.titles and b.body and C.word_spans(y.body[-1].text, b.body[0].text)
                for b in arts[k + 1:]))
            open_arts = [b for b in out if b.interrupted and b.is_open()]
        frag = "".join(u.text for u in a.body)
        target = max(reversed(open_arts), key=lambda b: C.affinity(frag, b.text())) if open_arts else None
        if a.headless and not a.titles and a.body and target and (
                C.continuation_start(a.body[0].text) or C.affinity(frag, target.text()) >= 0.3
                or C.word_spans(target.body[-1].text, a.body[0].text)  # (a word cut: 与国 | 际经济合作)
                or target.body[-1].text.endswith(CUT_CLAUSE)  # (cut after a clause: its sentence goes on here)
                or len(open_arts) == 1):  # (the only article left cut mid-sentence: nothing else it could continue)
            if _crossed(out, a, target):
                continue
            take(target, a)
            target.closed, target.interrupted = a.closed, False
            continue
        if _resumes_outer(out, a) or _rest_of_outer(out, a):
            continue
        out.append(a)
    for a in out:
        _restore_displaced(a.body)
    return out


def _restore_displaced(body: list[Unit]) -> None:
    """A paragraph that starts mid-sentence (``精神。科学谋划…``) continues the nearest unterminated paragraph
    before it; the block in between was displaced by the extraction and goes back after the item it
    continues (``（一）…`` -> ``（二）…``), else stays after the rejoined paragraph."""
    m = 1
    while m < len(body):
        p = body[m]
        if p.kind == "para" and C.continuation_start(p.text) and C.is_terminated(body[m - 1].text):
            q = next((k for k in range(m - 2, max(-1, m - 62), -1)
                      if body[k].kind == "para" and not C.is_terminated(body[k].text)), None)
            if q is not None:
                block = body[q + 1: m]
                merge(body[q], p)
                rest = body[:q + 1] + body[m + 1:]
                pos = q + 1
                num = C.paren_number(block[0].text)
                for k in range(q, -1, -1):
                    if num and C.paren_number(rest[k].text) == num - 1 and (
                            k + 1 >= len(rest) or C.paren_number(rest[k + 1].text) != num):
                        pos = k + 1
                        break
                body[:] = rest[:pos] + block + rest[pos:]
                m = q + 1 + len(block)
                continue
        m += 1
