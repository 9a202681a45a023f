/**
 * The wallboard page: one self-contained HTML document (no CDN, no fonts, CSS
 * and script inline), because wall screens often sit on networks that reach
 * only the cdrflow host. It polls `wallboard.json` (relative, so it works at
 * `/` and `/wallboard`, behind a path prefix too) every second and draws
 * what it gets; figures are large enough to read across a room, and a breach
 * is shown in colour and in words, for screens seen by people who cannot
 * tell red from green. The snapshot's shape is `WallboardSnapshot`
 * (wallboard.ts).
 */
export const WALLBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cdrflow — live queues</title>
<style>
  :root { color-scheme: dark; --bg: #0b0f14; --card: #161d26; --text: #f2f5f8; --dim: #9aa7b4;
    --ok: #1f8f4e; --bad: #c62828; --warn: #b26a00; }
  * { box-sizing: border-box; }
  body { margin: 0; background: var(--bg); color: var(--text);
    font: 2vmin/1.25 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
  header { display: flex; justify-content: space-between; align-items: baseline; padding: 1.2vmin 2vmin; }
  header h1 { margin: 0; font-size: 3.2vmin; font-weight: 600; }
  #clock { font-size: 3.2vmin; font-variant-numeric: tabular-nums; }
  #status { padding: 0 2vmin; color: var(--dim); font-size: 2vmin; min-height: 2.6vmin; }
  #status.stale { color: #fff; background: var(--warn); padding: 0.8vmin 2vmin; font-weight: 700; }
  main { display: grid; gap: 1.6vmin; padding: 1.6vmin 2vmin;
    grid-template-columns: repeat(auto-fit, minmax(56vmin, 1fr)); }
  .queue { background: var(--card); border-radius: 1vmin; padding: 1.6vmin 2vmin; border: 0.5vmin solid transparent; }
  .queue.breach { border-color: var(--bad); }
  .queue h2 { margin: 0 0 1vmin; font-size: 4vmin; }
  .row { display: flex; gap: 2vmin; flex-wrap: wrap; }
  .tile { flex: 1 1 0; min-width: 14vmin; }
  .label { color: var(--dim); font-size: 2vmin; text-transform: uppercase; letter-spacing: 0.05em; }
  .big { font-size: 9vmin; font-weight: 700; font-variant-numeric: tabular-nums; line-height: 1.05; }
  .mid { font-size: 5.5vmin; font-weight: 700; font-variant-numeric: tabular-nums; line-height: 1.1; }
  .nodata { color: var(--dim); font-weight: 400; }
  .verdict { margin: 1vmin 0 1.4vmin; padding: 0.8vmin 1.4vmin; border-radius: 0.6vmin; font-size: 3vmin; font-weight: 700; }
  .verdict.ok { background: var(--ok); }
  .verdict.bad { background: var(--bad); }
  .verdict.idle { background: #2a3440; color: var(--dim); }
  h3 { margin: 1.4vmin 0 0.4vmin; font-size: 2.2vmin; color: var(--dim); font-weight: 600; }
  .note { color: var(--dim); font-size: 2vmin; margin-top: 1vmin; }
  #empty { padding: 4vmin 2vmin; font-size: 4vmin; color: var(--dim); }
</style>
</head>
<body>
<header><h1>Live queues</h1><div id="clock"></div></header>
<div id="status" role="status">Connecting…</div>
<main id="board"></main>
<script>
"use strict";
const NO_DATA = "No data";
const board = document.getElementById("board");
const statusLine = document.getElementById("status");
const clock = document.getElementById("clock");
let lastOk = null;

function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  if (h > 0) return h + " h " + m + " min";
  return m > 0 ? m + " min " + r + " s" : r + " s";
}
function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
function figure(label, value, size) {
  const t = el("div", "tile");
  t.append(el("div", "label", label));
  const known = value !== null && value !== undefined;
  const v = el("div", (size || "big") + (known ? "" : " nodata"), known ? String(value) : NO_DATA);
  t.append(v);
  return t;
}
function queueCard(q, snap) {
  const card = el("section", "queue");
  card.dataset.queue = q.queue;
  card.append(el("h2", "", q.queue));
  const live = q.live;
  const target = snap.waitTargetSeconds;
  const longest = live ? live.longestWaitSeconds : null;
  const now = el("div", "row");
  now.append(figure("Callers waiting", live ? live.callersWaiting : null));
  now.append(figure("Longest wait", longest === null ? (live ? "–" : null) : duration(longest)));
  card.append(now);
  const verdict = el("div", "verdict");
  verdict.dataset.testid = "verdict";
  if (!live) { verdict.classList.add("idle"); verdict.textContent = "No live data for this queue"; }
  else if (longest === null) { verdict.classList.add("idle"); verdict.textContent = "Nobody waiting"; }
  else if (target !== null && longest > target) {
    verdict.classList.add("bad"); card.classList.add("breach");
    verdict.textContent = "OVER TARGET: " + duration(longest) + " (target " + duration(target) + ")";
  } else {
    verdict.classList.add("ok");
    verdict.textContent = target === null ? "Waiting " + duration(longest) : "Within target (" + duration(target) + ")";
  }
  card.append(verdict);
  card.append(el("h3", "", "Agents now"));
  const agents = el("div", "row");
  agents.append(figure("Available", live ? live.agents.available : null, "mid"));
  agents.append(figure("On a call", live ? live.agents.onCall : null, "mid"));
  agents.append(figure("Paused", live ? live.agents.paused : null, "mid"));
  card.append(agents);
  card.append(el("h3", "", "Today"));
  const t = q.today;
  const today = el("div", "row");
  today.append(figure("Offered", t ? t.offered : null, "mid"));
  today.append(figure("Answered", t ? t.answered : null, "mid"));
  today.append(figure("Abandoned", t ? t.abandoned : null, "mid"));
  const sl = t && t.serviceLevelPercent !== null ? Math.round(t.serviceLevelPercent) + " %" : null;
  today.append(figure("Service level" + (snap.serviceLevelSeconds === null ? "" : " (" + snap.serviceLevelSeconds + " s)"), sl, "mid"));
  card.append(today);
  if (snap.todayNote !== null) card.append(el("div", "note", snap.todayNote));
  return card;
}
function draw(snap) {
  const cards = snap.queues.map((q) => queueCard(q, snap));
  if (cards.length === 0) {
    const e = el("div", "", snap.feeds.length === 0
      ? "No live queue_log is followed: add follow: to a queue_log source."
      : "No data yet: no queue has been seen in the followed queue_log.");
    e.id = "empty";
    cards.push(e);
  }
  board.replaceChildren(...cards);
}
async function poll() {
  try {
    const response = await fetch("wallboard.json", { cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    const snap = await response.json();
    draw(snap);
    lastOk = Date.now();
    const quiet = snap.feeds.filter((f) => f.lastLineMs === null || Date.now() - f.lastLineMs > 15 * 60 * 1000);
    statusLine.className = "";
    statusLine.textContent = quiet.length === 0 ? "" : "No new queue_log line for 15 min from: " + quiet.map((f) => f.source).join(", ");
  } catch (e) {
    statusLine.className = "stale";
    statusLine.textContent = "NOT UPDATING" + (lastOk === null ? "" : " since " + new Date(lastOk).toLocaleTimeString()) + ": " + e.message;
  }
}
function tick() { clock.textContent = new Date().toLocaleTimeString(); }
tick();
setInterval(tick, 1000);
poll();
setInterval(poll, 1000);
</script>
</body>
</html>
`;
