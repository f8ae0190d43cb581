"""The learned segmentation route (issue 14): the line labeller's model file, its training, its decoder.

Properties, not scores: the exported trees give scikit-learn's probabilities; training from a seed is
deterministic; a labelled page decoded with its true labels gives back its articles; articles found by the
shipped model point to the raw lines their text came from; the rules stay the default.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from topics.segment import segment_file
from topics.segment.build import segment_rules
from topics.segment.features import NAMES, line_table
from topics.segment.learned import ROLES, Trees, after_pull_quotes, article_starts, decode, load_model, rejoin
from topics.segment.typeset import wrap

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from segcases import Case, Label  # noqa: E402
import segtrain  # noqa: E402

SENTENCES = ["各地区各部门认真贯彻落实党中央决策部署，扎实推进各项工作取得新进展。",
             "会议强调，要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念。",
             "要加强组织领导，压紧压实工作责任，确保各项任务落实到位。",
             "今年以来，全省经济运行总体平稳，主要指标好于预期，就业形势保持稳定。",
             "下一步，将进一步深化改革，持续优化营商环境，激发市场主体活力。",
             "各级党组织要发挥战斗堡垒作用，团结带领广大群众攻坚克难。"]
TITLES = ["全省经济运行总体平稳", "深入推进营商环境改革", "扎实做好基层党建工作", "加快建设现代化产业体系"]


def page(seed: int, width: int = 18) -> Case:
    """A labelled page: headline, byline, wrapped paragraphs (lines ending in 。 inside them), page numbers."""
    rng = random.Random(seed)
    lines, labels, titles, block = [], {}, [], 0

    def add(text, role, art, blk):
        lines.append(text)
        labels[len(lines)] = Label(role, art, blk, "page_number" if role == "noise" else None)
        if rng.random() < 0.2:
            lines.append("")

    for art, title in enumerate(rng.sample(TITLES, 3)):
        titles.append(title)
        block += 1
        add(title, "title", art, block)
        block += 1
        add(f"本报记者 {rng.choice('王李张刘')}{rng.choice('伟芳强军')}", "byline", art, block)
        for _ in range(rng.randint(2, 4)):
            block += 1
            for row in wrap("".join(rng.sample(SENTENCES, 3)), width, indent="none"):
                add(row, "para", art, block)
        add(f"- {rng.randint(2, 60)} -", "noise", None, None)
    return Case(f"page{seed}", "test", "train", lines, labels, titles)


def test_exported_trees_give_sklearn_probabilities():
    rng = np.random.RandomState(0)
    X = rng.rand(400, 4)
    X[rng.rand(400, 4) < 0.1] = np.nan
    for y in (np.where(X[:, 0] > 0.5, "a", np.where(X[:, 1] > 0.3, "b", "c")), (X[:, 2] > 0.4).astype(int)):
        clf = segtrain.fit(X, y, seed=1, iters=8, leaves=7)
        assert segtrain.check(clf, segtrain.export(clf), X) < 1e-5


def test_training_from_a_seed_is_deterministic():
    X, roles, starts, _ = segtrain.dataset([page(1), page(2), page(3)])
    assert X.shape[1] == len(NAMES) and set(roles) <= set(ROLES) and starts.sum() == 9
    specs = [segtrain.export(segtrain.fit(X, roles, seed=7, iters=5, leaves=7)) for _ in range(2)]
    assert specs[0] == specs[1]


def test_a_labelled_page_decoded_with_its_true_labels_gives_its_articles():
    case = page(4, width=14)
    _, tl, _ = line_table(case.text, segment_rules(case.text, source_file="p"))
    roles, starts = segtrain.targets(case, tl)
    drafts = decode(tl, roles, [bool(s) for s in starts])
    assert [sorted(d.nos) for d in drafts] == case.articles()
    assert [case.lines[d.titles[0][0] - 1] for d in drafts] == case.titles


def test_headline_runs_open_articles_on_the_side_of_their_bodies():
    """The decoder reads the file's orientation from the labels: the same uncertain start probabilities open
    articles at the headline (kicker and subtitle included) above its body, or at the body after a headline
    that stands after its body; nothing opens inside a headline run."""
    above = ["noise", "title", "title", "byline", "body_start", "body_cont", "body_start",
             "title", "title", "body_start", "body_cont"]
    p = np.full(len(above), 0.3)
    p[2] = 0.7  # a subtitle the labeller would open an article at
    assert [i for i, s in enumerate(article_starts(above, p)) if s] == [1, 7]
    after = ["noise", "body_start", "body_cont", "title", "byline", "body_start", "body_cont", "title", "byline"]
    assert [i for i, s in enumerate(article_starts(after, np.full(len(after), 0.3))) if s] == [5]


def test_pull_quotes_open_and_an_interrupted_article_goes_on_after_the_one_inside_it():
    """A paragraph start below dropped pull-quote bullets after a finished paragraph opens an article; a
    headless draft goes on the unfinished article before the one that interrupted it."""
    texts = ["第一段结束了。", "· 引语一", "· 引语二", "第二篇开始。"]
    tl = [type("L", (), {"text": t, "no": k + 1})() for k, t in enumerate(texts)]
    roles = ["body_start", "noise", "noise", "body_start"]
    assert after_pull_quotes(tl, roles) == [False, False, False, True]
    assert article_starts(roles, np.zeros(4), quoted=after_pull_quotes(tl, roles)) == [False, False, False, True]
    texts = ["标题一", "第一篇写到一半没有", "标题二", "第二篇完整。", "写完了。"]
    tl = [type("L", (), {"text": t, "no": k + 1})() for k, t in enumerate(texts)]
    drafts = decode(tl, ["title", "body_start", "title", "body_start", "body_start"], [True, False, True, False, True])
    joined = rejoin(drafts, {ln.no: ln for ln in tl})
    assert [d.nos for d in joined] == [[1, 2, 5], [3, 4]] and joined[0].paras == [[2, 5]]
    assert len(rejoin(decode(tl, ["title", "body_start", "title", "body_start", "body_start"],
                             [True, False, True, False, True]), {ln.no: ln for ln in tl}, after=True)) == 3


@pytest.mark.parametrize("method", ["learned", "hybrid"])
@pytest.mark.parametrize("text", ["标题\n", "标题\n正文一句话。\n", "标题\n\n正文。\n\n第二段。\n"])
def test_short_files_do_not_break_the_labeller(method, text):
    result = segment_file(text, source_file="short.txt", method=method)
    assert all(1 <= s <= e <= text.count("\n") for a in result.articles for s, e in a.lines)


@pytest.mark.parametrize("method", ["learned", "hybrid"])
def test_learned_articles_point_to_their_raw_lines(method):
    case = page(5)
    result = segment_file(case.text, source_file="p", method=method)
    assert result.articles and result.layout["method"] == method
    seen: set[int] = set()
    for art in result.articles:
        nos = {n for s, e in art.lines for n in range(s, e + 1)}
        assert not nos & seen  # no raw line in two articles
        seen |= nos
        raw = re.sub(r"\s+", "", "".join(case.lines[n - 1] for n in sorted(nos)))
        for p in art.paragraphs:
            assert re.sub(r"\s+", "", p) in raw


def test_the_shipped_model_matches_the_features_and_rules_stay_the_default():
    model = load_model()
    assert model.meta["families"] and "sample" not in " ".join(model.meta["families"])
    case = page(6)
    default = segment_file(case.text, source_file="p")
    rules = segment_rules(case.text, source_file="p")
    assert [(a.title, a.paragraphs, a.lines) for a in default.articles] == [
        (a.title, a.paragraphs, a.lines) for a in rules.articles]
    with pytest.raises(ValueError):
        segment_file(case.text, source_file="p", method="neural")



@pytest.mark.slow  # the learned route over the five sample files, about 30 s
def test_the_corpus_stage_reads_segment_method(tmp_path):
    """The corpus stage splits a file with the configured method: on the sample files (where the two methods
    disagree on at least one) its documents are exactly the chosen segmenter's articles."""
    from topics.config import CorpusConfig, SegmentConfig
    from topics.ingest.articles import split_file

    def spans(articles):
        return [[list(s) for s in a.lines] for a in articles if a.paragraphs]

    differ = 0
    for path in sorted((Path(__file__).resolve().parents[1] / "data" / "raw" / "sample").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        learned = spans(segment_file(text, source_file=path.name, method="learned").articles)
        rules = spans(segment_rules(text, source_file=path.name).articles)
        for method, want in (("learned", learned), ("rules", rules)):
            docs, _ = split_file(text, path.name, CorpusConfig(path=tmp_path), SegmentConfig(method=method))
            assert [d["lines"] for d in docs] == want, (path.name, method)
        differ += learned != rules
    assert differ


def test_retyped_training_pages_keep_their_articles_and_are_seeded():
    """A re-set training page (``segtrain.retyped``) has the same articles and paragraphs in other lines, and the
    same seed re-sets the same way."""
    cases = [page(6), page(7)]
    once, again = segtrain.retyped(cases, 1.0, seed=3), segtrain.retyped(cases, 1.0, seed=3)
    assert [c.lines for c in once] == [c.lines for c in again]
    for case, new in zip(cases, once):
        assert new.titles == case.titles and len(new.articles()) == len(case.articles())
        assert new.paragraphs() == case.paragraphs()
