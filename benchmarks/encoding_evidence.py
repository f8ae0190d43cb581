"""The evidence behind BOM-less UTF-16 detection (``topics.ingest.utf16.bomless_utf16``), on held-out text.

For every document of the sample corpus, the central reports, THUCNews and the first 2,000 XWLB stories:

* true UTF-16 (LE and BE, no byte-order mark): the share of decoded characters that belong to Chinese text
  (``CHINESE_TEXT_NOT_RE``), and whether the detector accepts it with the right codec (it is only tried on
  data holding a NUL byte: a text without a single ASCII character or line break is counted apart);
* the same text as UTF-8 and as GB18030, cut to an even length and misread as UTF-16: the share (when the
  strict decode succeeds at all), and whether the detector (wrongly) accepts it;
* the UTF-8 text with one NUL byte inserted (the finding of issue 18): whether it is (wrongly) taken as UTF-16.

Prints one JSON object: per source, the minimum share of true UTF-16, the maximum share of misread bytes,
and the counts of wrong decisions (all should be 0). Skips a corpus that is absent.

Example
-------
    .venv/bin/python benchmarks/encoding_evidence.py [--corpora ../shared/corpora]
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
CORPORA = ROOT.parent / "shared" / "corpora"

from topics.ingest.utf16 import CHINESE_TEXT_NOT_RE, bomless_utf16  # noqa: E402
from topics.text import count_chars  # noqa: E402


def documents(corpora: Path):
    for p in sorted((ROOT / "data" / "raw" / "sample").glob("*.txt")):
        yield "sample", p.read_text(encoding="utf-8")
    for name, limit in (("central_reports.jsonl", None), ("thucnews_fulltext_1000.jsonl", None),
                        ("xwlb_cctv.jsonl.gz", 2000)):
        path = corpora / name
        if not path.is_file():
            print(f"skipping {path}: not found", file=sys.stderr)
            continue
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if limit is not None and i >= limit:
                    break
                yield name.split("_")[0], json.loads(line)["text"]


def share(text: str) -> float:
    return 1 - count_chars(CHINESE_TEXT_NOT_RE, text) / max(1, len(text))


def even(data: bytes) -> bytes:
    return data[:len(data) - len(data) % 2]


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA, help="folder of the external corpora")
    out: dict[str, dict] = {}
    for source, text in documents(parser.parse_args().corpora):
        row = out.setdefault(source, {"documents": 0, "true_min_share": 1.0, "true_missed": 0,
                                      "true_without_nul": 0,
                                      "misread_max_share": 0.0, "misread_accepted": 0, "one_nul_accepted": 0})
        row["documents"] += 1
        for codec in ("utf-16-le", "utf-16-be"):
            data = text.encode(codec)
            row["true_min_share"] = min(row["true_min_share"], share(text))
            if b"\x00" not in data:  # no ASCII character at all: UTF-16 is not tried (UTF-8, GB18030 ... are)
                row["true_without_nul"] += 1
                continue
            found = bomless_utf16(data)
            row["true_missed"] += found is None or found[1] != codec
        for codec in ("utf-8", "gb18030"):
            data = even(text.encode(codec, errors="replace"))
            for wrong in ("utf-16-le", "utf-16-be"):
                try:
                    row["misread_max_share"] = max(row["misread_max_share"], share(data.decode(wrong)))
                except UnicodeDecodeError:
                    pass
            row["misread_accepted"] += bomless_utf16(data + b"\x00\x00") is not None
        data = text.encode("utf-8")
        middle = len(data) // 2
        while middle < len(data) and (data[middle] & 0xC0) == 0x80:  # a character boundary
            middle += 1
        row["one_nul_accepted"] += bomless_utf16(even(data[:middle] + b"\x00" + data[middle:] + b" ")) is not None
    for row in out.values():
        row["true_min_share"] = round(row["true_min_share"], 4)
        row["misread_max_share"] = round(row["misread_max_share"], 4)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
