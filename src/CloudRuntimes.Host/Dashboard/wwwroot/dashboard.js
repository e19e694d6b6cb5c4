// The cloud-runtimes dashboard: one page per hash (#components, #subscriptions, #plugins, #playground, #metrics),
// each filled from the server's JSON under /dashboard/api and refreshed every two seconds while it is shown.
// Everything the server sends is set as text (never as HTML): names and messages can come from apps and plugins.
"use strict";

const api = (path, init) => fetch("api/" + path, init).then(r => {
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
});

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const badge = (text, tone) => el("span", { class: "badge " + tone }, text);
const fill = (tbody, rows, empty, columns) => {
  tbody.replaceChildren(...(rows.length ? rows : [el("tr", { class: "empty" }, el("td", { colSpan: columns, class: "muted" }, empty))]));
};
const fillLog = (list, entries, empty) => {
  list.replaceChildren(...(entries.length ? entries.map(e => el("li", {}, e)) : [el("li", { class: "empty" }, empty)]));
};
const time = iso => new Date(iso).toLocaleTimeString();

const pages = {
  async components() {
    const o = await api("overview");
    document.getElementById("app-id").textContent = `app ${o.appId} · runtime ${o.runtimeVersion}`;
    document.getElementById("listening").replaceChildren(...o.listening.map(a => el("div", { class: "mono" }, a)));
    const channel = o.appChannel;
    document.getElementById("app-channel").replaceChildren(
      channel.state === "none" ? el("span", { class: "muted" }, "no app (--app-port not given)")
        : el("span", {}, badge(channel.state, channel.state === "open" ? "ok" : "warn"), " ", el("span", { class: "mono" }, channel.address)));
    document.getElementById("data-folder").textContent = o.dataFolder;
    fill(document.querySelector("#components-table tbody"), o.components.map(c =>
      el("tr", { "data-name": c.name },
        el("td", {}, el("strong", {}, c.name)),
        el("td", { class: "mono" }, c.type),
        el("td", {}, c.version),
        el("td", {}, c.capabilities.map(x => el("span", { class: "tag" }, x))),
        el("td", {}, badge(c.health, c.health === "ok" ? "ok" : "bad"), c.detail ? el("div", { class: "muted" }, c.detail) : null))),
      "no components", 5);
    fillLog(document.getElementById("problems"), o.problems.map(p => `${time(p.time)} ${p.level} ${p.category}: ${p.message}`), "none so far");
  },

  async subscriptions() {
    const subscriptions = await api("subscriptions");
    fill(document.querySelector("#subscriptions-table tbody"), subscriptions.map(s =>
      el("tr", { "data-topic": s.topic },
        el("td", {}, s.pubsubName),
        el("td", {}, el("strong", {}, s.topic), " ", el("span", { class: "muted" }, s.type)),
        el("td", { class: "mono" }, s.routes.map(r => el("div", {}, r.match ? `${r.match} → ${r.path}` : r.path))),
        el("td", {}, s.deadLetterTopic || "—"),
        el("td", { class: "num backlog" }, s.backlog === null ? "n/a" : s.backlog),
        el("td", { class: "num rate" }, s.deliveredPerSecond),
        el("td", { class: "num delivered" }, s.delivered),
        el("td", { class: "num retried" }, s.retried),
        el("td", { class: "num dead-lettered" }, s.deadLettered))),
      "no subscriptions (the app has none, or its port is not open yet)", 9);
  },

  async plugins() {
    const plugins = await api("plugins");
    fill(document.querySelector("#plugins-table tbody"), plugins.map(p =>
      el("tr", { "data-id": p.id },
        el("td", {}, el("strong", {}, p.name), " ", el("span", { class: "muted" }, p.id), el("div", { class: "muted" }, p.description)),
        el("td", { class: "mono" }, p.entrypoint),
        el("td", {}, p.version),
        el("td", { class: "mono" }, p.source, p.format ? el("div", { class: "muted" }, p.format) : null),
        el("td", { class: "num" }, p.migrations),
        el("td", {}, p.tables.map(t => el("span", { class: "tag" }, t))),
        el("td", { class: "num requests" }, p.requests),
        el("td", { class: "num failures" }, p.failures ? badge(p.failures, "bad") : 0))),
      "no plugins loaded", 8);
    fillLog(document.getElementById("plugin-errors"),
      plugins.flatMap(p => p.recentErrors.map(e => `${time(e.time)} ${p.id}: ${e.message}`)), "none so far");
  },

  async metrics() {
    const m = await api("metrics");
    const charts = document.getElementById("charts");
    charts.replaceChildren(...(m.blocks.length ? m.blocks.map(chart) : [el("p", { class: "muted" }, "no requests yet")]));
  },
};

// A block's last minute: bars for requests per second, a line for the mean latency, drawn as SVG.
function chart(block) {
  const width = 320, height = 90, n = block.perSecond.length, step = width / n;
  const maxCount = Math.max(1, ...block.perSecond);
  const latencies = block.meanMs.filter(v => v !== null);
  const maxLatency = Math.max(1, ...latencies);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  const bars = document.createElementNS(svg.namespaceURI, "g");
  bars.setAttribute("class", "bars");
  block.perSecond.forEach((count, i) => {
    if (!count) return;
    const h = (count / maxCount) * (height - 4);
    const rect = document.createElementNS(svg.namespaceURI, "rect");
    rect.setAttribute("x", (i * step + 0.5).toFixed(1));
    rect.setAttribute("y", (height - h).toFixed(1));
    rect.setAttribute("width", Math.max(1, step - 1).toFixed(1));
    rect.setAttribute("height", h.toFixed(1));
    bars.append(rect);
  });
  const points = block.meanMs.map((v, i) => v === null ? null : `${(i * step + step / 2).toFixed(1)},${(height - (v / maxLatency) * (height - 6) - 3).toFixed(1)}`).filter(Boolean);
  const line = document.createElementNS(svg.namespaceURI, "polyline");
  line.setAttribute("class", "latency");
  line.setAttribute("points", points.join(" "));
  const axis = document.createElementNS(svg.namespaceURI, "line");
  axis.setAttribute("class", "axis");
  axis.setAttribute("x1", 0); axis.setAttribute("x2", width); axis.setAttribute("y1", height - 0.5); axis.setAttribute("y2", height - 0.5);
  svg.append(axis, bars, line);
  const lastRate = block.perSecond.slice(-10).reduce((a, b) => a + b, 0) / 10;
  const meanLatency = latencies.length ? (latencies.reduce((a, b) => a + b, 0) / latencies.length) : null;
  return el("div", { class: "card chart", "data-block": block.block },
    el("h3", {}, block.block),
    svg,
    el("div", { class: "legend" },
      el("span", {}, `${lastRate.toFixed(1)} req/s · ${block.total} in all`),
      el("span", {}, meanLatency === null ? "no latency yet" : `mean ${meanLatency.toFixed(2)} ms (peak ${maxLatency.toFixed(2)} ms)`)));
}

// The playground: resolves the chosen variable with the context as typed (debounced) and explains the result.
const playground = {
  stores: [],
  timer: null,
  async load() {
    const { stores } = await api("playground");
    this.stores = stores;
    const storeSelect = document.getElementById("pg-store");
    storeSelect.replaceChildren(...stores.map(s => el("option", { value: s.name }, s.name)));
    storeSelect.onchange = () => this.pick();
    document.getElementById("pg-variable").onchange = () => this.resolve();
    document.getElementById("pg-context").oninput = () => { clearTimeout(this.timer); this.timer = setTimeout(() => this.resolve(), 250); };
    if (!stores.length) {
      this.status("no configuration.rototo store is configured", false);
      return;
    }
    this.pick();
  },
  store() { return this.stores.find(s => s.name === document.getElementById("pg-store").value); },
  pick() {
    const store = this.store();
    document.getElementById("pg-variable").replaceChildren(...store.variables.map(v => el("option", { value: v }, v)));
    document.getElementById("pg-context").value = JSON.stringify(store.defaultContext || {}, null, 2);
    this.resolve();
  },
  status(text, ok) {
    const status = document.getElementById("pg-status");
    status.textContent = text;
    status.className = "status " + (ok ? "ok" : "bad");
    document.getElementById("pg-context").classList.toggle("invalid", !ok);
  },
  async resolve() {
    const body = { store: this.store().name, variable: document.getElementById("pg-variable").value, context: document.getElementById("pg-context").value };
    const answer = await api("playground/resolve", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (!answer.valid) {
      const where = answer.line ? ` (line ${answer.line}, column ${answer.column})` : answer.location ? ` (${answer.location})` : "";
      this.status(answer.error + where, false);
      return;
    }
    this.status("context is valid", true);
    this.show(answer.trace);
  },
  show(trace) {
    const r = trace.resolution;
    const matched = trace.rules.find(rule => rule.matched);
    document.getElementById("pg-result").replaceChildren(
      el("dt", {}, "variable"), el("dd", { class: "mono" }, r.id),
      el("dt", {}, "value key"), el("dd", { id: "pg-value-key", class: "mono" }, r.value_key),
      el("dt", {}, "value"), el("dd", { id: "pg-value", class: "mono" }, JSON.stringify(r.value)),
      el("dt", {}, "because"), el("dd", {}, matched ? `rule ${matched.index}: qualifier ${matched.qualifier} holds` : `no rule matched: the default (${trace.default_value})`));
    const rules = trace.rules.map(rule => el("tr", { class: rule.matched ? "matched" : "failed" },
      el("td", {}, rule.index), el("td", { class: "mono" }, rule.qualifier), el("td", { class: "mono" }, rule.value),
      el("td", {}, rule.matched ? badge("matched", "ok") : badge("did not hold", "bad"))));
    rules.push(el("tr", { class: matched ? "failed" : "matched" },
      el("td", {}, "—"), el("td", { class: "muted" }, "default"), el("td", { class: "mono" }, trace.default_value),
      el("td", {}, matched ? el("span", { class: "muted" }, "not reached") : badge("used", "ok"))));
    document.querySelector("#pg-rules tbody").replaceChildren(...rules);
    const predicates = trace.qualifier_traces.flatMap(q => q.predicates.map(p => el("tr", { class: p.result ? "matched" : "failed", "data-qualifier": q.id },
      el("td", { class: "mono" }, q.id, " ", q.value ? badge("true", "ok") : badge("false", "bad")),
      el("td", {}, p.index),
      el("td", { class: "mono" }, p.attribute),
      el("td", { class: "mono" }, p.kind === "bucket"
        ? `bucket ${p.bucket.value} in [${p.bucket.start}, ${p.bucket.end}) (salt ${p.bucket.salt})`
        : `${p.op} ${JSON.stringify(p.expected)}`),
      el("td", { class: "mono" }, JSON.stringify(p.actual)),
      el("td", {}, p.result ? badge("yes", "ok") : badge("no", "bad")))));
    fill(document.querySelector("#pg-qualifiers tbody"), predicates, "no qualifier was evaluated", 6);
  },
};

let current = null;
let refresh = null;
async function show() {
  const page = (location.hash || "#components").slice(1);
  const name = pages[page] || page === "playground" ? page : "components";
  document.querySelectorAll(".page").forEach(p => p.classList.toggle("active", p.id === "page-" + name));
  document.querySelectorAll("nav a").forEach(a => a.classList.toggle("active", a.dataset.page === name));
  clearInterval(refresh);
  current = name;
  const status = document.getElementById("status");
  const run = async () => {
    try {
      if (name === "playground") await playground.load(); else await pages[name]();
      status.textContent = "updated " + new Date().toLocaleTimeString();
      document.body.dataset.loaded = name;
    } catch (e) {
      status.textContent = "cannot reach the server: " + e.message;
    }
  };
  await run();
  if (name !== "playground") refresh = setInterval(() => current === name && run(), 2000);
}
window.addEventListener("hashchange", show);
show();
