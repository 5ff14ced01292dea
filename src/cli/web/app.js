// ajsearch's search page: results as the user types, from /api/search.
// Every text from the index goes into the page through textContent or
// createTextNode, never as HTML, so a document cannot run script here.
"use strict";

const N = 10;                  // hits per page
const DEBOUNCE_MS = 150;       // typing pause before a search
const WINDOW_BEFORE = 160;     // snippet bytes shown before the first match
const WINDOW_BYTES = 480;      // snippet bytes shown in all
const FACETS = "year,doc,source";

const $ = (id) => document.getElementById(id);
const enc = new TextEncoder();
const dec = new TextDecoder();
let state = { q: "", since: "", until: "", doc: "", source: "", offset: 0 };
let timer = 0, seq = 0, inflight = null, selected = -1, hits = [];

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

function fromUrl() {
  const p = new URLSearchParams(location.search);
  state = { q: p.get("q") || "", since: p.get("since") || "", until: p.get("until") || "",
            doc: p.get("doc") || "", source: p.get("source") || "",
            offset: Math.max(0, parseInt(p.get("offset") || "0", 10) || 0) };
  $("q").value = state.q;
}

function toParams(extra) {
  const p = new URLSearchParams();
  for (const k of ["q", "since", "until", "doc", "source"]) if (state[k]) p.set(k, state[k]);
  if (state.offset) p.set("offset", String(state.offset));
  for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
  return p;
}

// The page's address says what is shown, so that a search can be shared
// and the back button brings the previous one back.
function remember(push) {
  const url = state.q ? "/?" + toParams().toString() : "/";
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
}

// bytes[a..b) of a UTF-8 string, moved to character boundaries.
function cut(bytes, a, b) {
  while (a > 0 && (bytes[a] & 0xc0) === 0x80) a--;
  while (b < bytes.length && (bytes[b] & 0xc0) === 0x80) b++;
  return [a, b];
}

// The paragraph's text around its matches, the matches in <mark>.
function snippet(text, spans) {
  const bytes = enc.encode(text);
  let start = 0, end = bytes.length;
  if (bytes.length > WINDOW_BYTES) {
    const first = spans.length ? spans[0][0] : 0;
    start = Math.max(0, Math.min(first - WINDOW_BEFORE, bytes.length - WINDOW_BYTES));
    [start, end] = cut(bytes, start, start + WINDOW_BYTES);
    // begin and end at word boundaries when one is near
    const sp = bytes.indexOf(0x20, start);
    if (start > 0 && sp >= 0 && sp - start < 30) start = sp + 1;
    const ep = bytes.lastIndexOf(0x20, end);
    if (end < bytes.length && ep > start && end - ep < 30) end = ep;
  }
  const p = el("p", { class: "text" });
  if (start > 0) p.append("… ");
  let at = start;
  for (const [s, e] of spans) {
    if (e <= at || s >= end) continue;
    const a = Math.max(s, at), b = Math.min(e, end);
    p.append(dec.decode(bytes.subarray(at, a)));
    p.append(el("mark", {}, dec.decode(bytes.subarray(a, b))));
    at = b;
  }
  p.append(dec.decode(bytes.subarray(at, end)));
  if (end < bytes.length) p.append(" …");
  return p;
}

function select(i) {
  const items = $("hits").children;
  if (!items.length) return;
  i = Math.max(0, Math.min(i, items.length - 1));
  if (selected >= 0 && items[selected]) items[selected].setAttribute("aria-selected", "false");
  selected = i;
  items[i].setAttribute("aria-selected", "true");
  items[i].focus();
}

async function openContext(id) {
  const body = $("context-body");
  body.replaceChildren(el("p", {}, "Loading…"));
  if (!$("context").open) $("context").showModal();
  try {
    const r = await fetch("/api/paragraph/" + id + "?context=2");
    const d = await r.json();
    if (!r.ok) throw new Error(d.error || r.status);
    const t = d.paragraphs.find((p) => p.target);
    body.replaceChildren(el("p", { class: "cite" }, t ? t.cite : ""));
    for (const p of d.paragraphs)
      body.append(el("p", { class: p.target ? "para target" : "para" }, p.text));
  } catch (e) {
    body.replaceChildren(el("p", {}, "Could not load the paragraph: " + e.message));
  }
}

function filterButton(label, key) {
  const b = el("button", { type: "button", "aria-label": "Remove the filter " + label },
               label + " ✕");
  b.addEventListener("click", () => {
    state[key] = ""; if (key === "since") state.until = ""; state.offset = 0; go(true);
  });
  return b;
}

function showFilters() {
  const f = $("filters");
  f.replaceChildren();
  if (state.since && state.since === state.until) f.append(filterButton("year " + state.since, "since"));
  else {
    if (state.since) f.append(filterButton("since " + state.since, "since"));
    if (state.until) f.append(filterButton("until " + state.until, "until"));
  }
  if (state.doc) f.append(filterButton("document " + state.doc, "doc"));
  if (state.source) f.append(filterButton("source " + state.source, "source"));
}

function setFilter(key, value) {
  if (key === "year") { state.since = value; state.until = value; }
  else state[key] = value;
  state.offset = 0;
  go(true);
}

function showFacets(facets) {
  const box = $("facets");
  box.replaceChildren();
  const names = { year: "Years", doc: "Documents", source: "Sources" };
  for (const key of ["year", "doc", "source"]) {
    const values = (facets && facets[key]) || [];
    if (!values.length) continue;
    const list = el("ul", { class: "facet" });
    for (const [value, n] of values) {
      if (value === null || value === "") continue;
      const b = el("button", { type: "button" }, el("span", {}, value), el("span", { class: "n" }, String(n)));
      b.setAttribute("aria-label", value + ": " + n + " paragraph" + (n === 1 ? "" : "s") + ", filter");
      b.addEventListener("click", () => setFilter(key, value));
      list.append(el("li", {}, b));
    }
    box.append(el("h2", {}, names[key]), list);
  }
  // every year from the first to the last, those without a match too
  const counted = new Map(((facets && facets.year) || []).filter(([y]) => /^\d{4}$/.test(y || "")));
  const ys = [...counted.keys()].map(Number);
  const years = [];
  for (let y = Math.min(...ys); ys.length && y <= Math.max(...ys); y++)
    years.push([String(y), counted.get(String(y)) || 0]);
  const fig = $("timeline"), bars = $("bars");
  bars.replaceChildren();
  fig.hidden = !years.length;
  if (!years.length) return;
  const top = Math.max(...years.map(([, n]) => n));
  for (const [y, n] of years) {
    const b = el("button", { type: "button", title: y + ": " + n,
                             "aria-label": y + ": " + n + " matching paragraphs, filter" });
    b.style.height = (n ? Math.max(4, Math.round(100 * n / top)) : 0) + "%";
    if (!n) b.disabled = true;
    b.addEventListener("click", () => setFilter("year", y));
    bars.append(b);
  }
  const old = fig.querySelector(".years");
  if (old) old.remove();
  fig.append(el("div", { class: "years" }, el("span", {}, years[0][0]),
                el("span", {}, years[years.length - 1][0])));
}

function showSpelling(d) {
  const s = $("spelling");
  s.replaceChildren();
  s.hidden = !d.suggestion;
  if (!d.suggestion) return;
  const use = (q) => { const b = el("button", { type: "button", class: "link" }, q);
                       b.addEventListener("click", () => { $("q").value = q; state.q = q; state.offset = 0; go(true); });
                       return b; };
  if (d.corrected) s.append("Showing results for ", el("strong", {}, d.query), ". Search instead for ", use(d.given), ".");
  else s.append("Did you mean ", use(d.suggestion), "?");
}

function show(d) {
  const listed = d.hits.length;
  const status = d.total === 0 ? "No paragraph matches."
    : (d.total + " paragraph" + (d.total === 1 ? "" : "s") + " match" + (d.total === 1 ? "es" : "") +
       (listed ? "; showing " + (state.offset + 1) + "–" + (state.offset + listed) : "") +
       (d.partial === 1 ? " (the last one matches only some words)"
        : d.partial ? " (the last " + d.partial + " match only some words)" : "") + ".");
  $("status").textContent = status;
  showSpelling(d);
  const list = $("hits");
  list.replaceChildren();
  hits = d.hits;
  selected = -1;
  for (const h of d.hits) {
    const cite = el("p", { class: "cite" }, el("cite", {}, h.title || h.doc),
                    (h.cite || "").slice((h.title || "").length));
    if (h.partial) cite.append(el("span", { class: "partial" }, h.matched + " of " + h.clauses + " words"));
    const li = el("li", { class: "hit", tabindex: "-1", "aria-selected": "false", "data-id": String(h.id) },
                  cite, snippet(h.text, h.text_matches || []));
    li.addEventListener("click", () => openContext(h.id));
    list.append(li);
  }
  const pages = $("pages");
  pages.replaceChildren();
  if (state.offset > 0) {
    const b = el("button", { type: "button", class: "link" }, "← Previous");
    b.addEventListener("click", () => { state.offset = Math.max(0, state.offset - N); go(true); });
    pages.append(b);
  }
  if (state.offset + listed < d.total && listed) {
    const b = el("button", { type: "button", class: "link" }, "Next →");
    b.addEventListener("click", () => { state.offset += N; go(true); });
    pages.append(b);
  }
  showFacets(d.facets);
  showFilters();
}

// Runs the search of the state; an answer that arrives after a newer
// search began is dropped.
async function go(push) {
  remember(push);
  showFilters();
  if (!state.q.trim()) {
    $("status").textContent = ""; $("hits").replaceChildren(); $("pages").replaceChildren();
    $("facets").replaceChildren(); $("timeline").hidden = true; $("spelling").hidden = true;
    return;
  }
  const mine = ++seq;
  if (inflight) inflight.abort();
  inflight = new AbortController();
  try {
    const r = await fetch("/api/search?" + toParams({ n: String(N), facet: FACETS }).toString(),
                          { signal: inflight.signal });
    const d = await r.json();
    if (mine !== seq) return;
    if (!r.ok) {
      $("status").textContent = "Query error: " + d.error +
        (d.position !== undefined ? " (at character " + (dec.decode(enc.encode(state.q).subarray(0, d.position)).length + 1) + ")" : "");
      $("hits").replaceChildren(); $("pages").replaceChildren();
      return;
    }
    show(d);
  } catch (e) {
    if (e.name !== "AbortError" && mine === seq) $("status").textContent = "The server did not answer: " + e.message;
  }
}

function init() {
  fromUrl();
  const q = $("q");
  q.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = q.value; state.offset = 0; go(false); }, DEBOUNCE_MS);
  });
  $("search").addEventListener("submit", (e) => {
    e.preventDefault(); clearTimeout(timer); state.q = q.value; state.offset = 0; go(true);
  });
  document.addEventListener("keydown", (e) => {
    const typing = document.activeElement === q;
    if (e.key === "/" && !typing && !$("context").open) { e.preventDefault(); q.focus(); q.select(); }
    else if (e.key === "ArrowDown" && hits.length && !$("context").open) { e.preventDefault(); select(selected + 1); }
    else if (e.key === "ArrowUp" && hits.length && !typing && !$("context").open) {
      e.preventDefault(); if (selected <= 0) q.focus(); else select(selected - 1);
    } else if (e.key === "Enter" && !typing && selected >= 0 && hits[selected]) {
      e.preventDefault(); openContext(hits[selected].id);
    }
  });
  window.addEventListener("popstate", () => { fromUrl(); go(false); });
  if (state.q) go(false);
  q.focus();
}

init();
