"""Article segmentation: one raw text file (extracted from PDF/DOCX) -> clean article-level documents.

Rules R1-R14 of the seed notes (``shared/seeds-structure.md`` section 7), in four steps:

1. every raw line is cleaned (:func:`topics.clean.clean_line`) and classified; page furniture is dropped
   and counted in ``dropped``: page banners, page numbers and running heads (short lines recurring in the
   file), TOC and masthead, photo captions, paywall markers, ads,
   duplicated pull-quote bullets (``·`` lines repeating a body sentence); continuation markers
   (``（上接第一版）``), source lines and credits become metadata;
2. hard-wrapped lines are re-joined into paragraphs from punctuation, line width (the local column width,
   a narrow text box, or the DOCX first-line width), word continuity (a jieba word across the break) and,
   in files that indent paragraphs, the first-line indent; blank lines are never trusted (R1/R2);
3. paragraphs are grouped into articles by the layout found in the file: headline before the body (title ->
   byline -> body, end marks ``□`` and ``（来源：…）``) or after it (newspaper pages: body -> headline ->
   byline); enumerated headings (一、 （一） 第一，) never start an article (R3, R12);
4. interleaved parts are re-joined: a headless fragment continues the article left open mid-sentence, a
   fragment that reads like the interrupted article is handed back, a displaced block is moved back (R4);
   a story jumped to a later page of the file (``（下转…）`` … ``（上接…）``) is joined.

Provenance goes into fields: 来源 (standalone ``（来源：…）`` or glued ``来源：新华社…``), bylines, author notes,
reporter credits, datelines (``科技日报讯（记者刘垠）``, ``（新华社北京2月3日电）``), a signature above a signing date.
Nothing depends on file names or line numbers; rules for a known source key on content markers only.

The same grammar takes the lines of a PDF or DOCX file (``segment_file(lines)`` with the ``SourceLine`` list of
:func:`topics.ingest.files.read_layout_file`): the reader's paragraphs are kept, its headline levels open the
articles, a jump is joined as in a text file (:mod:`topics.segment.cues`).

Example
-------
>>> from topics.segment import segment_file
>>> raw = ("关于做好工作的通知\n\n各单位要认真贯彻落实党中央决策部署，切实加强组织领导，压紧压实工作责任，确保"
...        "各项任务落\n\n实到位。\n\n第二篇文章标题\n\n为了推进工作，现将有关事项通知如下。\n")
>>> result = segment_file(raw, source_file="demo.txt")
>>> [(a.title, a.paragraphs) for a in result.articles]  # doctest: +NORMALIZE_WHITESPACE
[('关于做好工作的通知', ['各单位要认真贯彻落实党中央决策部署，切实加强组织领导，压紧压实工作责任，确保各项任务落实到位。']),
 ('第二篇文章标题', ['为了推进工作，现将有关事项通知如下。'])]
>>> result.articles[0].lines, result.dropped["blank"]
([(1, 5)], 4)
"""

from .entry import segment_file
from .lines import Article, SegmentResult

__all__ = ["Article", "SegmentResult", "segment_file"]
