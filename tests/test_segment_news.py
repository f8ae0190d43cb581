"""Newspaper page conventions on a small hand-made two-page text: a story jumped (下转…) from page 1 goes on after
its 上接… on page 2; page banners (date + 第N版) and page feet (本版责编：…) are furniture."""

from __future__ import annotations

from topics.segment import segment_file

PAGES = """2021年3月5日 第1版

春耕备耕有序推进

本报记者 王明

本报北京3月4日电 各地抓住有利时机，组织农民开展春耕备耕，确保粮食生产稳定。今年以来，各地农业农村部门加强指导服务，推动农资下乡进村。

农业部门派出技术人员深入田间地头，开展技术培训，帮助农民解决生产中的

（下转第2版）

城市更新行动全面展开

本报讯 多地启动老旧小区改造工作，惠及居民数十万户。改造内容包括水电气暖等基础设施更新。

相关部门表示，将继续加大资金投入力度，推动改造工作提质增效。

本版责编：张华 版式：刘强

2021年3月5日 第2版

（上接第1版）

实际问题。各地还加强农资供应保障，确保化肥种子充足供应，为全年粮食丰收打下坚实基础。

乡村学校办学条件持续改善

本报讯 今年以来，各地加大投入改善乡村学校办学条件，新建改建校舍一批。

本版责编：李伟 版式：赵刚
"""


def test_jump_joined_in_a_text_file():
    arts = segment_file(PAGES, source_file="pages.txt").articles
    assert [a.title for a in arts] == ["春耕备耕有序推进", "城市更新行动全面展开", "乡村学校办学条件持续改善"]
    # the line cut above （下转第2版） is body text, and the part after （上接第1版） finishes its sentence
    assert "帮助农民解决生产中的实际问题。各地还加强" in arts[0].paragraphs[-1]
    assert len(arts[0].lines) == 2
    assert not any("本版责编" in p or "第2版" in p for a in arts for p in a.paragraphs)


def test_headline_block_with_a_wide_subtitle_between_indented_paragraphs():
    """A file that indents paragraphs: after a paragraph's last line, a headline, a subtitle set across columns
    (unpunctuated, wider than any headline) and a byline, then an indented paragraph, open a new article."""
    body1 = ["　　甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉", "戌亥天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑",
             "往秋收冬藏闰余成岁律吕调阳。", "　　云腾致雨露结为霜金生丽水玉出昆冈剑号巨阙",
             "珠称夜光果珍李柰菜重芥姜海咸河淡鳞潜羽翔。"]
    body2 = ["　　龙师火帝鸟官人皇始制文字乃服衣裳推位让国", "有虞陶唐吊民伐罪周发殷汤坐朝问道垂拱平章。",
             "　　爱育黎首臣伏戎羌遐迩一体率宾归王鸣凤在竹", "白驹食场化被草木赖及万方盖此身发四大五常。"]
    wide = "【栏目名称】第二篇报道的一个很长很长的副标题通栏排在两栏之上 这是副标题的第二部分也很长很长很长 还有第三部分同样相当长"
    text = "\n".join(["第一篇报道的标题", ""] + body1 + ["第二篇报道的标题", wide, "□ 王小明"] + body2) + "\n"
    r = segment_file(text, source_file="t.txt")
    assert [a.lines for a in r.articles] == [[(1, 7)], [(8, 14)]]


def test_story_inside_a_continuation_found_by_its_headline_not_its_subtitle():
    """A page opening with a continuation marker: the headline + ——subtitle + byline closing it belong to a
    story that began inside it, found by the lede that restates the headline (the subtitle's wider theme is
    not weighed)."""
    text = "\n".join([
        "（上接第1版）",
        "甲地推进水利工程建设，今年新建泵站十座，灌溉面积持续扩大。",
        "乙地加快农田改造，高标准农田建成面积再创新高，粮食生产稳定。",
        "丙地完善农机服务体系，农机合作社覆盖全部乡镇，春耕进度加快。",
        "全国铁路暑运客流稳中有增，旅客发送量创同期新高，出行需求旺盛。",
        "铁路部门增开夜间列车，优化运输组织，保障旅客顺利出行。",
        "暑运客流稳中有增",
        "——某省深入推动某项重点工作走深走实纪实",
        "本报记者 张三",
    ]) + "\n"
    r = segment_file(text, source_file="t.txt")
    assert [a.lines for a in r.articles] == [[(1, 4)], [(5, 9)]]


def test_unindented_one_line_headline_between_indented_paragraphs():
    """A file that indents its paragraphs and pairs headlines with bylines: one unindented, unpunctuated line
    under a finished paragraph and above an indented one, sharing words with the text below it, heads a new
    story; an indented line there is a sub-heading of the story it stands in."""
    text = "\n".join([
        "甲城推进河道治理", "本报记者 王小明",
        "　　甲城今年加快河道治理，新建堤防十余公里，沿河", "绿道全线贯通，两岸居民出行更加便利。",
        "　　治理成效显现", "　　河道治理带动沿岸环境改善，水质持续向好，", "市民休闲去处明显增多。",
        "乙县秋粮喜获丰收", "　　乙县秋粮喜获丰收，玉米大豆单产再创新高，种", "粮大户收入稳步增长。",
        "　　农技人员深入田间指导秋收，农机合作社加快", "机收进度，颗粒归仓有了保障。",
    ]) + "\n"
    r = segment_file(text, source_file="t.txt")
    assert [a.lines for a in r.articles] == [[(1, 7)], [(8, 12)]]
    assert r.articles[1].title == "乙县秋粮喜获丰收"


def test_subtitle_under_a_headline_is_no_first_line_of_the_lead():
    """A ——subtitle under its headline (neither punctuated) as wide as the lead's lines ends the headline block:
    it does not open the lead's paragraph, and the headline + subtitle open a new story."""
    text = "\n".join([
        "甲城推进河道治理", "本报记者 王小明",
        "甲城今年加快河道治理，新建堤防十", "余公里，沿河绿道全线贯通，两岸居", "民出行更加便利。",
        "乙县秋粮喜获丰收", "——丙省推动农业生产工作纪实", "今天（9月20日），乙县秋粮喜获丰", "收，玉米大豆单产再创新高，种粮大",
        "户收入稳步增长。",
    ]) + "\n"
    r = segment_file(text, source_file="t.txt")
    assert [a.lines for a in r.articles] == [[(1, 5)], [(6, 10)]]
    assert r.articles[1].paragraphs[0].startswith("今天")


def test_unindented_headline_closes_its_story_on_a_body_first_page():
    """A body-first page that indents its paragraphs: an unindented headline with no byline under a finished
    paragraph closes the story above it when it shares more words with that text than with the text below,
    even where the next story speaks of related things."""
    text = "\n".join([
        "　　甲城今年加快河道治理，新建堤防十余公里，", "沿河绿道全线贯通，两岸居民出行更加便利。",
        "甲城推进河道治理", "本报记者 王小明",
        "　　乙县秋粮喜获丰收，玉米大豆单产再创新高，", "种粮大户收入稳步增长。",
        "　　乙县农技人员深入田间指导秋收，玉米机收", "进度加快，秋粮颗粒归仓。",
        "乙县秋粮喜获丰收",
        "　　丁县秋粮收购全面展开，种粮大户收入稳步增", "长，粮站延长收购时间。",
        "丁县秋粮收购全面展开", "本报记者 李小红",
    ]) + "\n"
    r = segment_file(text, source_file="t.txt")
    assert [a.lines for a in r.articles] == [[(1, 4)], [(5, 9)], [(10, 13)]]
    assert r.articles[1].title == "乙县秋粮喜获丰收"


def test_unfinished_dateline_line_goes_on_into_its_lead():
    """A line opening with a story's dateline (…讯, …电) that ends unfinished is the lead's first line: it joins
    the line below, is no headline line, and leaves no mid-sentence paragraph break."""
    text = "\n".join([
        "甲城推进河道治理", "本报记者 王小明",
        "本报讯 甲城今年加快河道治理，新建堤防十余公里，", "沿河绿道全线贯通，两岸居民出行更加便利。",
        "乙县秋粮喜获丰收",
        "新华社北京3月17日电 乙县秋粮喜获丰收", "玉米大豆单产再创新高，种粮大户收入稳步增长。",
    ]) + "\n"
    r = segment_file(text, source_file="t.txt")
    assert [a.lines for a in r.articles] == [[(1, 4)], [(5, 7)]]
    assert [a.title for a in r.articles] == ["甲城推进河道治理", "乙县秋粮喜获丰收"]
    assert [len(a.paragraphs) for a in r.articles] == [1, 1]


def test_one_line_headline_over_a_text_with_no_words_in_common():
    """Where the file delimits its texts (headline + byline), one unpunctuated line with no byline under a finished
    paragraph heads a new text when the text under it shares next to no words with the article above; a
    sub-heading whose section goes on with its article's words stays inside it."""
    a1 = ("甲城今年加快河道治理，新建堤防十余公里，沿河绿道全线贯通，两岸居民出行更加便利。"
          "河道治理工程由市水务部门统一规划，分三期推进，目前第一期已经完工验收。")
    a2 = ("市水务部门负责人介绍，河道治理坚持生态优先，清淤疏浚与堤岸绿化同步实施，沿河新建口袋公园六处，"
          "河水水质明显改善，鱼类和水鸟数量逐年增加，市民纷纷到河边散步健身。")
    b1 = ("乙县秋粮喜获丰收，玉米大豆单产再创新高，种粮大户收入稳步增长。农技人员深入田间指导秋收，"
          "机收进度加快，烘干设备满负荷运转，确保颗粒归仓。")
    b2 = ("县农业农村局统计显示，全县粮食播种面积稳中有增，良种覆盖率超过九成，化肥农药使用量连续下降，"
          "种粮农民的积极性持续高涨，乡亲们脸上洋溢着丰收的喜悦。眼下，各乡镇正抓紧抢收晾晒，新粮陆续入仓。")
    text = "\n".join(["甲城推进河道治理", "本报记者 王小明", a1, "治理成效", a2, "乙县秋粮喜获丰收", b1, b2]) + "\n"
    r = segment_file(text, source_file="t.txt")
    assert [a.lines for a in r.articles] == [[(1, 5)], [(6, 8)]]
    assert [a.title for a in r.articles] == ["甲城推进河道治理", "乙县秋粮喜获丰收"]


def test_banner_over_a_body_first_page():
    """A body-first page under a one-line banner: the file opens with a short line, but its headline blocks
    restate the stories above them and not those below, so each headline closes the story above it."""
    text = "\n".join([
        "要闻速览",
        "甲城今年加快河道治理，新建堤防十余公里，", "沿河绿道全线贯通，两岸居民出行更加便利。",
        "甲城加快河道治理", "本报记者 王小明",
        "乙县秋粮喜获丰收，玉米大豆单产再创新高，", "种粮大户收入稳步增长，粮站延长收购时间。",
        "乙县秋粮喜获丰收", "本报记者 李小红",
        "丙市今年新建学校九所，新增学位一万余个，", "适龄儿童就近入学，家长接送更加方便快捷。",
        "丙市新建学校九所", "本报记者 赵小刚",
    ]) + "\n"
    r = segment_file(text, source_file="t.txt")
    assert [a.lines for a in r.articles][1:] == [[(6, 9)], [(10, 13)]]
    assert [a.title for a in r.articles] == ["甲城加快河道治理", "乙县秋粮喜获丰收", "丙市新建学校九所"]


def test_spaced_headline_as_wide_as_the_column_is_no_first_row_of_the_story_below():
    """A headline in two parts set apart by a space (乙县秋粮喜获丰收 农民笑开颜), as wide as the column, right under
    a finished paragraph: no first row of the paragraph below (a full line of the column) but the next story's
    headline, in a file that closes its stories with end marks (□)."""
    def rows(s: str) -> list[str]:  # a tight column of 13 units
        return [s[i:i + 13] for i in range(0, len(s), 13)]

    a = ["甲城今年加快河道治理，新建堤防十余公里，沿河绿道全线贯通，两岸居民出行更加便利。",
         "河道治理工程由市水务部门统一规划，分三期推进，目前第一期已经完工验收，第二期正在加紧施工。",
         "市水务部门负责人介绍，治理坚持生态优先，清淤疏浚与堤岸绿化同步实施，河水水质明显改善。□"]
    b = ["乙县今年秋粮播种面积稳中有增，玉米大豆单产再创新高，种粮大户收入稳步增长，乡亲们喜笑颜开。",
         "农技人员深入田间地头指导秋收，农机合作社加快机收进度，烘干设备满负荷运转，新粮陆续入库。□"]
    lines = ["甲城推进河道治理"] + [r for p in a for r in rows(p)]
    head = len(lines) + 1
    lines += ["乙县秋粮喜获丰收 农民笑开颜"] + [r for p in b for r in rows(p)]
    r = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert [a.title for a in r.articles] == ["甲城推进河道治理", "乙县秋粮喜获丰收 农民笑开颜"]
    assert [a.lines for a in r.articles] == [[(1, head - 1)], [(head, len(lines))]]
    assert r.articles[1].paragraphs[0] == b[0]



# two stories set in a column of 16 units (the page-banner tests)
RIVER = ["甲城今年加快河道治理工程建设，新建堤防十余公里，沿河绿道全线贯通，两岸居民出行更加便利。",
         "河道治理工程由市水务部门统一规划，分三期推进，目前第一期已经完工验收，第二期正在加紧施工。",
         "市水务部门负责人介绍，河道治理坚持生态优先，清淤疏浚与堤岸绿化同步实施，河水水质明显改善。"]
HARVEST = ["乙县今年秋粮播种面积稳中有增，玉米大豆单产再创新高，种粮大户收入稳步增长，乡亲们喜笑颜开。",
           "农技人员深入田间地头指导秋收，农机合作社加快机收进度，烘干设备满负荷运转，新粮陆续入库。"]


def column16(paragraphs: list[str]) -> list[str]:
    return [p[i:i + 16] for p in paragraphs for i in range(0, len(p), 16)]


def body_first(top: list[str], *stories: tuple[list[str], list[str]]) -> tuple[list[str], list[int]]:
    """A body-first page: the lines over the first story, then each story's paragraphs in the 16-unit column
    with its headline block under them; returns the lines and each story's first line number (1-based)."""
    lines, starts = list(top), []
    for paragraphs, head in stories:
        starts.append(len(lines) + 1)
        lines += column16(paragraphs) + head
    return lines, starts


def test_page_banner_tight_over_the_first_headline_is_furniture():
    """A page banner (要闻·综合) set tight over the first story's headline shares no word with that story, where the
    headline does: it names the page, it is no kicker, and it stays out of the first article's title and text."""
    lines = ["要闻·综合", "甲城加快推进河道治理工程", "本报记者 王小明"] + column16(RIVER)
    head = len(lines) + 1
    lines += ["乙县秋粮喜获丰收", "本报记者 李小红"] + column16(HARVEST)
    r = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert [a.title for a in r.articles] == ["甲城加快推进河道治理工程", "乙县秋粮喜获丰收"]
    assert [a.lines for a in r.articles] == [[(2, head - 1)], [(head, len(lines))]]
    assert r.articles[0].paragraphs == RIVER
    assert r.dropped.get("banner") == 1


def test_page_banner_sharing_a_common_word_with_the_first_story_is_furniture():
    """A page banner (第8版 城乡建设) shares one common word (建设) with the story under the first headline, far less
    of its words than that story's headline shares: it names the page, it is no kicker of that story."""
    lines = ["第8版 城乡建设", "甲城加快推进河道治理工程", "本报记者 王小明"] + column16(RIVER)
    head = len(lines) + 1
    lines += ["乙县秋粮喜获丰收", "本报记者 李小红"] + column16(HARVEST)
    r = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert [a.title for a in r.articles] == ["甲城加快推进河道治理工程", "乙县秋粮喜获丰收"]
    assert r.articles[0].paragraphs == RIVER and r.articles[1].paragraphs == HARVEST
    assert r.dropped.get("banner") == 1


def banner_page(a: list[str]):
    """A body-first page under the banner 要闻·综合: story ``a`` and two more, each with its headline and byline
    under it; returns the segmentation, the lines and the second and third stories' first line numbers."""
    b = [HARVEST[0], HARVEST[1].replace("新粮", "秋粮")]
    c = ["丙市今年新建学校九所，新增学位一万余个，适龄儿童就近入学，家长接送更加方便快捷。",
         "丙市教育部门表示，新建学校配齐师资和设备，秋季学期已经全部投入使用，学生反映良好。"]
    lines, (_, b0, c0) = body_first(["要闻·综合", ""], (a, ["甲城加快推进河道治理工程", "本报记者 王小明"]),
                                    (b, ["乙县秋粮播种面积稳中有增", "本报记者 李小红"]),
                                    (c, ["丙市今年新建学校九所", "本报记者 赵小刚"]))
    return segment_file("\n".join(lines) + "\n", source_file="t.txt"), lines, b0, c0


def test_page_banner_over_a_body_first_page_leaves_the_first_story():
    """On a page printed body-first (each story's headline and byline under it), the banner over the first story
    (要闻·综合) shares no word with it: it is dropped, not kept as the first story's first paragraph."""
    a = RIVER + ["沿河居民说，过去河边杂草丛生，如今变成了散步健身的好去处，周末带着孩子来河边玩的人越来越多。"]
    r, lines, b0, c0 = banner_page(a)
    assert r.layout["headline_after"]
    assert [x.title for x in r.articles] == ["甲城加快推进河道治理工程", "乙县秋粮播种面积稳中有增", "丙市今年新建学校九所"]
    assert [x.lines for x in r.articles] == [[(3, b0 - 1)], [(b0, c0 - 1)], [(c0, len(lines))]]
    assert r.articles[0].paragraphs == a
    assert r.dropped.get("banner") == 1


def test_body_first_page_under_a_banner_with_a_sub_heading_restating_its_section():
    """A body-first page under a banner whose first story has a sub-heading (清淤疏浚同步实施) that only the
    paragraph under it restates: one block restates the text below it, three headline blocks the story above
    them.  The page is still read body-first: the banner dropped, each headline under its own story (before, the
    banner became the first story's title and every headline the next story's)."""
    a = RIVER[:2] + ["沿河居民说，过去河边杂草丛生，如今变成了散步健身的好去处，周末带着孩子来河边玩的人越来越多。",
                     "甲城还在河道两岸新建口袋公园六处，配套建设停车场和公共厕所，方便市民休闲游览。",
                     "清淤疏浚同步实施", RIVER[2]]
    r, lines, b0, c0 = banner_page(a)
    assert r.layout["headline_after"]
    assert [x.title for x in r.articles] == ["甲城加快推进河道治理工程", "乙县秋粮播种面积稳中有增", "丙市今年新建学校九所"]
    assert [x.lines for x in r.articles] == [[(3, b0 - 1)], [(b0, c0 - 1)], [(c0, len(lines))]]
    assert r.articles[0].paragraphs == a and r.dropped.get("banner") == 1


def test_headline_over_a_subtitle_without_byline_closes_its_story_on_a_body_first_page():
    """On a body-first page, a headline with a ——subtitle under it and no byline, under a finished paragraph, closes
    the story above: a sub-heading inside a story carries no subtitle, even when the headline's own words are
    not those of its story (乙县秋粮 … | 农业农村工作见闻) and the next story talks of related things."""
    a = RIVER
    b = HARVEST + ["县里还组织农机手开展跨区作业，帮助周边乡镇抢收抢种，确保秋粮应收尽收、颗粒归仓。"]
    c = ["丙市粮食部门启动秋粮收购，设立收购网点四十余个，延长收购时间，方便农民就近售粮，不压级压价。",
         "市粮食部门负责人说，今年新粮质量好，收购价格稳定，农民售粮积极，各网点秩序井然，收购进展顺利。"]
    lines, (_, b0, c0) = body_first([], (a, ["甲城加快推进河道治理工程", "本报记者 王小明"]),
                                    (b, ["丰收时节看田野", "——丙省农业农村工作见闻"]),
                                    (c, ["丙市启动秋粮收购", "本报记者 赵小刚"]))
    r = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert r.layout["headline_after"]
    assert [x.lines for x in r.articles] == [[(1, b0 - 1)], [(b0, c0 - 1)], [(c0, len(lines))]]
    assert r.articles[1].title == "丰收时节看田野——丙省农业农村工作见闻"
    assert r.articles[1].paragraphs == b


def test_headline_wider_than_any_headline_is_no_row_of_the_indented_paragraph_above():
    """In a narrow column that indents its paragraphs, a headline set across the columns with no punctuation,
    wider than a headline is commonly set (66 units), under a paragraph ending a sentence and over an indented
    paragraph, opens the next story: it is no row of the paragraph above however wide it is."""
    def column12(paragraphs: list[str]) -> list[str]:
        return [t[i:i + 12] for p in paragraphs for t in ["　　" + p + "群众满意。"] for i in range(0, len(t), 12)]
    a = RIVER + ["沿河居民说，过去河边杂草丛生，如今变成了散步健身的好去处，周末带着孩子来河边玩的人越来越多。"]
    b = HARVEST + ["县农业农村局统计显示，全县良种覆盖率超过九成，化肥农药使用量连续下降，种粮积极性持续高涨。"]
    head = "乙县秋粮播种面积稳中有增单产再创新高 种粮大户收入稳步增长 乡亲们喜笑颜开迎丰收 农机合作社加快机收进度 烘干设备满负荷运转新粮陆续入库"
    lines = ["甲城加快推进河道治理工程", "本报记者 王小明"] + column12(a)
    b0 = len(lines) + 1
    lines += [head] + column12(b)
    r = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert r.layout["indent"] == "paragraph"
    assert [x.lines for x in r.articles] == [[(1, b0 - 1)], [(b0, len(lines))]]
    assert [x.title for x in r.articles] == ["甲城加快推进河道治理工程", head]
    assert r.articles[1].paragraphs == [p + "群众满意。" for p in b]


def test_sub_heading_wrapped_over_a_short_row_is_no_headline_over_a_byline():
    """On a body-first page, a sub-heading wrapped over two rows whose short last row looks like a byline
    (乙县秋粮收购工作日前全面启动 新粮 | 价格稳定) does not close the story above as its headline: the paragraph
    under it restates the two rows together, where a headline's byline stands over another story."""
    def column24(paragraphs: list[str]) -> list[str]:
        return [p[i:i + 24] for p in paragraphs for i in range(0, len(p), 24)]
    sub = ["乙县秋粮收购工作日前全面启动 新粮", "价格稳定"]
    more = ["乙县秋粮收购工作日前全面启动，新粮价格稳定，全县设立收购网点四十余个，方便农民就近售粮。"]
    lines = column24(RIVER) + ["甲城加快推进河道治理工程", "本报记者 王小明"]
    b0 = len(lines) + 1
    lines += column24(HARVEST) + sub + column24(more) + ["乙县秋粮喜获丰收", "本报记者 李小红"]
    r = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert r.layout["headline_after"]
    assert [x.title for x in r.articles] == ["甲城加快推进河道治理工程", "乙县秋粮喜获丰收"]
    assert [x.lines for x in r.articles] == [[(1, b0 - 1)], [(b0, len(lines))]]
    assert r.articles[1].paragraphs == HARVEST + ["乙县秋粮收购工作日前全面启动新粮价格稳定"] + more


def test_story_after_a_continuation_opens_where_its_first_paragraphs_restate_its_headline():
    """On a body-first page, a continuation from another page (（上接第1版）) runs on into the next story, whose
    headline stands under it: no single paragraph of that story restates the headline enough to mark where it
    opens (乙县 | 秋粮 丰收 | 种粮大户 收入), its first paragraphs together do while the continuation above shares no
    word of it, so the story opens there and the continuation ends above it."""
    story = ["金秋时节，乙县田野里一派繁忙景象，农机手们抢抓晴好天气加快作业进度。",
             "今年全县秋粮丰收在望，玉米大豆单产再创新高，烘干设备满负荷运转。",
             "种粮大户老王说，今年的收成好，收入也跟着涨了，日子越过越红火。"]
    other = ["丙市粮食部门启动秋粮收购，设立收购网点四十余个，延长收购时间，方便农民就近售粮，不压级压价。"]
    lines, (_, b0, c0) = body_first(["（上接第1版）"], (RIVER, []),
                                    (story, ["乙县秋粮喜获丰收 种粮大户收入稳步增长", "本报记者 李小红"]),
                                    (other, ["丙市启动秋粮收购", "本报记者 赵小刚"]))
    r = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert r.layout["headline_after"]
    assert [x.title for x in r.articles] == [None, "乙县秋粮喜获丰收 种粮大户收入稳步增长", "丙市启动秋粮收购"]
    assert [x.lines for x in r.articles] == [[(1, b0 - 1)], [(b0, c0 - 1)], [(c0, len(lines))]]
    assert r.articles[0].paragraphs == RIVER and r.articles[1].paragraphs == story


def test_body_first_page_under_a_banner_whose_stories_open_sections_with_sub_headings():
    """A body-first page under a banner, two of its stories parted by a sub-heading the paragraph under it
    restates (乡村道路提档升级; 新粮收购陆续启动), the text after the sub-heading not restating the headline.
    Read paragraph by paragraph up to the sub-heading, two blocks restate the text below and one the story above;
    read across the sub-headings, each headline with a byline restates its own story above it.  The page is read
    body-first: each headline under its own story (before, the page was read headline-first, the banner the
    first story's title and every headline the next story's).  (Whether the banner leaves the first story is
    not asserted here.)"""
    a = RIVER + ["乡村道路提档升级",
                 "乡村道路提档升级工作同步推进，今年新改建农村公路八十公里，镇村公交实现全覆盖，村民出门更方便。"]
    b = [HARVEST[0], HARVEST[1].replace("新粮", "秋粮"), "新粮收购陆续启动",
         "新粮收购陆续启动以后，粮站设立流动收购点，延长营业时间，工作人员上门服务，售粮群众排起长队。"]
    c = ["丙市今年新建学校九所，新增学位一万余个，适龄儿童就近入学，家长接送更加方便快捷。",
         "丙市教育部门表示，新建学校配齐师资和设备，秋季学期已经全部投入使用，学生反映良好。"]
    lines, (_, b0, c0) = body_first(["要闻·综合", ""], (a, ["甲城加快推进河道治理工程", "本报记者 王小明"]),
                                    (b, ["乙县秋粮播种面积稳中有增", "本报记者 李小红"]),
                                    (c, ["丙市今年新建学校九所", "本报记者 赵小刚"]))
    r = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert r.layout["headline_after"]
    assert [x.title for x in r.articles] == ["甲城加快推进河道治理工程", "乙县秋粮播种面积稳中有增", "丙市今年新建学校九所"]
    assert [x.lines for x in r.articles][1:] == [[(b0, c0 - 1)], [(c0, len(lines))]]
    assert r.articles[0].lines[-1][1] == b0 - 1


def test_headline_listing_offices_set_across_a_narrow_column_opens_the_page():
    """A page hard-wrapped to a narrow column (10 units) opening with a headline set across the columns that
    lists offices with 、 (five times the column, no other punctuation): no row of the column runs twice its
    measure, so the line is the first story's headline, not the first row of a paragraph that makes the page
    read body-first."""
    def column10(paragraphs: list[str]) -> list[str]:
        return [p[i:i + 10] for p in paragraphs for i in range(0, len(p), 10)]
    head = "甲省人大常委会原副主任、甲省农业农村委员会原主任某某某严重违纪违法被开除党籍和公职"
    lede = ["经甲省省委批准，甲省纪委监委对甲省人大常委会原副主任某某某严重违纪违法问题进行了立案审查调查。",
            "经查，某某某丧失理想信念，背弃初心使命，违反中央八项规定精神，接受可能影响公正执行公务的宴请。"]
    lines = [head] + column10(lede)
    b0 = len(lines) + 1
    lines += ["甲城加快推进河道治理工程", "本报记者 王小明"] + column10(RIVER)
    r = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert not r.layout["headline_after"]
    assert [x.title for x in r.articles] == [head, "甲城加快推进河道治理工程"]
    assert [x.lines for x in r.articles] == [[(1, b0 - 1)], [(b0, len(lines))]]
    assert r.articles[0].paragraphs == lede


def test_continuation_opening_with_a_sub_heading_joins_its_jumped_story():
    """A story jumped from page 1 (（下转第2版）) goes on after its （上接第1版） on page 2 with a section that opens
    with a sub-heading: the line under the marker is that sub-heading, not a headline of its own, so the part is
    joined to the story (one document, the sub-heading kept as its text)."""
    lines = ["2021年3月5日 第1版", "春耕备耕有序推进", "本报记者 王明",
             "本报北京3月4日电 各地抓住有利时机，组织农民开展春耕备耕，确保粮食生产稳定。",
             "农业部门派出技术人员深入田间地头，开展技术培训，帮助农民解决生产中的实际问题。",
             "（下转第2版）", "本版责编：张华 版式：刘强", "2021年3月5日 第2版", "（上接第1版）",
             "农资供应保障有力", "各地还加强农资供应保障，确保化肥种子充足供应，为全年粮食丰收打下坚实基础。",
             "乡村学校办学条件持续改善", "本报记者 李红",
             "本报讯 今年以来，各地加大投入改善乡村学校办学条件，新建改建校舍一批。", "本版责编：李伟 版式：赵刚"]
    r = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert [x.title for x in r.articles] == ["春耕备耕有序推进", "乡村学校办学条件持续改善"]
    assert r.articles[0].paragraphs[-2:] == ["农资供应保障有力", lines[10]]
    assert r.articles[1].paragraphs == ["今年以来，各地加大投入改善乡村学校办学条件，新建改建校舍一批。"]


def test_kicker_over_a_headline_wider_than_a_narrow_column_opens_the_next_story():
    """On a page hard-wrapped to a narrow column (10 units), a kicker as wide as the column over a headline set
    wider than the column (both unpunctuated) under a finished paragraph: the kicker is no row of a paragraph
    (no row of the column is followed by one wider than the column), so kicker and headline open the next story,
    in a file whose headlines come with bylines (a lone short line there is a sub-heading)."""
    def column10(paragraphs: list[str]) -> list[str]:
        return [p[i:i + 10] for p in paragraphs for i in range(0, len(p), 10)]
    lines = ["甲城加快推进河道治理工程", "本报记者 王小明"] + column10(RIVER)
    b0 = len(lines) + 1
    lines += ["乙省推进秋粮收购工作", "乙县秋粮喜获丰收新粮陆续入库"] + column10(HARVEST)
    r = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert [x.lines for x in r.articles] == [[(1, b0 - 1)], [(b0, len(lines))]]
    assert r.articles[1].title == "乙省推进秋粮收购工作 乙县秋粮喜获丰收新粮陆续入库"
    assert r.articles[1].paragraphs == HARVEST


def test_headline_first_page_whose_first_headline_fills_the_column_is_not_read_body_first():
    """A headline-first page whose first headline is as wide as the column (unpunctuated, over a lede that is no
    dateline) reads as one paragraph with its lede, so the page seems to open with body text; its other headlines
    carry bylines and restate the stories below them, none the text above: the page is read headline-first, each
    headline over its own story (not over the story above it)."""
    def column20(paragraphs: list[str]) -> list[str]:
        return [p[i:i + 20] for p in paragraphs for i in range(0, len(p), 20)]
    s1 = ["今年以来，甲市全面推进老旧小区改造，已完成改造项目一百二十个，惠及十万居民群众，小区面貌焕然一新。",
          "甲市住房城乡建设部门表示，将继续加大投入，完善配套设施，让更多居民住上舒心房子，切实提升群众的获得感和幸福感。"]
    s2 = ["本报乙县3月2日电 眼下，乙县秋粮喜获丰收，各收储企业敞开收购，新粮陆续入库，农民群众脸上洋溢着丰收的喜悦。",
          "乙县粮食部门组织技术人员深入各乡镇开展服务，帮助农民做好晾晒储存，确保颗粒归仓，保障粮食安全和农民收益。"]
    s3 = ["本报丙区3月2日电 连日来，丙区开展河道清理专项行动，组织人员清理河道垃圾和水面漂浮物，河道环境明显改善。",
          "丙区水务部门表示，将建立河道长效管护机制，落实河长责任，推动河道治理由集中整治向常态管护转变，守护一方碧水。"]
    lines = ["甲市全面推进老旧小区改造惠及十万居民群众"] + column20(s1)
    b1 = len(lines) + 1
    lines += ["乙县秋粮喜获丰收新粮陆续入库", "本报记者 王小明"] + column20(s2)
    b2 = len(lines) + 1
    lines += ["丙区开展河道清理专项行动", "本报记者 李红"] + column20(s3)
    r = segment_file("\n".join(lines) + "\n", source_file="t.txt")
    assert not r.layout["headline_after"]
    assert [x.lines for x in r.articles] == [[(1, b1 - 1)], [(b1, b2 - 1)], [(b2, len(lines))]]
    assert [x.title for x in r.articles[1:]] == ["乙县秋粮喜获丰收新粮陆续入库", "丙区开展河道清理专项行动"]
    assert r.articles[1].paragraphs == [s2[0].split(" ", 1)[1], s2[1]]
    assert r.articles[2].paragraphs[-1] == s3[1]
