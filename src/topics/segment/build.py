"""Article drafts -> :class:`Article` records with provenance fields and line spans; :func:`segment_rules`, the rule segmenter."""

from __future__ import annotations

import re
from collections import Counter
from topics import clean as C

from .lines import HEADLINE_MAX, Article, RawLine, SegmentResult, classify, detect_layout, drop_banner, drop_bullets, drop_front_matter, drop_masthead, mark_toc_headlines, drop_page_furniture, drop_inline_captions, punctuated, read_lines, text_lines
from .units import Unit, build_units, merge, text_kind
from .greetings import mark_headless_speeches
from .restated import mark_restated_items
from .closings import mark_titles_after_closings
from .backrefs import mark_back_referred_subheadings
from .titlewrap import mark_narrow_wrapped_titles
from .articles import RESTATED, RESTATED_ELSEWHERE, Art, headline_comes_after, segment_headline_after, segment_headline_first
from .orient import headlines_over_stories
from .stitch import stitch, take
from .headrest import join_heading_rest
from .headacross import join_heading_across
from .outerrest import join_outer_rest
from .cutrow import return_cut_rows
from .bookmarks import bookmark_numbers, no_room, unmarked_headlines
from .cues import LayoutLine, mark_headlines, read_layout_lines
from .topline import banner_over_headline, banner_over_story
from .credits import credited_title
from .dated import dated_title, under_finished
from .heads import rejoin_wrapped_headings
from .captions import (CAPTION_SPAN, UNRESTATED, UNRESTATED_BIGRAMS, drop_measure_captions_in_words, drop_off_measure_captions,
                       drop_wide_captions_in_sentences)
from .sentcaptions import drop_captions_in_sentences
from .bylinerow import join_rows_under_bylines
from .unstyled import lone_line_between_paragraphs, open_unstyled_headlines


def _art_nos(a: Art) -> list[int]:
    units = a.titles + a.bylines + a.body + a.tail
    return [n for u in units for n in u.nos + u.lead] + a.extra


def line_spans(nos: list[int], owner: dict[int, int], me: int, lines: list[RawLine]) -> list[tuple[int, int]]:
    """Merge line numbers into spans; a gap is bridged when it holds only blank or dropped lines."""
    spans: list[list[int]] = []
    for n in sorted(set(nos)):
        if spans and all(owner.get(g, me) == me and lines[g - 1].kind != "text" for g in range(spans[-1][1] + 1, n)):
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return [(s, e) for s, e in spans]


def _title_text(units: list[Unit], raw_title: dict[int, str]) -> str | None:
    """Headline units (with their spaces: ``切实学好用好党史 激活干事创业动力``); a subtitle joins with its dash."""
    out = ""
    for u in units:
        s = C.join_headline([raw_title[n] for n in u.nos])
        out = out + s if u.kind == "subtitle" or not out else out + " " + s
    return out or None


def _build_article(a: Art, raw_title: dict[int, str], drop_formulas: bool, dropped: Counter,
                   bookmarks: bool) -> Article:
    subtitle_only = bool(a.titles) and a.titles[0].kind == "subtitle"
    art = Article(title=None if subtitle_only else _title_text(a.titles, raw_title),
                  source=a.source, continued_from=a.continued_from)
    authors = []
    for u in a.bylines:
        s = " ".join(raw_title[n] for n in u.nos)
        authors.append(s.replace(" ", "") if C.NAME_RE.match(s) else s)
    authors = [" ".join(authors)] if authors else []
    if subtitle_only:  # only a speech's subtitle is printed: date, meeting and speaker
        art.dateline = C.clean_line(a.titles[0].text).lstrip("—")
    for u in a.tail:
        kind, value, extra = C.provenance(u.text) or (u.kind, None, None)
        art.add_provenance(authors, kind, value, extra)
        if kind == "caption":
            dropped["caption"] += len(u.parts)
            if (m := C.PHOTO_CREDIT_RE.search(" ".join(raw_title[n] for n in u.nos))) and not authors:
                authors.append(m.group(1) + " 摄")
    body = a.body
    if body and body[-1].kind in ("byline?", "short") and any(C.SIGNING_DATE_RE.match(u.text) for u in a.tail):
        authors.append(C.clean_line(body[-1].text))  # the issuing body signing the document above its date
        body = body[:-1]
    for idx, u in enumerate(body):
        t = C.clean_paragraph(u.text)
        if u.kind in ("greeting", "closing") and drop_formulas:
            dropped["speech_formula"] += len(u.parts)
            continue
        if drop_formulas:
            t = C.ADDRESS_PREFIX_RE.sub("", t)
        if not art.paragraphs and (d := C.split_dateline(t)):
            art.dateline = art.dateline or d[0]
            authors[:0] = [d[1]] if d[1] else []
            t = d[2]
        if idx == len(body) - 1 and (c := C.split_trailing_credit(t)):
            raw_c = C.split_trailing_credit(raw_title[u.nos[-1]])
            t, _ = c
            authors.append(raw_c[1] if raw_c else c[1])
        if m := C.CLOSING_DATELINE_RE.match(t):
            art.dateline = art.dateline or m.group(1)
        elif t:
            art.paragraphs.append(t)
    art.author = "；".join(x for x in authors if x) or None
    first = art.paragraphs[0] if art.paragraphs else ""
    art.partial = bool(
        a.continued_from or art.title is None or a.headless
        or (bookmarks and a.titles and not any(u.title_mark for u in a.titles))  # a headline cut at the front
        or re.match(r"^([二三四五六七八九十]+、|[（(][二三四五六七八九十][）)])", first)  # an excerpt
        or any(not C.is_terminated(p) and (C.text_width(p) > HEADLINE_MAX or re.search("[。！？]", p)) for p in art.paragraphs)
    )  # the last test: a paragraph cut off in the source (not a heading: it is long or holds a full stop)
    return art


def _caption_like(u: Unit) -> bool:
    """One phrase (at most two clauses) with no sentence end, no enumeration, no byline, no title mark."""
    return (not C.is_terminated(u.text) and not C.starts_enumerated(u.text) and not C.byline_strength(u.text)
            and not u.title_mark and C.one_phrase(u.text))


def _unrestated(a: Art, k: int, tight_below: bool = False, tight_above: bool = False) -> bool:
    """A sub-heading names what its article is about, a photo caption the people and places in its picture: a
    line with under a tenth of its ideograph bigrams anywhere else in its article (headline and text) is no
    sub-heading.  Development pages (TRAIN seeds 30-41, stress, compilation, re-typesets): of the 42 lines
    between two paragraphs under a tenth, 41 were captions and one a running head; none of 420 sub-headings.
    In a long article a caption's common words (开展, 工作) recur somewhere: a line with under twice that share in
    its article is no sub-heading either when it restates neither the text above nor below it (under a tenth in
    ``CAPTION_SPAN`` characters each side: a sub-heading names the text it heads), the text below does not go on
    from it and it stands tight above that text (``tight_below``: the first part of a paragraph cut by a page
    break has the page's foot, blank lines, under it).  Development pages (TRAIN, stress, compilation, re-typesets
    seeds 30-33, TRAIN magazine 30-49): 21 more captions, no text line; without the blank-line test about 48
    captions and paragraphs' first parts cut by a page (one here, one on a tuning page), without the article's
    bound 9 more text lines (sub-headings, titles, paragraphs' first parts).  ``tight_above`` (set tight on both
    sides, in a file that prints captions: see the caller) lifts the article's bound: a caption's stock words (干部,
    开展, 工作) recur in an article as much as a fifth to a half of them."""
    t = a.body[k].text
    if len(C.ideograph_bigrams(t)) < UNRESTATED_BIGRAMS:
        return False
    in_article = C.affinity(t, "".join(u.text for u in a.titles + a.body[:k] + a.body[k + 1:]))
    if in_article < UNRESTATED:
        return True
    if not tight_below or in_article >= 2 * UNRESTATED and not tight_above:
        return False
    above = "".join(u.text for u in a.body[:k])[-CAPTION_SPAN:]
    below = "".join(u.text for u in a.body[k + 1:])[:CAPTION_SPAN]
    nxt = a.body[k + 1].text
    return (C.affinity(t, above) < UNRESTATED and C.affinity(t, below) < UNRESTATED
            and not C.continuation_start(nxt) and not C.word_spans(t, nxt))


def _drop_set_in_captions(arts: list[Art], lines: list[RawLine], dropped: Counter) -> None:
    """A photo caption set between two paragraphs of one article: a single short line (one phrase, at most two
    clauses, no sentence end, not enumerated) standing tight under a finished paragraph (no blank line between:
    a sub-heading is set off from the text above it by space, where the file spaces anything) with body text
    under it.  Only in a file that spaces its sub-headings (a blank line above some short line inside an article
    elsewhere), else the two cannot be told apart; or, in an article that sets half its paragraphs or more off with a
    blank line, with a blank line under it (it goes with the paragraph above); or, in any file, when its words
    are not its article's (:func:`_unrestated`).  Its lines stay in the article's spans (provenance).
    In a file that prints captions (one dropped as such already, here or by an earlier rule) a second pass drops
    a line tight between its paragraphs (no blank line above or below) that restates neither side whatever its
    words' share in the whole article.  Development pages (TRAIN seeds 30-33, stress, compilation, re-typesets
    seeds 30-31; TRAIN magazine 30-49): 12 more captions, no text line; in every file (no caption test) it also
    took a compilation title, a DOCX title and a speech's sub-heading (files with no caption) and 5 captions."""
    def blank_above(u: Unit) -> bool:
        return u.nos[0] > 1 and lines[u.nos[0] - 2].kind == "blank"

    def inset(a: Art, k: int) -> bool:
        u = a.body[k]
        return (u.kind == "short" and len(u.nos) == 1 and 0 < k < len(a.body) - 1 and a.body[k - 1].kind == "para"
                and a.body[k + 1].kind == "para" and C.is_terminated(a.body[k - 1].text) and _caption_like(u))

    def blank_below(u: Unit) -> bool:
        return u.nos[-1] < len(lines) and lines[u.nos[-1]].kind == "blank"

    spaced = any(inset(a, k) and blank_above(a.body[k]) for a in arts for k in range(len(a.body)))
    for captioned in (False, True):
        if captioned and not dropped["caption"]:
            break
        for a in arts:
            # an article that sets at least half of its paragraphs off with a blank line: a line tight under a
            # paragraph with the blank line below it goes with the paragraph above, where no sub-heading stands
            gaps = [blank_above(y) for x, y in zip(a.body, a.body[1:]) if x.kind == y.kind == "para"]
            para_spaced = len(gaps) >= 2 and sum(gaps) >= 0.5 * len(gaps)
            keep = []
            for k, u in enumerate(a.body):
                if inset(a, k) and (not blank_above(u) and (spaced or para_spaced and blank_below(u))
                                    or _unrestated(a, k, not blank_below(u), captioned and not blank_above(u))):
                    a.extra.extend(u.nos)
                    dropped["caption"] += 1
                else:
                    keep.append(u)
            a.body = keep


def _drop_closing_captions(arts: list[Art], lines: list[RawLine], dropped: Counter) -> None:
    """Captions set between two articles: an article's last line or the first line of the next headline block
    (see the comments).  Their lines stay in the articles' spans (provenance)."""
    # the last unit of an article, one short line under its finished last paragraph with a headline right under
    # it: no sub-heading (no text of its own follows), no paragraph (unfinished): a caption set after the text
    heads = {n for a in arts for t in a.titles for n in t.nos}
    tl = text_lines(lines)
    after = {x.no: y.no for x, y in zip(tl, tl[1:])}
    for a in arts:
        k = len(a.body) - 1
        if (k >= 1 and not a.tail and a.body[k].kind == "short" and len(a.body[k].nos) == 1 and a.body[k - 1].kind == "para"
                and C.is_terminated(a.body[k - 1].text) and after.get(a.body[k].nos[0]) in heads
                and _caption_like(a.body[k])):
            a.extra.extend(a.body[k].nos)
            dropped["caption"] += 1
            a.body = a.body[:k]
    # a headline block's first line set tight under a finished paragraph and apart from the headline under it by
    # a blank line: a kicker stands tight over its headline, so this line closes the text above (a caption)
    for a in arts:
        t = a.titles[0] if len(a.titles) >= 2 else None
        if (t is not None and len(t.nos) == 1 and 1 < t.nos[0] < len(lines) and lines[t.nos[0]].kind == "blank"
                and lines[t.nos[0] - 2].kind == "text" and C.is_terminated(lines[t.nos[0] - 2].text) and _caption_like(t)):
            a.extra.extend(t.nos)
            dropped["caption"] += 1
            a.titles = a.titles[1:]


JUMP_TO = ("下转", "转下", "转第")  # the jump cue under the part of an article continued elsewhere


OPENER = 4  # characters: the first words the texts under a file's headlines share (an agency's dateline formula)


def _plain_headlines(units: list[Unit]) -> None:
    """In a file whose layout shows its headlines, a line set as body text (no heading style, body size: a headline
    typed by hand or pasted) that reads as a headline line -- short, no clause punctuation, no sentence end -- at
    the top of the file or between a finished paragraph and the next paragraph opens an article when the file's
    own texts say so: the paragraph under it opens with a dateline, or with the first words (``OPENER``) that the
    paragraphs under at least half of the file's shown headlines (two or more) open with.  A sub-heading's
    section does not (a news round-up's items open with their own words)."""
    leads = [b.text for a, b in zip(units, units[1:]) if a.headline and not b.headline and b.kind == "para"]
    for i in range(len(units) - 1):
        u, nxt = units[i], units[i + 1]
        if not (u.body_size and u.kind == "para" and lone_line_between_paragraphs(units, i)
                and text_kind(u, u.text) in ("short", "byline?")):
            continue
        shared = sum(len(nxt.text) >= OPENER and t.startswith(nxt.text[:OPENER]) for t in leads)
        if C.DATELINE_RE.match(nxt.text) or shared >= max(2, len(leads) / 2):
            u.kind, u.start = "short", True


def _before_jumps(units: list[Unit], lines: list[RawLine]) -> None:
    """The line just above a jump cue （下转…） ends the jumped part of an article's body (cut mid-sentence as
    often as not): never a headline.  (``RawLine.jump_below``, set where the cue is dropped.)"""
    above = {ln.no for ln in lines if ln.jump_below}
    for u in units:
        if u.nos[-1] in above and u.kind in ("short", "byline?"):
            u.kind = "para"


def join_jumps(arts: list[Art], lines: list[RawLine]) -> list[Art]:
    """An article continued in the same file is joined: the part after ``（上接…）`` goes to the article whose
    part ended at a ``（下转…）`` cue (the earliest such article not yet joined, before the continuation); a
    continuation whose jump is not in the file stays a partial article of its own."""
    owner = {n: k for k, a in enumerate(arts) for n in _art_nos(a)}
    jumped: list[int] = []
    for ln in lines:
        m = C.MARKER_RE.match(ln.text) if ln.kind == "drop" else None
        if m and m.group(1) in JUMP_TO:
            before = next((owner[n] for n in range(ln.no - 1, 0, -1) if n in owner), None)
            if before is not None and before not in jumped:
                jumped.append(before)
    gone = set()
    for k, a in enumerate(arts):
        if not (a.continued_from and (not a.titles or a.body and not a.bylines) and jumped and jumped[0] < k):
            continue
        target = arts[jumped.pop(0)]
        titled = bool(a.titles)
        if titled:
            _heading_under_jump(a)
        take(target, a, bool(a.body and target.body and target.unterminated() and not titled))  # (the jump cut a sentence: joined)
        gone.add(k)
    return [a for k, a in enumerate(arts) if k not in gone]


def _heading_under_jump(a: Art) -> None:
    """The lines a continuation (（上接…）) opens with, read as its headline: a story goes on there with the rest of
    its text, so they are the sub-heading its next section opens with (set over as many rows as the column needs:
    one heading).  Development proxy pages (news_first pieces on two pages with a 下转/上接 pair, re-wrapped at 10-11
    and 33-38 units, seeds 30-49): 20 of 21 wrong boundaries at a jump were such a continuation left unjoined; no
    TRAIN, stress or compilation page has a 下转 cue.  (A sub-heading may restate part of a round-up's headline:
    kept as text.)"""
    head = a.titles[0]
    for v in a.titles[1:]:
        merge(head, v)
    head.kind = "short"
    a.body.insert(0, head)
    a.titles = []


def _centred_headlines(tl: list[RawLine]) -> bool:
    """A file that centres its headlines with spaces (a PDF export: ``      关于…的报告``), its first line one of
    them, and never sets a body line so: each centred line opens an article, and a short line flush left
    inside an article is a sub-heading (每一部分的小标题), as in a file that marks its headlines."""
    def spaced(ln: RawLine) -> bool:
        return bool(re.match(r"^ +\S", ln.raw))

    heads = [ln for ln in tl if spaced(ln)]
    # (the first clearly set in: a single space before a page banner or headline is no centring)
    if not tl or not re.match(r"^ {2,}\S", tl[0].raw) or any(
            C.is_terminated(ln.text) or re.search(r"[。；！？]", ln.text) or ln.width > HEADLINE_MAX for ln in heads):
        return False
    for ln in heads:
        ln.start = True
    return True


def _title_shaped(t: str) -> bool:
    """A line a speech's title may be: no sentence end, no formula, no dateline, not opening with a bracket or a
    dash (a note, a ——subtitle)."""
    return (not C.is_terminated(t) and not C.is_formula(t) and not C.DATELINE_RE.match(t)
            and not t.startswith(("（", "(", "——")))


_DATED_TAIL_RE = re.compile(r"[（(][^（）()]*[0-9０-９年月日][^（）()]*[）)]$")


def _dated_tail(t: str) -> bool:
    """A line ending in a bracketed date (…（2018年1月12日）): a speaker's or date line over the salutation, no
    title; a title may end in a bracketed note without one (…步伐 (十四大), …（摘要）)."""
    return bool(_DATED_TAIL_RE.search(t.rstrip()))


def _title_wrapped_above(tl: list[RawLine], k: int) -> bool:
    """The speech title over a salutation (``tl[k]``) began one line up: a line set tight above it (no blank line
    between) with no clause punctuation, no sentence end, no enumerator and no formula, standing under the end of
    the text before (a finished paragraph or a closing formula) or at the top of the file, the two lines no wider
    than one headline (县委书记在学习园地工作 | 会议上的讲话 | 同志们：).  Else that line stays with the text above
    and the title's second line alone opens the speech.  The text before may also end on its writers' credit
    (（课题组组长：… 成员：…）), and under a finished line the two rows may stand one blank line apart
    (市医保局课 | | 题组主题教育心得体会): development (compilation and TRAIN speeches, seeds 30-49) 4 such titles, no
    line above a salutation's title that is not its first row."""
    if k < 1:
        return False
    up = tl[k - 1]
    ends = k < 2 or C.is_terminated(tl[k - 2].text) or C.is_formula(tl[k - 2].text) == "closing"
    gap = tl[k].no - up.no
    return ((gap == 1 or gap == 2 and ends) and not up.start and not up.special and not punctuated(up.text)
            and _title_shaped(up.text) and not C.starts_enumerated(up.text) and up.width + tl[k].width <= HEADLINE_MAX
            and (ends or tl[k - 2].special == "credit"))


SPACED_PARAS = 0.1  # at most this share of the paragraphs under a finished one stand after a blank line


def _texts_spaced(units: list[Unit], lines: list[RawLine], layout: dict) -> bool:
    """A file set in no column whose paragraphs follow one another without blank lines (at most SPACED_PARAS of
    those under a finished paragraph stand after one): its blank lines set its texts apart, not its paragraphs."""
    if layout["column"]:
        return False
    blank = {ln.no for ln in lines if ln.kind == "blank"}
    gaps = [b.nos[0] - a.nos[-1] > 1 and all(n in blank for n in range(a.nos[-1] + 1, b.nos[0]))
            for a, b in zip(units, units[1:]) if a.kind == "para" and b.kind == "para" and C.is_terminated(a.text)]
    return len(gaps) >= 5 and sum(gaps) <= SPACED_PARAS * len(gaps)


def segment_rules(text: str | list[LayoutLine], *, source_file: str, drop_speech_formulas: bool = True) -> SegmentResult:
    """The rule segmenter: one raw text file -> clean articles in reading order (see the module docstring).

    ``text`` is the file's text, or the lines a PDF/DOCX reader found (``SourceLine``: one paragraph each, with
    page and layout cues; :mod:`topics.segment.cues`); then the layout's headlines open the articles and the
    articles' ``lines`` spans number the reader's lines (``SourceLine.line``).
    ``source_file`` only names the file in ``layout`` diagnostics; no rule depends on it.
    ``drop_speech_formulas`` drops greetings and closings (``同志们：`` ``谢谢大家！``) and address openers
    (``同志们，`` ``各位代表！``) at the start of a paragraph (R11).
    """
    dropped: Counter = Counter()
    lines = read_lines(text, dropped) if isinstance(text, str) else read_layout_lines(text)
    classify(lines, dropped)
    mark_toc_headlines(lines, drop_front_matter(lines, dropped))
    drop_masthead(lines, dropped)
    level = mark_headlines(lines, dropped)
    layout = detect_layout(lines)
    layout["cued"] = level is not None  # the layout shows the article headlines
    layout["centred"] = _centred_headlines(text_lines(lines))
    drop_banner(lines, dropped, layout["column"] or layout["wrapped"])
    tl = text_lines(lines)
    col = layout.get("column_width")
    credits: set[int] = set()  # writers' credits under a speech's title (its byline)
    for k, ln in enumerate(tl):
        # (one space opening a line under a full column line is the space after its sentence, wrapped: no item)
        wrapped_space = k > 0 and layout["column"] and col and tl[k - 1].width >= col - 0.5 and re.match(r"^ \S", ln.raw)
        ln.start = ln.start or (ln.indent and layout["indent"] == "item" and not wrapped_space)
        # a speech opens with its salutation (同志们：): the unfinished line just above it is the speech's title
        # (or its second line: the title starts one line up, :func:`_title_wrapped_above`)
        # (a writer's credit over the salutation: the title stands above it, :mod:`topics.segment.credits`)
        salute = k + 1 < len(tl) and C.is_formula(tl[k + 1].text) == "greeting"
        marks = salute and _title_shaped(ln.text) and not C.byline_strength(ln.text) and not _dated_tail(ln.text)
        head = credited_title(tl, k) if salute and (marks or ln.start) else None
        if head is not None:
            tl[head - 1 if _title_wrapped_above(tl, head) else head].start = True
            for up in tl[head + 1:k + 1]:
                up.start = False
            credits.add(ln.no)
        elif marks:
            tl[k - 1 if _title_wrapped_above(tl, k) else k].start = True
        # a title over its dated ——subtitle opens the text (:mod:`topics.segment.dated`)
        j = dated_title(tl, k)
        wrapped = j is not None and _title_wrapped_above(tl, j)
        if j is not None and (wrapped or under_finished(tl, j)):
            tl[j - 1 if wrapped else j].start = True
            ln.start = False
    drop_page_furniture(lines, dropped)
    drop_bullets(lines, dropped)
    drop_inline_captions(lines, dropped, layout)
    drop_off_measure_captions(lines, dropped, layout)
    drop_measure_captions_in_words(lines, dropped, layout)
    drop_wide_captions_in_sentences(lines, dropped, layout)
    dropped["blank"] += sum(1 for ln in lines if ln.kind == "blank")
    units = build_units(lines, layout)
    join_rows_under_bylines(units)  # (a row under a byline stopping mid-clause goes on below: bylinerow)
    # (a page banner set tight over the first headline; then no second banner opens the page)
    top_banner = not layout["cued"] and banner_over_headline(lines, units, dropped)
    _before_jumps(units, lines)
    if layout["cued"]:
        _plain_headlines(units)
        open_unstyled_headlines(units, lines)  # (a line whose style the reader lost: unstyled)
    # a layout reader gives reading order: a headline it shows stands above its article
    # (unless its credited headlines restate the stories below them: :func:`topics.segment.orient.headlines_over_stories`)
    layout["headline_after"] = (not layout["cued"] and headline_comes_after(units, top_banner)
                                and not headlines_over_stories(units, RESTATED, RESTATED_ELSEWHERE))
    if layout["headline_after"]:
        banner_over_story(lines, units, dropped)  # (the banner that orient.banner_over_body read past)
        rejoin_wrapped_headings(units)  # (a sub-heading's last row read as a byline)
        arts = segment_headline_after(units, layout["indent"] == "paragraph")
    else:
        # articles are delimited by end marks or by headline + byline pairs: then an unnumbered short line
        # inside an article is a sub-heading; without them (a plain compilation) it opens a new article
        pairs = sum(1 for a, b in zip(units, units[1:])  # (a headline's ——subtitle above the byline too)
                    if a.kind in ("short", "subtitle") and b.kind in ("byline", "byline?"))
        closings = sum(1 for u in units if u.kind == "closing")
        sources = sum(1 for u in units if u.kind == "source_start")  # texts opened by their source (来源：…)
        strong = layout["end_marks"] >= 2 or pairs >= 1 or layout["cued"] or sources >= 2 or layout["centred"]
        layout["strong_delimiters"] = strong or closings >= 2
        # (a DOCX set one paragraph per line whose headlines carry bookmarks: an unmarked headline lost its bookmark)
        kept = text_lines(lines)
        numbers = bookmark_numbers(kept)
        marked = numbers if layout["bookmark_titles"] and layout["nowrap"] else {}
        # (a file whose delimiters only open texts -- source lines, headline bookmarks -- none closing one)
        closes = sum(1 for ln in kept if ln.end_mark or ln.special in ("source_end", "author_source", "credit"))
        opens = sources + sum(1 for ln in kept if ln.title_mark)
        sourced = opens >= 2 and not (closes >= 2 or pairs or layout["cued"] or layout["centred"])
        # (a file that sets blank lines between its texts, none between paragraphs, and whose delimiters do not open
        # its texts: a short line after blank lines heads a text)
        spaced = not sourced and _texts_spaced(units, lines, layout)
        blanks = None if strong and not spaced else {ln.no for ln in lines if ln.kind == "blank"}
        mark_headless_speeches(units)  # (a salutation under a finished paragraph opens a speech with no title)
        mark_narrow_wrapped_titles(units)  # (a title wrapped in a narrow box opens a text)
        if not layout["column"]:  # (files set one paragraph per line: a column's news story restates its 一是… heading)
            mark_restated_items(units)  # (a list item restated by the paragraph under it titles an excerpt)
        for u in units:  # (after the delimiters are counted: the credit found here is no evidence of a layout)
            if u.nos[0] in credits and u.kind == "short":
                u.kind = "byline?"
        mark_titles_after_closings(units)  # (a headline under a text's closing line opens the next text)
        mark_back_referred_subheadings(units)  # (a line over a paragraph that refers back heads a section)
        arts = segment_headline_first(units, layout["strong_delimiters"], blanks, unmarked_headlines(units, marked), sourced,
                                      layout["indent"] == "paragraph", no_room(units, numbers))
        arts = join_heading_across(join_heading_rest(stitch(arts)))
        arts = join_outer_rest(arts)  # (the headless rest of an article after an inset set inside it: outerrest)
        arts = return_cut_rows(arts)  # (a paragraph's row read as an inset's kicker: cutrow)
    arts = [a for a in arts if a.body or a.titles]
    arts = join_jumps(arts, lines)  # a story jumped (下转…) to a later page of the same file goes on at its 上接…
    _drop_set_in_captions(arts, lines, dropped)
    drop_captions_in_sentences(arts, dropped)  # (a caption inside a running sentence)
    _drop_closing_captions(arts, lines, dropped)
    owner = {n: k for k, a in enumerate(arts) for n in _art_nos(a)}
    dropped["caption"] += sum(len(u.parts) for u in units if u.kind == "caption" and u.nos[0] not in owner)
    raw_title = {ln.no: C.clean_title(C.strip_end_mark(C.strip_bookmarks(ln.raw).strip()))
                 for ln in text_lines(lines)}  # headline/byline text keeps its separating spaces
    articles = []
    for k, a in enumerate(arts):
        art = _build_article(a, raw_title, drop_speech_formulas, dropped, layout["bookmark_titles"])
        if art.paragraphs:
            art.lines = line_spans(_art_nos(a), owner, k, lines)
            articles.append(art)
    if not articles and any(ln.kind == "text" for ln in lines):  # no structure found: the file is one text
        tl = text_lines(lines)
        articles = [Article(paragraphs=[C.clean_paragraph(ln.text) for ln in tl], partial=True,
                            lines=line_spans([ln.no for ln in tl], {}, 0, lines))]
    layout["source_file"] = source_file
    return SegmentResult(articles=articles, dropped={k: v for k, v in dropped.items() if v}, layout=layout)
