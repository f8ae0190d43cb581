"""A headline told by the file's other headlines: one line that ends as a headline found above it ends.

A compilation of reports titles its texts alike (``2010年中华人民共和国国务院政府工作报告`` … ``2012年…政府工作报告``;
``…工作会议上的讲话``); a sub-heading inside a text ends in its own words.  On development pages (seeds 30-49:
docx cut, report columns, speeches, compilation, news, magazine) 622 of 4,584 headline lines end in the same
``ENDING`` characters or more as a headline above them in their file, with different openings; none of 767
unnumbered one-line sub-headings do.

Round-up sub-headings set in parallel (:func:`parallel_heading`): a news round-up (国际人士：… | 德国议员：… |
叙总统：…) or a profile series (柯晓宾：… | 王海旭：…) heads each part with the speaker or subject, a colon and one
phrase.  Read one paragraph per line, with nothing else to tell them from headlines, each such line opened a
text of its own.  When the nearest one-line heading above or below it (a short line over text) has the same form,
it is a sub-heading of the text it stands in.  Development pages (docx_cut, speeches, compilation; bare one-line
titles vs unnumbered one-line sub-headings, a sibling of that form within 40 lines): seeds 30-39 7 of 32
sub-headings split off as titles have one and 0 of 1,303 titles found; seeds 40-49 (sibling of another text,
no quotation after the colon, no source line) 0 of 1,297 titles found.

A headline line with a ——subtitle under it (:func:`subtitled`) is a headline, wherever it stands: a sub-heading
inside a story carries no subtitle.
"""

from __future__ import annotations

import os
import re

from topics import clean as C

from .lines import punctuated
from .units import Unit, merge

ENDING = 5  # characters (ideographs, digits): the shared ending of two headlines of one file


def _plain(t: str) -> str:
    return re.sub(r"\s", "", t)


def _common_ending(a: str, b: str) -> int:
    return len(os.path.commonprefix([a[::-1], b[::-1]]))


def ends_like_a_headline(u, arts: list) -> bool:
    """Unit ``u`` (one unpunctuated line) ends in the same ``ENDING`` characters or more as a headline line
    (``Art.titles``) of an article found above it, and the two differ before that ending: headlines of one series
    (a line that ends in a whole headline, 党纪学习教育, speaks of that subject: a sub-heading)."""
    t = _plain(u.text)
    for a in arts:
        for v in a.titles:
            h = _plain(v.text)
            n = _common_ending(t, h)
            if v.nos[0] != u.nos[0] and ENDING <= n < min(len(t), len(h)):
                return True
    return False


_HEAD_RE = re.compile(r"^([\u4e00-\u9fff]{2,7})[：:](?![“‘\"《（(])\S")


def colon_head(t: str) -> str | None:
    """The speaker or subject of a ``某某：一句话`` line (2-7 CJK characters, no source line, no quotation
    opening after the colon), else None."""
    m = _HEAD_RE.match(t)
    return m.group(1) if m and m.group(1) not in ("来源", "记者", "编者按", "摘要") else None


def _heading_line(units: list[Unit], j: int) -> bool:
    u = units[j]
    return (u.kind == "short" and len(u.nos) == 1 and not punctuated(u.text) and j + 1 < len(units)
            and units[j + 1].kind == "para")


def parallel_heading(units: list[Unit], i: int) -> bool:
    """``units[i]``, a one-line ``某某：一句话`` heading over text, has a sibling: the nearest one-line heading
    above or below it (:func:`_heading_line`) is of the same form, with other words."""
    if not colon_head(units[i].text) or not _heading_line(units, i):
        return False
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(units) and not _heading_line(units, j):
            j += step
        if 0 <= j < len(units) and colon_head(units[j].text) and units[j].text != units[i].text:
            return True
    return False


# the genre words that end an official document's title (关于…的通知): a 关于… line ending in one is a title
DOC_GENRES = ("通知", "决定", "意见", "报告", "请示", "批复", "函", "通报", "公告", "决议", "规定", "办法", "说明",
              "方案", "纲要", "规划", "条例", "细则", "建议", "通告", "指示", "答复")


def about_heading(units: list[Unit], i: int) -> bool:
    """``units[i]``, a one-line heading over text, names its section's matter with 关于 (关于外交工作, 关于形势和任务,
    关于工资制度问题) and no document genre (关于…的通知, …的讲话): a report's section heading, not a document's
    title, when the text above it goes on (no closing formula) and a plain paragraph follows (no greeting, source
    line or date).  Development pages (docx cut and speeches, seeds 30-49): 8 sub-headings read as titles (4 + 4)
    are kept, no title found is lost: the 关于 titles stand over a source line, a greeting or a numbered heading
    that restates them."""
    t = units[i].text
    if not t.startswith("关于") or not _heading_line(units, i) or i == 0 or units[i - 1].kind != "para":
        return False
    if t.endswith(DOC_GENRES) or C.genre_title(t):
        return False
    nxt = units[i + 1].text
    return C.is_formula(nxt) is None and not C.starts_enumerated(nxt)


_SPOKEN_RE = r"(表示|指出|认为|称|说|强调)"


def spoken_heading(units: list[Unit], i: int) -> bool:
    """``units[i]``, a one-line ``某某：一句话`` heading over text, whose speaker opens the paragraph under it as
    the one who speaks (国际人士：… | 国际人士表示，…): a round-up's section, the paragraph reporting what the
    heading quotes.  A story's headline names its subject in other words in the lead (普京：… | 俄罗斯总统普京…;
    新疆：… | 新疆畜牧业…).  Development pages (docx cut and speeches, seeds 30-49): 3 sub-headings read as titles
    (2 + 1) are kept, no title found is lost."""
    head = colon_head(units[i].text)
    if not head or not _heading_line(units, i) or i == 0 or units[i - 1].kind != "para":
        return False
    return re.match(re.escape(head) + _SPOKEN_RE, units[i + 1].text) is not None


def inner_heading(units: list[Unit], i: int) -> bool:
    """A one-line heading that stays inside its text: :func:`parallel_heading`, :func:`about_heading` or
    :func:`spoken_heading`."""
    return parallel_heading(units, i) or about_heading(units, i) or spoken_heading(units, i)


def subtitled(units: list, i: int) -> bool:
    """``units[i]``, one unpunctuated line (a headline, or a line read as a byline: 俄称… 乌称…), stands over a
    ——subtitle, under a paragraph that ends a sentence, with body text under the subtitle: a headline block, not
    a sub-heading.  Development pages (TRAIN news, seeds 30-49): of the short lines under a finished paragraph
    that the rules kept inside a story, 5 of 18 true headlines stand over a subtitle, none of 378 sub-headings."""
    if not (0 < i < len(units) - 2) or units[i].kind not in ("short", "byline?") or punctuated(units[i].text):
        return False
    above, sub, below = units[i - 1], units[i + 1], units[i + 2]
    return (sub.kind == "subtitle" and above.kind == "para" and C.is_terminated(above.text)
            and below.kind == "para" and not units[i].start)


def rejoin_wrapped_headings(units: list[Unit]) -> None:
    """On a body-first page, a sub-heading wrapped over two rows whose short last row reads as a byline
    (美国芝加哥联储主席表示美关税政策或致美联储 | 推迟降息) closed the story as a headline over its byline.  The
    text below restates the two rows together (at least 0.3 of their bigrams, more than the line's share in the
    twelve units above), while a headline's byline stands over another story: the rows are one sub-heading of
    the story going on.  Development (TRAIN news seeds 30-49, one line under a paragraph over a guessed byline,
    ``byline?``): 6 of 7 wrapped sub-headings, 0 of 125 headlines over a byline.  A byline of a known form
    (记者 某某, 文/某某) is never taken."""
    i = 1
    while i + 2 < len(units):
        u, byl = units[i], units[i + 1]
        if units[i - 1].kind == "para" and u.kind in ("short", "subtitle") and byl.kind == "byline?":
            down = C.affinity(u.text + byl.text, "".join(v.text for v in units[i + 2:i + 5])[:200])
            if down >= 0.3 and down > C.affinity(u.text, "".join(v.text for v in units[max(0, i - 12):i])):
                merge(u, byl)
                u.kind = "short"
                del units[i + 1]
        i += 1


def opened_unseen(title: str, body: list[Unit]) -> int | None:
    """In a continuation (（上接…）) closed by a headline whose story's lede restates it too little to be found
    paragraph by paragraph: the first paragraph (after a finished one) from which the next three units restate
    the headline (at least 0.3 of its bigrams) while the continuation above shares none of it (at most 0.05)."""
    best, at = 0.0, None
    for p in range(1, len(body)):
        if body[p].kind != "para" or not C.is_terminated(body[p - 1].text):
            continue
        window = C.affinity(title, "".join(u.text for u in body[p:p + 3]))
        if window >= 0.3 and window > best and C.affinity(title, "".join(u.text for u in body[:p])) <= 0.05:
            best, at = window, p
    return at
