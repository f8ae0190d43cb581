"""A headline in two parts set apart by a space, as wide as a row, over its story: no first row (issue 14).

In a hard-wrapped column an unpunctuated line that fills the measure, or stops an indent short of it, is read as
its paragraph's first row (``units._joins``' last test: a full line).  A headline about as wide as the column is
then joined to the story under it, and where it stands right under a finished paragraph the two stories become
one.  Its width cannot tell the two apart; a space between two of its words can: a headline sets its parts
apart with a space (黎以交火持续 以色列军队加强北部边境战备, 北方多地遭遇强降雨天气 各地积极应对),
where body text runs on with clause marks -- in a file whose body lines rarely hold such a space (a text spaced
between its characters holds them everywhere).  Not a headline's first line over its short, unpunctuated second
line, nor a source line opening its text (来源：某报 正文…), nor a space inside a title mark (《甲 乙》).

Only in a file that closes its texts with marks (□, source and credit lines): there a short line freed from a
paragraph opens an article only with the article step's further evidence; in a file without them every short
line under a finished paragraph opens one, and a sub-heading freed there (set exactly like a headline in a news
round-up) splits its article.

Development pages (TRAIN news families seeds 30-35, stress pages seeds 30-31, the sample files re-typeset at
seeds 30-31): of the unpunctuated first lines that the full-line test joins to the paragraph below, 17 of 73
headline, sub-heading and byline lines hold such a space, and 2 of 1,241 true first rows (a two-line headline's
first line over its second: the short-second-line guard).  Without the end-mark condition 2 TRAIN pages and a
tuning page fell (sub-headings of round-ups and a signed article's 职务　姓名 line split their articles).
"""

from __future__ import annotations

import re

from topics import clean as C

from .lines import RawLine, punctuated

# a space (or a few) between two Chinese words, or around a title's or quotation's marks
_WORD_SPACE_RE = re.compile(r"[\u4e00-\u9fff》”】][ \u3000\t]+[\u4e00-\u9fff《“【]")
# a file whose body lines hold a space between words this often spaces its text (a PDF spaced between its
# characters): a space there shows no headline.  TRAIN and stress pages: at most 0.17 (photo captions: 图为… X 摄,
# leads: 本报讯（记者 X）); the sample files at most 0.02
SPACED_TEXT_SHARE = 0.25
# lines that close a text (end marks, source and credit lines) the file needs for the rule (the count
# build.segment_rules asks of a file that delimits its texts)
MARKED_ENDS = 2


def _spaced_text(tl: list[RawLine], layout: dict) -> bool:
    """The file's body lines (clause punctuation) hold a space between words in a quarter of them or more."""
    if "spaced_text" not in layout:  # (once per file)
        body = [ln for ln in tl if punctuated(ln.text)]
        spaced = sum(bool(_WORD_SPACE_RE.search(ln.raw.strip())) for ln in body)
        layout["spaced_text"] = spaced >= SPACED_TEXT_SHARE * max(1, len(body))
    return layout["spaced_text"]


def spaced_headline(tl: list[RawLine], k: int, layout: dict, ref: float | None) -> bool:
    """Line k, opening a block with no clause punctuation and no sentence end, holds a space between two words
    (not inside a title mark, not after a source name) and the line under it is body text (clause punctuation,
    or a full row of width ``ref``): a headline over its story, not the story's first row -- in a file that
    closes its texts with marks and does not space its body text."""
    a, raw = tl[k].text, tl[k].raw.strip()
    if k + 1 >= len(tl) or punctuated(a) or C.is_terminated(a) or layout.get("end_marks", 0) < MARKED_ENDS:
        return False
    b = tl[k + 1]
    body_below = punctuated(b.text) or (ref is not None and b.width >= ref - 2.5)
    m = _WORD_SPACE_RE.search(raw)
    if not body_below or m is None or C.START_SOURCE_RE.match(raw) or _spaced_text(tl, layout):
        return False  # (a source line opening its text, 来源：X 正文…, runs on into the text after its space)
    return raw[:m.start()].count("《") <= raw[:m.start()].count("》")  # (not inside a title: 《甲 乙》)
