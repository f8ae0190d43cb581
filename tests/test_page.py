"""The interactive page in a real browser: headless Chromium with no system font at all renders the page, the
Chinese glyphs are drawn from the embedded font subset (no tofu), and every panel holds the run's data.

How "no tofu" is decided: inside the page a canvas draws each distinct Chinese character of the page with the
page's font stack, and a private-use character (U+E000, in no font) with the same stack. A character whose
bitmap is empty or equals that private-use bitmap was not drawn from a real glyph. The same check on the page
without its embedded font must fail (the control shows the check can see tofu).
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

from headless import dump_dom, no_cjk_fonts, screenshot

SELFTEST = r"""
<script>
(async () => {
  await document.fonts.ready;
  const face = [...document.fonts].find((f) => f.family.replace(/"/g, "") === "TopicsCJK");
  const chars = [...new Set(document.body.innerText.match(/[\u4e00-\u9fff]/g) || [])];
  const c = document.createElement("canvas"); c.width = c.height = 48;
  const g = c.getContext("2d", { willReadFrequently: true });
  const family = getComputedStyle(document.body).fontFamily;
  const bitmap = (ch) => { g.clearRect(0, 0, 48, 48); g.font = `40px ${family}`; g.textBaseline = "top";
    g.fillText(ch, 2, 2); return Array.from(g.getImageData(0, 0, 48, 48).data.filter((_, i) => i % 4 === 3)).join(","); };
  const tofu = bitmap("\uE000");
  const maps = chars.map(bitmap);
  const drawn = maps.filter((m) => m !== tofu && /[1-9]/.test(m)).length;
  const count = () => ({
    topics: document.querySelectorAll("#topics tbody tr").length,
    level_rows: document.querySelectorAll("#intervals .level-row").length,
    rows_y: [...document.querySelectorAll("#intervals .level-row circle")].map((e) => +e.getAttribute("cy")),
    cells: [...document.querySelectorAll("#heatmap td.cell")].filter((td) => /\d/.test(td.textContent)).length,
    documents: document.querySelectorAll("#documents tbody tr").length,
    topic_words: [...document.querySelectorAll("#topics tbody tr")].map((tr) => tr.innerText),
  });
  const before = count();
  const word = document.querySelector("#topics tbody tr td.words").textContent.split(" ")[0];
  const box = document.getElementById("search"); box.value = word; box.dispatchEvent(new Event("input"));
  const searched = count();
  const out = document.createElement("pre"); out.id = "selftest";
  out.textContent = JSON.stringify({ face: face ? face.status : null, chars: chars.length, drawn,
    distinct: new Set(maps).size, before, word, searched });
  document.body.append(out);
})();
</script>
"""


def selftest(page: Path, tmp: Path) -> dict:
    harness = tmp / f"harness-{page.stem}.html"
    harness.write_text(page.read_text(encoding="utf-8").replace("</body>", SELFTEST + "</body>"), encoding="utf-8")
    dom = dump_dom(harness, tmp, env=no_cjk_fonts(tmp / "fontconfig"))
    found = re.search(r'<pre id="selftest">(.*?)</pre>', dom, re.S)
    assert found, "the page's self-test did not finish (script error or font never loaded)"
    import html

    return json.loads(html.unescape(found.group(1)))


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    from topics.compare.run import write_comparisons
    from topics.config import config_from_dict
    from topics.figures.interactive import write_page
    from synthetic import write_synthetic_run

    run = tmp_path_factory.mktemp("run")
    write_synthetic_run(run, n_issuers=24, k=8, seed=5)
    cfg = config_from_dict({"name": "page", "compare": {"draws": 40}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write_comparisons(run, cfg.compare, seed=1)
    return write_page(run, ["lda", "bertopic"], "issuer", 0.95, run / "figures" / "interactive.html")


def test_page_is_offline_and_self_contained(page):
    text = page.read_text(encoding="utf-8")
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', text), "the page loads something from the network"
    assert "@font-face" in text and "data:font/woff2;base64," in text
    assert len(text) < 3_000_000


def test_chinese_is_drawn_from_the_embedded_font_and_panels_hold_data(page, tmp_path):
    r = selftest(page, tmp_path)
    assert r["face"] == "loaded"
    assert r["chars"] >= 50  # issuer names, topic words and titles are Chinese
    assert r["drawn"] == r["chars"], f"{r['chars'] - r['drawn']} Chinese characters drawn as tofu"
    assert r["distinct"] == r["chars"]  # every character its own glyph
    b = r["before"]
    assert b["topics"] == 8
    assert b["level_rows"] == 24  # one row per issuer ...
    assert len(set(b["rows_y"])) == len(b["rows_y"])  # ... never two issuers' intervals on one row
    assert b["cells"] == 24 * 8  # a number in every heatmap cell
    assert b["documents"] >= 10
    s = r["searched"]  # the search box keeps only topics with the word
    assert 1 <= s["topics"] <= b["topics"]
    assert all(r["word"] in row for row in s["topic_words"])
    assert s["cells"] == 24 * s["topics"]


def test_the_check_sees_tofu_without_the_embedded_font(page, tmp_path):
    bare = tmp_path / "bare.html"
    text = page.read_text(encoding="utf-8")
    bare.write_text(re.sub(r"@font-face \{[^}]*\}", "", text, count=1), encoding="utf-8")
    r = selftest(bare, tmp_path)
    assert r["face"] is None
    assert r["drawn"] == 0


def test_screenshot(page, tmp_path):
    """A screenshot to look at (kept under the test's tmp folder); it is not blank."""
    from PIL import Image

    out = screenshot(page, tmp_path / "page.png", tmp_path, env=no_cjk_fonts(tmp_path / "fontconfig"))
    img = Image.open(out).convert("L")
    assert img.size == (1400, 1800)
    assert len(img.getcolors(maxcolors=1 << 16) or []) > 20
