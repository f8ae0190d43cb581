"""Candidate terms for ``political_terms.txt``: word pairs and triples jieba splits that act as one term.

Segments ``../shared/corpora/central_reports.jsonl`` (87 reports) and ``xwlb_cctv.jsonl.gz`` (新闻联播 stories
and titles) with the shipped tokenizer (dictionary included, no stopword filter) and counts adjacent Han word
n-grams (2 or 3 words, 3-7 characters). A candidate must

* occur in BOTH corpora, at least ``--min-count`` times in each (no corpus-specific oddity),
* be sticky: symmetric conditional probability ``c(ab)^2 / (c(a) c(b))`` >= ``--min-scp`` for pairs
  (for triples: the lowest SCP over its two split points), i.e. its parts seldom occur apart,
* hold a fragment: at least one part is one character or a word jieba's dictionary does not know
  (HMM output such as 大湾), or the joined form is also written on its own between quotes, list commas or
  book-title marks in the texts (``、大湾区、``), which says writers treat it as one term.

Then the most frequent Latin-script tokens of both corpora (to pick the acronyms the dictionary keeps).
The list printed (TSV: term, parts, count central, count xwlb, SCP, evidence) is read by eye; only policy
terms go into the dictionary (see ``src/topics/data/README.md``). Skips with a message when the corpora are absent.

Example
-------
    flock /tmp/topics-cpu.lock .venv/bin/python benchmarks/dictionary_candidates.py --min-count 10 > /tmp/cands.tsv
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
CENTRAL = CORPORA / "central_reports.jsonl"
XWLB = CORPORA / "xwlb_cctv.jsonl.gz"
HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")
LATIN = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9]+")


def set_corpora(folder: Path) -> None:
    """Read the corpora from ``folder`` (default ``../shared/corpora`` beside the project)."""
    global CORPORA, CENTRAL, XWLB
    CORPORA, CENTRAL, XWLB = folder, folder / "central_reports.jsonl", folder / "xwlb_cctv.jsonl.gz"


def read_jsonl(path: Path, fields: tuple[str, ...]) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                out += [str(rec[f]) for f in fields if rec.get(f)]
    return out


def count_ngrams(texts: list[str], tok) -> tuple[Counter, Counter]:
    """(word counts, n-gram counts keyed by tuples of 2-3 words) over every text, within Han runs."""
    words: Counter = Counter()
    grams: Counter = Counter()
    for text in texts:
        seq = tok.segment(text)
        words.update(seq)
        for n in (2, 3):  # every Han pair (a triple's parts need their counts), triples of 3-7 characters
            for i in range(len(seq) - n + 1):
                parts = tuple(seq[i:i + n])
                if all(HAN_WORD.fullmatch(p) for p in parts) and (n == 2 or sum(map(len, parts)) <= 7):
                    grams[parts] += 1
    return words, grams


def standalone(texts: list[str], terms: set[str]) -> Counter:
    """How often each term is written as a unit of its own: between quotes, book-title marks or list commas."""
    pattern = re.compile(r"(?<=[“「《、])([\u4e00-\u9fff]{3,7})(?=[”」》、])")
    found: Counter = Counter()
    for text in texts:
        for m in pattern.finditer(text):
            if m.group(1) in terms:
                found[m.group(1)] += 1
    return found


def scp(parts: tuple[str, ...], count: int, words: Counter, grams: Counter) -> float:
    """Lowest symmetric conditional probability over the split points of ``parts``."""
    best = 1.0
    for cut in range(1, len(parts)):
        left, right = parts[:cut], parts[cut:]
        c_left = words[left[0]] if len(left) == 1 else grams[left]
        c_right = words[right[0]] if len(right) == 1 else grams[right]
        best = min(best, count * count / max(c_left * c_right, 1))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-count", type=int, default=10, help="occurrences needed in each corpus")
    parser.add_argument("--min-scp", type=float, default=0.05, help="stickiness threshold")
    parser.add_argument("--latin", type=int, default=150, help="most frequent Latin-script tokens listed")
    parser.add_argument("--xwlb-stories", type=int, default=24084, help="stories read from xwlb (all by default)")
    parser.add_argument("--corpora", type=Path, default=CORPORA, help="folder of the external corpora")
    args = parser.parse_args(argv)
    set_corpora(args.corpora)
    if not (CENTRAL.is_file() and XWLB.is_file()):
        print(f"skipped: {CORPORA} not found (benchmarks only)", file=sys.stderr)
        return 0
    from topics.config import TokenizeConfig
    from topics.tokens import ChineseTokenizer

    tok = ChineseTokenizer(TokenizeConfig(), cache_dir=ROOT / "data" / "cache")
    jieba_freq = tok.jieba_tokenizer.FREQ
    corpora = {"central": read_jsonl(CENTRAL, ("text",)),
               "xwlb": read_jsonl(XWLB, ("title", "text"))[: 2 * args.xwlb_stories]}
    counts = {name: count_ngrams(texts, tok) for name, texts in corpora.items()}
    rows = []
    joined_all = {"".join(p) for _, grams in counts.values() for p in grams}
    marks = standalone(corpora["central"] + corpora["xwlb"], joined_all)
    (w_c, g_c), (w_x, g_x) = counts["central"], counts["xwlb"]
    words, grams = w_c + w_x, g_c + g_x
    for parts, n in grams.items():
        if g_c[parts] < args.min_count or g_x[parts] < args.min_count or not 3 <= sum(map(len, parts)) <= 7:
            continue
        term = "".join(parts)
        if term in tok.terms:
            continue
        stick = scp(parts, n, words, grams)
        if stick < args.min_scp:
            continue
        fragment = [p for p in parts if len(p) == 1 or not jieba_freq.get(p)]
        if not fragment and not marks[term]:
            continue
        rows.append((term, "+".join(parts), g_c[parts], g_x[parts], round(stick, 3), marks[term],
                     ",".join(fragment)))
    rows.sort(key=lambda r: -(r[2] + r[3]))
    print("term\tparts\tcentral\txwlb\tscp\tstandalone\tfragments")
    for row in rows:
        print("\t".join(map(str, row)))
    latin = Counter({w: n for w, n in words.items() if LATIN.fullmatch(w)})
    print("\n# Latin-script tokens (letters, or letters and digits): token, central, xwlb")
    for w, n in latin.most_common(args.latin):
        print(f"{w}\t{w_c[w]}\t{w_x[w]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
