// The rating page: HYPE∞-style real-or-generated trials and pairwise
// preferences. Every answer is posted as soon as it is given.
"use strict";

const $ = (id) => document.getElementById(id);
let session = null;
let pos = 0;
let shownAt = 0;
let busy = false;

async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(path, opts);
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((data.error && data.error.message) || r.statusText);
  return data;
}

function show() {
  while (pos < session.trials.length && session.trials[pos].answered) pos++;
  if (pos >= session.trials.length) {
    $("stage").hidden = true;
    $("finished").hidden = false;
    $("finished-text").textContent = `Your ${session.trials.length} answers are recorded (session ${session.id}).`;
    return;
  }
  const t = session.trials[pos];
  const scored = session.trials.filter((x) => !x.practice).length;
  $("trial-count").textContent = t.practice
    ? `Practice ${pos + 1} of ${session.trials.length - scored}`
    : `Trial ${session.trials.slice(0, pos + 1).filter((x) => !x.practice).length} of ${scored}`;
  const a = $("item-a");
  a.onload = () => { shownAt = performance.now(); busy = false; };
  busy = true;
  a.src = t.image;
  if (session.kind === "pair") {
    $("item-b").src = t.other;
    $("question").textContent = `Which looks more like a real ${t.class || "item"}?`;
  } else {
    $("question").textContent = "Real or generated?";
  }
}

async function answer(value) {
  if (busy) return;
  busy = true;
  const millis = Math.round(performance.now() - shownAt);
  try {
    const r = await api("POST", `/api/ratings/sessions/${session.id}/answers`, { pos, answer: value, millis });
    session.trials[pos].answered = true;
    $("feedback").textContent = r.truth ? (r.correct ? "Right: " : "Not quite: ") + "it was " + r.truth + "." : "";
    pos++;
    show();
  } catch (e) {
    $("feedback").textContent = e.message;
    busy = false;
  }
}

$("setup-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const kind = $("kind-pair").checked ? "pair" : "hype";
  const req = { kind, rater: $("rater").value };
  if (kind === "pair") req.jobs = [$("pair-a").value.trim(), $("pair-b").value.trim()];
  try {
    session = await api("POST", "/api/ratings/sessions", req);
  } catch (e) {
    $("setup-error").textContent = e.message;
    return;
  }
  $("setup").hidden = true;
  $("stage").hidden = false;
  $("item-b").hidden = kind !== "pair";
  $("hype-buttons").hidden = kind === "pair";
  $("pair-buttons").hidden = kind !== "pair";
  pos = 0;
  show();
});
$("ans-real").addEventListener("click", () => answer("real"));
$("ans-generated").addEventListener("click", () => answer("generated"));
$("ans-a").addEventListener("click", () => answer("a"));
$("ans-b").addEventListener("click", () => answer("b"));
