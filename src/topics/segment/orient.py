"""Which side of its headline a file prints the story: the side whose text restates the headline's words."""

from __future__ import annotations

from topics import clean as C

from .lines import punctuated
from .units import Unit

HEADLINE_BLOCK = frozenset({"short", "subtitle", "byline?", "byline"})  # kicker, headline, ——subtitle, byline
CREDIT = frozenset({"subtitle", "byline?", "byline"})  # what a headline block has and a sub-heading has not
SPAN = 12  # paragraphs of body text read on each side of a headline block


def restated_sides(units: list[Unit], restated: float, elsewhere: float, credited: bool = False,
                   banner: str = "") -> tuple[int, int]:
    """(above, below): headline blocks under a finished paragraph whose headline lines (no clause marks) share at
    least ``restated`` of their bigrams with the body text just above them and at most ``elsewhere`` times that
    share with the text just below -- and the other way round.  A story restates its own headline; the story on
    the headline's other side is another one.

    ``credited``: only blocks with a byline or a ——subtitle (a sub-heading has neither), and each side's story
    read across its one-line sub-headings (:func:`_run`); ``banner``: the file's first line, and no count when
    a block's headline shares ``elsewhere * restated`` of its bigrams with it (headlines of one series, 1959年…
    政府工作报告 | 1960年…政府工作报告: the first line is the first headline, no banner)."""
    above = below = 0
    for i in range(1, len(units)):
        if not (units[i].kind == "short" and units[i - 1].kind == "para" and C.is_terminated(units[i - 1].text)):
            continue
        j = i
        while j < len(units) and units[j].kind in HEADLINE_BLOCK:
            j += 1
        if credited and not any(u.kind in CREDIT for u in units[i:j]):
            continue
        title = "".join(u.text for u in units[i:j] if u.kind == "short" and not C.byline_strength(u.text))
        if not title or punctuated(title):
            continue
        if banner and C.affinity(title, banner) >= elsewhere * restated:
            return 0, 0
        a, b = C.affinity(title, _run(units[i - 1::-1], credited)), C.affinity(title, _run(units[j:], credited))
        above += a >= restated and b <= elsewhere * a
        below += b >= restated and a <= elsewhere * b
    return above, below


def _run(units: list[Unit], across: bool = False) -> str:
    """The text of up to SPAN body paragraphs, from the first unit on, to the first unit that is no paragraph;
    ``across``: read past one-line sub-headings (a short line between two paragraphs), any other unit ends it."""
    out: list[str] = []
    for k, u in enumerate(units):
        if len(out) >= SPAN:
            break
        if u.kind == "para":
            out.append(u.text)
        elif not (across and out and u.kind == "short" and len(u.nos) == 1 and k + 1 < len(units)
                  and units[k + 1].kind == "para"):
            break
    return "".join(out)


def banner_over_body(units: list[Unit], content: list[Unit], restated: float, elsewhere: float) -> bool:
    """The file's first content unit is one short line over body text (a page banner, or a headline over its
    story), and at least two of the file's headline blocks restate the story above them, more than restate the
    text below: a body-first page under a banner.  (A story's sub-heading that opens its section -- 米舒斯京表示,
    a clause the paragraph under it repeats -- restates the text below it; on a headline-first page every headline
    does.  Requiring none such blocks left pages with sub-headings read headline-first, the banner as the first
    title and every headline over the next story: TRAIN news_after seeds 30-49, 28 of 32 banners left in stories
    were on such pages; with ``up > down`` 9 more pages are read body-first, 9 pages' titles and 2 pages' F1 up,
    none down, on every TRAIN family.)

    Or, counted over the blocks with a byline or ——subtitle only and each story read across its one-line
    sub-headings, at least one restates the story above and none the text below.  (Read paragraph by paragraph,
    a story with sub-headings hides its headline's words above the last one, and its sub-headings restate the text
    below: up <= down.  TRAIN news seeds 30-49, pages of that shape still read headline-first: news_after 10 of 19
    such counts, news_first 0 of 36; 10 news_after pages mended, none worse.)"""
    if not (len(content) > 1 and content[0].kind in ("short", "byline?") and len(content[0].nos) == 1
            and content[1].kind == "para" and not content[1].start):
        return False
    up, down = restated_sides(units, restated, elsewhere)
    if up >= 2 and up > down:
        return True
    up, down = restated_sides(units, restated, elsewhere, credited=True, banner=content[0].text)
    return up >= 1 and down == 0


def headlines_over_stories(units: list[Unit], restated: float, elsewhere: float) -> bool:
    """The file's credited headline blocks (a byline or a ——subtitle under the headline, which a sub-heading has
    not) restate the text below them, none the text above: a headline-first page, however its first headline
    reads (one as wide as the column, joined to its lede as a full row, looks like a page opening with body text).
    Development pages read body-first (news-jump proxy seeds 30-49, TRAIN seeds 30-39, stress 30-35, re-typesets
    30-31): of the headline-first ones, 6 of 6 count (0 above, 1-3 below); of the 201 body-first ones, none does
    (0 above with 1 or more below: 0; the rest count 1-5 above or 0 both ways)."""
    up, down = restated_sides(units, restated, elsewhere, credited=True)
    return up == 0 and down >= 1
