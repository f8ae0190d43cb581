"""Synthetic raw pages with known article structure, typeset in many layouts, from ``../shared/corpora/``.

Content: 新闻联播 stories (``xwlb_cctv.jsonl.gz``: title + paragraphs, roundups skipped) and excerpts of the
central reports (``central_reports.jsonl``: speeches and reports with headings and greetings).  Page
furniture (banners, TOC, mastheads, page numbers, running heads, captions, ads, pull quotes) and provenance
(bylines, datelines, 来源 lines, end marks, continuation markers) are generated here, from small word lists that
live in this file only: the segmenter never sees them.

Layout families come in two sets.  ``TRAIN`` families may be used to tune and train; ``HELDOUT`` families
recombine the same phenomena in ways the training set never shows (other widths, other furniture, other
combinations) and are only ever scored.  Every page is a :class:`segcases.Case` (a label for every line).

Example
-------
    from segsynth import pages
    for case in pages("heldout", 2, seed=14):
        print(case.family, len(case.lines), len(case.articles()))
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
from functools import lru_cache
from pathlib import Path

from segcases import Case, Label

from topics.segment.typeset import wrap

# ../shared/corpora relative to the project root; TOPICS_CORPORA overrides (a git worktree lives elsewhere)
CORPORA = Path(os.environ.get("TOPICS_CORPORA") or Path(__file__).resolve().parents[2] / "shared" / "corpora")
_END = "。！？!?…"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志宏晓云海波宁斌凯浩文博雪琳晨阳"
PROVINCES = ["北京", "天津", "河北", "山西", "辽宁", "吉林", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北",
             "湖南", "广东", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "宁夏", "新疆", "海南", "重庆", "广西"]
UNITS = ["发展改革委", "财政厅", "教育厅", "科技厅", "自然资源厅", "生态环境厅", "住房城乡建设厅", "交通运输厅", "水利厅",
         "农业农村厅", "商务厅", "文化和旅游厅", "卫生健康委", "审计厅", "市场监管局", "统计局", "医保局", "机关事务管理局"]
PAPERS = ["日报", "晚报", "时报", "法治报", "经济报", "农民报"]
COLUMNS = ["要闻", "综合", "理论", "经济", "评论", "专题", "特别策划", "基层党建", "调查研究", "学习园地", "他山之石", "工作交流"]


def corpora_available() -> bool:
    return (CORPORA / "xwlb_cctv.jsonl.gz").exists() and (CORPORA / "central_reports.jsonl").exists()


def _terminated(s: str) -> bool:
    s = s.rstrip("”’）)」』】》")
    return bool(s) and (s[-1] in _END or s.endswith(("——", "：", "；")))


def _kind(p: str) -> str:
    return "para" if _terminated(p) or len(p) > 60 else "heading"


def _rejoin(paras: list[str]) -> list[str]:
    """Re-join a paragraph the source cut mid-sentence (an unterminated text too long for a heading; in the
    wiki sources a link split a sentence) with the paragraph that follows."""
    out: list[str] = []
    for p in paras:
        if out and not _terminated(out[-1]) and len(out[-1]) > 60:
            out[-1] += p
        else:
            out.append(p)
    return out


@lru_cache(maxsize=None)
def stories() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """新闻联播 stories: (title, ((kind, paragraph), ...)), prefix 央视网消息（新闻联播）： removed."""
    out = []
    with gzip.open(CORPORA / "xwlb_cctv.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r.get("is_roundup") or not r.get("title"):
                continue
            text = re.sub(r"^\W*央视网消息（新闻联播）：", "", r["text"].replace("\xa0", " "))
            paras = _rejoin([p.strip() for p in text.split("\n") if p.strip()])
            if len(paras) >= 2 and 150 <= sum(map(len, paras)) <= 4000 and _terminated(paras[-1]):
                out.append((r["title"].strip(), tuple((_kind(p), p) for p in paras)))
    return tuple(out)


@lru_cache(maxsize=None)
def reports() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Central reports: (title, paragraphs), wikisource boilerplate cut, broken link fragments re-joined."""
    out = []
    for line in (CORPORA / "central_reports.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        text = r["text"].replace("\u200b", "")
        cut = re.search(r"\n{6,}(本作品|这部作品|此作品|注：|Public domain)", text)
        raw = [p.strip() for p in (text[: cut.start()] if cut else text).split("\n") if p.strip()]
        paras: list[str] = []
        for p in raw:
            if paras and (p[0] in "。，、；：）》”" or paras[-1][-1] in "《（“" or (len(p) <= 20 and not _terminated(paras[-1])
                                                                       and not _terminated(p))):
                paras[-1] += p
            else:
                paras.append(p)
        body = _rejoin([p for p in paras if p != r["title"] and len(p) > 1])
        if sum(map(len, body)) > 2000:
            out.append((r["title"], tuple((_kind(p), p) for p in body)))
    return tuple(out)


# ------------------------------------------------------------------------------------------ words
def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))


def org(rng: random.Random) -> str:
    return (rng.choice(["", rng.choice(PROVINCES)]) + rng.choice(["省", "市", "自治区", "县"]) + rng.choice(UNITS)
            + rng.choice(["党组", "机关党委", "直属机关党委", "课题组", "党支部", "研究室", ""]))


def banner(rng: random.Random) -> str:
    """A page or column banner (noise): page and section, a date, or a column heading over the page."""
    return rng.choice([
        lambda: f"第{rng.randint(2, 16)}版 {rng.choice(COLUMNS)}", lambda: f"{date(rng)} 星期{rng.choice('一二三四五六日')}",
        lambda: rng.choice(["LOCAL NEWS", "TODAY", "NEWS", "FOCUS"]),
        lambda: f"{rng.choice(PROVINCES)}{rng.choice(COLUMNS)}工作会议现场报道", lambda: f"聚焦{rng.choice(COLUMNS)}",
        lambda: f"{rng.choice(COLUMNS)}·{rng.choice(COLUMNS)}", lambda: f"{rng.choice(COLUMNS)}新闻"])()


def with_headings(rng: random.Random, paras):
    """A feature story with section headings: a clause of the paragraph that follows, plain, after ■, numbered,
    or as a lead-in ending in ——."""
    paras = list(paras)
    if len(paras) < 4 or rng.random() < 0.6:
        return paras
    style = rng.choice(["plain", "plain", "square", "number", "dash"])
    out, n = [], 0
    for i, (kind, text) in enumerate(paras):
        if i and kind == "para" and rng.random() < 0.35:
            head = re.split(r"[。；！？，]", text)[0][:30]
            if len(head) >= 6:
                n += 1
                if style == "dash":
                    out.append(("para", head + "——"))
                else:
                    prefix = {"plain": "", "square": "■ ", "number": "一二三四五六七八九"[min(n, 9) - 1] + "、"}[style]
                    out.append(("heading", prefix + head))
        out.append((kind, text))
    return out


def paper(rng: random.Random) -> str:
    return rng.choice(PROVINCES) + rng.choice(PAPERS)


def date(rng: random.Random) -> str:
    return f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日"


def byline(rng: random.Random) -> str:
    return rng.choice([
        lambda: f"本报记者 {name(rng)}", lambda: f"记者 {name(rng)} {name(rng)}", lambda: f"通讯员 {name(rng)}",
        lambda: name(rng), lambda: org(rng), lambda: f"{org(rng)}书记 {name(rng)}", lambda: f"□ {name(rng)}",
        lambda: f"文/{name(rng)}", lambda: "本刊评论员"])()


def dateline(rng: random.Random) -> str:
    return rng.choice([
        lambda: f"本报讯（记者 {name(rng)}）", lambda: f"新华社北京{date(rng)}电 （记者{name(rng)}）",
        lambda: f"本报{rng.choice(PROVINCES)}{date(rng)}电（记者{name(rng)}）", lambda: f"新华社北京{date(rng)}电 ",
        lambda: f"{paper(rng)}讯（通讯员{name(rng)}）"])()


def page_number(rng: random.Random, style: str, n: int) -> str:
    return {"plain": str(n), "dash": f"— {n} —", "hyphen": f"- {n} -", "dots": f"·{n}·", "page": f"第{n}页",
            "of": f"{n}/{n + rng.randint(3, 9)}"}[style]


# ------------------------------------------------------------------------------------------ page
class Page:
    """Lines with labels, built element by element."""

    def __init__(self, rng: random.Random, blank_rate: float = 0.0, page_lines: int = 0, furniture=None):
        self.rng, self.lines, self.labels, self.titles = rng, [], {}, []
        self.art, self.block, self.blank_rate = -1, 0, blank_rate
        self.page_lines, self.on_page, self.furniture, self.page_no = page_lines, 0, furniture, rng.randint(2, 60)

    def article(self, title: str | None) -> int:
        self.art += 1
        self.titles.append(title)
        return self.art

    def new_block(self) -> int:
        self.block += 1
        return self.block

    def blank(self, n: int = 1) -> None:
        self.lines += [""] * n

    def add(self, text: str, role: str, block: int | None = None, art: int | None = -2, cat: str | None = None,
            paginate: bool = True) -> None:
        self.lines.append(text)
        self.labels[len(self.lines)] = Label(role, self.art if art == -2 else art, block, cat)
        if self.rng.random() < self.blank_rate:
            self.blank()
        self.on_page += 1
        if paginate and self.page_lines and self.on_page >= self.page_lines and self.furniture:
            self.on_page = 0
            self.page_no += 1
            self.furniture(self)

    def noise(self, text: str, cat: str, art: int | None = None) -> None:
        self.add(text, "noise", None, art, cat, paginate=False)

    def case(self, name: str, family: str, split: str, cues: str | None = None) -> Case:
        """The page as a Case; ``cues``: ``"pdf"`` (font size and bold, page numbers) or ``"docx"`` (heading
        levels and bold), as those readers would report them, else plain text."""
        while self.lines and not self.lines[-1]:
            self.lines.pop()
        case = Case(name, family, split, self.lines, self.labels, self.titles)
        if cues:
            case.cues = layout_cues(self, cues)
        return case


def layout_cues(pg: "Page", kind: str) -> dict[int, dict]:
    """Per-line cues by role: headlines larger and bold (PDF) or heading level 0 (DOCX); in-article headings
    bold, level 1; furniture smaller; a share of cues missing, as extraction leaves them."""
    rng = pg.rng
    title_size, page, out = rng.uniform(1.25, 2.2), 1, {}
    for n, lab in sorted(pg.labels.items()):
        if lab.category == "page_number":
            page += 1
        if rng.random() < 0.1:
            continue
        role = lab.role
        if kind == "pdf":
            size = {"title": title_size, "heading": rng.choice([1.0, 1.1, 1.2]), "byline": rng.choice([0.9, 1.0]),
                    "meta": 0.9, "noise": rng.choice([0.8, 0.9, 1.0, 1.5])}.get(role, 1.0)
            out[n] = {"size": round(size, 2), "bold": role in ("title", "heading"), "page": page}
        else:
            out[n] = {"heading": {"title": 0, "heading": 1}.get(role), "bold": role in ("title", "heading")}
    return out


def mode_for(rng: random.Random, allowed: tuple[str, ...], width=(12, 30)) -> tuple:
    """A line model: ("wrap", width, indent), ("rand", lo, hi, indent), ("line",) or ("cut", width)."""
    kind = rng.choice(allowed)
    indent = rng.choice(["none", "lost", "kept"])
    if kind == "wrap":
        return ("wrap", rng.randint(*width), indent)
    if kind == "rand":
        return ("rand", width[0], width[1] + 6, indent)
    if kind == "cut":
        return ("cut", rng.randint(20, 34), rng.choice([0.5, 0.55, 0.6, 0.7]))
    return ("line",)


def rows_for(rng: random.Random, text: str, mode: tuple, first: bool = True) -> list[str]:
    if mode[0] == "wrap":
        return wrap(text, mode[1], indent=mode[2] if first else "none")
    if mode[0] == "rand":
        return wrap(text, rng.randint(mode[1], mode[2]), indent=mode[3] if first else "none")
    if mode[0] == "cut" and first:
        # a DOCX page rendered to text: the first visual line is cut where the rendered width reaches the
        # column; digits and Latin letters are narrower than an ideograph by a font-dependent amount
        narrow, width, k = mode[2] if len(mode) > 2 else 0.5, 0.0, 0
        while k < len(text) and width + (narrow if ord(text[k]) < 0x2E80 else 1.0) <= mode[1]:
            width += narrow if ord(text[k]) < 0x2E80 else 1.0
            k += 1
        return [text[:k], text[k:]] if k < len(text) - 4 else [text]
    return [text]


def caption_text(rng: random.Random) -> str:
    return rng.choice([
        lambda: f"{org(rng)}干部在{rng.choice(PROVINCES)}开展{rng.choice(COLUMNS)}调研",
        lambda: f"为推进{rng.choice(COLUMNS)}工作，{org(rng)}赴基层开展调研",
        lambda: f"图为{rng.choice(PROVINCES)}{rng.choice(COLUMNS)}工作现场。 {name(rng)} 摄",
        lambda: f"（图为会议现场 {name(rng)} 摄）"])()


def body(pg: Page, paras, mode: tuple, *, gap: float = 0.0, end_mark: str = "", lead: str = "",
         split_para: float = 0.0, caption: float = 0.0, blocks: list[int | None] | None = None,
         continued: bool = False) -> list[int]:
    """Body paragraphs in a line model (``mode_for``); ``gap``: chance of a blank line after a paragraph;
    ``split_para``: chance a paragraph is cut by a page break (blank lines, 1 or 3); ``caption``: chance a photo
    caption is printed inside or after a paragraph; ``blocks``: block ids to reuse (a paragraph continued from
    an earlier part); ``continued``: the first paragraph continues one begun elsewhere.  Returns the block ids."""
    rng, ids = pg.rng, []
    for i, (kind, text) in enumerate(paras):
        text = (lead + text) if i == 0 else text
        text = text + end_mark if i == len(paras) - 1 else text
        b = (blocks[i] if blocks and i < len(blocks) and blocks[i] is not None else None) or pg.new_block()
        ids.append(b)
        rows = rows_for(rng, text, mode, first=not (continued and i == 0))
        if len(rows) == 1 and kind == "para" and len(text) > 40 and rng.random() < split_para:
            k = rng.randint(10, len(text) - 10)
            rows = [text[:k], text[k:]]
        cap_at = rng.randint(1, len(rows)) if rng.random() < caption else None
        for r, row in enumerate(rows):
            if r and split_para and mode[0] == "line":
                pg.blank(rng.choice([1, 3]))
            if cap_at is not None and r == cap_at:
                pg.noise(caption_text(rng), "caption", pg.art)
            pg.add(row, kind, b)
        if cap_at == len(rows):
            pg.noise(caption_text(rng), "caption", pg.art)
        if gap and rng.random() < gap:
            pg.blank()
    return ids


def headline(pg: Page, title: str, rng: random.Random, *, kicker: bool = False, subtitle: bool = False) -> None:
    b = pg.new_block()
    if kicker and rng.random() < 0.3:
        pg.add(f"{rng.choice(PROVINCES)}扎实推进{rng.choice(COLUMNS)}工作", "title", b)
    pg.add(title, "title", b)
    if subtitle and rng.random() < 0.25:
        pg.add(f"——{rng.choice(PROVINCES)}{rng.choice(['推动', '深化', '做好'])}{rng.choice(COLUMNS)}工作纪实", "title", b)


def pool(rng: random.Random, kinds=("stories", "reports")):
    """Items for one page: half the pages draw from one topic (excerpts of one report, or stories of a few
    neighbouring days), so that neighbouring articles share vocabulary as they do in a real compilation."""
    kind = rng.choice(kinds)
    items = stories() if kind == "stories" else reports()
    if rng.random() < 0.5:
        if kind == "reports":
            items = (rng.choice(items),)
        else:
            at = rng.randrange(len(items) - 40)
            items = items[at: at + 40]
    return items


def pick(rng: random.Random, items, lo: int, hi: int):
    title, paras = rng.choice(items)
    paras = list(paras)
    if len(paras) > hi:
        start = rng.randrange(0, len(paras) - hi + 1)
        paras = paras[start: start + rng.randint(lo, hi)]
    while paras and paras[-1][0] == "heading":
        paras.pop()
    return title, paras


def news_items(rng: random.Random, k: int):
    return [pick(rng, stories(), 2, 12) for _ in range(k)]


def news_pick(rng: random.Random, items, lo: int, hi: int):
    title, paras = pick(rng, items, lo, hi)
    return title, with_headings(rng, paras)




def meta(pg: Page, text: str) -> None:
    pg.add(text, "meta", pg.new_block())
