"""Plain ``str -> str`` text helpers shared by every stage: the one Han-character range, the one sentence
splitter, and the layout normalisers applied to extracted lines.

Nothing here knows about files, configs or sources; each function changes layout noise only (spaces around
digits and inside Chinese text, the width of digits and punctuation, split dashes, extraction markers, corrupt
glyphs) and never a word, so source typos such as ``转化转化为`` survive.

Example
-------
>>> from topics.text import clean_line, clean_paragraph, join_wrapped, split_sentences
>>> clean_line("科技日报讯（记者刘垠）2月 2日晚，")
'科技日报讯（记者刘垠）2月2日晚，'
>>> clean_line("坚持党建引领,深入贯彻财政体制改革精神")
'坚持党建引领，深入贯彻财政体制改革精神'
>>> clean_line("[bookmark: _bookmark6]习近平为第六批全国干部学习培训教材作序")
'习近平为第六批全国干部学习培训教材作序'
>>> clean_paragraph("— — 主要经济指标增速位居全国第一方阵。")
'——主要经济指标增速位居全国第一方阵。'
>>> join_wrapped("科技部官网发布《脑机接口研究伦理指", "引》（以下简称《指引》）")
'科技部官网发布《脑机接口研究伦理指引》（以下简称《指引》）'
>>> split_sentences("要抓好落实。“一定要干好！”然后；再说")
['要抓好落实。', '“一定要干好！”', '然后；', '再说']
"""

from __future__ import annotations

import re

# ----------------------------------------------------------------------------------------- Han characters
# Han ideographs: CJK Unified (basic, extension A, extensions B+ in the supplementary planes) and compatibility.
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
# The ranges as the inside of a regex character class: f"[{HAN}]" matches one Han character.
HAN = "".join(f"{chr(a)}-{chr(b)}" for a, b in HAN_RANGES)
HAN_RE = re.compile(f"[{HAN}]")


def is_han(ch: str) -> bool:
    """True when the first character of ``ch`` is a Han ideograph (not punctuation)."""
    if not ch:
        return False
    cp = ord(ch[0])
    return any(lo <= cp <= hi for lo, hi in HAN_RANGES)


_NOT_HAN_RE = re.compile(f"[^{HAN}]+")


def han_count(text: str) -> int:
    """Number of Han ideographs in ``text``: what is left once every run of other characters is removed (far
    fewer replacements than removing each Han character), a block at a time (see :func:`count_chars`)."""
    return sum(len(_NOT_HAN_RE.sub("", text[i:i + BLOCK])) for i in range(0, len(text), BLOCK))


BLOCK = 1 << 20


def count_chars(char_class: re.Pattern, text: str, block: int = BLOCK) -> int:
    """Number of characters of ``text`` matched by ``char_class`` (a one-character class such as
    :data:`HAN_RE`). Counted a block at a time: ``re.sub`` on a whole 10-million-character text keeps every
    piece between two matches as its own string, about 80 bytes per character."""
    return sum(len(part) - len(char_class.sub("", part))
               for part in (text[i:i + block] for i in range(0, len(text), block)))


# ----------------------------------------------------------------------------------------- sentences
# Sentence ends: Chinese and Western terminal punctuation (and ；, line breaks), closing quotes kept with them.
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;…\n])(?![”’」』）)\]])|(?<=[。！？!?][”’」』）)\]])")


def split_sentences(text: str) -> list[str]:
    """Cut ``text`` after every sentence end (closing quotes/brackets stay with their sentence); the pieces
    joined give back ``text`` exactly. Empty pieces are left out."""
    return [s for s in _SENTENCE_END.split(text) if s]


# Characters that belong to Chinese running text besides ideographs: full-width punctuation and quotes.
CJK_PUNCT = "，。、；：！？（）《》〈〉【】“”‘’「」『』…—·－～"
_SENTENCE_FINAL = "。！？!?…"
CLOSERS = "”’）)」』】》"  # closing quotes and brackets that may follow a sentence end


def _cjkish(ch: str) -> bool:
    return bool(ch) and (is_han(ch) or ch in CJK_PUNCT)


def ends_sentence(s: str) -> bool:
    """True when ``s`` ends in sentence-final punctuation (``。！？…``), optionally followed by closing
    quotes or brackets."""
    s = s.rstrip()
    while s and s[-1] in CLOSERS:
        s = s[:-1]
    return bool(s) and s[-1] in _SENTENCE_FINAL


def text_width(s: str) -> float:
    """Printed width of a line in ideograph units: CJK characters and full-width punctuation count 1,
    ASCII characters 0.5 (so a column's full lines have about the same width whatever their digits)."""
    return sum(0.5 if ord(c) < 0x2E80 and c not in "“”‘’—…·" else 1.0 for c in s)


# ----------------------------------------------------------------------------------------- normalisers
# DOCX bookmarks rendered by the extractor: ``[bookmark: 标题]`` or ``[bookmark: _bookmark7]``.
BOOKMARK_RE = re.compile(r"\[bookmark:[^\]]*\]")


def strip_bookmarks(s: str) -> str:
    """Remove ``[bookmark: …]`` markers (DOCX bookmarks), keeping the text around them."""
    return BOOKMARK_RE.sub("", s)


def remove_corrupt_glyphs(s: str) -> str:
    """Drop glyphs that cannot be part of Chinese official text: pictographs such as U+1F582 (put by the
    PDF extractor in place of a missing character), the replacement character and private-use code points.
    The missing character is not guessed (never repair the source)."""
    return re.sub("[\U0001F300-\U0001FAFF\uFFFD\uE000-\uF8FF\u200B-\u200D\uFEFF]", "", s)


def normalize_width(s: str) -> str:
    """Full-width digits and Latin letters -> ASCII; ideographic space and TAB -> ASCII space."""
    out = []
    for c in s:
        cp = ord(c)
        if 0xFF10 <= cp <= 0xFF19 or 0xFF21 <= cp <= 0xFF3A or 0xFF41 <= cp <= 0xFF5A:
            out.append(chr(cp - 0xFEE0))
        elif c in "\u3000\t\u00a0":
            out.append(" ")
        else:
            out.append(c)
    return "".join(out)


def normalize_dashes(s: str) -> str:
    """``— —`` (two em dashes split by a space) -> ``——``."""
    return re.sub("—\\s+—", "——", s)


_PUNCT_MAP = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}


def normalize_punctuation(s: str) -> str:
    """ASCII ``, ; : ! ?`` next to Chinese text -> full width; ``(…)`` around or next to Chinese -> ``（…）``.

    Punctuation between ASCII letters or digits (``1,000``, ``jgjsb@sina.com``, ``a:b``) is kept.
    """
    chars = list(s)
    n = len(chars)
    for i, c in enumerate(chars):
        if c not in _PUNCT_MAP:
            continue
        prev = chars[i - 1] if i > 0 else ""
        nxt = chars[i + 1] if i + 1 < n else ""
        if c == ",":
            if prev.isdigit() and nxt.isdigit():
                continue
            if _cjkish(prev) or _cjkish(nxt) or (prev and not nxt):
                chars[i] = "，"
        elif c == ":":
            # keep "信箱:jgjsb@..." style ASCII after a colon only when the right side is ASCII alnum
            if _cjkish(prev) and (not nxt or _cjkish(nxt) or nxt == " "):
                chars[i] = "："
        elif _cjkish(prev) or (_cjkish(nxt) and not prev.isascii()) or (c in "!?;" and _cjkish(nxt)):
            chars[i] = _PUNCT_MAP[c]
    s = "".join(chars)

    # parentheses: convert a matched ASCII pair when it touches or contains Chinese text
    def _paren(m: re.Match) -> str:
        inner = m.group(1)
        start, end = m.start(), m.end()
        before = s[start - 1] if start > 0 else ""
        after = s[end] if end < len(s) else ""
        if any(_cjkish(c) for c in inner) or _cjkish(before) or _cjkish(after):
            return "（" + inner + "）"
        return m.group(0)

    return re.sub(r"\(([^()]*)\)", _paren, s)


def collapse_spaces(s: str, keep_cjk_spaces: bool = False) -> str:
    """Remove layout spaces inside Chinese text (``2 月 7 日`` -> ``2月7日``, ``问题。 “两个`` -> ``问题。“两个``).

    A space survives only between two ASCII letters/digits (``2 万 P`` keeps none, ``Hello World`` keeps one)
    and, with ``keep_cjk_spaces``, between two ideographs (the separator of a two-part headline
    ``切实学好用好党史 激活干事创业动力``).
    """
    s = re.sub(r"\s+", " ", s).strip()

    def _space(m: re.Match) -> str:
        a, b = m.group(1), m.group(2)
        if a.isascii() and b.isascii() and a.isalnum() and b.isalnum():
            # "1 4367" style digit runs and Latin words keep their separator
            return a + " " + b
        if keep_cjk_spaces and (is_han(a) or a in "”》）") and (is_han(b) or b in "“《（"):
            return a + " " + b
        return a + b

    prev = None
    while prev != s:
        prev = s
        s = re.sub(r"(\S) (\S)", _space, s)
    return s


def strip_end_mark(s: str) -> str:
    """Remove an article end mark at the end of a line: ``□``, ``□(完)``, ``□（完）``, ``（完）``."""
    return re.sub(r"\s*(□\s*([(（]完[)）])?|[(（]完[)）])\s*$", "", s)


def fix_reversed_quotes(s: str) -> str:
    """Swap a quotation pair typed backwards (``”扎实开展主题教育“`` -> ``“扎实开展主题教育”``).

    Only acts when the line's double quotes read closing-first at every pair, i.e. the whole line is
    consistently reversed; correct lines are never touched.
    """
    quotes = [(i, c) for i, c in enumerate(s) if c in "“”"]
    if not quotes or len(quotes) % 2 or quotes[0][1] != "”":
        return s
    if any(c != ("”" if k % 2 == 0 else "“") for k, (_, c) in enumerate(quotes)):
        return s
    chars = list(s)
    for i, c in quotes:
        chars[i] = "“" if c == "”" else "”"
    return "".join(chars)


def _base(s: str) -> str:
    s = remove_corrupt_glyphs(strip_bookmarks(s))
    s = normalize_width(s)
    s = normalize_dashes(s)
    return s


def clean_line(s: str) -> str:
    """Clean one raw line for classification: markers, glyphs, widths, dashes, punctuation, spaces."""
    s = _base(s)
    s = collapse_spaces(s)
    return normalize_punctuation(s)


def clean_title(s: str) -> str:
    """Like :func:`clean_line` but keeps a single space between two ideographs (headline separator)."""
    s = _base(s)
    s = collapse_spaces(s, keep_cjk_spaces=True)
    return normalize_punctuation(s)


def clean_paragraph(s: str) -> str:
    """Final form of a rebuilt paragraph: :func:`clean_line` plus end-mark removal and quote repair."""
    s = strip_end_mark(clean_line(s))
    return fix_reversed_quotes(s)


def join_wrapped(a: str, b: str) -> str:
    """Join a hard-wrapped line ``a`` with its continuation ``b``: no separator between Chinese text or
    digits (a number split over two lines), one space between two Latin letters (``new`` + ``energy``)."""
    a, b = a.rstrip(), b.lstrip()
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return a + " " + b
    return a + b


def squash(text: str) -> str:
    """``text`` without any whitespace (to compare extracted text whatever its line breaks)."""
    return re.sub(r"\s+", "", text)
