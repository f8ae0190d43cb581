"""Layout families of synthetic pages (content and page primitives in ``segsynth.py``).

``TRAIN`` families may be used to tune and train; ``HELDOUT`` families are only ever scored.  Training families
draw their line model (column width and indent, a random width per paragraph, one paragraph per line, DOCX
first-line cut) at random per page; held-out families recombine the phenomena in ways training never shows:
widths outside the training range, newspaper jumps (下转/上接) with captions and page-foot lines, magazine
front matter with columns and running heads, speeches without any blank line and with page numbers,
body-first pages with a random width per paragraph and indented first lines.
``CANDIDATES`` are training families the shipped model was not yet trained on (``segtrain.py --candidates``).

Example
-------
    from seglayouts import pages
    for case in pages("heldout", 2, seed=14):  # case.source(): the text, or reader lines with cues (CUES)
        print(case.family, len(case.lines), len(case.articles()))
"""

from __future__ import annotations

import random
import re

from segsynth import (COLUMNS, PROVINCES, Page, banner, body, byline, dateline, date, headline, meta, mode_for,
                      name, news_pick, org, page_number, paper, pick, pool, stories)

from segcases import Case


def title_for(rng: random.Random, title: str, paras, items) -> str:
    """A report excerpt gets a headline of its own (the report's title would repeat on every excerpt): the
    first clause of one of its sentences, else a story headline."""
    if len(items) > 1 or not paras:
        return title
    for _, text in paras:
        first = re.split(r"[。；！？]", text)[0]
        first = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]", "", first).split("，")[0]
        if 6 <= len(first) <= 30:
            return first
    return rng.choice(stories())[0]


def sentences(paras) -> list[str]:
    return [s + "。" for _, p in paras for s in p.split("。") if 12 <= len(s) <= 60]


def toc_and_masthead(pg: Page, rng: random.Random, titles: list[str], fmt: str) -> None:
    """Magazine front matter: a table of contents (entries with page numbers) and a masthead, in either order."""
    toc = [lambda: pg.noise(rng.choice(["目录", "目  录", "CONTENTS", "本期导读", "CONTENTS 目录"]), "toc"),
           lambda: pg.noise(f"{rng.randint(2015, 2025)}年第{rng.randint(1, 24)}期", "toc")]
    page = rng.randint(2, 6)
    for title in titles:
        if rng.random() < 0.4:
            toc.append(lambda c=rng.choice(COLUMNS): pg.noise(c, "toc"))
        row = {"dots": f"{title}{'.' * rng.randint(4, 12)}{page}", "author": f"{title} {name(rng)} {page}",
               "tab": f"{title}\t{page}"}[fmt]
        if len(title) > 16 and rng.random() < 0.4:
            k = rng.randint(6, len(title) - 4)
            toc.append(lambda a=row[:k], b=row[k:]: (pg.noise(a, "toc"), pg.noise(b, "toc")))
        else:
            toc.append(lambda r=row: pg.noise(r, "toc"))
        page += rng.randint(2, 8)
    labels = ["主管", "主办", "编辑出版", "总编辑", "副总编辑", "责任编辑", "美术编辑", "地址", "邮编", "电话", "传真",
              "电子信箱", "印刷", "发行范围", "准印证号", "定价"]

    def value(lab: str) -> str:
        return {"地址": f"{rng.choice(PROVINCES)}市新华路{rng.randint(1, 999)}号", "邮编": str(rng.randint(100000, 860000)),
                "电话": f"0{rng.randint(10, 999)}-{rng.randint(1000000, 99999999)}", "传真": f"0{rng.randint(10, 999)}-{rng.randint(1000000, 9999999)}",
                "电子信箱": f"mag{rng.randint(1, 999)}@163.com", "定价": f"{rng.randint(5, 30)}.00元",
                "准印证号": f"({rng.choice('吉辽苏浙')}) LSZ{rng.randint(2010000, 2025999)}"}.get(
            lab, org(rng) if lab in ("主管", "主办", "编辑出版", "印刷") else name(rng))

    mast = [lambda lab=lab: pg.noise(f"{lab} {value(lab)}" if rng.random() < 0.7 else f"{lab}：{value(lab)}", "masthead")
            for lab in rng.sample(labels, rng.randint(6, len(labels)))]
    blocks = [toc, mast]
    rng.shuffle(blocks)
    for block in blocks:
        for f in block:
            f()
            if rng.random() < 0.5:
                pg.blank()


def furniture(style: str, head: str):
    """Page-foot/head lines printed when a page fills (page number, running head, blank lines)."""
    def f(pg: Page) -> None:
        pg.blank(pg.rng.choice([0, 1, 2]))
        if style != "none":
            pg.noise(page_number(pg.rng, style, pg.page_no), "page_number")
        if head:
            pg.noise(head if pg.rng.random() < 0.5 else f"{head} {pg.page_no}", "running_head")
        pg.blank(pg.rng.choice([0, 1, 3]))
    return f


def magazine_item(pg: Page, rng: random.Random, title: str, paras, mode, *, blocks=None, continued=False,
                  head=True, tail=True) -> list[int]:
    """One magazine article (or one part of it): headline, byline, body, end mark and source line."""
    if head:
        headline(pg, title, rng, kicker=True)
        pg.blank(rng.choice([0, 1]))
        if rng.random() < 0.8:
            b, who = pg.new_block(), byline(rng)
            for part in (who.split(" ", 1) if " " in who and rng.random() < 0.3 else [who]):
                pg.add(part, "byline", b)
            pg.blank(rng.choice([0, 1]))
    ids = body(pg, paras, mode, gap=rng.choice([0.0, 1.0]), split_para=0.3, caption=0.08, blocks=blocks,
               continued=continued, end_mark="□" if tail and rng.random() < 0.6 else "")
    if tail and rng.random() < 0.5:
        meta(pg, rng.choice([f"（来源：{paper(rng)}）", f"(来源：{paper(rng)})", f"（作者系{org(rng)}干部）"]))
    return ids


# ---------------------------------------------------------------------------------- train families
def news_first(rng: random.Random) -> Page:
    mode = mode_for(rng, ("wrap", "wrap", "rand", "line"))
    pg = Page(rng, blank_rate=rng.choice([0, 0.1, 0.3, 1.0]))
    if rng.random() < 0.7:
        pg.noise(banner(rng), "banner")
    items = pool(rng, ("stories",))
    for _ in range(rng.randint(2, 6)):
        title, paras = news_pick(rng, items, 2, 14)
        pg.article(title)
        headline(pg, title, rng, kicker=True, subtitle=True)
        if rng.random() < 0.5:
            pg.add(byline(rng), "byline", pg.new_block())
        body(pg, paras, mode, gap=rng.choice([0, 0.5]), lead=dateline(rng) if rng.random() < 0.6 else "",
             end_mark=rng.choice(["", "", "（完）"]), caption=0.05)
        if rng.random() < 0.3:
            meta(pg, f"（来源：{paper(rng)}）")
    return pg


def news_after(rng: random.Random, mode=None, banner_word="TODAY") -> Page:
    mode = mode or mode_for(rng, ("wrap", "wrap", "rand"))
    pg = Page(rng, blank_rate=rng.choice([0, 0.1, 0.3, 1.0]))
    if rng.random() < 0.7:
        pg.noise(rng.choice([banner(rng), banner_word]), "banner")
    items = pool(rng, ("stories",))
    picked = [news_pick(rng, items, 2, 14) for _ in range(rng.randint(2, 5))]
    cont = rng.choice([None, 0, len(picked) - 1])
    for k, (title, paras) in enumerate(picked):
        if k == cont:
            pg.article(None)
            meta(pg, f"（上接第{rng.randint(1, 4)}版）")
            body(pg, paras[1:] or paras, mode, continued=True)
            continue
        pg.article(title)
        body(pg, paras, mode, lead=dateline(rng) if rng.random() < 0.6 else "")
        headline(pg, title, rng, subtitle=True)
        if rng.random() < 0.7:
            pg.add(byline(rng), "byline", pg.new_block())
    return pg


def magazine(rng: random.Random, mode=None, furn=None, page_lines=(14, 30)) -> Page:
    mode = mode or mode_for(rng, ("line", "line", "wrap"))
    items = pool(rng)
    picked = [pick(rng, items, 4, 16) for _ in range(rng.randint(3, 7))]
    picked = [(title_for(rng, t, p, items), p) for t, p in picked]
    pg = Page(rng, page_lines=rng.randint(*page_lines), furniture=furn, blank_rate=rng.choice([0, 0, 0.1, 0.3]))
    gap_lines = rng.choice([[0], [1], [1, 3], [0, 1, 3]])  # blank lines between two articles, per magazine
    toc_and_masthead(pg, rng, [t for t, _ in picked], rng.choice(["dots", "author", "tab"]))
    k = 0
    while k < len(picked):
        title, paras = picked[k]
        if k + 1 < len(picked) and len(paras) >= 2 and rng.random() < 0.25:  # two articles read across columns
            a = pg.article(title)
            i = rng.randrange(len(paras))
            text = paras[i][1]
            cut = rng.randint(min(8, len(text) - 1), max(8, len(text) - 8))
            ids = magazine_item(pg, rng, title, paras[:i] + [(paras[i][0], text[:cut])], mode, tail=False)
            b = pg.article(picked[k + 1][0])
            magazine_item(pg, rng, *picked[k + 1], mode)
            pg.art = a
            magazine_item(pg, rng, title, [(paras[i][0], text[cut:])] + paras[i + 1:], mode, blocks=[ids[-1]],
                          continued=True, head=False)
            pg.art = b
            k += 2
        else:
            pg.article(title)
            magazine_item(pg, rng, title, paras, mode)
            k += 1
        if rng.random() < 0.15:
            from segsynth import caption_text

            pg.noise(caption_text(rng), "caption", None)
        pg.blank(rng.choice(gap_lines))
    return pg


# Paywall markers as exported text prints them: markup or a framed notice (none is a sample file's own string).
PAYWALLS = (("##paid##", "##/paid##"), ("## paid begin ##", "## paid end ##"), ("——以下为付费内容——", "——付费内容结束——"),
            ("【试读结束，以下为付费内容】", "【付费内容结束】"))


def paywall_markers(u: float, share: float) -> tuple[str, str] | None:
    """The (begin, end) markers of a paywalled page, or None: ``u`` is one uniform draw, a paywall when below
    ``share`` (the draw also picks the markers, so the page's random stream is as without them)."""
    return PAYWALLS[min(int(u / share * len(PAYWALLS)), len(PAYWALLS) - 1)] if u < share else None


def speeches(rng: random.Random, mode=None, blanks=True, furn=None, page_lines=0) -> Page:
    mode = mode or mode_for(rng, ("line", "line", "wrap", "cut"))
    pg = Page(rng, page_lines=page_lines, furniture=furn, blank_rate=rng.choice([0, 0, 0.1, 0.3]) if blanks else 0.0)
    between = rng.choice([0.0, 0.5, 1.0]) if blanks else 0.0  # how regularly a blank line separates two speeches
    paywall = paywall_markers(rng.random(), 0.3)
    items = pool(rng)
    for k in range(rng.randint(3, 8)):
        title, paras = pick(rng, items, 4, 14)
        kind = rng.random()
        title = (title_for(rng, title, paras, items) if kind < 0.4 else
                 f"在{rng.choice(PROVINCES)}{rng.choice(COLUMNS)}工作会议上的讲话" if kind < 0.7 else
                 f"{org(rng)}关于{rng.choice(COLUMNS)}工作情况的汇报")
        pg.article(title)
        headline(pg, title, rng)
        if rng.random() < 0.3:
            pg.add(f"（{rng.randint(2015, 2025)}年{date(rng)}）", "title", pg.block)
        if rng.random() < between / 3:
            pg.blank()
        if rng.random() < 0.6:
            pg.add(rng.choice(["同志们：", "各位领导，同志们：", "尊敬的各位领导、同志们：", "各位代表："]), "para", pg.new_block())
        paras = list(paras)
        if rng.random() < 0.6:
            paras.append(("para", rng.choice(["谢谢大家！", "我就讲这些。", "汇报完毕，不当之处请批评指正。", "发言完毕，谢谢！"])))
        body(pg, paras, mode)
        if k == 0 and paywall:
            pg.noise(paywall[0], "paywall")
        if rng.random() < between:
            pg.blank()
    if rng.random() < 0.5:
        for _ in range(rng.randint(1, 3)):
            pg.noise(rng.choice(["【素材分享】每天更新公文材料，欢迎加入会员，联系微信：abc123",
                                 "欢迎关注公众号“公文写作宝库”，获取更多精品材料！", "更多资料请访问 www.example.com"]), "ad")
    if paywall:
        pg.noise(paywall[1], "paywall")
    return pg


def docx_cut(rng: random.Random) -> Page:
    mode = mode_for(rng, ("cut", "cut", "line"))
    pg = Page(rng, blank_rate=rng.choice([0.0, 0.05, 0.15]))
    items = pool(rng)
    w = mode[1] if mode[0] == "cut" else 30
    for k in range(rng.randint(3, 8)):
        title, paras = pick(rng, items, 3, 12)
        title = title_for(rng, title, paras, items)
        has_title = rng.random() < 0.7
        pg.article(title if has_title else None)
        cue = None if has_title else rng.choice(["quotes", "quotes", "quotes", "indent"])
        if has_title:
            mark = f"[bookmark: _bookmark{k + 3}]" if rng.random() < 0.5 else ""
            pg.add(mark + title, "title", pg.new_block())
        elif cue == "quotes":
            quotes = sentences(paras)
            for q in rng.sample(quotes, min(3, len(quotes))):
                q = q[:-1]  # a pull quote repeats a body sentence without its full stop
                rows = [q] if len(q) <= w else [q[:w], q[w:]]
                pg.noise("· " + rows[0], "bullet_duplicate", pg.art)
                for row in rows[1:]:
                    pg.noise(row, "bullet_duplicate", pg.art)
        lead = f"来源：{rng.choice(['新华社', paper(rng), '《求是》2024/02', '人民网'])}" + rng.choice(["", " "]) if rng.random() < 0.5 else ""
        if cue == "indent" or (cue == "quotes" and not sentences(paras)):
            lead = " " + lead  # an item's first line keeps the indent of its DOCX paragraph
        body(pg, paras, mode, lead=lead)
        if rng.random() < 0.2:
            meta(pg, f"※这是{org(rng)}在会议上的发言。")
    return pg


def report_columns(rng: random.Random) -> Page:
    mode = mode_for(rng, ("wrap",), width=(16, 30))
    from segsynth import reports

    picked = [pick(rng, reports(), 8, 30) for _ in range(rng.randint(1, 3))]
    pg = Page(rng, blank_rate=rng.choice([0, 0.05]), page_lines=rng.randint(25, 45),
              furniture=furniture(rng.choice(["plain", "dash", "none"]), picked[0][0][:rng.randint(6, 14)]))
    for title, paras in picked:
        pg.article(title)
        b = pg.new_block()
        pg.add(" " * rng.randint(0, 8) + title, "title", b, paginate=False)
        if rng.random() < 0.5:
            pg.add(f"——{rng.randint(2015, 2025)}年{date(rng)}在{rng.choice(PROVINCES)}工作会议上", "title", b, paginate=False)
            pg.add(f"{rng.choice(['省长', '市长', '书记'])} {name(rng)}", "byline", pg.new_block(), paginate=False)
        body(pg, paras, mode, gap=rng.choice([0, 0.3]))
    return pg


def _numbered(rng: random.Random, paras):
    """Enumerations of a study text or speech: section headings (一、 / （一） / 第一，, sometimes ending in 。) made
    of the first clause of the paragraph that follows, and numbered items (1. / 第一， / 一是) opening paragraphs."""
    paras = list(paras)
    style = rng.choice(["cn", "paren", "ordinal", "none"])
    items = rng.choice(["digit", "ordinal", "shi", "none", "none"])
    out, n, m = [], 0, 0
    for i, (kind, text) in enumerate(paras):
        if kind == "heading":
            text = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]\s*", "", text)
            n += 1
            out.append(("heading", _enum(style if style != "none" else "cn", n) + text))
            m = 0
            continue
        if i and style != "none" and rng.random() < 0.2:
            head = re.split(r"[。；！？，]", text)[0][:34]
            if len(head) >= 6:
                n += 1
                out.append(("heading", _enum(style, n) + head + ("。" if style == "ordinal" and rng.random() < 0.5 else "")))
                m = 0
        if items != "none" and rng.random() < 0.3:
            m += 1
            text = {"digit": f"{m}.{rng.choice(['', ' '])}", "ordinal": _enum("ordinal", m),
                    "shi": "一二三四五六七八九十"[min(m, 10) - 1] + "是"}[items] + text
        out.append((kind, text))
    return out


def _enum(style: str, n: int) -> str:
    cn = "一二三四五六七八九十"[min(n, 10) - 1]
    return {"cn": f"{cn}、", "paren": f"（{cn}）", "ordinal": f"第{cn}，"}[style]


def compilation(rng: random.Random) -> Page:
    """A study or speech compilation (材料汇编) as a DOCX or PDF export gives it: items from reports and stories,
    one paragraph per line, a DOCX first line cut, or hard-wrapped (one width, or a random width per paragraph);
    numbered section headings, long ones wrapped over two lines, and numbered items; speeches with a greeting,
    a closing and mid-text addresses; headline forms (a headline with a subtitle line, a headline over two lines,
    a bookmark before it, a genre headline naming the speaker's post, or no headline at all and pull quotes or a
    leading space instead); 来源 glued to the first body line; editor's notes, author notes and team credits;
    items separated by one blank line, by none, or at random; page breaks inside paragraphs; blank lines that
    belong before a paragraph set one line into it; a paywall and ads."""
    mode = mode_for(rng, ("line", "line", "cut", "wrap", "rand"), width=(14, 40))
    pg = Page(rng, blank_rate=rng.choice([0.0, 0.0, 0.05, 0.15, 0.3]))
    sep = rng.choice(["one", "one", "none", "random"])
    gap, displaced = rng.choice([0.0, 0.0, 0.5, 1.0]), rng.random() < 0.4
    paywall = paywall_markers(rng.random(), 0.2)
    w = mode[1] if mode[0] in ("wrap", "cut") else 30
    items = pool(rng)
    no_head = rng.random() < 0.4  # some items print no headline (pull quotes or an indent instead)
    for k in range(rng.randint(3, 9)):
        title, paras = pick(rng, items, 3, 14)
        title = title_for(rng, title, paras, items)
        speech = rng.random() < 0.4
        if speech:
            title = rng.choice([
                f"{rng.choice(['县', '市', '区'])}{rng.choice(['委书记', '纪委书记', '组织部长', '政府党组书记'])}在{rng.choice(COLUMNS)}工作会议上的讲话",
                f"在{rng.choice(PROVINCES)}{rng.choice(COLUMNS)}工作推进会上的讲话", f"{rng.choice(COLUMNS)}专题党课讲稿",
                f"{org(rng)}{rng.choice(['主题教育', '专题民主生活会'])}{rng.choice(['发言材料', '对照检查材料', '心得体会'])}",
                f"关于{rng.choice(COLUMNS)}工作情况的汇报", title])
        form = "none" if no_head and rng.random() < 0.5 else rng.choice(["plain", "plain", "sub", "two", "mark"])
        pg.article(None if form == "none" else title)
        if form != "none":
            b = pg.new_block()
            mark = f"[bookmark: _bookmark{k + rng.randint(2, 6)}]" if form == "mark" else ""
            if form == "two" and len(title) >= 12:
                cut = rng.randint(5, len(title) - 4)
                pg.add(mark + title[:cut], "title", b)
                pg.add(title[cut:], "title", b)
            else:
                pg.add((" " if rng.random() < 0.1 else "") + mark + title, "title", b)
            if form == "sub":
                pg.add(f"——{rng.randint(2015, 2025)}年{date(rng)}在{rng.choice(PROVINCES)}{rng.choice(COLUMNS)}会议上"
                       + rng.choice(["", f"{rng.choice(['省长', '主席', '书记'])} {name(rng)}"]), "title", b)
            if rng.random() < 0.15:
                pg.add(byline(rng), "byline", pg.new_block())
        else:
            quotes = sentences(paras)
            if quotes and rng.random() < 0.7:
                for q in rng.sample(quotes, min(rng.randint(1, 4), len(quotes))):
                    q = q[:-1]
                    rows = [q] if len(q) <= w else [q[:w], q[w:]]
                    pg.noise(("· " if rng.random() < 0.7 else " · ") + rows[0], "bullet_duplicate", pg.art)
                    for row in rows[1:]:
                        pg.noise(row, "bullet_duplicate", pg.art)
        paras = _numbered(rng, paras)
        if speech:
            if rng.random() < 0.7:
                paras.insert(0, ("para", rng.choice(["同志们：", "各位领导，同志们：", "尊敬的各位领导、同志们：", "各位代表："])))
            if rng.random() < 0.3 and len(paras) > 3:
                i = rng.randrange(2, len(paras))
                if paras[i][0] == "para":
                    paras[i] = ("para", rng.choice(["各位代表！", "同志们，", "同志们！"]) + paras[i][1])
            if rng.random() < 0.6:
                paras.append(("para", rng.choice(["谢谢大家！", "我就讲这些。", "我就讲这么多，谢谢大家！",
                                                  "汇报完毕，不当之处，请各位领导批评指正，谢谢。", "我的交流发言完毕，不妥之处请批评指正。"])))
        lead = (f"来源：{rng.choice(['新华社', paper(rng), '《求是》2024/02', '人民网－人民日报', '人民日报', f'{rng.choice(PROVINCES)}日报'])}"
                + rng.choice(["", " "])) if not speech and rng.random() < 0.3 else ""
        if form == "none" and rng.random() < 0.5:
            lead = " " + lead
        for i, (kind, text) in enumerate(paras):
            if i and gap and rng.random() < gap and not displaced:
                pg.blank()
            at = len(pg.lines)
            if kind == "heading" and mode[0] in ("line", "cut") and len(text) > 24 and rng.random() < 0.5:
                b, cut = pg.new_block(), rng.randint(len(text) // 2, len(text) - 2)
                pg.add(text[:cut], "heading", b)
                pg.add(text[cut:], "heading", b)
            else:
                body(pg, [(kind, (lead + text) if i == 0 else text)], mode, split_para=0.15 if mode[0] == "line" else 0.0)
            if i and gap and displaced and rng.random() < gap and len(pg.lines) - at >= 2:
                pg.lines.insert(at + 1, "")  # the blank meant before the paragraph, set after its first line
                pg.labels = {(n + 1 if n > at + 1 else n): lab for n, lab in pg.labels.items()}
        r = rng.random()
        if r < 0.1:
            meta(pg, f"※这是{org(rng)}在{rng.choice(COLUMNS)}会议上的发言。")
        elif r < 0.18:
            meta(pg, f"（作者系{org(rng)}{rng.choice(['干部', '负责人', '研究员'])}）")
        elif r < 0.25:
            meta(pg, f"（课题组组长：{name(rng)} 副组长：{name(rng)} 成员：{name(rng)} {name(rng)} {name(rng)}）")
        if k == 0 and paywall:
            pg.noise(paywall[0], "paywall")
            pg.blank(rng.randint(0, 8))
        if sep == "one" or (sep == "random" and rng.random() < 0.5):
            pg.blank()
    if paywall or rng.random() < 0.2:
        pg.blank(rng.randint(0, 2))
        for _ in range(rng.randint(1, 3)):
            pg.noise(rng.choice(["【资料分享】每日更新各类公文材料，会员群同步更新，有意加入请联系：12 3456",
                                 "欢迎加入“材料库VIP会员”，海量精品材料，谨防假冒！",
                                 "【代笔服务】原创高质量保障，各类讲话稿、心得体会代写"]), "ad")
    if paywall:
        pg.noise(paywall[1], "paywall")
    return pg


# -------------------------------------------------------------------------------- held-out families
def news_jump(rng: random.Random) -> Page:
    """Two newspaper pages; one story jumps from page 1 (下转) to page 2 (上接); photo captions; page-foot lines;
    column widths outside the training range."""
    mode = ("wrap", rng.choice([10, 11, 33, 35, 38]), rng.choice(["none", "lost", "kept"]))
    pg = Page(rng, blank_rate=rng.choice([0, 0.2]))
    picked = [news_pick(rng, stories(), 2, 14) for _ in range(rng.randint(3, 6))]
    jumper = rng.randrange(len(picked))
    cut = max(1, len(picked[jumper][1]) // 2)
    half = len(picked) // 2
    ids: dict[int, int] = {}
    for page in (1, 2):
        pg.noise(f"{rng.randint(2015, 2025)}年{date(rng)} 第{page}版", "banner", None)
        order = [k for k in range(len(picked)) if (k <= half) == (page == 1) and k != jumper]
        order = order + [jumper] if page == 1 else [jumper] + order
        for k in order:
            title, paras = picked[k]
            if page == 2 and k == jumper:
                last = pg.art
                pg.art = ids[k]
                meta(pg, "（上接第1版）")
                body(pg, paras[cut:], mode)
                pg.art = last
                continue
            ids[k] = pg.article(title)
            headline(pg, title, rng, kicker=True)
            if rng.random() < 0.5:
                pg.add(byline(rng), "byline", pg.new_block())
            body(pg, paras[:cut] if k == jumper else paras, mode, lead=dateline(rng) if rng.random() < 0.5 else "",
                 caption=0.1)
            if k == jumper:
                meta(pg, "（下转第2版）")
        pg.noise(f"本版责编：{name(rng)} 版式：{name(rng)}", "banner", None)
    return pg


def magazine_columns(rng: random.Random) -> Page:
    """Magazine front matter and provenance, but the body set in narrow columns with running heads."""
    head = f"{rng.choice(PROVINCES)}{rng.choice(['党建', '机关党建', '支部生活', '前进'])} {rng.randint(2015, 2025)}.{rng.randint(1, 12)}"
    return magazine(rng, mode=("wrap", rng.randint(13, 24), "lost"), furn=furniture(rng.choice(["dots", "dash"]), head),
                    page_lines=(30, 50))


def speech_pages(rng: random.Random) -> Page:
    """A speech compilation without a single blank line, wide wrapped lines, page numbers on every page."""
    return speeches(rng, mode=("wrap", rng.randint(31, 40), "kept"), blanks=False,
                    furn=furniture(rng.choice(["hyphen", "page", "of"]), ""), page_lines=rng.randint(18, 30))


def news_after_rand(rng: random.Random) -> Page:
    """Headlines after the body, a random width per paragraph, first lines indented."""
    return news_after(rng, mode=("rand", 12, 36, "kept"), banner_word="NATIONAL")


def docx_styles(rng: random.Random) -> Page:
    """A DOCX compilation read with its styles: one paragraph per line, no blank line, no byline, headlines
    and headings told apart only by heading level (and what the text says)."""
    pg = Page(rng)
    items = pool(rng)
    for _ in range(rng.randint(3, 8)):
        title, paras = pick(rng, items, 4, 14)
        pg.article(title_for(rng, title, paras, items))
        pg.add(pg.titles[-1], "title", pg.new_block())
        body(pg, paras, ("line",))
    return pg


TRAIN = {"news_first": news_first, "news_after": news_after, "magazine": magazine, "speeches": speeches,
         "docx_cut": docx_cut, "report_columns": report_columns}
# candidate TRAIN families, not yet trained on by the shipped model (``segtrain.py --candidates`` adds them)
CANDIDATES = {"compilation": compilation}
HELDOUT = {"news_jump": news_jump, "magazine_columns": magazine_columns, "speech_pages": speech_pages,
           "news_after_rand": news_after_rand, "docx_styles": docx_styles}
CUES = {"docx_styles": "docx"}  # held-out families read with layout cues (the benchmark also scores them as text)


def pages(split: str, n: int, seed: int) -> list[Case]:
    """``n`` pages per family of ``split`` (train | heldout | candidates), seeded.  A quarter of the training pages carry
    PDF or DOCX layout cues (not read: their lines are the page's text lines, not a reader's paragraphs); held-out
    ``CUES`` families are read with theirs (``case.info["read_with"]``).  Candidate families are training
    families: their pages are seeded and labelled as ``train`` pages (the same pages once they join ``TRAIN``)."""
    fams = {"train": TRAIN, "heldout": HELDOUT, "candidates": CANDIDATES}[split]
    split = "train" if split == "candidates" else split
    out = []
    for fam, make in sorted(fams.items()):
        for k in range(n):
            rng = random.Random(f"{split}/{fam}/{seed}/{k}")
            page = make(rng)
            cues = CUES.get(fam) if split == "heldout" else (rng.choice(["pdf", "docx"]) if rng.random() < 0.25 else None)
            case = page.case(f"{fam}#{k}", fam, split, cues)
            if split == "heldout" and cues:
                case.info["read_with"] = cues  # (segmented from its reader lines: Case.source)
            out.append(case)
    return out
