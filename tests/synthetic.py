"""Synthetic run folders with a known structure, for benchmarks and tests of the compare and figures stages.

:func:`write_synthetic_run` writes what the corpus, tokenize and model stages would have written
(``documents.csv``/``.jsonl``, ``units.jsonl``, ``tokens.jsonl``, ``lda/`` and optionally ``bertopic/``) for a
corpus of ``n_issuers`` issuing bodies with realistic long Chinese names and a skewed number of documents each
(a few large issuers, many with one or two documents, as in a real collection of policy documents). Every
document's topic proportions are drawn from a Dirichlet around a flat base; issuer ``i`` over-uses topic
``i mod K`` by ``boost`` (the known answer). Tokens are drawn from each document's mixture of topic word
distributions over real words of the genre, so the distinctive-words tables have real input.

Nothing here is fitted: the model folders hold the generating proportions and word distributions, so
compare and figures run at any number of issuers in seconds.

Example
-------
>>> from pathlib import Path
>>> import tempfile
>>> run = Path(tempfile.mkdtemp())
>>> meta = write_synthetic_run(run, n_issuers=12, k=5, seed=1)
>>> sorted(p.name for p in run.iterdir())[:3]
['bertopic', 'corpus_report.json', 'documents.csv']
>>> meta["issuer"].nunique()
12
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from topics import artifacts
from topics.models.result import TopicModelResult

PLACES = ("北京市 天津市 河北省 山西省 内蒙古自治区 辽宁省 吉林省 黑龙江省 上海市 江苏省 浙江省 安徽省 福建省 江西省 山东省 "
          "河南省 湖北省 湖南省 广东省 广西壮族自治区 海南省 重庆市 四川省 贵州省 云南省 西藏自治区 陕西省 甘肃省 青海省 "
          "宁夏回族自治区 新疆维吾尔自治区 国务院 全国人大常委会 最高人民法院").split()
BODIES = ("人民政府 人民政府办公厅 发展和改革委员会 生态环境厅 教育厅 财政厅 科学技术厅 工业和信息化厅 自然资源厅 "
          "住房和城乡建设厅 农业农村厅 商务厅").split()
WORDS = ("经济 发展 改革 开放 市场 产业 企业 投资 消费 创新 科技 研究 人才 数字 平台 生态 环境 保护 治理 污染 绿色 低碳 "
         "能源 黄河 流域 教育 学校 学生 教师 课程 农业 农村 乡村 振兴 粮食 耕地 住房 城市 更新 社区 交通 财政 预算 资金 "
         "债务 税收 医疗 卫生 健康 医保 养老 安全 应急 生产 监管 风险 文化 旅游 体育 法治 执法 司法 审判 监督 党建 组织 "
         "干部 纪律 作风 开放 外贸 口岸 自贸区 就业 社保 民生 服务 标准 质量 数据 网络 水利 防汛 森林 草原 海洋 港口").split()


def issuer_names(n: int) -> list[str]:
    """``n`` distinct issuer names (place x body, e.g. 广西壮族自治区住房和城乡建设厅), at most 408."""
    names = [p + b for b in BODIES for p in PLACES]
    if n > len(names):
        raise ValueError(f"at most {len(names)} synthetic issuers, asked for {n}")
    return names[:n]


def document_counts(n_issuers: int, mean_docs: float, rng: np.random.Generator) -> np.ndarray:
    """Documents per issuer: 1 + a geometric count (many issuers with one or two, a few large ones)."""
    if mean_docs <= 1:
        return np.ones(n_issuers, dtype=int)
    return rng.geometric(1 / mean_docs, n_issuers)


def topic_words(k: int, rng: np.random.Generator, n_words: int = 30) -> tuple[list[str], np.ndarray]:
    """Vocabulary and a (k, V) word distribution: each topic puts most mass on its own run of words."""
    vocab = list(dict.fromkeys(WORDS))
    phi = np.full((k, len(vocab)), 0.02)
    for t in range(k):
        own = [(t * 7 + j) % len(vocab) for j in range(8)]
        phi[t, own] += rng.gamma(2.0, 1.0, len(own)) * 3
    phi /= phi.sum(axis=1, keepdims=True)
    return vocab, phi


def write_synthetic_run(run_dir: str | Path, n_issuers: int, k: int = 12, mean_docs: float = 3.0, seed: int = 0,
                        boost: float = 4.0, tokens_per_doc: int = 150, two_models: bool = True,
                        years: tuple[int, ...] = (2021, 2022, 2023)) -> pd.DataFrame:
    """Write a run folder (see the module docstring); returns documents with ``n_tokens``."""
    run_dir = Path(run_dir)
    rng = np.random.default_rng(seed)
    names = issuer_names(n_issuers)
    counts = document_counts(n_issuers, mean_docs, rng)
    vocab, phi = topic_words(k, rng)
    rows, theta, tokens = [], [], []
    for i, (issuer, n) in enumerate(zip(names, counts)):
        base = np.ones(k)
        base[i % k] *= boost
        for j in range(int(n)):
            doc_id = f"d{i:03d}-{j:02d}"
            th = rng.dirichlet(0.8 * k * base / base.sum())
            n_tok = int(max(20, rng.poisson(tokens_per_doc)))
            per_topic = rng.multinomial(n_tok, th)
            words = [vocab[w] for t, c in enumerate(per_topic) if c for w in rng.choice(len(vocab), size=c, p=phi[t])]
            words = [words[w] for w in rng.permutation(len(words))]
            title = f"关于{vocab[rng.integers(len(vocab))]}{vocab[rng.integers(len(vocab))]}工作的通知"
            rows.append({"doc_id": doc_id, "issuer": issuer, "year": int(years[(i + j) % len(years)]), "title": title,
                         "n_chars": 2 * n_tok, "text": "".join(words)})
            theta.append(th)
            tokens.append({"unit_id": doc_id, "doc_id": doc_id, "tokens": words})
    docs = pd.DataFrame(rows)
    units = docs[["doc_id", "text", "n_chars"]].assign(unit_id=docs["doc_id"])[["unit_id", "doc_id", "text", "n_chars"]]
    artifacts.write_corpus(run_dir, docs, units, {"per_issuer": {}, "dropped_lines": {}, "skipped": [], "warnings": []})
    from topics.io import write_table

    write_table(pd.DataFrame(tokens), artifacts.tokens_path(run_dir))
    theta = np.vstack(theta)
    artifacts.write_model_result(run_dir, _result("lda", docs["doc_id"], theta, vocab, phi, {"alpha": 0.1}))
    if two_models:  # the same topics renumbered, with noise: a known alignment
        perm = rng.permutation(k)
        noisy = np.vstack([rng.dirichlet(50 * row + 0.1) for row in theta[:, perm]])
        noisy_phi = phi[perm] + rng.gamma(1.0, 0.002, phi.shape)
        artifacts.write_model_result(run_dir, _result("bertopic", docs["doc_id"], noisy, vocab,
                                                      noisy_phi / noisy_phi.sum(axis=1, keepdims=True), {}))
    return docs.drop(columns="text").assign(n_tokens=[len(t["tokens"]) for t in tokens])


def _result(model: str, doc_ids: pd.Series, theta: np.ndarray, vocab: list[str], phi: np.ndarray,
            metrics: dict) -> TopicModelResult:
    k = theta.shape[1]
    dt = pd.DataFrame(theta, columns=[f"topic_{t}" for t in range(k)])
    dt.insert(0, "doc_id", doc_ids.to_numpy())
    dt["dominant_topic"] = theta.argmax(axis=1)
    terms, info = [], []
    for t in range(k):
        top = np.argsort(-phi[t])[:30]
        terms += [{"topic": t, "rank": r + 1, "term": vocab[j], "weight": float(phi[t, j])} for r, j in enumerate(top)]
        info.append({"topic": t, "label": " ".join(vocab[j] for j in top[:3]),
                     "top_words": " ".join(vocab[j] for j in top[:10]), "prevalence": float(theta[:, t].mean())})
    return TopicModelResult(model, dt, pd.DataFrame(info), pd.DataFrame(terms), {"k": k, **metrics})
