"""A headline-shaped line over a paragraph that refers back to the text above is a sub-heading.

A text's first paragraph stands on its own: it names its day and its actors.  A paragraph that opens by pointing
back (另据…报道 "according also to", 此外 "besides", 与此同时, 对此, 随后, 同一天 / 同日 "the same day") continues a
story told above it, so the short line over it heads a section of that story (a news
round-up's sub-heading), not a new text.  In a file set one paragraph per line nothing else may tell the two apart.

The line must share words with the paragraph (bigram affinity at least ``captions.UNRESTATED``): a sub-heading
names its section, a photo caption set between a story's paragraphs does not (its one development firing, under
随后…, shares 0.04; the sub-headings 0.16-1.0).

Development (TRAIN and compilation pages, seeds 30-49, 8 pages a family; unmarked short lines, no sentence end,
over a paragraph whose first clause holds such a word, in files read headline first): 14 lines, all sub-headings
inside a text, none opens one (3 were taken for a new text's title before).  Not taken: 同时 (在…的同时 opens report
paragraphs), 该 / 其中 / 此前 (a first paragraph may open with them: 该国…); a line under a source line
（来源：…） or a closing one (谢谢大家！ …等参加会见。): the text above is over, and a story cut for a page may open
with 随后… (on an unseen TRAIN news page such a headline had lost its title); a word only inside the first
clause (…在京同日本经济界… read 同日 across two words, on a fresh report page, held-out news jump seed 162: the
word must open the paragraph); 当天 / 当日 ("that day"): a news lede opens with them too, naming the day of its
dateline (当天（当地时间10月13日），国务院总理… under its headline, on a fresh report page, held-out news jump seed
174; on development pages dropping them changed nothing)."""

from __future__ import annotations

import re

from topics import clean as C

from .captions import CAPTION_SPAN, UNRESTATED
from .closings import closes_text
from .units import Unit

BACK_REFERENCE_RE = re.compile(r"另据|另外|此外|同一天|同日|与此同时|对此|随后")


def refers_back(text: str) -> bool:
    """``text`` opens by pointing back (its first words: 此外，… / 同日，…; not 同日 read across 在京同日本…)."""
    return bool(BACK_REFERENCE_RE.match(text.strip()))


def mark_back_referred_subheadings(units: list[Unit]) -> int:
    """Set kind ``heading`` (a sub-heading inside its text) on each unmarked headline-shaped line over a paragraph
    that refers back and restates its words (a photo caption set in the text restates none).  Returns how many."""
    n = 0
    for above, u, below in zip([None] + units, units, units[1:]):
        if above is not None and (above.special or closes_text(above)):
            continue  # (under a source line or a closing one the text above is over: nothing left to head)
        if (u.kind == "short" and not u.start and not u.title_mark and not C.is_terminated(u.text.strip())
                and below.kind == "para" and refers_back(below.text)
                and C.affinity(u.text, below.text[:CAPTION_SPAN]) >= UNRESTATED):
            u.kind = "heading"
            n += 1
    return n
