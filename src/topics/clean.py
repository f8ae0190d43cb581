"""Line recognisers used by :mod:`topics.segment` on cleaned lines: bylines, source notes, continuation
markers, enumerated headings, speech formulas, datelines, TOC entries, pull-quote blocks, and two text
measures (:func:`word_spans`: a jieba word across a line break; :func:`affinity`: which article a fragment
resembles). The ``str -> str`` cleaning they run on lives in :mod:`topics.text`.

>>> parse_source_start("来源：《求是》2024/02统一战线是党的总路线总政策的重要组成部分。")
('《求是》2024/02', '统一战线是党的总路线总政策的重要组成部分。')
>>> byline_strength("本报记者 包松娅"), byline_strength("省财政厅直属机关党委"), byline_strength("刘伟")
(2, 1, 1)
>>> split_dateline("科技日报讯（记者刘垠）2月2日晚，科技部官网发布")
('科技日报讯', '记者刘垠', '2月2日晚，科技部官网发布')
"""

from __future__ import annotations

import re
from importlib import resources

from .text import (  # noqa: F401  (segment.py reads these through this module)
    BOOKMARK_RE,
    clean_line,
    clean_paragraph,
    clean_title,
    ends_sentence,
    is_han as is_cjk,
    join_wrapped,
    strip_bookmarks,
    strip_end_mark,
    text_width,
)

# Only the numbered kind is glued reliably to a title line (the named kind is often misplaced).
TITLE_BOOKMARK_RE = re.compile(r"\[bookmark:\s*_bookmark(\d+)\s*\]")

# ---------------------------------------------------------------- recognisers (used by topics.segment)

_NUM = "一二三四五六七八九十百零〇两"
# Enumerated headings and paragraph-initial enumerators (R12): never article boundaries.
ENUM_RE = re.compile(
    rf"^(第[{_NUM}]+[，、,]|[{_NUM}]+[、.．]|[（(][{_NUM}\d]+[）)]|\d{{1,2}}[.．、](?!\d)|[■●◆▲★◎※]\s*\S"
    rf"|[{_NUM}](是|要|在)[^，。]{{0,2}})"
)
# A line that is only a paywall marker: export markup (``##paid##``, ``## paid end ##``) or a notice
# framed by dashes or brackets (``——以下为付费内容——``, ``【试读结束】``, ``付费内容结束``).
_FRAME = r"[\s#—–\-－=*·【】\[\]（）()<>《》]*"
PAYWALL_RE = re.compile(
    r"^#{2,}\s*/?\s*paid[\w ]*#{2,}$"
    rf"|^{_FRAME}(以下(为|是)?付费(内容|阅读|部分)|付费(内容|阅读|部分)(开始|结束|如下)|试读(结束|部分结束)"
    rf"[^。]{{0,16}}){_FRAME}$",
    re.I,
)


def hint_words(name: str) -> tuple[str, ...]:
    """Optional hint list ``topics/data/segment/<name>.txt`` (publishers, ad markers, known sources): one entry
    per line, ``#`` starts a comment.  Hints make a rule more precise; no rule needs them."""
    text = resources.files("topics").joinpath("data", "segment", f"{name}.txt").read_text(encoding="utf-8")
    return tuple(x for x in (ln.split("#", 1)[0].strip() for ln in text.splitlines()) if x)


AD_RE = re.compile("|".join(re.escape(w) for w in hint_words("ads")))
# A web blurb's cue: a link, a social-media handle (微信：abc123) or a call to follow an account (关注…公众号).  Official
# text cites a website only inside a longer paragraph (新闻联播: 3 of 132,305 paragraphs, each of several sentences;
# central reports: 0 of 11,132 paragraphs), so the cue drops a line only when the line stands alone (web_blurb).
WEB_CUE_RE = re.compile(
    r"https?://|www\.[A-Za-z0-9-]+\.|(?<![@A-Za-z0-9.-])[A-Za-z0-9-]+\.(?:com|cn|net|org)(?![A-Za-z])"
    r"|(?:微信号?|QQ)\s*[:：]\s*[A-Za-z0-9_-]{4,}|关注.{0,8}(?:公众号|订阅号|视频号)",
    re.I,
)


def web_blurb(text: str, above: str | None, below: str | None) -> bool:
    """``text`` is a web blurb to drop: one sentence holding a link, a handle or a follow call, set apart from the
    text around it -- the line above (``None``: blank, dropped or none) ends a paragraph or is a blurb, and the line
    ends a sentence or the line below is blank, the file's end, a paywall marker or another blurb.  A wrapped
    paragraph's row that mentions a website runs on into the next row and stays text; a masthead's 网址 / 电子信箱
    field is left to the masthead, a source line (来源：… www…) to provenance."""
    t = text.strip()
    if (not WEB_CUE_RE.search(t) or MASTHEAD_RE.match(t) or re.search(r"来源\s*[：:]", t)
            or re.search(r"[。！？!?]", t.rstrip("。！？!?”’」』）)"))
            or len(re.findall(r"[，,；;、]", t)) > 3):  # a blurb is a few clauses, not a run-on text without 。
        return False
    def blurb(s: str) -> bool:  # (a neighbour that is an ad or holds a web cue)
        return bool(WEB_CUE_RE.search(s) or AD_RE.search(s))

    apart_above = above is None or is_terminated(above) or blurb(above)
    apart_below = ends_sentence(t) or below is None or bool(PAYWALL_RE.match(below)) or blurb(below)
    return apart_above and apart_below


# Genre nouns that end headlines of speeches, reports and documents (…上的讲话, …情况汇报): optional hints.
GENRE_END_RE = re.compile("(" + "|".join(re.escape(w) for w in hint_words("genres")) + ")$")
# a headline led by its genre label before a colon (心得体会：…, 发言提纲：…)
GENRE_LABEL_RE = re.compile("^[\u4e00-\u9fff]{0,4}(" + "|".join(map(re.escape, hint_words("genres"))) + ")[：:]")


def genre_title(t: str) -> bool:
    """A headline naming its genre: …的讲话, …情况汇报, or a genre label before a colon (心得体会：…)."""
    return bool(GENRE_END_RE.search(t) or GENRE_LABEL_RE.match(t))

MARKER_RE = re.compile(r"^[（(]\s*(上接|接上|下转|转下|转第|接第)\s*([^（）()]{0,12})[）)]$")
SOURCE_END_RE = re.compile(r"^[（(]\s*来源[：:]\s*([^（）()]+?)\s*[）)]$")
AUTHOR_SOURCE_RE = re.compile(r"^[（(](作者[^（）()]+)[）)]\s*[（(]\s*来源[：:]\s*([^（）()]+?)\s*[）)]$")
AUTHOR_NOTE_RE = re.compile(r"^[（(]\s*(作者(系|为|单位|简介)?[：:]?[^（）()]+)[）)]$")
CREDIT_RE = re.compile(r"^[（(]\s*((课题组(组长|成员)|执笔人?|撰稿人?|撰文|责任编辑|责编|编辑|审核|校对)[：:][^（）()]+)[）)]$")
# a photo caption, in brackets or set on its own line ending in the photographer's credit (图为… 某某 摄)
CAPTION_RE = re.compile(r"^[（(]\s*(图为|图片|资料图|照片)[^（）()]*[）)]$|^[（(][^（）()]{0,40}\s摄[）)]$|^(图为|图片|资料图|照片)[^（）()]{0,40}[。\s]\s*[\u4e00-\u9fff]{2,4}\s*摄$")
PHOTO_CREDIT_RE = re.compile(r"\s([\u4e00-\u9fff]{2,4}(?:\s[\u4e00-\u9fff]{2,4})*)\s摄")
CLOSING_DATELINE_RE = re.compile(r"^[（(]\s*((新华社|中新社|本报|人民日报)[\u4e00-\u9fff]{0,8}\d{1,2}月\d{1,2}日电)\s*[）)]$")
# The signing date under an official document: 2024年1月5日 / 二〇二四年一月五日
SIGNING_DATE_RE = re.compile(r"^((\d{4}|[〇零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,3}月[\d一二三四五六七八九十]{1,3}日)$")
NOTE_RE = re.compile(r"^※")
START_SOURCE_RE = re.compile(r"^来源[：:]\s*")
GREETING_RE = re.compile(
    r"^(尊敬的[^：。]{1,30}|((各位|全体|在座的)[\u4e00-\u9fff]{1,6}[，、])*(同志们|各位[\u4e00-\u9fff]{1,4}|同学们|朋友们))[：:]$"
)
CLOSING_RE = re.compile(
    r"^[^。]{0,12}(谢谢大家|谢谢各位|谢谢！|谢谢。|批评指正|我就讲这些|我就讲这么多|发言完毕|汇报完毕|讲话完毕)"
)
ADDRESS_PREFIX_RE = re.compile(r"^(同志们|各位代表|各位领导|各位委员)[！!，,]")
# 科技日报讯（记者刘垠） / 本报讯 / 科技日报北京2月3日电（记者何亮） / 新华社北京2月3日电
DATELINE_RE = re.compile(
    r"^((?:本报|本刊|[\u4e00-\u9fff]{2,8}?(?:日报|晚报|时报|报|网|社|电视台))(?:[\u4e00-\u9fff]{0,6}?\d{1,2}月\d{1,2}日电|讯))"
    r"\s*(?:[（(]([^（）()]{1,30})[）)])?\s*"
)
STRONG_BYLINE_RE = re.compile(  # 本报记者 包松娅 / 通讯员 李兵 范锦招 / 特约评论员 / 记者 何亮
    r"^(本报记者|本刊记者|特约记者|本报通讯员|通讯员|特约评论员|本刊评论员|本报评论员)(\s?[\u4e00-\u9fff]{2,3}){0,4}$"
    r"|^记者\s?[\u4e00-\u9fff]{2,3}$"
)
# 文/X, 文｜X, □ X: a writer's credit, set as a byline under a newspaper headline (the shape credits a photo too)
CREDIT_BYLINE_RE = re.compile(r"^(文\s?[/／|｜]|□)\s?[\u4e00-\u9fff]{2,4}(\s[\u4e00-\u9fff]{2,4}){0,2}$")
_ORG_SUFFIX = r"(党委|党组|党支部|党总支|工委|机关工委|课题组|评论员|研究室|研究院|研究中心|编辑部|委员会|办公室|办公厅|小组|党小组)"
ORG_BYLINE_RE = re.compile(rf"^[\u4e00-\u9fff（）()]{{2,30}}{_ORG_SUFFIX}$")
_POSITION = r"(书记|副书记|主任|局长|厅长|部长|院长|主席|校长|教授|研究员|主委|会长|社长|处长|干部)"
POSITION_BYLINE_RE = re.compile(
    rf"^[\u4e00-\u9fff（）()]{{2,30}}{_POSITION}(\s*[\u4e00-\u9fff]{{2,4}}|\s[\u4e00-\u9fff]\s?[\u4e00-\u9fff])?$"
)
# a speaker's post and name under a speech's title, without the body's name: 书记 王某某, 市长 李明
# 记者 马华辉 曹英: two or more reporters after a bare 记者 -- byline-shaped (a byline only next to a headline)
MULTI_REPORTER_RE = re.compile(r"^记者(\s[\u4e00-\u9fff]{2,3}){2,4}$")
POST_NAME_RE = re.compile(r"^(省长|市长|县长|区长|书记|副书记|主任|局长|厅长|部长)\s?[\u4e00-\u9fff]{2,3}$")
NAME_RE = re.compile(r"^[\u4e00-\u9fff](\s?[\u4e00-\u9fff]){1,3}$")
TRAILING_CREDIT_RE = re.compile(r"([。！？”])\s*[（(]((?:[\u4e00-\u9fff]{2,4}\s*){1,4})[）)]$")
TOC_HEADER_RE = re.compile(r"^(CONTENTS|Contents)|^目\s*录$|^本期导读$")
TOC_ENTRY_RE = re.compile(r"(\s|\t|[.…·]{3,})\d{1,3}$|\t|^[.…·]{3,}|^[-—_=]{5,}")
DOT_LEADER_RE = re.compile(r"[.…·]{4,}\s*\d{1,3}$")
MASTHEAD_RE = re.compile(
    r"^(主\s*管|主\s*办|编委|编\s*委|总\s*编|副\s*总\s*编|主\s*编|责任编辑|执行编辑|美术编辑|编辑出版|出\s*版|地\s*址|"
    r"邮\s*编|电\s*话|传\s*真|准印证|刊\s*号|国内统一|内部资料|欢\s*迎\s*来\s*稿|电子信箱|投稿邮箱|网\s*址|印刷|发送范围|发行|定\s*价)"
)
# Known source names (for 来源：X glued to the body without a separator; package data hints, longest first),
# then generic shapes.
KNOWN_SOURCES = tuple(sorted(hint_words("sources"), key=len, reverse=True))
_GENERIC_SOURCE_RE = re.compile(
    r"^(《[^》]{1,20}》(?:\s?\d{4}\s?/\s?\d{1,2}|\d{4}年第\d+期)?"
    r"|[\u4e00-\u9fff]{1,10}?(?:日报|晚报|时报|官网|网|杂志|客户端|公众号|电视台|通讯社|新华社))"
)


def is_terminated(s: str) -> bool:
    """A paragraph may end here: sentence-final punctuation, or ``——`` / ``：`` / ``；`` (R1 notes)."""
    s = s.rstrip()
    return ends_sentence(s) or s.endswith(("——", "：", "；", ":", ";"))


def one_phrase(s: str) -> bool:
    """At most one clause or sentence mark: a phrase, or two clauses (a caption's shape, not a run of text)."""
    return len(re.findall(r"[，。；：、！？,;:]", s)) <= 1


def starts_enumerated(s: str) -> bool:
    return bool(ENUM_RE.match(s))


def parse_source_start(s: str) -> tuple[str, str] | None:
    """``来源：<name><body>`` with the name glued to the body: split by a known list, then generic shapes."""
    m = START_SOURCE_RE.match(s)
    if not m:
        return None
    rest = s[m.end():]
    for name in KNOWN_SOURCES:
        if rest.startswith(name):
            return name, rest[len(name):].lstrip()
    g = _GENERIC_SOURCE_RE.match(rest)
    if g:
        return g.group(1).replace(" ", ""), rest[g.end():].lstrip()
    cut = re.search(r"[ ，。]", rest)
    if cut and cut.start() <= 20:
        return rest[: cut.start()], rest[cut.end():].lstrip()
    return rest, ""


def byline_strength(s: str) -> int:
    """2 = certainly a byline (``本报记者 X``), 1 = byline-shaped (unit, position or bare name: only a byline
    next to a headline), 0 = not a byline."""
    if text_width(s) > 32 or is_terminated(s) or re.search(r"[，。；：！？、“”]", s):
        return 0
    if STRONG_BYLINE_RE.match(s):
        return 2
    if (ORG_BYLINE_RE.match(s) or POSITION_BYLINE_RE.match(s) or NAME_RE.match(s) or POST_NAME_RE.match(s)
            or MULTI_REPORTER_RE.match(s)):
        return 1
    return 0


def split_dateline(s: str) -> tuple[str, str | None, str] | None:
    """Split a lead dateline (``科技日报讯（记者刘垠）``, ``本报讯``, ``…北京2月3日电（记者何亮）``) off a paragraph:
    returns (dateline, credit or None, rest) or None."""
    m = DATELINE_RE.match(s)
    if not m:
        return None
    return m.group(1), m.group(2), s[m.end():]


def split_trailing_credit(s: str) -> tuple[str, str] | None:
    """``…暖民心。 （胡方玉 宋海珊）`` -> (``…暖民心。``, ``胡方玉 宋海珊``): names only, after a sentence end."""
    m = TRAILING_CREDIT_RE.search(s)
    if not m:
        return None
    return s[: m.start()] + m.group(1), m.group(2).strip()


def is_formula(s: str) -> str | None:
    """``greeting`` (同志们：), ``closing`` (谢谢大家！ …批评指正) or None; only short standalone paragraphs."""
    if text_width(s) > 40:
        return None
    if GREETING_RE.match(s):
        return "greeting"
    if CLOSING_RE.match(s) and is_terminated(s):
        return "closing"
    return None


# words that open a sentence with 的 (的确 "indeed", 的士/的哥 "taxi"); any other 的 opening a line follows a noun
# phrase cut by the line break
_DE_WORDS = ("的确", "的士", "的哥")


def continuation_start(s: str) -> bool:
    """Text that can only be the second half of a sentence cut by a page break or an interleaved column:
    starts with a closing mark, with ``的``, with a 1–4 character tail before a sentence end (``精神。科学…``),
    or closes a quotation it never opened (``彩吉林奋斗有我”…``)."""
    if not s:
        return False
    if s[0] in "，。、；：！？）》」』”’":
        return True
    if s[0] == "的" and len(s) > 1 and is_cjk(s[1]) and not s.startswith(_DE_WORDS):
        return True
    if re.match(r"^[\u4e00-\u9fff]{1,4}[。；”]|^[\u4e00-\u9fff][，、]", s) and not starts_enumerated(s):
        return True
    close = s.find("”")
    opening = s.find("“")
    return close != -1 and (opening == -1 or close < opening) and close < 30


_jieba = None


def common_word(s: str) -> bool:
    """``s`` is one word of jieba's dictionary (a frequency above 0) not tagged as a person's name (共识, not
    王伟): a line of it is no bare-name byline.  jieba is loaded on first use."""
    jb = _dictionary()
    import jieba.posseg

    return bool(jb.dt.FREQ.get(s)) and not (jieba.posseg.dt.word_tag_tab.get(s) or "").startswith("nr")


def common_words(s: str) -> bool:
    """``s`` is one common word or, name-sized (up to four characters), cuts into common words of two
    characters each (协调联动 = 协调 + 联动): a line of them is the tail of a wrapped headline, no bare-name
    byline (a name leaves a one-character surname or given name: 张 + 建国).  A longer line (an organisation,
    省委 + 宣传部) is left to the byline patterns."""
    if common_word(s):
        return True
    if len(s) > 4:
        return False
    toks = list(_dictionary().cut(s, HMM=False))
    return len(toks) >= 2 and all(len(t) >= 2 and common_word(t) for t in toks)


def _dictionary():
    """jieba, loaded on first use (quiet), with its dictionary read: jieba fills ``dt.FREQ`` only on its first
    cut, and ``common_word`` must not depend on whether something was cut before it."""
    global _jieba
    if _jieba is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.ERROR)
        jieba.dt.check_initialized()
        _jieba = jieba
    return _jieba


def word_spans(a: str, b: str) -> bool:
    """True when a dictionary word runs across the break between ``a`` and ``b`` and leaves a single
    character orphaned on one side (``夯实基层基`` + ``础，``: 基础) or is a compound of 3+ characters (``财政`` +
    ``管理``), evidence that ``a`` was hard-wrapped inside a word.  ``文章标题`` + ``为了`` is not (题为 is a
    word, but 标题 and 为了 are complete).
    jieba is loaded on first use."""
    if not (a and b and is_cjk(a[-1]) and is_cjk(b[0])):
        return False
    jb = _dictionary()
    left, right = a[-6:], b[:6]
    pos, across = 0, ""
    for tok in jb.cut(left + right, HMM=False):
        end = pos + len(tok)
        across = tok if pos < len(left) < end else across
        pos = end
    if not across:
        return False
    if len(across) >= 3:
        return True
    tail = list(jb.cut(left, HMM=False))[-1]
    head = next(iter(jb.cut(right, HMM=False)))
    return len(tail) == 1 or len(head) == 1


def ideograph_bigrams(s: str) -> set[str]:
    """The set of adjacent ideograph pairs of ``s`` (other characters left out)."""
    s = re.sub(r"[^\u4e00-\u9fff]", "", s)
    return {s[i: i + 2] for i in range(len(s) - 1)}


def affinity(fragment: str, reference: str) -> float:
    """Share of the fragment's ideograph bigrams that also occur in ``reference`` (0..1): which of two
    articles a stray fragment belongs to."""
    b = ideograph_bigrams(fragment)
    return len(b & ideograph_bigrams(reference)) / max(1, len(b))


def paren_number(s: str) -> int | None:
    """Number of a paragraph-initial ``（一）``…``（十）`` enumerator, else None."""
    m = re.match(r"^[（(]([一二三四五六七八九十])[）)]", s)
    return "一二三四五六七八九十".index(m.group(1)) + 1 if m else None


def join_headline(lines: list[str]) -> str:
    """Join the lines of one headline: directly when a word runs across the break (a wrapped headline),
    else with a space (kicker + headline, headline + subtitle, ``省纪委监委公开通报6起`` + ``群众身边…``)."""
    s = ""
    for t in lines:
        s = (join_wrapped(s, t) if word_spans(s, t) or not is_cjk(s[-1]) else s + " " + t) if s else t
    return s


def provenance(text: str) -> tuple[str, str, str | None] | None:
    """A standalone provenance line -> (kind, value, second value): ``source`` (``（来源：学习时报）``),
    ``author+source`` (``(作者系…)(来源：新华日报)``), ``author`` (``（作者系…）``), ``credit``
    (``（课题组组长：…）``), ``dateline`` (``（新华社北京2月3日电）``, a signing date ``2024年1月5日``), ``note``
    (``※这是…``)."""
    for kind, rx in (("author+source", AUTHOR_SOURCE_RE), ("source", SOURCE_END_RE), ("credit", CREDIT_RE),
                     ("author", AUTHOR_NOTE_RE), ("dateline", CLOSING_DATELINE_RE), ("dateline", SIGNING_DATE_RE)):
        if m := rx.match(text):
            return kind, m.group(1), m.group(2) if kind == "author+source" else None
    if NOTE_RE.match(text):
        return "note", text.lstrip("※"), None
    return None


def pull_quote_blocks(texts: list[str]) -> list[tuple[int, int]]:
    """Blocks ``[start, end)`` of pull-quote bullets: lines opening with ``·`` (and their wrapped continuation
    lines) whose text recurs in the lines that follow (R8: each bullet repeats a body sentence)."""
    squash = [re.sub(r"\s+", "", t) for t in texts]
    blocks, k = [], 0
    while k < len(texts):
        start = k
        while k < len(texts) and texts[k].startswith("·"):
            piece = squash[k].lstrip("·")
            if piece[:40] not in "".join(squash[k + 1: k + 200]):
                break
            k += 1
            while k < len(texts) and not texts[k].startswith("·") and (
                    (piece + squash[k])[-60:] in "".join(squash[k + 1: k + 200])):
                piece += squash[k]
                k += 1
        if k > start:
            blocks.append((start, k))
        else:
            k += 1
    return blocks


def dominant_width(widths: list[float]) -> float | None:
    """The width shared (within one unit) by at least 35% of the given cut lines, else None: DOCX output that
    breaks every paragraph's first visual line at the same width."""
    from collections import Counter

    cut = Counter(round(w * 2) / 2 for w in widths)
    if not cut:
        return None
    m = cut.most_common(1)[0][0]
    near = sum(v for w, v in cut.items() if abs(w - m) <= 1)
    return m if near >= 8 and near >= 0.35 * sum(cut.values()) else None
