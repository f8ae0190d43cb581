// The run's explorer: topics and their words, one interval row per level for the chosen topic, the
// levels x topics heatmap with numbers, and the documents of the chosen topic; a search box filters all of it.
// Plain JS and SVG, no network. DATA is the JSON the figures stage writes into the page.
"use strict";
const DATA = JSON.parse(document.getElementById("data").textContent);
const state = { model: Object.keys(DATA.models)[0], topic: null, query: "" };
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const pct = (v, d = 1) => (100 * v).toFixed(d);

function el(tag, attrs = {}, text) {
  const e = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function matches(...texts) {
  const q = state.query.trim();
  return !q || texts.some((t) => String(t).includes(q));
}

// cividis-like ramp (dark blue -> gray -> yellow), readable in grayscale
const STOPS = [[0, [0, 34, 78]], [0.25, [53, 69, 108]], [0.5, [102, 105, 112]], [0.75, [165, 156, 116]], [1, [254, 232, 56]]];
function colour(x) {
  x = Math.max(0, Math.min(1, x));
  for (let i = 1; i < STOPS.length; i++) {
    const [x1, c1] = STOPS[i], [x0, c0] = STOPS[i - 1];
    if (x <= x1) {
      const f = (x - x0) / (x1 - x0);
      return `rgb(${c0.map((c, j) => Math.round(c + f * (c1[j] - c))).join(",")})`;
    }
  }
  return "rgb(254,232,56)";
}

function ticks(lo, hi) {  // four to seven round values (in proportion units) between lo and hi
  const raw = (hi - lo) / 7, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push(v);
  return out;
}

function step(range) { return range < 0.05 ? 1 : 0; }  // decimals of the tick labels (in %)

const measure = document.createElement("canvas").getContext("2d");
function textWidth(text, px) {  // rendered width of text in the page's font, in CSS pixels
  measure.font = `${px}px ${getComputedStyle(document.body).fontFamily}`;
  return measure.measureText(text).width;
}

function model() { return DATA.models[state.model]; }

function visibleTopics() {
  return model().topics.filter((t) => matches(t.label, t.words.join(" ")));
}

function renderModels() {
  const box = $("models");
  box.replaceChildren();
  for (const name of Object.keys(DATA.models)) {
    const b = el("button", { class: name === state.model ? "on" : "" }, name);
    b.onclick = () => { state.model = name; state.topic = null; render(); };
    box.append(b);
  }
}

function renderTopics() {
  const body = $("topics").querySelector("tbody");
  body.replaceChildren();
  for (const t of visibleTopics()) {
    const tr = el("tr", { class: t.topic === state.topic ? "on" : "", "data-topic": t.topic });
    tr.append(el("td", {}, t.label), el("td", { class: "num" }, pct(t.prevalence)), el("td", { class: "words" }, t.words.join(" ")));
    tr.onclick = () => { state.topic = t.topic; render(); };
    body.append(tr);
  }
}

function renderIntervals() {
  const m = model(), k = m.topics.findIndex((t) => t.topic === state.topic);
  const svg = $("intervals");
  svg.replaceChildren();
  if (k < 0) return;
  $("intervals-title").textContent = `${m.topics[k].label}: prevalence by ${DATA.column} (% of tokens, ${Math.round(DATA.ci * 100)}% intervals)`;
  const rows = m.levels.map((name, i) => ({ name, docs: m.docs[i], est: m.est[i][k], lo: m.lo[i][k], hi: m.hi[i][k] }))
    .filter((r) => r.est !== null).sort((a, b) => b.est - a.est);
  const names = rows.map((r) => `${r.name} (${r.docs})`);
  const width = Math.max(420, svg.parentElement.clientWidth - 8), pitch = 18, top = 24;
  const left = 14 + Math.min(0.5 * width, Math.max(...names.map((n) => textWidth(n, 12)), 40));
  const plotW = width - left - 24;
  const xmin = Math.min(0, ...rows.map((r) => r.lo));
  const xmax = Math.max(...rows.map((r) => r.hi), m.topics[k].prevalence, 0.01) * 1.05;
  const x = (v) => left + (plotW * (v - xmin)) / (xmax - xmin);
  svg.setAttribute("width", width);
  svg.setAttribute("height", top + pitch * rows.length + 10);
  for (const v of ticks(xmin, xmax)) {
    svg.append(el("svg:line", { x1: x(v), x2: x(v), y1: top - 6, y2: top + pitch * rows.length, stroke: "#e5e5e5" }));
    svg.append(el("svg:text", { x: x(v), y: top - 10, "text-anchor": "middle", "font-size": 11, fill: "#555" }, pct(v, step(xmax - xmin))));
  }
  const ref = x(m.topics[k].prevalence);
  svg.append(el("svg:line", { x1: ref, x2: ref, y1: top - 6, y2: top + pitch * rows.length, stroke: "#999", "stroke-dasharray": "4 3" }));
  rows.forEach((r, i) => {
    const y = top + pitch * i + pitch / 2;
    const g = el("svg:g", { class: "level-row" });
    g.append(el("svg:text", { x: left - 8, y: y + 4, "text-anchor": "end", "font-size": 12 }, names[i]));
    g.append(el("svg:line", { x1: x(r.lo), x2: x(r.hi), y1: y, y2: y, stroke: "#444", "stroke-width": 1.5 }));
    g.append(el("svg:circle", { cx: x(r.est), cy: y, r: 3.5, fill: "#1f1f1f" }));
    g.append(el("svg:title", {}, `${r.name}: ${pct(r.est)}% [${pct(r.lo)}, ${pct(r.hi)}], ${r.docs} documents`));
    svg.append(g);
  });
}

function renderHeatmap() {
  const m = model(), topics = visibleTopics();
  const idx = topics.map((t) => m.topics.indexOf(t));
  const table = $("heatmap");
  table.replaceChildren();
  const head = el("tr");
  head.append(el("th", { class: "level" }, `${DATA.column} (documents)`));
  for (const t of topics) {
    const th = el("th", { class: "topic" + (t.topic === state.topic ? " on" : "") }, t.label);
    th.onclick = () => { state.topic = t.topic; render(); };
    head.append(th);
  }
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  const max = Math.max(...m.est.flat().filter((v) => v !== null), 1e-9);
  m.levels.forEach((name, i) => {
    const tr = el("tr");
    tr.append(el("th", { class: "level" }, `${name} (${m.docs[i]})`));
    for (const k of idx) {
      const v = m.est[i][k];
      const td = el("td", { class: "cell", title: v === null ? "" : `${name} · ${m.topics[k].label}: ${pct(v)}% [${pct(m.lo[i][k])}, ${pct(m.hi[i][k])}]` },
        v === null ? "" : pct(v, v < 0.1 ? 1 : 0));
      if (v !== null) {
        td.style.background = colour(v / max);
        td.style.color = v / max > 0.55 ? "#000" : "#fff";
      }
      tr.append(td);
    }
    body.append(tr);
  });
  table.append(thead, body);
}

function renderDocuments() {
  const m = model(), t = m.topics.find((x) => x.topic === state.topic);
  const body = $("documents").querySelector("tbody");
  body.replaceChildren();
  if (!t) return;
  $("documents-title").textContent = `Documents with the most ${t.label}`;
  for (const [title, level, p] of m.documents[String(t.topic)] || []) {
    if (!matches(title, level) && !matches(t.label, t.words.join(" "))) continue;
    const tr = el("tr");
    tr.append(el("td", {}, title), el("td", {}, level), el("td", { class: "num" }, pct(p)));
    body.append(tr);
  }
}

function render() {
  const topics = visibleTopics();
  if (!topics.some((t) => t.topic === state.topic)) state.topic = topics.length ? topics[0].topic : null;
  renderModels();
  renderTopics();
  renderIntervals();
  renderHeatmap();
  renderDocuments();
  $("count").textContent = `${topics.length} of ${model().topics.length} topics, ${model().levels.length} ${DATA.column} levels`;
}

$("search").addEventListener("input", (e) => { state.query = e.target.value; render(); });
window.addEventListener("resize", () => renderIntervals());
render();
document.fonts.ready.then(() => renderIntervals());  // label widths measured in the embedded font
