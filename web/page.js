// The page's behaviour: load whatif's engine (WebAssembly, inlined above), keep one
// scenario text as the single source of truth, and redraw everything from the engine's
// answers. Nothing is fetched: the engine, the scenarios and this script are in the page.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { name: "", yaml: "", runs: 10000, seed: 42, baseline: null, shape: "", filesCache: null, pending: null, force: {}, given: "" };
let engine = null;

/** Calls the engine with one request object and returns its answer object. */
function makeEngine(exports) {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return (request) => {
    const input = encoder.encode(JSON.stringify(request));
    const ptr = exports.alloc(input.length);
    new Uint8Array(exports.memory.buffer, ptr, input.length).set(input);
    const out = exports.call(ptr, input.length);
    const len = exports.answer_len();
    return JSON.parse(decoder.decode(new Uint8Array(exports.memory.buffer, out, len)));
  };
}

function text(el, value) { el.textContent = value == null ? "" : String(value); }
function percent(x) { return (100 * x).toFixed(2) + "%"; }
function pp(x) { return (x >= 0 ? "+" : "") + (100 * x).toFixed(2) + " pp"; }
function count(n) { return Number(n).toLocaleString("en-US"); }
function escapeXml(s) { return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]); }
function file() { return { name: state.name, yaml: state.yaml }; }
/** The questions asked of the file, as `--force` and `--given` ask them. */
function ask() { return { force: Object.entries(state.force), given: state.given || null }; }

/** Loads a scenario text under a file name and redraws everything. */
function load(name, yaml) {
  state.name = name;
  state.yaml = yaml;
  state.force = {};
  $("editor").value = yaml;
  // A pinned baseline stays pinned: pin one file, then pick a variant to compare them.
  updatePin();
  refresh(true);
}

/** Re-analyses the current text; rebuilds the controls when the file's shape changed. */
function refresh(rebuild) {
  state.filesCache = null;
  const t0 = performance.now();
  const answer = engine({ op: "analyse", file: file(), runs: state.runs, seed: state.seed, baseline: state.baseline, ask: ask() });
  const t1 = performance.now();
  if (!answer.ok) {
    showProblems(answer);
    for (const id of ["chart", "table", "compare", "diagram"]) $(id).classList.add("stale");
    text($("status"), "The file has a problem (see “The file” below); the results shown are for its last version without one.");
    return answer;
  }
  hideProblems();
  for (const id of ["chart", "table", "compare", "diagram"]) $(id).classList.remove("stale");
  const sc = answer.scenario;
  requestAnimationFrame(fitHeader);
  const shape = JSON.stringify(sc.nodes.map((n) => [n.id, n.branches.map((b) => b.id)]).concat(sc.indicators.map((i) => i.name)));
  if (rebuild || shape !== state.shape) {
    state.shape = shape;
    showScenario(sc);
    buildControls(sc);
  } else {
    syncControls(sc);
  }
  drawOutcomes(answer);
  drawCompare(answer.compare);
  $("diagram").innerHTML = answer.diagram;
  const t2 = performance.now();
  const ms = t2 - t0;
  window.whatif.timings.push({ engine: t1 - t0, total: ms });
  const asked = answer.asked.length ? ` Asked of the file: ${answer.asked.join(" ")}.` : "";
  const runs = answer.excluded > 0 || state.given
    ? `${count(answer.runs)} of ${count(answer.runs + answer.excluded)} runs end with ${state.given} true; the shares are among them`
    : `${count(answer.runs)} runs`;
  text($("status"), `${runs}, seed ${answer.seed}; exact analysis: ${answer.exact_note}.${asked}`);
  text($("timing"), `Updated in ${Math.round(ms)} ms.`);
  $("run-number").max = String(answer.runs - 1);
  window.whatif.last = answer;
  return answer;
}

function showScenario(sc) {
  text($("title"), sc.title);
  text($("notice"), "NOTICE: " + sc.notice);
  document.title = sc.title + " (whatif)";
  text($("description"), sc.description || "");
  const sources = $("sources");
  sources.replaceChildren(...sc.sources.map((s) => { const li = document.createElement("li"); li.textContent = "Source: " + s; return li; }));
  text($("file-line"), `Scenario file: ${sc.file} (SHA-256 ${sc.sha256})` + (sc.warnings.length ? ` · warnings: ${sc.warnings.join("; ")}` : ""));
}

/** One slider and one number box per base weight, grouped by question; one per start. */
function buildControls(sc) {
  const root = $("controls");
  root.replaceChildren();
  if (sc.extends) {
    // A variant holds only its changes: its numbers are edited in its `changes` list.
    const p = document.createElement("p");
    p.className = "meta";
    p.textContent = `This file is a variant of ${sc.extends}: it lists only its changes, so edit its numbers under ` +
      "`changes:` in the file below, or pick the base scenario to use sliders. To compare the two, pick the base, " +
      "press “Pin as baseline”, then pick this variant again.";
    root.append(p);
    return;
  }
  sc.nodes.forEach((node, n) => {
    const set = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = node.question ? `${node.id}: ${node.question}` : node.id;
    set.append(legend);
    set.append(forceControl(node, n));
    // A decision's options are chosen, never drawn: they have no weights to move.
    if (!node.decision) {
      node.branches.forEach((b, j) => set.append(control(`w-${n}-${j}`, b.id, b.label, b.weight, b.path, 0, b.conditional)));
    }
    root.append(set);
  });
  if (sc.indicators.length) {
    const set = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = "Indicator starts";
    set.append(legend);
    sc.indicators.forEach((ind, i) => set.append(control(`s-${i}`, ind.name, ind.unit, ind.start, ind.path, null, false)));
    root.append(set);
  }
}

/** A choice of branch for the node: chance as written, or one branch forced (for a
 * decision, one must be chosen). */
function forceControl(node, n) {
  const row = document.createElement("div");
  row.className = "row";
  const label = document.createElement("label");
  label.htmlFor = `force-${n}`;
  label.textContent = node.decision ? "Decide (a choice, not chance):" : "Force (an intervention):";
  const select = document.createElement("select");
  select.id = `force-${n}`;
  select.add(new Option(node.decision ? "— choose an option —" : "no: chance, as written", ""));
  for (const b of node.branches) select.add(new Option(b.id, b.id));
  select.value = state.force[node.id] || "";
  select.addEventListener("change", () => {
    if (select.value) state.force[node.id] = select.value; else delete state.force[node.id];
    refresh(false);
  });
  row.append(label, select);
  return row;
}

function control(id, name, sub, value, path, min, conditional) {
  const row = document.createElement("div");
  row.className = "control";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.innerHTML = `<strong>${escapeXml(name)}</strong>` + (sub ? ` <span class="sub">${escapeXml(sub)}</span>` : "") +
    (conditional ? ` <span class="conditional">(conditions can replace this weight)</span>` : "");
  const range = document.createElement("input");
  range.type = "range";
  range.id = id + "-range";
  range.setAttribute("aria-label", `${name} (slider)`);
  const box = document.createElement("input");
  box.type = "number";
  box.id = id;
  box.step = "any";
  if (min !== null) box.min = String(min);
  setRange(range, value, min);
  box.value = String(value);
  range.addEventListener("input", () => { box.value = range.value; change(path, range.value); });
  box.addEventListener("input", () => {
    if (box.value === "" || !box.checkValidity()) return;
    setRange(range, Number(box.value), min);
    change(path, box.value);
  });
  row.dataset.path = JSON.stringify(path);
  row.append(label, range, box);
  return row;
}

/** A slider's scale: 0 to at least 10 (twice the value when larger), steps of 0.5. */
function setRange(range, value, min) {
  const top = Math.max(10, Math.ceil(Math.abs(value) * 2));
  range.min = String(min === null ? -top : 0);
  range.max = String(top);
  range.step = "0.5";
  range.value = String(value);
}

/** The controls follow the file after an edit that kept its shape. */
function syncControls(sc) {
  sc.nodes.forEach((node, n) => node.branches.forEach((b, j) => { if (!node.decision) sync(`w-${n}-${j}`, b.weight, 0); }));
  sc.indicators.forEach((ind, i) => sync(`s-${i}`, ind.start, null));
}

function sync(id, value, min) {
  const box = $(id);
  if (!box || document.activeElement === box || Number(box.value) === value) return;
  box.value = String(value);
  setRange($(id + "-range"), value, min);
}

/** Changes one number in the file, then redraws (once per frame while dragging). */
function change(path, value) {
  const answer = engine({ op: "set", yaml: state.yaml, path, value: String(value) });
  if (!answer.ok) { showProblems(answer); return; }
  state.yaml = answer.yaml;
  const editor = $("editor");
  const top = editor.scrollTop;
  editor.value = answer.yaml;
  editor.scrollTop = top;
  schedule(false);
}

function schedule(rebuild) {
  if (state.pending) return;
  state.pending = requestAnimationFrame(() => { state.pending = null; refresh(rebuild); });
}

/** Outcome bars: the sampled share with its 95% interval, the exact share marked. */
function drawOutcomes(answer) {
  const rows = answer.outcomes;
  const W = 660, left = 250, right = 24, top = 34, rowH = 34;
  const H = top + rows.length * rowH + 30;
  const max = Math.min(1, Math.max(0.05, ...rows.map((r) => Math.max(r.high, r.exact ?? 0))));
  const step = max > 0.5 ? 0.2 : max > 0.2 ? 0.1 : 0.05;
  const axis = Math.min(1, Math.ceil(max / step - 1e-9) * step);
  const x = (v) => left + (W - left - right) * Math.min(1, Math.max(0, v / axis));
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Share of runs by outcome with 95% intervals and exact values" font-family="DejaVu Sans, Verdana, sans-serif">`;
  svg += `<rect x="0" y="4" width="14" height="12" fill="#0072b2"/><text x="20" y="15" font-size="13">share of ${count(answer.runs)} runs</text>`;
  svg += `<path d="M236,16 h16 M236,12 v8 M252,12 v8" stroke="#000" stroke-width="1.4"/><text x="258" y="15" font-size="13">95% interval</text>`;
  svg += `<path d="M372,4 l6,6 l-6,6 l-6,-6 z" fill="#000"/><text x="384" y="15" font-size="13">exact in this file</text>`;
  for (let t = 0; t <= axis + 1e-9; t += step) {
    svg += `<line x1="${x(t)}" x2="${x(t)}" y1="${top - 4}" y2="${H - 26}" stroke="#e2e2e2"/><text x="${x(t)}" y="${H - 10}" font-size="12" text-anchor="middle" fill="#444">${Math.round(t * 100)}%</text>`;
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH + 6, mid = y + 10;
    svg += `<text x="${left - 8}" y="${mid + 5}" font-size="13" text-anchor="end">${escapeXml(r.label.length > 34 ? r.label.slice(0, 33) + "…" : r.label)}</text>`;
    svg += `<rect x="${left}" y="${y}" width="${Math.max(0, x(r.share) - left)}" height="20" fill="#0072b2" fill-opacity="0.85"><title>${escapeXml(r.label)}: ${percent(r.share)}</title></rect>`;
    svg += `<path d="M${x(r.low)},${mid} H${x(r.high)} M${x(r.low)},${mid - 6} v12 M${x(r.high)},${mid - 6} v12" stroke="#000" stroke-width="1.4"/>`;
    if (r.exact != null) svg += `<path d="M${x(r.exact)},${mid - 7} l7,7 l-7,7 l-7,-7 z" fill="#000" stroke="#fff"/>`;
  });
  $("chart").innerHTML = svg + "</svg>";
  const head = "<tr><th>outcome</th><th>runs</th><th>share</th><th>95% interval</th><th>exact in this file</th></tr>";
  $("table").innerHTML = head + rows.map((r) => `<tr><td>${escapeXml(r.label)}</td><td>${count(r.runs)}</td><td>${percent(r.share)}</td>` +
    `<td>${percent(r.low)} – ${percent(r.high)}</td><td>${r.exact == null ? "" : percent(r.exact)}</td></tr>`).join("");
}

function drawCompare(compare) {
  const root = $("compare");
  if (!compare) {
    if (state.baseline) root.innerHTML = "";
    return;
  }
  const changes = compare.changes.length
    ? "<p>What differs from the baseline:</p><ul>" + compare.changes.map((c) => `<li>${escapeXml(c)}</li>`).join("") + "</ul>"
    : "<p>Nothing differs from the baseline yet: change a weight.</p>";
  const head = "<tr><th>outcome</th><th>baseline</th><th>now</th><th>difference</th><th>95% interval</th><th>exact difference</th></tr>";
  const rows = compare.outcomes.map((r) => `<tr><td>${escapeXml(r.label)}</td><td>${percent(r.baseline)}</td><td>${percent(r.variant)}</td>` +
    `<td>${pp(r.difference)}</td><td>${pp(r.low)} to ${pp(r.high)}</td><td>${r.exact_difference == null ? "" : pp(r.exact_difference)}</td></tr>`).join("");
  root.innerHTML = `<p class="meta">Baseline: ${escapeXml(compare.baseline_title)} as pinned; both drawn with the same seed and runs, run by run (paired).</p>` +
    changes + `<div class="scroll"><table>${head}${rows}</table></div>`;
}

function showProblems(answer) {
  const box = $("problems");
  box.hidden = false;
  box.replaceChildren();
  const title = document.createElement("strong");
  title.textContent = answer.problems && answer.problems.length ? "The file has problems:" : "Something went wrong:";
  box.append(title);
  for (const p of answer.problems || []) {
    if (p.line == null) continue;
    const b = document.createElement("button");
    b.type = "button";
    b.className = "problem";
    b.textContent = `line ${p.line}, column ${p.column}: ${p.message}` + (p.help ? ` (fix: ${p.help})` : "");
    b.addEventListener("click", () => goTo(p.line, p.column));
    box.append(document.createElement("br"), b);
  }
  const pre = document.createElement("pre");
  pre.textContent = answer.error;
  box.append(pre);
}

function hideProblems() { $("problems").hidden = true; }

/** Puts the editor's cursor at a line and column (1-based). */
function goTo(line, column) {
  const editor = $("editor");
  const lines = editor.value.split("\n");
  let at = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
  at += Math.max(0, (column || 1) - 1);
  editor.focus();
  editor.setSelectionRange(at, at);
  editor.scrollTop = Math.max(0, (line - 5) * 17.5);
}

/** Keeps the results column just below the sticky header. */
function fitHeader() {
  document.documentElement.style.setProperty("--head", $("top").offsetHeight + 8 + "px");
}

function updatePin() {
  $("unpin").disabled = !state.baseline;
  text($("pin"), state.baseline ? "Pin this version instead" : "Pin as baseline");
  if (!state.baseline) $("compare").innerHTML = '<p class="meta">Pin the file as it is now as a baseline, then change weights: paired differences (same seed, same runs) with 95% intervals, as <code>whatif compare</code> gives them.</p>';
}

function download(name) {
  let content;
  if (name === "scenario.yaml") {
    content = state.yaml;
    name = (state.name.replace(/\.ya?ml$/, "") || "scenario") + ".yaml";
  } else {
    if (!state.filesCache) {
      const answer = engine({ op: "files", file: file(), runs: state.runs, seed: state.seed, ask: ask() });
      if (!answer.ok) { showProblems(answer); return; }
      state.filesCache = answer.files;
    }
    content = state.filesCache.find((f) => f.name === name).text;
  }
  const url = URL.createObjectURL(new Blob([content], { type: name.endsWith(".csv") ? "text/csv" : "text/yaml" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function wire(scenarios) {
  const picker = $("picker");
  scenarios.forEach((s, i) => picker.add(new Option(s.title, String(i))));
  picker.addEventListener("change", () => { const s = scenarios[Number(picker.value)]; load(s.name, s.yaml); });
  $("open-file").addEventListener("change", async (e) => { const f = e.target.files[0]; if (f) load(f.name, await f.text()); });
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", async (e) => {
    e.preventDefault();
    const f = e.dataTransfer.files[0];
    if (f) load(f.name, await f.text());
  });
  let typing = null;
  $("editor").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.yaml = $("editor").value; refresh(false); }, 250);
  });
  for (const r of document.querySelectorAll("input[name=runs]")) {
    r.addEventListener("change", () => { state.runs = Number(r.value); refresh(false); });
  }
  $("seed").addEventListener("change", () => {
    const s = $("seed");
    if (s.value !== "" && s.checkValidity()) { state.seed = Number(s.value); refresh(false); }
  });
  $("pin").addEventListener("click", () => { state.baseline = file(); updatePin(); refresh(false); });
  $("unpin").addEventListener("click", () => { state.baseline = null; updatePin(); refresh(false); });
  $("replay").addEventListener("click", () => {
    const answer = engine({ op: "replay", file: file(), seed: state.seed, run: Number($("run-number").value) || 0, ask: ask() });
    const story = $("story");
    story.hidden = false;
    story.textContent = answer.ok ? answer.text : answer.error;
  });
  for (const b of document.querySelectorAll("#downloads button")) b.addEventListener("click", () => download(b.dataset.file));
  window.addEventListener("resize", fitHeader);
  $("given-apply").addEventListener("click", () => { state.given = $("given").value.trim(); refresh(false); });
  $("given").addEventListener("keydown", (e) => { if (e.key === "Enter") { state.given = $("given").value.trim(); refresh(false); } });
  $("given-clear").addEventListener("click", () => { $("given").value = ""; state.given = ""; refresh(false); });
  $("zoom").addEventListener("click", () => {
    const full = $("diagram").classList.toggle("full");
    $("zoom").setAttribute("aria-pressed", String(full));
    text($("zoom"), full ? "Fit to the page" : "Full size");
  });
}

async function start() {
  window.whatif = { ready: false, timings: [], last: null };
  try {
    const b64 = $("wasm-data").textContent.trim();
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const { instance } = await WebAssembly.instantiate(bytes, {});
    engine = makeEngine(instance.exports);
    const scenarios = JSON.parse($("scenario-data").textContent);
    window.whatif.engine = engine;
    window.whatif.load = load;
    // Runs a redraw that is waiting for the next frame now (for measurements).
    window.whatif.flush = () => { if (state.pending) { cancelAnimationFrame(state.pending); state.pending = null; refresh(false); } };
    wire(scenarios);
    if (scenarios.length) load(scenarios[0].name, scenarios[0].yaml);
    window.whatif.ready = true;
  } catch (e) {
    showProblems({ error: "whatif could not start in this browser: " + e, problems: [] });
    window.whatif.error = String(e);
  }
}

start();
