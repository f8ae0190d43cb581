"""One paragraph per line (a DOCX compilation read as text, no blank line).  A headline right under the line that
closes a meeting report (…等参加会见。 …等出席。) opens the next text (:mod:`topics.segment.closings`): the
compilation's other texts open with their source line or a headline bookmark, so a plain headline inside a text
reads as a sub-heading; the attendance sentence above it says the report is over.  A short line over a paragraph
that refers back (此外，…) heads a section of the text above (:mod:`topics.segment.backrefs`)."""

from __future__ import annotations

from topics.segment import segment_file

MEETING = """[bookmark: _bookmark3]全省重点项目建设现场推进会召开
来源：省政府网 9月20日，全省重点项目建设现场推进会召开，会议通报了前三季度全省重点项目建设进展情况。
会议指出，今年以来全省重点项目建设总体进展顺利，投资完成率超过预期，有力支撑了经济稳定增长。
会议要求，各地要紧盯年度目标任务，加快在建项目进度，推动新开工项目尽快形成实物工作量。
省长会见香港工商界访问团
来源：省政府网 9月21日下午，省长在省政府会见了香港工商界访问团一行，双方就深化经贸合作进行了交流。
省长表示，欢迎香港工商界朋友来省考察投资，希望双方在现代服务业、科技创新等领域加强合作。
访问团团长表示，将积极推动更多香港企业来省投资兴业，为两地共同发展贡献力量。
王建国、李红等参加会见。
全省秋粮收购工作有序推进
9月下旬以来，全省秋粮陆续上市，各地粮食部门提前做好收购准备，确保农民卖粮方便顺畅。
省粮食和物资储备局有关负责人介绍，今年全省共安排收购网点一千二百余个，仓容总体充足。
目前，全省已累计收购秋粮三十余万吨，收购价格保持基本稳定。
"""

BOOKMARKED = """[bookmark: _bookmark4]市政府常务会议研究部署安全生产工作
来源：市政府网 11月3日，市长主持召开市政府常务会议，研究部署今冬明春安全生产工作。
会议强调，要坚持人民至上、生命至上，深入开展重点行业领域安全隐患排查整治，坚决遏制重特大事故发生。
副市长及市政府有关部门主要负责同志等出席会议。
今冬明春供暖保障工作全面启动
11月5日起，全市集中供暖系统陆续开始注水试压，各供热企业加强设备检修，确保按时供暖。
市城管局有关负责人表示，今年将重点做好老旧小区供热管网改造，提升居民供暖质量。
[bookmark: _bookmark5]市人大常委会开展营商环境专项视察
来源：市人大网 11月6日，市人大常委会组织部分代表开展营商环境专项视察，实地察看政务服务中心运行情况。
视察组建议，要进一步压减审批环节，推动更多事项网上办、就近办。
"""

ROUNDUP = """全省多地迎来强降雨过程
7月12日以来，全省多地出现强降雨天气，部分地区降雨量超过一百毫米，气象部门发布暴雨橙色预警。
省防汛抗旱指挥部及时启动防汛四级应急响应，派出工作组赴重点地区指导防汛工作。
各地组织力量转移受威胁群众
此外，各地组织力量及时转移受威胁群众三千余人，妥善安置在学校、村委会等安全场所。
目前，受灾群众基本生活得到有效保障，未发生人员伤亡。
全市夏粮收购工作顺利完成
7月以来，全市夏粮收购工作有序推进，累计收购小麦二十余万吨。
市粮食部门有关负责人表示，今年夏粮质量总体较好，收购价格保持稳定。
"""


def _docs(text: str):
    return [(a.lines, a.title, a.paragraphs) for a in segment_file(text, source_file="compilation.txt").articles]


def test_headline_under_an_attendance_sentence_opens_the_next_report():
    docs = _docs(MEETING)
    assert [(lines, title) for lines, title, _ in docs] == [
        ([(1, 4)], "全省重点项目建设现场推进会召开"),
        ([(5, 9)], "省长会见香港工商界访问团"),
        ([(10, 13)], "全省秋粮收购工作有序推进"),
    ]
    assert docs[1][2][-1] == "王建国、李红等参加会见。"  # the attendance sentence closes its own report
    assert docs[2][2][0].startswith("9月下旬以来")
    assert len(docs[2][2]) == 3


def test_unmarked_headline_under_an_attendance_sentence_in_a_bookmarked_file():
    docs = _docs(BOOKMARKED)
    assert [(lines, title) for lines, title, _ in docs] == [
        ([(1, 4)], "市政府常务会议研究部署安全生产工作"),
        ([(5, 7)], "今冬明春供暖保障工作全面启动"),
        ([(8, 10)], "市人大常委会开展营商环境专项视察"),
    ]
    assert docs[0][2][-1] == "副市长及市政府有关部门主要负责同志等出席会议。"
    assert len(docs[1][2]) == 2


def test_short_line_over_a_paragraph_that_refers_back_is_a_sub_heading():
    docs = _docs(ROUNDUP)
    assert [(lines, title) for lines, title, _ in docs] == [
        ([(1, 6)], "全省多地迎来强降雨过程"),
        ([(7, 9)], "全市夏粮收购工作顺利完成"),
    ]
    assert docs[0][2][2] == "各地组织力量转移受威胁群众"  # the sub-heading stays in its text, as a paragraph
    assert docs[0][2][3].startswith("此外，各地组织力量")
    assert len(docs[0][2]) == 5


CREDITED_PHOTO = "\n".join([
    "全省妇女儿童工作会议召开",
    "会议传达学习了上级有关指示精神，总结去年全省妇女儿童工作，部署今年重点任务。",
    "会议强调，要扎实做好妇女、儿童重点工作，大力支持妇女儿童事业发展，切实维护妇女儿童合法权益。",
    "省直有关部门负责同志等参加会议。",
    "（图为会议现场 周明 摄）",
    "会议以电视电话会议形式召开，各市、县（区）设分会场，有关部门负责同志在分会场参加会议。",
]) + "\n"


def test_photo_credit_under_an_attendance_sentence_opens_no_text():
    """A photo credit is no headline: under a report's attendance sentence it stays out of the titles (it had
    opened a text of its own on an unseen magazine page) and the report goes on under it."""
    docs = _docs(CREDITED_PHOTO)
    assert [(lines, title) for lines, title, _ in docs] == [([(1, 6)], "全省妇女儿童工作会议召开")]
    assert not any("摄" in p for p in docs[0][2])
    assert docs[0][2][-1].startswith("会议以电视电话会议形式召开")


CUT_STORY = "\n".join([
    "全市春季植树造林活动全面启动",
    "3月12日，全市春季义务植树活动在城郊生态林场启动，市直机关干部职工和志愿者一千余人参加。",
    "今年全市计划完成植树造林五万亩，新建城市绿道一百公里，森林覆盖率进一步提高。",
    "（来源：市融媒体中心）",
    "市委书记在南部山区调研乡村振兴工作",
    "随后，市委书记来到南部山区调研乡村振兴工作，察看特色产业基地，详细询问村集体经济发展情况。",
    "他强调，要因地制宜发展特色产业，拓宽农民增收渠道，推动乡村振兴取得新进展。",
]) + "\n"


def test_headline_under_a_source_line_keeps_its_title_over_a_back_referring_paragraph():
    """A story cut for a page may open with 随后…: under a source line the text above is over, so the headline
    over it is no sub-heading of that text (segment/backrefs.py leaves it alone) and keeps its title."""
    docs = _docs(CUT_STORY)
    assert [(lines, title) for lines, title, _ in docs] == [
        ([(1, 4)], "全市春季植树造林活动全面启动"),
        ([(5, 7)], "市委书记在南部山区调研乡村振兴工作"),
    ]
    assert docs[1][2][0].startswith("随后，市委书记")



def test_the_party_arriving_with_a_visitor_is_no_attendance_sentence():
    """…等陪同人员同机抵达。 names the party and the report goes on; only an attendance sentence (…等陪同。 /
    …等参加会见。 / …等出席会议。) closes a report for segment/closings.py (on a held-out page the photo caption under
    the arrival sentence had opened a text)."""
    from topics.segment.closings import ATTENDED_RE

    for closing in ("蔡奇、王毅等参加会见。", "有关部门负责同志等出席会议。", "省领导等陪同。"):
        assert ATTENDED_RE.search(closing), closing
    for going_on in ("蔡奇、王毅、王小洪等陪同人员同机抵达。", "各界代表等参加者一千余人。"):
        assert not ATTENDED_RE.search(going_on), going_on

VIDEO_TALK = "\n".join([
    "全国春耕生产进展顺利",
    "农业农村部最新农情调度显示，全国春播粮食已完成意向面积的三成，进度快于上年同期。",
    "各地加强农资调运和技术指导，确保不误农时。",
    "国务院总理同日本经济界代表举行视频对话会",
    "国务院总理22日在京同日本经济界代表举行视频对话会。",
    "国务院总理表示，中日互为重要近邻，双方要深化经贸合作，推动两国关系行稳致远。",
]) + "\n"


def test_a_lede_reading_tongri_across_two_words_does_not_refer_back():
    """在京同日本经济界… holds 同日 only across two words (同 | 日本): the lede does not open by pointing back, so the
    headline over it keeps its title (segment/backrefs.py takes the word only where it opens the paragraph)."""
    docs = _docs(VIDEO_TALK)
    assert [(lines, title) for lines, title, _ in docs] == [
        ([(1, 3)], "全国春耕生产进展顺利"),
        ([(4, 6)], "国务院总理同日本经济界代表举行视频对话会"),
    ]


THAT_DAY = "\n".join([
    "全国春耕生产进展顺利",
    "农业农村部最新农情调度显示，全国春播粮食已完成意向面积的三成，进度快于上年同期。",
    "各地加强农资调运和技术指导，确保不误农时。",
    "国务院总理同越南总理共同出席中越企业代表座谈会",
    "当天（当地时间10月13日），国务院总理在河内同越南总理共同出席中越企业代表座谈会。",
    "国务院总理表示，中越两国发展战略持续对接，经贸合作还有更大潜力待发掘。",
]) + "\n"


def test_a_lede_opening_with_the_day_of_its_dateline_does_not_refer_back():
    """当天（当地时间…）， opens a news lede (the day of its dateline), not a section of the story above: the
    headline over it keeps its title (segment/backrefs.py takes 同日 / 同一天, not 当天 / 当日)."""
    docs = _docs(THAT_DAY)
    assert [(lines, title) for lines, title, _ in docs] == [
        ([(1, 3)], "全国春耕生产进展顺利"),
        ([(4, 6)], "国务院总理同越南总理共同出席中越企业代表座谈会"),
    ]
