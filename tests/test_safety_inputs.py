"""Issue 18, inputs: a manifest reads only inside its corpus folder, UTF-16 needs evidence, bad text is named.

Findings 1 (a manifest can read any file), 2 (one NUL byte turns UTF-8 into UTF-16 mojibake) and the input
parts of 9 (warnings lost when the corpus stage fails, a number in a text field called "empty", a 30 MB
one-line file peaking above a gigabyte). Every test builds real files in ``tmp_path`` from the sample corpus.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from topics.config import CorpusConfig, config_from_dict
from topics.errors import ConfigError, InputError
from topics.ingest import build_corpus, load_corpus
from topics.ingest.readers import BadFile, InputWarning, decode_bytes

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "sample"
SAMPLE_FILES = sorted(SAMPLE.glob("*.txt"))
PARAGRAPH = "国务院关于推动高质量发展的意见。各地区各部门要坚持稳中求进工作总基调，扎实推进中国式现代化。\n" * 3


def make_folder(root: Path, files: dict[str, str], listed: list[str] | None = None) -> Path:
    """``root/raw`` with the given UTF-8 files and a manifest listing ``listed`` (default: the files)."""
    folder = root / "raw"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["file", "issuer"])
    writer.writerows([name, f"机关{i}"] for i, name in enumerate(listed if listed is not None else files))
    (folder / "manifest.csv").write_text(buf.getvalue(), encoding="utf-8")
    return folder


# --------------------------------------------------------------------------------------------------
# Finding 1: a manifest can read any file
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink"])
def test_manifest_cannot_read_a_file_outside_the_corpus_folder(tmp_path, how):
    secret = tmp_path / "secret" / "x.txt"
    secret.parent.mkdir()
    secret.write_text("机密文件：" + PARAGRAPH, encoding="utf-8")
    name = {"dotdot": "../secret/x.txt", "absolute": str(secret), "symlink": "link.txt"}[how]
    folder = make_folder(tmp_path, {"a.txt": PARAGRAPH}, listed=["a.txt", name])
    if how == "symlink":
        (folder / "link.txt").symlink_to(secret)
    with pytest.raises(InputError, match=r"outside the corpus folder .*corpus\.outside_root") as err:
        load_corpus(CorpusConfig(path=folder, segment_articles=False))
    assert "manifest.csv" in str(err.value) and "\n" not in str(err.value)


def test_a_symlink_inside_the_folder_to_a_file_inside_it_is_read(tmp_path):
    folder = make_folder(tmp_path, {"a.txt": PARAGRAPH}, listed=["a.txt", "c.txt"])
    (folder / "store").mkdir()
    (folder / "store" / "b.txt").write_text("另一份文件。" + PARAGRAPH, encoding="utf-8")
    (folder / "c.txt").symlink_to(folder / "store" / "b.txt")
    docs, _ = load_corpus(CorpusConfig(path=folder, segment_articles=False))
    assert docs["text"].str.contains("另一份文件").any()


def test_an_explicit_outside_root_is_read_and_enters_the_input_hash(tmp_path):
    from topics.pipeline.runner import data_hash

    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "x.txt").write_text("档案文件：" + PARAGRAPH, encoding="utf-8")
    make_folder(tmp_path, {"a.txt": PARAGRAPH}, listed=["a.txt", "../archive/x.txt"])
    cfg = config_from_dict({"name": "x", "root": str(tmp_path),
                            "corpus": {"path": "raw", "outside_root": "archive", "segment_articles": False}})
    docs, _ = load_corpus(cfg)
    assert docs["text"].str.contains("档案文件").any()
    before = data_hash(cfg)
    (archive / "x.txt").write_text("改过的档案：" + PARAGRAPH, encoding="utf-8")
    assert data_hash(cfg) != before  # an edit to a file read from outside the folder is noticed


def test_proc_files_are_refused_even_inside_an_allowed_root(tmp_path):
    folder = make_folder(tmp_path, {"a.txt": PARAGRAPH}, listed=["a.txt", "/proc/self/environ"])
    with pytest.raises(InputError, match="outside the corpus folder"):
        load_corpus(CorpusConfig(path=folder, segment_articles=False))
    cfg = config_from_dict({"name": "x", "root": str(tmp_path),
                            "corpus": {"path": "raw", "outside_root": "/", "segment_articles": False}})
    with pytest.raises(InputError, match=r"environ'?: is not a regular file"):
        load_corpus(cfg)


def test_outside_root_must_exist(tmp_path):
    make_folder(tmp_path, {"a.txt": PARAGRAPH})
    with pytest.raises(ConfigError, match="corpus.outside_root: file or folder not found"):
        config_from_dict({"name": "x", "root": str(tmp_path), "corpus": {"path": "raw", "outside_root": "nope"}})


# --------------------------------------------------------------------------------------------------
# Finding 2: one NUL byte turns a UTF-8 file into UTF-16 mojibake
# --------------------------------------------------------------------------------------------------
def with_one_nul(data: bytes) -> bytes:
    """``data`` with one NUL byte after a full character near the middle, padded to an even length."""
    cut = data.index("。".encode(), len(data) // 2) + 3
    out = data[:cut] + b"\x00" + data[cut:]
    return out + b"\n" if len(out) % 2 else out


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name[:3])
def test_one_nul_byte_never_makes_utf8_into_utf16(path):
    with pytest.raises(BadFile, match=r"1 NUL byte.*corpus\.encoding"):
        decode_bytes(with_one_nul(path.read_bytes()), path.name)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name[:3])
def test_bomless_utf16_is_decoded_and_the_decision_is_shown(tmp_path, path, codec):
    text = path.read_text(encoding="utf-8")
    folder = make_folder(tmp_path, {"a.txt": PARAGRAPH})
    (folder / "b.txt").write_bytes(text.encode(codec))
    (folder / "manifest.csv").write_text("file,issuer\na.txt,甲\nb.txt,乙\n", encoding="utf-8")
    with pytest.warns(InputWarning, match=rf"b\.txt: decoded as {codec.upper()} without a byte-order mark"):
        docs, report = load_corpus(CorpusConfig(path=folder, segment_articles=False))
    assert report["per_file"]["b.txt"]["encoding"] == codec
    paragraphs = [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    assert docs.set_index("source_file").loc["b.txt", "text"] == "\n".join(paragraphs)


def test_environ_like_bytes_are_binary():
    environ = b"".join(f"KEY{i}=value {i}".encode() + b"\x00" for i in range(40))
    with pytest.raises(BadFile, match="NUL byte"):
        decode_bytes(environ + b"\x00" * (len(environ) % 2), "environ")


# --------------------------------------------------------------------------------------------------
# Finding 9 (inputs): warnings kept when the corpus stage fails; "not text"; memory of a huge line
# --------------------------------------------------------------------------------------------------
def test_warnings_are_shown_when_the_corpus_stage_then_fails(tmp_path, caplog):
    make_folder(tmp_path, {"a.txt": "", "b.txt": "ENGLISH ONLY\n"})
    cfg = config_from_dict({"name": "x", "root": str(tmp_path),
                            "corpus": {"path": "raw", "on_bad_file": "warn", "segment_articles": False}})
    caplog.set_level(logging.WARNING, logger="topics")
    with pytest.raises(InputError, match="see the warnings above"):
        build_corpus(cfg)
    shown = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("a.txt: is empty" in m for m in shown), shown
    assert any("b.txt: contains no Chinese" in m for m in shown), shown


@pytest.mark.parametrize("value, kind", [(42, "a number"), ({"a": 1}, "a JSON object"), ([1, 2], "a JSON list"),
                                         (True, "true/false")])
def test_a_number_or_object_in_a_text_field_is_not_text(tmp_path, value, kind):
    table = tmp_path / "docs.jsonl"
    rows = [{"id": "r1", "issuer": "甲", "text": PARAGRAPH}, {"id": "r2", "issuer": "乙", "text": value}]
    table.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(InputError, match=rf"row 1 \(id 1\) is not text \({kind}") as err:
        load_corpus(CorpusConfig(path=table))
    assert "empty" not in str(err.value)


MEMORY_SCRIPT = """
import resource, sys
from pathlib import Path
from topics.ingest.readers import read_text_file
from topics.ingest.script import is_traditional
small, big = Path(sys.argv[1]), Path(sys.argv[2])
read_text_file(small)  # imports and one-time tables first
is_traditional(read_text_file(small)[0], 0.05)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
text, used = read_text_file(big)
is_traditional(text, 0.05)
print(used, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
"""


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le"])
def test_a_huge_one_line_file_is_read_in_a_few_times_its_size(tmp_path, codec):
    one_line = "".join(p.read_text(encoding="utf-8").replace("\n", "") for p in SAMPLE_FILES)
    text = one_line * (30_000_000 // len(one_line.encode("utf-8")) + 1)
    data = text.encode(codec)[:30_000_000]
    data = data[:len(data) - len(data) % 2].decode(codec, "ignore").encode(codec)  # whole characters
    big, small = tmp_path / "big.txt", tmp_path / "small.txt"
    big.write_bytes(data)
    small.write_bytes(PARAGRAPH.encode(codec))
    del text, data
    proc = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(small), str(big)], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert proc.returncode == 0, proc.stderr[-2000:]
    used, grown = proc.stdout.rsplit(maxsplit=1)
    assert used == codec
    # the bytes, the decoded text (2 bytes a character) and one working copy: a few times the file, not 50
    assert int(grown) < 6 * big.stat().st_size, f"peak grew by {int(grown) / 1e6:.0f} MB"


def test_one_ad_phrase_does_not_drop_a_one_line_file(tmp_path):
    one_line = "".join(line.strip() for line in SAMPLE_FILES[0].read_text(encoding="utf-8").split("\n"))
    middle = one_line.index("。", len(one_line) // 2) + 1
    folder = make_folder(tmp_path, {"a.txt": one_line[:middle] + "【哒哒素材库】" + one_line[middle:]})
    docs, _ = load_corpus(CorpusConfig(path=folder))
    assert docs["n_chars"].sum() > 0.9 * len(one_line)
