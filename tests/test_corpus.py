"""Corpus stage: decoding, bad files, manifest checks, tables, ids, script detection, units, stage files.

Every test builds real files in ``tmp_path`` from slices of the sample corpus (data/raw/sample).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import warnings
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from helpers import SAMPLE
from topics import artifacts
from topics.config import ColumnsConfig, CorpusConfig, SegmentConfig, config_from_dict
from topics.errors import InputError
from topics.ingest import load_corpus, make_units
from topics.ingest.readers import InputWarning, decode_bytes
from topics.pipeline import run
FILE_000 = "000_a2552c3b1e9ed94a.txt"
FILE_003 = "003_6c46de81eb12d8ae.txt"


def sample_lines(name: str, start: int, end: int) -> str:
    """Lines ``start..end`` (1-based, inclusive) of a sample file, with their line breaks."""
    lines = (SAMPLE / name).read_text(encoding="utf-8").split("\n")
    return "\n".join(lines[start - 1:end]) + "\n"


SLICE_A = sample_lines(FILE_000, 1, 40)  # 科技日报 page: banner + first article
SLICE_B = sample_lines(FILE_003, 15, 40)  # 哒哒素材库: one speech


def make_folder(tmp_path: Path, files: dict[str, bytes], rows=None, header=("file", "issuer", "date", "year")) -> Path:
    """A folder with the given raw files and a manifest (one row per file unless ``rows`` is given)."""
    folder = tmp_path / "raw"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    if rows is None:
        rows = [(name, f"发文机关{i}", "2024-02-03", "2024") for i, name in enumerate(files)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    (folder / "manifest.csv").write_text(buf.getvalue(), encoding="utf-8")
    return folder


def whole(folder: Path, **kw) -> CorpusConfig:
    """Config for folder input with one file = one document."""
    return CorpusConfig(path=folder, segment_articles=False, **kw)


# --------------------------------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "encode, expected",
    [
        (lambda t: t.encode("utf-8-sig"), "utf-8-sig"),
        (lambda t: t.encode("utf-16"), "utf-16"),  # with BOM
        (lambda t: t.encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16"),
        (lambda t: t.encode("utf-16-le"), "utf-16-le"),  # no BOM: accepted only as mostly-Han text
        (lambda t: t.encode("gb18030"), "gb18030"),
        (lambda t: t.encode("gbk"), "gb18030"),
        (lambda t: t.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ],
    ids=["utf8-bom", "utf16-le-bom", "utf16-be-bom", "utf16-le-no-bom", "gb18030", "gbk", "utf8-crlf"],
)
def test_encodings_decode_to_the_same_text(tmp_path, encode, expected):
    folder = make_folder(tmp_path, {"plain.txt": SLICE_A.encode("utf-8"), "other.txt": encode(SLICE_A)})
    docs, report = load_corpus(whole(folder))
    plain, other = docs.set_index("source_file").loc[["plain.txt", "other.txt"], "text"]
    assert other == plain
    assert "科技日报讯（记者刘垠）" in other
    assert report["per_file"]["other.txt"]["encoding"] == expected
    assert docs.set_index("source_file").loc["other.txt", "lines"] == [[1, 40]]


def test_gbk_bytes_are_read_as_gb18030():
    text, used = decode_bytes(SLICE_B.encode("gbk"), "x.txt")
    assert used == "gb18030" and text == SLICE_B


def test_utf8_with_a_damaged_byte_stays_utf8_and_warns(tmp_path):
    data = SLICE_B.encode("utf-8")
    cut = data.index("。".encode()) + 3  # right after a full character
    folder = make_folder(tmp_path, {"d.txt": data[:cut] + b"\xff" + data[cut:]})
    with pytest.warns(InputWarning, match=rf"d\.txt: 1 byte sequence\(s\) are not valid UTF-8 \(first at byte {cut}\)"):
        docs, report = load_corpus(whole(folder))
    assert docs.loc[0, "text"].replace("\ufffd", "") == "\n".join(x.strip() for x in SLICE_B.split("\n") if x.strip())
    assert report["per_file"]["d.txt"]["encoding"] == "utf-8 (damaged)"


def test_explicit_wrong_encoding_names_the_file(tmp_path):
    folder = make_folder(tmp_path, {"a.txt": SLICE_A.encode("gb18030")})
    with pytest.raises(InputError, match=r"a\.txt: cannot be decoded as utf-8"):
        load_corpus(whole(folder, encoding="utf-8"))


# --------------------------------------------------------------------------------------------------
# Bad files: empty, binary, no CJK -- warn (skip) or error
# --------------------------------------------------------------------------------------------------
BAD_FILES = {
    "empty": (b"  \n\n", "is empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "is a binary file"),
    "no-cjk": (b"TOP NEWS\nPage 3 of 12\n2024-02-03\n", "contains no Chinese (CJK) text"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_file_is_an_error_by_default(tmp_path, kind):
    data, reason = BAD_FILES[kind]
    folder = make_folder(tmp_path, {"good.txt": SLICE_A.encode(), "bad.txt": data})
    with pytest.raises(InputError, match=rf"bad\.txt: {re.escape(reason)}.*set corpus\.on_bad_file: warn"):
        load_corpus(whole(folder))


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_file_is_skipped_with_a_warning(tmp_path, kind):
    data, reason = BAD_FILES[kind]
    folder = make_folder(tmp_path, {"good.txt": SLICE_A.encode(), "bad.txt": data})
    with pytest.warns(InputWarning, match=rf"bad\.txt: {re.escape(reason)}.*file skipped"):
        docs, report = load_corpus(whole(folder, on_bad_file="warn"))
    assert docs["source_file"].tolist() == ["good.txt"]
    assert report["skipped"][0]["file"] == "bad.txt"


def test_every_file_bad_is_an_error(tmp_path):
    folder = make_folder(tmp_path, {"bad.txt": b""})
    with pytest.warns(InputWarning), pytest.raises(InputError, match="no usable documents"):
        load_corpus(whole(folder, on_bad_file="warn"))


# --------------------------------------------------------------------------------------------------
# Manifest
# --------------------------------------------------------------------------------------------------
def test_missing_manifest(tmp_path):
    folder = make_folder(tmp_path, {"a.txt": SLICE_A.encode()})
    (folder / "manifest.csv").unlink()
    with pytest.raises(InputError, match=r"manifest\.csv: manifest not found.*columns file, issuer.*--manifest"):
        load_corpus(whole(folder))


def test_manifest_missing_issuer_column(tmp_path):
    folder = make_folder(tmp_path, {"a.txt": SLICE_A.encode()}, rows=[("a.txt", "2024")], header=("file", "year"))
    with pytest.raises(InputError, match=r"manifest\.csv: missing column 'issuer' \(corpus\.columns\.issuer\); "
                                         r"the manifest has columns file, year"):
        load_corpus(whole(folder))


def test_manifest_missing_file_column(tmp_path):
    folder = make_folder(tmp_path, {"a.txt": SLICE_A.encode()}, rows=[("a.txt", "科技日报")], header=("name", "issuer"))
    with pytest.raises(InputError, match=r"missing column 'file' \(corpus\.columns\.file\)"):
        load_corpus(whole(folder))


def test_manifest_column_mapping(tmp_path):
    folder = make_folder(tmp_path, {"a.txt": SLICE_A.encode()}, rows=[("a.txt", "科技日报", "2024-02-03")],
                         header=("filename", "publisher", "pubdate"))
    cols = ColumnsConfig(file="filename", issuer="publisher", date="pubdate")
    docs, _ = load_corpus(whole(folder, columns=cols))
    assert docs.loc[0, "issuer"] == "科技日报" and docs.loc[0, "date"] == "2024-02-03"


def test_manifest_id_and_title_columns(tmp_path):
    folder = make_folder(tmp_path, {"a.txt": SLICE_A.encode(), "b.txt": SLICE_B.encode()},
                         rows=[("a.txt", "科技日报", "K-1", "第一版"), ("b.txt", "哒哒素材库", "D-2", "")],
                         header=("file", "issuer", "key", "title"))
    docs, _ = load_corpus(whole(folder, columns=ColumnsConfig(id="key")))
    assert docs["doc_id"].tolist() == ["K-1", "D-2"]  # one file = one document: the id unchanged
    assert docs["title"].tolist() == ["第一版", None] and "key" not in docs.columns
    (folder / "manifest.csv").write_text("file,issuer,key\na.txt,科技日报,K-1\nb.txt,哒哒素材库,K-1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"manifest\.csv: column 'key' \(the id column\) has 1 duplicated value\(s\), "
                                         r"first: 'K-1'"):
        load_corpus(whole(folder, columns=ColumnsConfig(id="key")))


def test_manifest_lists_a_missing_file(tmp_path):
    folder = make_folder(tmp_path, {"a.txt": SLICE_A.encode()},
                         rows=[("a.txt", "科技日报"), ("gone.txt", "全国政协")], header=("file", "issuer"))
    with pytest.raises(InputError, match=r"lists 1 file\(s\) not found in .*: gone\.txt; fix the file names"):
        load_corpus(whole(folder))


def test_unlisted_txt_file(tmp_path):
    folder = make_folder(tmp_path, {"a.txt": SLICE_A.encode(), "b.txt": SLICE_B.encode()},
                         rows=[("a.txt", "科技日报")], header=("file", "issuer"))
    with pytest.raises(InputError, match=r"1 \.txt file\(s\) not listed in .*manifest\.csv: b\.txt; add a row"):
        load_corpus(whole(folder))


def test_duplicate_manifest_rows(tmp_path):
    folder = make_folder(tmp_path, {"a.txt": SLICE_A.encode()},
                         rows=[("a.txt", "科技日报"), ("a.txt", "全国政协")], header=("file", "issuer"))
    with pytest.raises(InputError, match=r"file 'a\.txt' is listed more than once \(lines \[2, 3\]\); keep one row"):
        load_corpus(whole(folder))


def test_gbk_manifest_is_read(tmp_path):
    folder = make_folder(tmp_path, {"a.txt": SLICE_A.encode()})
    (folder / "manifest.csv").write_bytes("file,issuer\na.txt,科技日报\n".encode("gbk"))
    docs, _ = load_corpus(whole(folder))
    assert docs.loc[0, "issuer"] == "科技日报"


# --------------------------------------------------------------------------------------------------
# Tables and ids
# --------------------------------------------------------------------------------------------------
def table_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "uid": ["r-007", "r-010", "0042"],
        "body": [SLICE_A, SLICE_B, sample_lines(FILE_003, 41, 60)],
        "org": ["科技日报", "哒哒素材库", "哒哒素材库"],
        "pub_year": ["2024", "2023", "2023"],
        "headline": ["一版", None, "讲话"],
        "section": ["要闻", "材料", "材料"],
    })


TABLE_COLUMNS = ColumnsConfig(id="uid", text="body", issuer="org", year="pub_year", title="headline", date=None)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".jsonl.gz", ".parquet"])
def test_table_with_column_mapping_keeps_the_users_ids(tmp_path, suffix):
    df = table_frame()
    path = tmp_path / f"docs{suffix}"
    if suffix == ".csv":
        df.to_csv(path, index=False)
    elif suffix == ".parquet":
        df.to_parquet(path)
    else:
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in df.to_dict(orient="records"))
        path.write_bytes(gzip.compress(text.encode()) if suffix.endswith(".gz") else text.encode())
    docs, report = load_corpus(CorpusConfig(path=path, columns=TABLE_COLUMNS))
    assert docs["doc_id"].tolist() == ["r-007", "r-010", "0042"]  # unchanged, leading zeros kept
    assert docs["issuer"].tolist() == ["科技日报", "哒哒素材库", "哒哒素材库"]
    assert docs["year"].tolist() == [2024, 2023, 2023]
    assert docs["title"].tolist()[0] == "一版" and docs["section"].tolist()[0] == "要闻"
    assert list(docs.columns[:3]) == ["doc_id", "issuer", "year"] and docs.columns[-1] == "text"
    assert (docs["source_file"] == path.name).all()
    assert docs.loc[0, "text"].startswith("TOP NEWS\n科技日报讯")
    assert docs.loc[0, "n_chars"] == len(docs.loc[0, "text"].replace("\n", ""))
    assert report["per_issuer"]["哒哒素材库"]["documents"] == 2
    # outputs join back to the user's table on the id
    joined = df.merge(docs[["doc_id", "n_chars"]], left_on="uid", right_on="doc_id", validate="one_to_one")
    assert len(joined) == 3


def test_table_without_id_column_numbers_rows(tmp_path):
    path = tmp_path / "docs.csv"
    table_frame().drop(columns=["uid"]).to_csv(path, index=False)
    docs, _ = load_corpus(CorpusConfig(path=path, columns=replace(TABLE_COLUMNS, id=None)))
    assert docs["doc_id"].tolist() == ["0", "1", "2"]


def test_duplicate_ids_in_a_table(tmp_path):
    df = table_frame()
    df.loc[2, "uid"] = "r-007"
    path = tmp_path / "docs.csv"
    df.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"docs\.csv: column 'uid' \(the id column\) has 1 duplicated value\(s\), "
                                         r"first: 'r-007'; ids must be unique"):
        load_corpus(CorpusConfig(path=path, columns=TABLE_COLUMNS))


def test_table_missing_text_column(tmp_path):
    path = tmp_path / "docs.csv"
    table_frame().to_csv(path, index=False)
    with pytest.raises(InputError, match=r"docs\.csv: missing column 'text' \(corpus\.columns\.text\); the columns are uid"):
        load_corpus(CorpusConfig(path=path, columns=replace(TABLE_COLUMNS, text="text")))


@pytest.mark.parametrize("mode", ["warn", "error"])
def test_table_rows_without_chinese(tmp_path, mode):
    df = table_frame()
    df.loc[1, "body"] = "Page 3 of 12"
    path = tmp_path / "docs.csv"
    df.to_csv(path, index=False)
    cfg = CorpusConfig(path=path, columns=TABLE_COLUMNS, on_bad_file=mode)
    message = r"docs\.csv: 1 row\(s\) have empty text or no Chinese text \(row 1 \(id r-010\) contains no Chinese"
    if mode == "error":
        with pytest.raises(InputError, match=message):
            load_corpus(cfg)
    else:
        with pytest.warns(InputWarning, match=message):
            docs, _ = load_corpus(cfg)
        assert docs["doc_id"].tolist() == ["r-007", "0042"]


def test_table_rows_without_issuer_are_reported(tmp_path):
    df = table_frame()
    df.loc[1, "org"] = None
    path = tmp_path / "docs.parquet"
    df.to_parquet(path)
    with pytest.warns(InputWarning, match=r"docs\.parquet: 1 of 3 row\(s\) have no issuer \(column 'org'; first: id r-010\)"):
        docs, report = load_corpus(CorpusConfig(path=path, columns=TABLE_COLUMNS))
    assert docs.loc[1, "issuer"] is None and report["per_issuer"]["(no issuer)"]["documents"] == 1


# --------------------------------------------------------------------------------------------------
# Traditional script
# --------------------------------------------------------------------------------------------------
def traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def test_traditional_file_is_detected_and_warned(tmp_path):
    folder = make_folder(tmp_path, {"t.txt": traditional(SLICE_B).encode("utf-8"), "s.txt": SLICE_A.encode()})
    with pytest.warns(InputWarning, match=r"t\.txt: looks like Traditional script \(\d+% of Han characters.*"
                                          r"set corpus\.to_simplified: true") as caught:
        docs, report = load_corpus(whole(folder))
    assert len(caught) == 1  # the Simplified file is not flagged
    assert report["traditional"][0]["file"] == "t.txt" and not report["traditional"][0]["converted"]


def test_traditional_file_is_converted(tmp_path):
    folder = make_folder(tmp_path, {"t.txt": traditional(SLICE_B).encode("utf-8"), "s.txt": SLICE_B.encode()})
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)
        docs, report = load_corpus(whole(folder, to_simplified=True))
    by_file = docs.set_index("source_file")["text"]
    assert by_file["t.txt"] != traditional(by_file["s.txt"])
    assert by_file["t.txt"] == by_file["s.txt"]
    assert report["per_file"]["t.txt"]["converted_to_simplified"] is True
    assert report["per_file"]["s.txt"]["converted_to_simplified"] is False


def test_traditional_table_rows_are_converted(tmp_path):
    df = table_frame()
    df.loc[1, "body"] = traditional(df.loc[1, "body"])
    path = tmp_path / "docs.csv"
    df.to_csv(path, index=False)
    with pytest.warns(InputWarning, match=r"docs\.csv: 1 row\(s\) look like Traditional script \(first: id r-010"):
        load_corpus(CorpusConfig(path=path, columns=TABLE_COLUMNS))
    docs, report = load_corpus(CorpusConfig(path=path, columns=TABLE_COLUMNS, to_simplified=True))
    assert docs.loc[1, "text"] == "\n".join(line.strip() for line in SLICE_B.split("\n") if line.strip())
    assert [t["doc_id"] for t in report["traditional"]] == ["r-010"]


def test_simplified_sample_is_not_flagged():
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)
        _, report = load_corpus(whole(SAMPLE))
    assert report["traditional"] == []


# --------------------------------------------------------------------------------------------------
# The sample corpus, units, stage files
# --------------------------------------------------------------------------------------------------
CONTRACT_COLUMNS = ["doc_id", "issuer", "title", "source_file", "lines", "n_chars", "source", "author",
                    "dateline", "continued_from", "partial", "text"]


def test_sample_folder_one_document_per_file():
    docs, report = load_corpus(whole(SAMPLE))
    assert len(docs) == 5 and set(CONTRACT_COLUMNS) <= set(docs.columns)
    assert docs["doc_id"].tolist()[0] == "000_a2552c3b1e9ed94a-01"
    assert docs.set_index("source_file").loc["001_986feff3c101b0d8.txt", "lines"] == [[1, 1076]]
    assert docs.set_index("source_file").loc[FILE_003, "lines"] == [[1, 363]]
    assert (docs["n_chars"] > 9000).all()
    assert docs["publication"].notna().all() and docs["doc_type"].notna().all()  # extra manifest columns kept
    assert report["per_issuer"]["科技日报"]["documents"] == 1
    assert str(docs["year"].dtype) == "int64" and docs["date"].tolist()[0] == "2024-02-03"


def test_sample_folder_is_segmented_into_articles():
    docs, report = load_corpus(CorpusConfig(path=SAMPLE))
    assert len(docs) == 82  # 82 articles by hand count (seeds-structure notes)
    assert docs["doc_id"].is_unique
    assert docs["source_file"].notna().all() and (docs["n_chars"] > 0).all()
    assert all(isinstance(spans, list) and spans and spans[0][0] <= spans[0][1] for spans in docs["lines"])
    assert sum(report["dropped_lines"].values()) > 0
    assert set(docs["issuer"]) == set(pd.read_csv(SAMPLE / "manifest.csv")["issuer"])


def test_units_document_paragraph_chunk():
    docs, _ = load_corpus(whole(SAMPLE))
    units = make_units(docs, SegmentConfig(unit="document"))
    assert units["unit_id"].tolist() == docs["doc_id"].tolist() and units["text"].tolist() == docs["text"].tolist()
    paras = make_units(docs, SegmentConfig(unit="paragraph", min_unit_chars=10))
    assert paras["unit_id"].is_unique and paras["unit_id"].iloc[0] == "000_a2552c3b1e9ed94a-01#1"
    assert (paras["n_chars"] >= 10).all()
    chunks = make_units(docs, SegmentConfig(unit="chunk", chunk_chars=400))
    assert chunks["n_chars"].median() <= 400 and chunks["n_chars"].max() <= 2 * 400
    # no text is lost or duplicated
    for units_ in (paras, chunks):
        got = units_.groupby("doc_id", sort=False)["text"].apply(lambda t: "".join(t).replace("\n", ""))
        want = docs.set_index("doc_id")["text"].str.replace("\n", "")
        assert got.to_dict() == want.to_dict()


def test_corpus_stage_through_the_runner(tmp_path):
    folder = make_folder(tmp_path, {"a.txt": SLICE_A.encode(), "b.txt": SLICE_B.encode("gb18030")})
    cfg = config_from_dict({"name": "t", "output_dir": str(tmp_path / "results"), "cache_dir": str(tmp_path / "cache"),
                            "corpus": {"path": str(folder), "segment_articles": False},
                            "segment": {"unit": "paragraph"}})
    manifest = run(cfg, only=["corpus"])
    stage = manifest["stages"]["corpus"]
    assert stage["documents"] == 2 and stage["units"] > 2 and not stage["reused"]
    run_dir = tmp_path / "results" / "t"
    for name in stage["outputs"]:
        assert (run_dir / name).is_file()
    csv_docs = pd.read_csv(run_dir / "documents.csv", dtype={"doc_id": str})
    assert "text" not in csv_docs.columns and json.loads(csv_docs.loc[0, "lines"]) == [[1, 40]]
    docs, units = artifacts.read_documents(run_dir), artifacts.read_units(run_dir)
    assert docs["doc_id"].tolist() == ["a-01", "b-01"] and set(units["doc_id"]) == {"a-01", "b-01"}
    assert json.loads((run_dir / "run.json").read_text())["stages"]["corpus"]["key"] == stage["key"]
    assert run(cfg, only=["corpus"])["stages"]["corpus"]["reused"] is True


def test_runner_keeps_input_warnings_in_run_json(tmp_path, caplog):
    folder = make_folder(tmp_path, {"t.txt": traditional(SLICE_B).encode("utf-8"), "e.txt": b""})
    cfg = config_from_dict({"name": "w", "output_dir": str(tmp_path / "results"), "cache_dir": str(tmp_path / "cache"),
                            "corpus": {"path": str(folder), "segment_articles": False, "on_bad_file": "warn"}})
    stage = run(cfg, only=["corpus"])["stages"]["corpus"]
    assert stage["skipped"] == ["e.txt"] and stage["documents"] == 1
    assert len(stage["warnings"]) == 2
    assert "t.txt: looks like Traditional script" in stage["warnings"][0]
    assert stage["warnings"][1].endswith("e.txt: is empty; file skipped")
    assert "t.txt: looks like Traditional script" in caplog.text


def test_load_documents_without_a_run(tmp_path):
    with pytest.raises(InputError, match=r"documents\.jsonl: not found; run the corpus stage first"):
        artifacts.read_documents(tmp_path, text=True)
    with pytest.raises(InputError, match=r"documents\.csv: not found; run the corpus stage first"):
        artifacts.read_documents(tmp_path)
    with pytest.raises(InputError, match=r"units\.jsonl: not found; run the corpus stage first"):
        artifacts.read_units(tmp_path)
