"""Steps 3-4: paragraphs grouped into article drafts by the file's layout (headline before or after the body) and interleaved parts re-joined."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from topics import clean as C

from .closes import closes_story_above
from .lines import punctuated
from .heads import ends_like_a_headline, inner_heading, opened_unseen, subtitled
from .orient import HEADLINE_BLOCK, banner_over_body
from .spanned import across_cut_text
from .units import Unit, closes_speech, merge, rejoin_cut_bylines

CUT_CLAUSE = ("，", "、")  # a line ending so is text cut after a clause: no headline ends in one
_TAIL = {"source_end", "author_source", "author_note", "credit", "note", "dateline_end", "caption"}
RESTATED = 0.4  # a headline's story restates it: at least this share of the headline's bigrams
RESTATED_ELSEWHERE = 0.5  # ... and the text on its other side at most this part of that share


@dataclass
class Art:
    titles: list[Unit] = field(default_factory=list)
    bylines: list[Unit] = field(default_factory=list)
    body: list[Unit] = field(default_factory=list)
    tail: list[Unit] = field(default_factory=list)  # provenance after the body: 来源, author notes, credits
    source: str | None = None
    continued_from: str | None = None
    closed: bool = False  # an end mark or a source/credit line was seen
    headless: bool = False  # began after a closed article without a headline: maybe an interleaved part
    interrupted: bool = False  # another article began while this one was mid-sentence
    pending_join: bool = False  # the next paragraph continues the last one (headline inside an article)
    extra: list[int] = field(default_factory=list)  # raw lines consumed for metadata only

    def is_open(self) -> bool:
        paras = [u for u in self.body if u.kind in ("para", "short")]
        return bool(paras) and not self.closed and not C.is_terminated(paras[-1].text)

    def unterminated(self) -> bool:
        return bool(self.body) and self.body[-1].kind == "para" and not C.is_terminated(self.body[-1].text)

    def text(self) -> str:
        return "".join(u.text for u in self.titles + self.body)


def _title_block(units: list[Unit], i: int) -> tuple[int, list[Unit], list[Unit]]:
    """Scan a headline block from units[i]: (end, headline units, byline units).  A byline may come after the
    headline or, in a headline printed inside the article, before it."""
    j, titles, bylines = i, [], []
    while j < len(units) and units[j].kind in HEADLINE_BLOCK and not (j > i and (units[j].start or units[j].title_mark)):
        u = units[j]
        before_short = j + 1 < len(units) and units[j + 1].kind == "short"
        if u.kind == "byline" or (u.kind == "byline?" and (titles or before_short)):
            bylines.append(u)
        elif not bylines or not titles:
            titles.append(u)
        else:
            break
        j += 1
    return j, titles, bylines


def _is_dateline(u: Unit) -> bool:
    return u.kind == "para" and C.DATELINE_RE.match(u.text) is not None


def _ends_block(nxt: Unit | None) -> bool:
    """After a headline printed below its article comes a new article's dateline, a marker or the end."""
    return nxt is None or nxt.kind == "marker" or _is_dateline(nxt)


def _credited(units: list[Unit], i: int) -> tuple[int, list[Unit], list[Unit]]:
    """_title_block, where a writer's credit (文/X, □ X) under the headline is its byline (a newspaper's convention)."""
    j, titles, bylines = _title_block(units, i)
    if len(titles) >= 2 and not bylines and C.CREDIT_BYLINE_RE.match(titles[-1].text):
        titles, bylines = titles[:-1], titles[-1:]
    return j, titles, bylines


def _split_continuation(cur: Art) -> Art | None:
    """A continuation (（上接…）) carries no headline of its own on this page, so a headline closing it belongs
    to a story that began inside it with no dateline: the story starts at the paragraph that echoes the
    headline (a lede restates it) where the text above it does not.  The headline's own lines only: a ——subtitle
    names a wider theme."""
    title = "".join(t.text for t in cur.titles if t.kind == "short") or "".join(t.text for t in cur.titles)
    best, at = 0.0, None
    for p in range(1, len(cur.body)):
        if cur.body[p].kind != "para" or not C.is_terminated(cur.body[p - 1].text):
            continue
        lede = C.affinity(title, cur.body[p].text)
        score = lede - C.affinity(title, "".join(u.text for u in cur.body[:p]))
        if lede >= 0.3 and score > best:
            best, at = score, p
    if (at is None or best < 0.2) and (at := opened_unseen(title, cur.body)) is None:
        return None
    story = Art(titles=cur.titles, bylines=cur.bylines, body=cur.body[at:], tail=cur.tail, closed=True)
    cur.body, cur.titles, cur.bylines, cur.tail = cur.body[:at], [], [], []
    return story


def _closes_above(cur: Art, titles: list[Unit], rest: list[Unit]) -> bool:
    """A headline with no byline under a finished paragraph: it restates the text above it (its own article)
    and not the text below it, up to the next short line (a sub-heading is restated by its own section:
    国际社会强烈谴责袭击事件 | 联合国安理会发表声明，强烈谴责…).  Example: …企业融资渠道更加畅通。 |
    破壁垒优环境 民营经济焕发活力 | 当地时间21日，以军空袭…"""
    title = "".join(t.text for t in titles if t.kind == "short")  # (a ——subtitle may speak of the wider theme)
    # (a headline parts its clauses with a space, 巴以冲突持续 加沙城医院遭袭; a sub-heading in the column
    # reads like a clause pair, 保障有力，经济运行持续向好)
    if not C.is_terminated(cur.body[-1].text) or titles[0].kind != "short" or punctuated(title):
        return False
    below = ""
    for u in rest:
        if u.kind != "para" or len(below) > 200:
            break
        below += u.text
    above = "".join(u.text for u in cur.body[-12:])
    if not below or _echoed(titles[-1].text, rest[0]):
        return False
    up, down, across = C.affinity(title, above), C.affinity(title, below), C.affinity(below, above)
    return (up >= RESTATED and down <= RESTATED_ELSEWHERE * up and across < 0.1  # (sections of one article
            or closes_story_above(up, down, across))  # share wording; a story and the next do not)


def _wide_headline(u: Unit) -> bool:
    return len(u.parts) == 1 and not punctuated(u.text) and not C.is_terminated(u.text) and not u.special


def _indented_sides(cur: Art, rest: list[Unit]) -> tuple[str, str] | None:
    """The text just above (the article's last three units) and just below (the next three), TOPIC_SPAN
    characters each, when an indented paragraph comes next; else None."""
    if not rest or rest[0].kind != "para" or not rest[0].indent:
        return None
    return "".join(v.text for v in cur.body[-3:])[-TOPIC_SPAN:], "".join(v.text for v in rest[:3])[:TOPIC_SPAN]


def _outdented_after(cur: Art, titles: list[Unit], rest: list[Unit]) -> bool:
    """Unindented, unpunctuated headline lines between a finished paragraph and an indented one, in a file that
    indents its paragraphs, sharing more words with the text above than with the text below: the headline of
    the story above (a sub-heading inside the text takes the text's indent)."""
    if (any(t.indent or punctuated(t.text) for t in titles) or not C.is_terminated(cur.body[-1].text)
            or not (sides := _indented_sides(cur, rest))):
        return False
    title = "".join(t.text for t in titles if t.kind == "short")
    above, below = sides
    return C.affinity(title, above) > C.affinity(title, below)


def segment_headline_after(units: list[Unit], indents: bool = False) -> list[Art]:
    """Newspaper page: paragraphs accumulate until a headline block (+ byline) closes the article; a short line
    followed by more body is a section heading; ``（上接…）`` opens a continuation without headline.  ``indents``:
    the file indents its paragraphs (:func:`_outdented_after`)."""
    arts: list[Art] = []
    cur: Art | None = None
    i = 0
    while i < len(units):
        u = units[i]
        if u.kind == "marker":
            cur = Art(continued_from=u.text.strip("（）()"), extra=list(u.nos))
            arts.append(cur)
        elif (u.kind in ("short", "subtitle") or subtitled(units, i)) and cur is not None and cur.body and (blk := _credited(units, i))[1] and (
                blk[2] or _ends_block(units[blk[0]] if blk[0] < len(units) else None) or blk[1][0].headline or subtitled(units, i)
                or _closes_above(cur, blk[1], units[blk[0]:]) or indents and _outdented_after(cur, blk[1], units[blk[0]:])):
            # (a headline set across columns closes its article even without a byline: a sub-heading stays in
            # the column)
            cur.titles, cur.bylines, cur.closed = blk[1], blk[2], True
            if cur.continued_from and (story := _split_continuation(cur)) is not None:
                arts.append(story)
            cur = None
            i = blk[0]
            continue
        elif (u.kind in ("byline", "byline?") and cur is not None and len(cur.body) >= 2 and not cur.bylines
              and _wide_headline(cur.body[-1]) and _ends_block(units[i + 1] if i + 1 < len(units) else None)):
            # a reporter's byline with a new dateline below it, under one line with no punctuation: that line is
            # the headline, set too wide to be told from body text by its length alone
            cur.titles, cur.bylines, cur.closed, cur = [cur.body.pop()], [u], True, None
        elif u.kind in _TAIL:
            if cur or arts:
                (cur or arts[-1]).tail.append(u)
        else:
            # a dateline (本报讯…, …电) only ever opens a story: the text above it (a continuation) ended there
            if cur is None or (_is_dateline(u) and cur.body and C.is_terminated(cur.body[-1].text)):
                cur = Art()
                arts.append(cur)
            (cur.bylines if u.kind == "byline" and not cur.body else cur.body).append(u)
        i += 1
    return arts


def _spaced(units: list[Unit], i: int, blanks: set[int]) -> bool:
    """Unit i stands after blank lines (only blank lines: a dropped page number leaves no space)."""
    lo, hi = units[i - 1].nos[-1] + 1 if i else 0, units[i].nos[0]
    return 0 < i and lo < hi and all(n in blanks for n in range(lo, hi))


def _echoed(head: str, nxt: Unit) -> bool:
    """A lead-in sub-heading: the paragraph below opens with its very words (据外电报道 | 据外电报道，…), a ■
    heading without its ■, under another line: stacked lines that end in one are sub-headings, no kicker
    and headline (a headline alone may be the text's first clause).  ``head``: the heading's text."""
    n = len(head)
    return (nxt.kind == "para" and C.text_width(head) >= 4 and nxt.text.startswith(head)
            and nxt.text[n:n + 1] in ("，", ","))  # (its clause goes on: not a title the text repeats)


# a headline led by its column's tag in lenticular brackets (【栏目名】headline): a sub-heading carries none
_COLUMN_TAG_RE = re.compile(r"^【[^【】]{2,20}】[^【】\s]")


def _completed_later(cut: str, rest: list[Unit]) -> bool:
    """A paragraph further on opens mid-sentence (continuation_start) and completes the word ``cut`` ends in
    (``推进“数`` … ``字政府”建设``): the text was interrupted there, not finished."""
    return any(v.kind == "para" and not v.start and C.continuation_start(v.text) and C.word_spans(cut, v.text)
               for v in rest)


def _rest_later(line: str, rest: list[Unit]) -> bool:
    """An unfinished line of text (a clause, no sentence end) whose sentence a paragraph further on finishes:
    that paragraph opens with a comma or stop (…预计超过一百万人次 | headline | body | ，比去年增长…), so the
    page broke between two whole words and an article was printed inside this one."""
    return (not C.is_terminated(line) and line[-1:] not in "：:"
            and any(v.kind == "para" and not v.start and v.text[:1] in "，、；。" for v in rest))


def _stacked(titles: list[Unit]) -> bool:
    """Two stacked headline lines (kicker + headline), not counting clause-punctuated lines at the foot of the
    stack: a sub-heading above a one-line paragraph (据悉，活动将持续… | next page) is one headline line."""
    k = len(titles)
    while k and punctuated(titles[k - 1].text):
        k -= 1
    return k >= 2


def _unmarked_headline(units: list[Unit], i: int, lost: set[int]) -> bool:
    """In a file whose headlines carry bookmarks, a short line like them (one line between two paragraphs, no
    enumerator: the file numbers its sub-headings) that lost its bookmark, where the bookmarks' numbers leave
    room for it (``lost``: first line numbers, :func:`topics.segment.bookmarks.unmarked_headlines`)."""
    return (0 < i < len(units) - 1 and len(units[i].parts) == 1 and units[i + 1].kind == "para"
            and units[i].nos[0] in lost)


_SECTION_ENUM_RE = re.compile(r"^(第[一二三四五六七八九十百零〇两]+[，、,]|[一二三四五六七八九十百零〇两]+[、.．]|[（(][一二三四五六七八九十\d]+[）)])")


def _restated_below(u: Unit, nxt: Unit | None, sourced: bool = False) -> bool:
    """A short line that the numbered heading right under it restates word for word (经济形势 | 一、经济形势，…):
    the title of an excerpt that opens at that section -- a sub-heading never repeats itself in the next line.
    In a file whose delimiters only open texts (``sourced``), also an unnumbered line that the paragraph under it
    opens with, up to a clause mark (甲乙丙丁 | 甲乙丙丁，…): a sub-heading restated so is numbered, so this is
    an excerpt's headline taken from its first clause."""
    if nxt is None or len(u.parts) != 1 or C.text_width(u.text) < 4:
        return False
    m = _SECTION_ENUM_RE.match(nxt.text)
    if m is not None:
        return nxt.text[m.end():].startswith(u.text)
    n = len(u.text)
    return (sourced and nxt.kind == "para" and not C.starts_enumerated(u.text) and nxt.text.startswith(u.text)
            and nxt.text[n:n + 1] in ("，", "。", "；", "："))


def _outdented(u: Unit, cur: Art, rest: list[Unit]) -> bool:
    """One unindented, unpunctuated line above an indented paragraph, in a file that indents its paragraphs, that
    shares more words with the text below it than with the text above: set outside the text's measure like a
    headline (a sub-heading inside the text takes the text's indent) and heading the story below it, whose lead
    restates it (a photo caption or a running head set there does not)."""
    if u.indent or len(u.parts) != 1 or punctuated(u.text) or not (sides := _indented_sides(cur, rest)):
        return False
    above, below = sides
    down, up = C.affinity(u.text, below), C.affinity(u.text, above)
    return down >= RESTATED and up <= RESTATED_ELSEWHERE * down  # (as _closes_above asks: a running head is not)


TOPIC_SPAN = 300  # characters of text read on each side of a short line to compare the two
TOPIC_BREAK = 0.045  # below this share of bigrams in common, the text under the line is another text
TOPIC_DROP = 0.5  # ... or below this part of the share between the article's last two stretches of text
TOPIC_NONE = 0.015  # below this share the two texts have (next to) no words in common


def _topic_break(cur: Art, rest: list[Unit], floor: float = TOPIC_BREAK, drop: bool = True) -> bool:
    """The text under a short line shares (almost) no ideograph bigrams with the article's text above it, or
    well under half as many as the article's last stretch shares with the stretch before it: a sub-heading goes
    on with its article's words, the headline of another text starts a new vocabulary.  ``floor``: the share
    below which it is another text; ``drop``: whether the fall against the stretch before counts too."""
    text = "".join(v.text for v in cur.body)
    above, before = text[-TOPIC_SPAN:], text[-2 * TOPIC_SPAN:-TOPIC_SPAN]
    below = ""
    for v in rest:
        if len(below) >= TOPIC_SPAN:
            break
        below += v.text
    below = below[:TOPIC_SPAN]
    if len(above) < TOPIC_SPAN // 2 or len(below) < TOPIC_SPAN // 2:
        return False
    share = C.affinity(below, above)
    return share < floor or drop and len(before) >= TOPIC_SPAN // 2 and share < TOPIC_DROP * C.affinity(above, before)


def segment_headline_first(units: list[Unit], strong: bool, blanks: set[int] | None = None,
                           bookmarked: set[int] | None = None, sourced: bool = False, indents: bool = False,
                           shut: frozenset[int] | set[int] = frozenset()) -> list[Art]:
    """Headline (+ byline) before the body.  ``strong``: the file delimits articles (□ or 来源 lines, numbered
    bookmarks, headline + byline pairs), so an unnumbered short line inside an article is a sub-heading, not
    a new headline; without delimiters (a plain compilation of speeches) it opens the next article.  ``blanks``:
    the blank line numbers of a file delimited only by speeches' closing formulas (谢谢大家！): there a short
    line after blank lines (or one naming its genre, …的讲话) still opens the next speech, one closing or not.
    ``bookmarked``: in a file whose headlines carry bookmarks, the short lines (first line numbers) that may be
    headlines which lost theirs (:func:`_unmarked_headline`).  ``sourced``: the file's only delimiters open its
    texts (来源：…, bookmarks), none closes one: a text without one is told by its words (:func:`_topic_break`).
    ``shut``: short lines (first line numbers) between two headlines bookmarked one number after the other, which
    no change of words makes a headline.  ``indents``: the file indents its paragraphs, so a sub-heading set in the
    text is indented like them and an unindented line between two paragraphs is a headline (:func:`_outdented`)."""
    arts: list[Art] = []
    cur: Art | None = None

    def new(**kw) -> Art:
        nonlocal cur
        last = cur.body[-1] if cur is not None and cur.body else None
        if cur is not None and (cur.unterminated() or last is not None and last.kind == "short" and not C.is_terminated(
                last.text) and (punctuated(last.text)  # (a clause cut short: no heading)
                                # (the first words of a paragraph, cut where the column ends: a paragraph further
                                # on, not opening one, completes its word; a heading has text of its own)
                                or any(v.kind == "para" and not v.start and C.word_spans(last.text, v.text)
                                       for v in units[i + 1:]))):
            cur.interrupted = True
        cur = Art(**kw)
        arts.append(cur)
        return cur

    rejoin_cut_bylines(units)
    i = 0
    while i < len(units):
        u, k = units[i], units[i].kind
        if k == "marker":
            new(continued_from=u.text.strip("（）()"), extra=list(u.nos))
            i += 1
            continue
        if u.start or u.title_mark:
            new()
        if k in HEADLINE_BLOCK:
            j, titles, bylines = _title_block(units, i)
            if (cur is not None and cur.body and j - i >= 2 and j < len(units) and not any(v.start or v.title_mark for v in units[i:j])
                    and _echoed("".join(v.text for v in units[i:j]), units[j])):
                # a lead-in sub-heading wrapped over two lines (某某在参加 | 审议时说) that the paragraph below
                # opens with (某某在参加审议时说，…): part of this article's text, however its lines look (one
                # heading, its lines joined)
                for v in units[i + 1:j]:
                    merge(units[i], v)
                units[i].kind = "short"
                cur.body.append(units[i])
                i = j
                continue
            above_start = len(titles) == 1 and j < len(units) and units[j].start and units[j].kind in HEADLINE_BLOCK
            if (len(titles) == 1 and not bylines and titles[0].kind == "short" and not u.start and not u.title_mark
                    and j < len(units) and units[j].kind in ("source_end", "author_source", "author_note")
                    and (cur is not None and cur.body or arts)):
                # a short line between an article's last paragraph and its source/author line (…。□ | one line |
                # （来源：…）): a headline never stands right above a source line; a caption printed there
                units[i].kind = "caption"
                i += 1
                continue
            if ((len(titles) >= 2 or above_start) and titles[0].kind == "short" and "，" in titles[0].text
                    and (cur is None or cur.closed)):
                titles = titles[1:]  # a photo caption printed between two articles (R5), not a kicker
                units[i].kind = "caption"
                if not titles:  # alone above a marked headline: dropped as a caption
                    i += 1
                    continue
            if (len(titles) >= 2 and titles[0].kind == "short" and punctuated(titles[0].text) and cur is not None
                    and not cur.closed and cur.body and cur.body[-1].kind == "para"
                    and not any(punctuated(t.text) for t in titles[1:])
                    and (any(v.kind == "para" and C.word_spans(titles[0].text, v.text) for v in units[j + 1:])
                         or _rest_later(titles[0].text, units[j + 1:]) or titles[0].text.endswith(CUT_CLAUSE))):
                # a line of this article's text cut mid-word (a paragraph further on completes the word: 高质 |
                # 量发展; or cut after a clause: no headline ends in a comma) under which the headline of an article
                # printed inside it stands
                cur.body.append(titles[0])
                titles[0].kind = "para"
                titles = titles[1:]
                i += 1
                u, k = units[i], units[i].kind
            nxt = units[j] if j < len(units) else None
            if titles and (cur is None or cur.closed or not (cur.body or cur.titles)):
                if cur is None or cur.closed:
                    new()
            # (a dateline, 本报讯…, only ever opens a story: the short line above it is its headline)
            elif titles and (bylines or (nxt is not None and (nxt.kind == "source_start" or _is_dateline(nxt)))):
                if not cur.titles and cur.unterminated():  # a headline printed inside its own article
                    cur.pending_join, cur.headless = True, False
                else:
                    new()
            elif (titles and (not strong or _stacked(titles) or cur.body and cur.body[-1].kind == "closing"
                              or C.genre_title(u.text) or _COLUMN_TAG_RE.match(u.text) or blanks is not None and _spaced(units, i, blanks)
                              or bookmarked and _unmarked_headline(units, i, bookmarked)
                              # a headline set across the column (wider than the file's measure): no sub-heading
                              or u.headline and len(titles) == 1
                              or len(titles) == 1 and (_restated_below(u, nxt, sourced) or not punctuated(u.text) and ends_like_a_headline(u, arts))
                              or indents and len(titles) == 1 and _outdented(u, cur, units[j:])
                              # (or the text under one short line is another text's: no words in common)
                              or sourced and len(titles) == 1 and u.nos[0] not in shut and _topic_break(cur, units[j:])
                              # (where the file delimits its texts, one unpunctuated line between two texts with no
                              # words in common: a headline without its byline; a sub-heading's section goes on
                              # with some of its article's words)
                              or len(titles) == 1 and not punctuated(u.text) and u.nos[0] not in shut
                              and _topic_break(cur, units[j:], TOPIC_NONE, False))
                  and (k == "short" or subtitled(units, i)) and cur.body and not (len(titles) == 1 and inner_heading(units, i))
                  and cur.body[-1].kind in ("para", "closing") and C.is_terminated(cur.body[-1].text)
                  and nxt is not None and nxt.kind not in _TAIL and not (len(titles) >= 2 and _echoed(titles[-1].text, nxt))):
                # a short line after a finished paragraph opens the next article where the file has no
                # delimiters; where it has them, a kicker + headline (two stacked lines) still does (a
                # sub-heading is one line; a speech's closing formula ends it, so a short line after one heads
                # the next text).  (A short line above a date signs the text.)
                new()
            elif (len(titles) >= 2 and k == "short" and cur.unterminated() and nxt is not None and nxt.kind == "para"
                  and not any(punctuated(t.text) for t in titles)):
                new()  # kicker + headline under a paragraph cut mid-sentence: an article printed inside this one
            elif (len(titles) == 1 and k == "short" and cur.unterminated() and nxt is not None and nxt.kind == "para"
                  and not punctuated(u.text) and (_completed_later(cur.body[-1].text, units[j + 1:]) or across_cut_text(u, nxt, "".join(v.text for v in cur.body)[-TOPIC_SPAN:]))):
                new()  # one headline under a paragraph cut mid-word that a later paragraph completes (推进“数 |
                # headline | body of the inner article | 字政府”建设…), or set across the columns over its lede (spanned): an article printed inside this one
            elif not titles and bylines and cur is not None and not cur.body and not cur.bylines:
                titles = cur.titles
            else:
                j = None
            if j is not None:
                cur.titles, cur.bylines = titles, bylines
                i = j
                continue
        if k in _TAIL:
            if k == "caption" and (cur is None or cur.closed):
                i += 1  # a caption between two articles belongs to neither: dropped
                continue
            if cur or arts:
                target = cur or arts[-1]
                target.tail.append(u)
                # a caption closes its article before a headline; a bare caption line (图为… 某某 摄, no brackets,
                # set inside the text as often as after it) only before a headline block (two stacked lines or a
                # byline under it): one short line then body text is a sub-heading of the same article
                # (a short line then a sub-heading, ■ …, is a sub-heading too: a story opens with body text)
                before_headline = (i + 1 < len(units) and units[i + 1].kind in ("short", "subtitle")
                                   and (u.text.startswith(("（", "(")) or i + 2 < len(units) and units[i + 2].kind != "para")
                                   and not (i + 2 < len(units) and units[i + 2].kind == "heading")
                                   and not units[i + 1].text.endswith(CUT_CLAUSE))  # (text cut after a clause: no headline)
                target.closed = target.closed or k != "caption" or before_headline
            i += 1
            continue
        if k == "source_start":
            name, rest = C.parse_source_start(u.parts[0][1])
            if (cur is not None and not cur.closed and not cur.titles and len(cur.body) == 1
                    and ((cur.body[0].kind in ("heading", "short") or cur.body[0].title_mark)  # (a bookmarked
                         and len(cur.body[0].nos) == 1  # line, however long)
                         # (or a block the file marks as a headline, joined because its lines fill the column)
                         or cur.body[0].kind == "para" and (cur.body[0].start or cur.body[0].title_mark))
                    and not punctuated(cur.body[0].text)):
                cur.titles, cur.body = cur.body, []  # a source line opens its text: the one line above is its headline
            if cur is None or cur.closed or cur.body:
                new()
            cur.source = name
            u.kind = "para"
            if not rest:
                cur.extra.append(u.parts[0][0])
            u.parts = ([(u.parts[0][0], rest)] if rest else []) + u.parts[1:]
            if not u.parts:
                i += 1
                continue
        if cur is None or cur.closed:
            new(headless=bool(arts) and not u.start)
        if cur.pending_join and cur.body and u.kind == "para":
            merge(cur.body[-1], u)
            cur.pending_join = False
        else:
            cur.body.append(u)
        cur.closed = cur.closed or u.end_mark or u.kind == "closing" and closes_speech(units, i, _TAIL, TOPIC_SPAN // 2)
        i += 1
    return arts


def headline_comes_after(units: list[Unit], banner_dropped: bool = False) -> bool:
    """Newspaper pages printed body-first: the file opens with body text, and headline blocks below finished
    paragraphs are followed by a reporter byline, a new dateline or a continuation marker (or there are at
    least two such blocks, one of them ending the file)."""
    # a continuation marker (（上接第1版）) opening the page is followed by body text, never by a headline
    content = [u for u in units if u.kind not in _TAIL and u.kind != "marker"]
    # a story continued from another page opens with the rest of its text, never with its headline: a short
    # line under the opening marker is one of its sub-headings (（上接第2版） | 各方呼吁停火 | 当地时间…)
    while units and units[0].kind == "marker" and len(content) > 1 and content[0].kind in ("short", "heading"):
        content = content[1:]
    if not banner_dropped and banner_over_body(units, content, RESTATED, RESTATED_ELSEWHERE):
        content = content[1:]  # (a page banner over body text: the file's headlines restate the stories above)
    if not content or content[0].kind != "para" or content[0].start:
        return False
    blocks = strong = 0  # headline blocks below a paragraph; those with strong evidence
    for i in range(1, len(units)):
        if units[i].kind == "short" and units[i - 1].kind == "para" and C.is_terminated(units[i - 1].text):
            j, titles, bylines = _title_block(units, i)
            nxt = units[j] if j < len(units) else None
            if titles and (bylines or _ends_block(nxt)):
                blocks += 1
                # (a block closing the file counts too: the file opened with body text, so a headline block
                # with nothing below it can only be the last article's headline)
                strong += any(b.kind == "byline" for b in bylines) or _ends_block(nxt)
    return blocks >= 1 and (strong >= 1 or blocks >= 2 or _is_dateline(content[0]))
