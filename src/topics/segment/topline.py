"""A page banner over the first headline of a headline-first page (issue 14).

A newspaper page opens with its banner (第8版 经济, 聚焦要闻, 要闻·理论) and then the first story's headline
block.  Set tight over the headline, the banner reads as its kicker and the segmenter joins it to the title, so the
furniture line stays in the first document.  A kicker or a headline speaks of its story; a banner names the page.
So the file's first line -- short, no punctuation, a unit of its own over a headline unit, narrower than the
headline line under it, no word running across the break -- is a banner when it shares no character bigram with
the first STORY characters of text under the headline block while those headline lines share at least RESTATES of
theirs.  Dropped after the lines are joined into units, so every join decision stays the page's as printed; the
page then opens with its headline (no second banner is looked for over body text: ``orient.banner_over_body``).

Development pages (TRAIN seeds 30-49, 1,440 pages; stress seeds 30-37): it fires on 55 (17) news-first banners
and on 34 (8) first lines labelled kicker (magazine, news first) whose words, drawn at random by the page
generator, are not their story's -- their title is then the headline alone, as the pages' true titles are; never
on a headline, a speech title or a report title, nor on a compilation or re-typeset sample page.  The same test
with a 0.1 bigram share allowed took about 10 more banners and 9 more kickers (measured before the unit guard);
date banners are left to ``lines.drop_page_furniture``.  On body-first pages (a banner over body text) it does
not fire: the line under the banner is no headline unit.

A section banner often shares a common word with the story by chance (第15版 工作交流 over a story that mentions
工作), so the banner's bigram share is read against its headline's: at most SHARE of what the headline lines
share.  And a story's dateline row (本报讯（记者…）…) or its first rows cut mid-word (中共中 | 央政治局…) are no
headline lines, however unpunctuated.  Development pages (TRAIN seeds 30-49, every family and compilation):
the share test takes 18 more banners (all news-first) and 27 more first lines labelled kicker, all the page
generator's random kickers (…扎实推进…工作); of the first lines it now passes, no headline, speech, report or
compilation title has a share under half its headline's.  TRAIN news_first leaked lines 107 -> 85 (banners
37 -> 15; the rest are captions), 14 pages' titles up, no F1 moved.
"""

from __future__ import annotations

from collections import Counter

from topics import clean as C

from .lines import HEADLINE_MAX, RawLine, punctuated, text_lines
from .units import Unit

STORY = 300  # characters of body text read under the headline block
RESTATES = 0.2  # the headline under the banner shares at least this share of its bigrams with its story
# ... and the banner at most this part of the headline's share: a page's section name (要闻新闻, 第9版 经济) shares
# a common word (工作, 经济) with a story by chance, a kicker or a headline's first line shares its story's words
SHARE = 0.5


def _head(ln: RawLine) -> bool:
    """A headline-block line: short, not a sentence's end, no full stop inside, no special line."""
    t = ln.text
    return (ln.width <= HEADLINE_MAX and not C.is_terminated(t) and not ln.special and not C.starts_enumerated(t)
            and not punctuated(t.replace("、", "")))


def top_block(tl: list[RawLine]) -> tuple[RawLine, list[RawLine], str] | None:
    """(first line, the headline lines under it, the story text under the headline block), or None."""
    if len(tl) < 4 or not _head(tl[0]) or C.byline_strength(tl[0].raw.strip()) or punctuated(tl[0].text):
        return None
    j, heads = 1, []
    while (j < len(tl) and len(heads) < 3 and _head(tl[j]) and not tl[j].text.startswith("——")
           and not C.byline_strength(tl[j].raw.strip()) and not C.DATELINE_RE.match(tl[j].text)):
        heads.append(tl[j])
        j += 1
    # (unpunctuated rows of the story cut mid-word -- 中共中 | 央政治局… -- are its first rows, not headline lines)
    while len(heads) > 1 and j < len(tl) and C.word_spans(heads[-1].text, tl[j].text) and not C.word_spans(
            heads[-2].text, heads[-1].text):
        heads.pop()
        j -= 1
    while j < len(tl) and _head(tl[j]) and (tl[j].text.startswith("——") or C.byline_strength(tl[j].raw.strip())):
        j += 1
    if j < len(tl) and (C.word_spans(tl[j - 1].text, tl[j].text) or C.continuation_start(tl[j].text)):
        return None  # the last "headline" line runs on into the line below: a row of body text
    story = ""
    while j < len(tl) and len(story) < STORY:
        story += tl[j].text
        j += 1
    if not heads or len(story) < STORY // 2:
        return None
    if C.DATELINE_RE.match(tl[0].text) or tl[0].text.count("（") != tl[0].text.count("）"):
        return None  # a story's dateline row (新华社北京7月2日电) over its next row: body text, not a banner
    return tl[0], heads, story


def banner_over_headline(lines: list[RawLine], units: list[Unit], dropped: Counter) -> bool:
    """Drop the file's first line when it is a page banner over the first headline (module docstring); read after
    the lines are joined into units, so that the banner is a unit of its own over a headline unit (its join
    decisions stay those of the page as printed)."""
    block = top_block(text_lines(lines))
    if block is None or len(units) < 2:
        return False
    first, heads, story = block
    if units[0].nos != [first.no] or units[1].kind != "short" or units[1].nos[0] != heads[0].no:
        return False
    if C.word_spans(first.text, heads[0].text) or first.width >= heads[0].width:
        return False  # a headline wrapped over two lines; a headline over its date line, byline or first row
    restated = C.affinity("".join(h.text for h in heads), story)
    if restated < RESTATES or C.affinity(first.text, story) > SHARE * restated:
        return False
    first.kind = "drop"
    dropped["banner"] += 1
    del units[0]
    return True


def banner_over_story(lines: list[RawLine], units: list[Unit], dropped: Counter) -> bool:
    """On a page read body-first, the file's first line -- short, no punctuation, a unit of its own over the first
    story's paragraphs -- is that page's banner when it shares no character bigram with the first STORY
    characters of the story under it (the story's own headline follows the story; ``orient.banner_over_body`` read
    the line past to orient the page, and left it in the first document, as its title or first paragraph)."""
    if len(units) < 2 or units[0].kind not in ("short", "byline?") or len(units[0].nos) != 1:
        return False
    if units[1].kind != "para" or units[1].start or punctuated(units[0].text) or C.byline_strength(units[0].text) == 2:
        return False
    story = ""
    for u in units[1:]:
        if u.kind != "para" or len(story) >= STORY:
            break
        story += u.text
    if len(story) < STORY // 2 or C.affinity(units[0].text, story) > 0:
        return False
    first = next(ln for ln in lines if ln.no == units[0].nos[0])
    first.kind = "drop"
    dropped["banner"] += 1
    del units[0]
    return True
