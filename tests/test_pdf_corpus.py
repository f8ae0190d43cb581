"""PDF and DOCX files through the corpus stage: a folder mixing .txt, .pdf and .docx, read by ``load_corpus``, the
``topics corpus`` command and ``topics run --stages corpus``.

The files are generated (tests/pdf_factory.py) with known articles: titles and body text must come back exact,
page furniture (running headers, page numbers, DOCX header and footer) never enters a document, every document
names its page and the line span within that page's extracted text, and unusable files give one-line messages.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from pdf_factory import Article, Layout, make_docx, make_pdf, make_scanned_pdf
from test_pdf_docx import articles
from topics.cli import main
from topics.config import CorpusConfig
from topics.errors import InputError
from topics.ingest import load_corpus
from topics.ingest.files import read_layout_file
from topics.ingest.readers import InputWarning
from topics.ingest.summary import format_summary

TEXT = ("关于做好春季农业生产工作的通知\n\n各地要抓紧抓好春耕备耕，确保粮食播种面积稳定。\n\n"
        "要加强农资供应和价格监测，保障农民及时用上放心农资。\n")


def make_folder(tmp_path: Path, files: dict[str, str]) -> Path:
    """``files``: name -> issuer; the files must already be in ``tmp_path / "raw"``."""
    folder = tmp_path / "raw"
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "issuer", "year"])
        w.writerows([(name, issuer, 2024) for name, issuer in files.items()])
    return folder


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A folder with a text file, a two-column PDF (Noto, radicals in the text layer, running header, page
    numbers, articles running onto the next page), a STSong-Light PDF (not embedded) and a DOCX (Heading 1,
    header, footer, page breaks, a table)."""
    tmp = tmp_path_factory.mktemp("mixed")
    folder = tmp / "raw"
    folder.mkdir()
    (folder / "notice.txt").write_text(TEXT, encoding="utf-8")
    truths = {
        "paper.pdf": make_pdf(folder / "paper.pdf", articles(8, seed=11), Layout(columns=2, radicals=True)),
        "stsong.pdf": make_pdf(folder / "stsong.pdf", articles(3, seed=12),
                               Layout(columns=1, font="stsong", page_number="第 {n} 页 共 {total} 页")),
        "bulletin.docx": make_docx(folder / "bulletin.docx", articles(5, seed=13), "builtin"),
    }
    make_folder(tmp, {"notice.txt": "农业农村部", "paper.pdf": "人民日报", "stsong.pdf": "人民日报",
                      "bulletin.docx": "国务院办公厅"})
    docs, report = load_corpus(CorpusConfig(path=folder))
    return folder, truths, docs, report


def test_mixed_folder_articles_titles_and_bodies_exact(mixed):
    _, truths, docs, _ = mixed
    for name, truth in truths.items():
        got = docs[docs["source_file"] == name]
        assert got["title"].tolist() == [a.title for a in truth.articles], name
        # a DOCX table row's cells (TAB-joined by the reader) are joined as the cleaner joins words
        assert got["text"].tolist() == ["\n".join(p.replace("\t", "") for p in a.paragraphs) for a in truth.articles]
        assert got["doc_id"].tolist() == [f"{Path(name).stem}-{n:02d}" for n in range(1, len(got) + 1)]
    txt = docs[docs["source_file"] == "notice.txt"]
    assert txt["title"].tolist() == ["关于做好春季农业生产工作的通知"] and txt["lines"].tolist() == [[[1, 5]]]
    assert txt["page"].isna().all() and txt["page_lines"].isna().all()


def test_page_furniture_never_enters_a_document(mixed):
    _, truths, docs, _ = mixed
    furniture = {f for t in truths.values() for f in t.furniture}
    assert furniture
    for _, row in docs.iterrows():
        for f in furniture:
            assert f not in row["text"] and f not in (row["title"] or ""), (f, row["doc_id"])
        assert not any(c in row["text"] for c in "\u2f00\u2f42\u2e8f")  # radicals mapped to ideographs


def test_provenance_names_the_page_and_the_lines_within_it(mixed):
    folder, truths, docs, _ = mixed
    for name, truth in truths.items():
        lines, info = read_layout_file(folder / name)
        got = docs[docs["source_file"] == name]
        assert got["page"].tolist() == truth.first_page
        for (_, row), art in zip(got.iterrows(), truth.articles):
            page, first, last = row["page_lines"][0]
            assert page == row["page"] and first <= last
            head = lines[info["page_lines"][page][0] + first - 2]  # line `first` of that page
            assert head.text == art.title and head.page == page
            # the spans cover the article's paragraphs, page by page, and nothing else
            covered = [lines[info["page_lines"][p][0] + n - 2].text for p, a, b in row["page_lines"]
                       for n in range(a, b + 1)]
            assert [t for t in covered if t.strip()][1:] == [p for p in art.paragraphs]
    assert any(len({p for p, _, _ in r}) > 1 for r in docs["page_lines"].dropna())  # an article runs on


def test_trace_document_shows_the_extracted_lines_of_a_pdf_document(mixed):
    from topics.report import trace_document

    folder, truths, docs, _ = mixed
    row = docs[docs["source_file"] == "paper.pdf"].iloc[1]
    shown = trace_document(docs, row["doc_id"], folder, context=0)
    inside = shown[shown["in_span"]]
    assert inside["text"].tolist() == [truths["paper.pdf"].articles[1].title, *truths["paper.pdf"].articles[1].paragraphs]
    assert inside["in_document"].all()


def test_summary_counts_files_by_format_and_pages(mixed):
    _, truths, docs, report = mixed
    per = report["per_issuer"]
    assert per["人民日报"]["files"] == {"pdf": 2} and per["人民日报"]["pages"] == (
        truths["paper.pdf"].pages + truths["stsong.pdf"].pages)
    assert per["国务院办公厅"]["files"] == {"docx": 1} and per["国务院办公厅"]["pages"] == truths["bulletin.docx"].pages
    assert per["农业农村部"]["files"] == {"txt": 1} and per["农业农村部"]["pages"] == 0
    table = format_summary(report).splitlines()
    assert table[0].split() == ["issuer", "documents", "characters", "dropped", "lines", "txt", "files", "pdf",
                                "files", "docx", "files", "pages"]
    total = table[len(per) + 1].split()
    assert total[0] == "total" and total[-4:] == ["1", "2", "1", str(sum(t.pages for t in truths.values()))]
    assert report["per_file"]["paper.pdf"]["format"] == "pdf" and "format" not in report["per_file"]["notice.txt"]


def test_text_only_folder_keeps_its_columns(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "notice.txt").write_text(TEXT, encoding="utf-8")
    docs, report = load_corpus(CorpusConfig(path=make_folder(tmp_path, {"notice.txt": "农业农村部"})))
    assert "page" not in docs.columns and "page_lines" not in docs.columns
    assert format_summary(report).splitlines()[0].split() == ["issuer", "documents", "characters", "dropped", "lines"]


def test_jump_continued_on_a_later_page_is_one_document(tmp_path):
    (tmp_path / "raw").mkdir()
    truth = make_pdf(tmp_path / "raw" / "jump.pdf", articles(4, seed=14, paras=(4, 6)), Layout(columns=2, jump=True))
    docs, _ = load_corpus(CorpusConfig(path=make_folder(tmp_path, {"jump.pdf": "人民日报"})))
    assert docs["title"].tolist() == [a.title for a in truth.articles]
    assert docs["text"].tolist() == [a.body for a in truth.articles]
    first = docs.iloc[0]
    assert len({p for p, _, _ in first["page_lines"]}) == 2 and not first["partial"]  # its two parts, joined


def unusable(folder: Path) -> dict[str, str]:
    """Files that cannot be read, each with the message it must give."""
    make_scanned_pdf(folder / "scan.pdf")
    make_pdf(folder / "locked.pdf", articles(1, seed=15), Layout(), encrypt=("user-pw", "owner-pw"))
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return {"scan.pdf": "no extractable text — needs OCR", "locked.pdf": "is encrypted",
            "old.doc": "convert it to .docx first"}


@pytest.mark.parametrize("name", ["scan.pdf", "locked.pdf", "old.doc"])
def test_unusable_file_is_one_error_line(tmp_path, name):
    (tmp_path / "raw").mkdir()
    expected = unusable(tmp_path / "raw")[name]
    for other in set(unusable(tmp_path / "raw")) - {name}:
        (tmp_path / "raw" / other).unlink()
    (tmp_path / "raw" / "notice.txt").write_text(TEXT, encoding="utf-8")
    folder = make_folder(tmp_path, {"notice.txt": "甲", name: "乙"})
    with pytest.raises(InputError) as err:
        load_corpus(CorpusConfig(path=folder))
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(str(folder / name)) and expected in msg
    assert "corpus.on_bad_file: warn" in msg


def test_unusable_files_are_skipped_with_warnings(tmp_path):
    (tmp_path / "raw").mkdir()
    expected = unusable(tmp_path / "raw")
    (tmp_path / "raw" / "notice.txt").write_text(TEXT, encoding="utf-8")
    folder = make_folder(tmp_path, {"notice.txt": "甲", **{n: "乙" for n in expected}})
    with pytest.warns(InputWarning) as caught:
        docs, report = load_corpus(CorpusConfig(path=folder, on_bad_file="warn"))
    assert docs["source_file"].tolist() == ["notice.txt"]
    assert sorted(s["file"] for s in report["skipped"]) == sorted(expected)
    messages = [str(w.message) for w in caught]
    for name, text in expected.items():
        assert any(m.startswith(str(folder / name)) and text in m and m.endswith("skipped") for m in messages)


def test_unlisted_pdf_is_named(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "notice.txt").write_text(TEXT, encoding="utf-8")
    make_pdf(tmp_path / "raw" / "extra.pdf", articles(1, seed=16), Layout())
    with pytest.raises(InputError, match=r"1 \.pdf file\(s\) not listed in .*: extra\.pdf"):
        load_corpus(CorpusConfig(path=make_folder(tmp_path, {"notice.txt": "甲"})))


def test_corpus_command_and_run_stage_take_a_mixed_folder(tmp_path, capsys):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "notice.txt").write_text(TEXT, encoding="utf-8")
    truth = make_pdf(tmp_path / "raw" / "paper.pdf", articles(4, seed=17), Layout(columns=2))
    docx = make_docx(tmp_path / "raw" / "bulletin.docx", articles(3, seed=18), "outline")
    folder = make_folder(tmp_path, {"notice.txt": "甲", "paper.pdf": "乙", "bulletin.docx": "乙"})
    out = tmp_path / "docs.jsonl"
    assert main(["corpus", str(folder), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "pdf files" in printed and "docx files" in printed and "wrote 8 documents" in printed
    docs = pd.read_json(out, lines=True, dtype={"doc_id": str})
    assert docs["title"].tolist()[1:] == [a.title for a in truth.articles + docx.articles]

    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"name: mixed\noutput_dir: {tmp_path / 'results'}\ncache_dir: {tmp_path / 'cache'}\n"
                   f"corpus:\n  path: {folder}\n", encoding="utf-8")
    assert main(["run", str(cfg), "--stages", "corpus"]) == 0
    stage = json.loads((tmp_path / "results" / "mixed" / "run.json").read_text(encoding="utf-8"))["stages"]["corpus"]
    assert stage["documents"] == 8 and stage["per_issuer"]["乙"]["files"] == {"pdf": 1, "docx": 1}


def test_whole_files_read_a_pdf_as_one_document(tmp_path):
    (tmp_path / "raw").mkdir()
    truth = make_pdf(tmp_path / "raw" / "paper.pdf", articles(6, seed=19), Layout())
    assert truth.pages >= 2  # (a running header is seen where it repeats)
    docs, _ = load_corpus(CorpusConfig(path=make_folder(tmp_path, {"paper.pdf": "乙"}), segment_articles=False))
    assert len(docs) == 1 and docs.loc[0, "page"] == 1 and docs.loc[0, "page_lines"][-1][0] == truth.pages
    assert docs.loc[0, "text"] == "\n".join(t for a in truth.articles for t in [a.title, *a.paragraphs])
    assert not any(f in docs.loc[0, "text"] for f in truth.furniture)


def test_article_reader_lines_are_one_article_per_headline():
    from pdf_factory import split_articles
    from topics.ingest.layout import SourceLine

    # a compilation title over the first headline opens no article; a short body-size line is body text
    lines = [SourceLine("二〇二四年政策汇编", line=1, size=1.8, heading=0),
             SourceLine("关于加强管理的通知", line=2, size=1.4, heading=1),
             SourceLine("各单位要认真贯彻落实。", line=3, size=1.0),
             SourceLine("指标　数值", line=4, size=1.0),
             SourceLine("第二份通知", line=5, size=1.4, heading=1),
             SourceLine("现将有关事项通知如下。", line=6, size=1.0)]
    assert split_articles(lines) == [Article("关于加强管理的通知", ["各单位要认真贯彻落实。", "指标数值"]),
                                     Article("第二份通知", ["现将有关事项通知如下。"])]
