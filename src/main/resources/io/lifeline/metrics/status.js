// The live status page (io.lifeline.metrics.StatusPage): polls /status.json and /events.json every
// second and redraws. Every value is written with textContent, never as HTML. With ha.cf http_auth,
// a login turns on the operator actions (io.lifeline.metrics.OperatorActions): each is a JSON POST
// carrying the session's CSRF token in a header; the session cookie itself is HttpOnly.
"use strict";

const POLL_MS = 1000;
let lastAnswerAt = 0;
// /session.json: {actions: "off" | "login" | "on", user, csrf}
let session = { actions: "off" };

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) tr.appendChild(c instanceof Node ? c : el("td", c));
  return tr;
}

function stateClass(word) {
  if (["up", "running", "started", "success", "info", "none"].includes(word)) return "ok";
  if (["dead", "failed", "blocked", "stop_failed", "error", "not_running"].includes(word)) return "bad";
  return "warn";
}

function cell(text, cls) {
  return el("td", text, cls);
}

function span(ms) {
  if (ms < 1000) return ms + " ms";
  const s = Math.round(ms / 1000);
  if (s < 120) return s + " s";
  const m = Math.round(s / 60);
  return m < 120 ? m + " min" : Math.round(m / 60) + " h";
}

function ago(ms) {
  if (ms === null || ms === undefined) return "never";
  return span(ms) + " ago";
}

// "2026-12-07T01:37:46.569120355Z" -> "2026-12-07 01:37:46.569Z": milliseconds are enough to read
function shortTime(iso) {
  return String(iso).replace("T", " ").replace(/\.(\d{3})\d*Z$/, ".$1Z");
}

function replaceRows(tableId, rows) {
  const body = document.querySelector("#" + tableId + " tbody");
  body.replaceChildren(...rows);
}

function drawNodes(s) {
  replaceRows("nodes", s.nodes.map(n => {
    const links = n.local ? "(this node)" : n.links.map(l => l.link + " " + l.state + " (" + ago(l.last_heard_ms_ago) + ")").join(", ");
    const state = n.state + (n.dead_cause ? " (" + n.dead_cause + ")" : "")
      + (n.held_ms_left !== undefined && n.held_ms_left !== null ? ", held " + span(n.held_ms_left) + " more" : "");
    const tr = row([cell(n.name + (n.local ? " *" : "")), cell(state, "state " + stateClass(n.state)),
      cell(ago(n.since_ms_ago)), cell(links), cell(n.ready === undefined ? "" : (n.ready ? "yes" : "no")),
      cell(n.standby || ""), cell(n.ping_score === undefined ? "" : n.ping_score)]);
    tr.dataset.node = n.name;
    tr.dataset.state = n.state;
    return tr;
  }));
}

function drawGroups(s) {
  replaceRows("groups", (s.groups || []).map(g => {
    const why = [g.reason || ""];
    if (g.pinned_to) why.push("pinned to " + g.pinned_to);
    if (g.blocked_reason) why.push("BLOCKED: " + g.blocked_reason);
    const res = el("td", null, "wrap");
    for (const r of g.resources || []) {
      const line = el("div");
      line.appendChild(el("span", r.state, "state " + stateClass(r.state)));
      line.appendChild(document.createTextNode(" " + r.resource + (r.last_monitor ? " (monitor: " + r.last_monitor + ")" : "")));
      res.appendChild(line);
    }
    const tr = row([cell(g.short_name || g.name, "wrap"), cell(g.phase, "state " + stateClass(g.phase)),
      cell((g.owners || []).join(", ") || "-", (g.owners || []).length > 1 ? "bad" : ""), cell(g.target || "-"),
      cell(why.filter(w => w).join("; ")), res, groupActions(g)]);
    tr.dataset.group = g.name;
    tr.dataset.phase = g.phase;
    tr.dataset.owners = (g.owners || []).join(" ");
    return tr;
  }));
}

function groupActions(g) {
  const td = el("td", null, "operator-only");
  for (const action of ["failover", "cleanup"]) {
    const b = el("button", action);
    b.type = "button";
    b.dataset.action = action;
    b.dataset.group = g.name;
    td.appendChild(b);
  }
  return td;
}

function drawSession() {
  const box = document.getElementById("operator");
  box.hidden = session.actions === "off";
  box.dataset.actions = session.actions;
  document.getElementById("login").hidden = session.actions !== "login";
  document.getElementById("actions").hidden = session.actions !== "on";
  document.getElementById("operator-user").textContent = session.actions === "on" ? "operator: " + session.user : "";
  document.body.classList.toggle("operating", session.actions === "on");
}

function actionResult(ok, text) {
  const p = document.getElementById("action-result");
  p.dataset.state = ok ? "ok" : "error";
  p.className = ok ? "ok" : "bad";
  p.textContent = text;
}

async function loadSession() {
  try {
    session = await getJson("/session.json");
  } catch (err) {
    session = { actions: "off" };
  }
  drawSession();
}

// A state-changing request: JSON, same origin, the CSRF token in its header.
async function post(path, body) {
  const headers = { "Content-Type": "application/json" };
  if (session.csrf) headers["X-Lifeline-CSRF"] = session.csrf;
  const r = await fetch(path, { method: "POST", headers, body: JSON.stringify(body), cache: "no-store",
    credentials: "same-origin" });
  let doc = {};
  try { doc = await r.json(); } catch (e) { doc = { error: "HTTP " + r.status }; }
  return { ok: r.ok, status: r.status, doc };
}

async function login(event) {
  event.preventDefault();
  const user = document.getElementById("login-user").value;
  const password = document.getElementById("login-password");
  const r = await post("/login", { user, password: password.value });
  password.value = "";
  if (r.ok) {
    session = r.doc;
    actionResult(true, "logged in as " + r.doc.user);
  } else {
    actionResult(false, "login: " + (r.doc.error || "HTTP " + r.status));
  }
  drawSession();
}

async function act(action, group) {
  const what = action + (group ? " " + group : "");
  if (action !== "cleanup" && !window.confirm(what + "?")) return;
  const r = await post("/action", group ? { action, group } : { action });
  actionResult(r.ok, what + ": " + (r.ok ? r.doc.message : (r.doc.error || "HTTP " + r.status)));
  if (r.status === 401) await loadSession();
}

async function logout() {
  await post("/logout", {});
  session = { actions: "login" };
  await loadSession();
}

document.getElementById("login").addEventListener("submit", login);
document.getElementById("logout").addEventListener("click", logout);
document.addEventListener("click", event => {
  const b = event.target.closest("button[data-action]");
  if (b && session.actions === "on") act(b.dataset.action, b.dataset.group);
});

function drawProblems(s) {
  const items = [];
  for (const f of s.failcounts || []) {
    items.push(el("li", f.node + ": " + f.resource + " of " + f.group + " failed " + f.count + "/" + f.threshold
      + (f.banned ? " - banned until the failures expire or hactl cleanup" : ""), f.banned ? "bad" : "warn"));
  }
  for (const p of s.pins || []) {
    items.push(el("li", p.group + " pinned to " + p.node + " (set on " + p.set_on + ", "
      + (p.in_effect === false ? "not in effect" : "in effect") + "; hactl unpin lifts it)", "warn"));
  }
  for (const f of s.fences || []) {
    items.push(el("li", "fence of " + f.node + ": " + f.state + " after " + f.attempts + " attempt(s)"
      + (f.last_error ? ": " + f.last_error : ""), f.state === "done" ? "ok" : "bad"));
  }
  document.getElementById("problems").replaceChildren(...items);
}

function drawSummary(s) {
  document.getElementById("node").textContent = "on " + s.node + " (" + s.version + ", pid " + s.pid + ", up "
    + ago(s.uptime_ms).replace(" ago", "") + ")";
  const m = s.manager || {};
  const parts = ["members: " + (m.members || []).join(", "), m.quorate ? "quorate" : "NO QUORUM"];
  if (m.maintenance) parts.push("MAINTENANCE MODE");
  if (m.stalled) parts.push("recovering from a stall");
  if (s.last_stall) parts.push("last stall " + s.last_stall.gap_ms + " ms, " + ago(s.last_stall.ms_ago));
  const summary = document.getElementById("summary");
  summary.textContent = parts.join(" | ");
  summary.className = m.quorate && !m.maintenance ? "" : "bad";
}

function drawEvents(e) {
  replaceRows("events", (e.events || []).slice().reverse().map(ev => {
    const tr = row([cell(shortTime(ev.at)), cell(ev.level, "state " + stateClass(ev.level)), cell(ev.kind),
      cell((ev.group ? "[" + ev.group + "] " : "") + ev.message, "wrap")]);
    tr.dataset.kind = ev.kind;
    return tr;
  }));
}

function freshness(ok, why) {
  const p = document.getElementById("freshness");
  if (ok) {
    p.className = "fresh";
    p.dataset.state = "fresh";
    p.textContent = "live: updated " + new Date().toLocaleTimeString();
  } else {
    p.className = "stale";
    p.dataset.state = "stale";
    p.textContent = "NOT UPDATING: " + why + (lastAnswerAt ? "; last answer " + ago(Date.now() - lastAnswerAt) : "");
  }
}

async function getJson(path) {
  const r = await fetch(path, { cache: "no-store" });
  if (!r.ok) throw new Error(path + ": HTTP " + r.status + " " + (await r.text()).trim());
  return r.json();
}

async function poll() {
  try {
    const [s, e] = await Promise.all([getJson("/status.json"), getJson("/events.json")]);
    drawSummary(s);
    drawNodes(s);
    drawGroups(s);
    drawProblems(s);
    drawEvents(e);
    lastAnswerAt = Date.now();
    freshness(true);
  } catch (err) {
    freshness(false, err.message || String(err));
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

loadSession();
poll();
