// The diffuse serve page: plain JavaScript, no libraries, nothing fetched
// from outside the server.
"use strict";

const $ = (id) => document.getElementById(id);
let info = { models: [], samplers: [], class_names: [] };
let imageSize = 28;

async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(path, opts);
  const data = await r.json().catch(() => ({}));
  if (!r.ok) {
    const e = data.error || { message: r.statusText };
    throw new Error(e.message);
  }
  return data;
}

function option(sel, value, text) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = text;
  sel.appendChild(o);
}

// follow streams a job's events, calling on(type, data) for each; the
// browser's EventSource reconnects with Last-Event-ID by itself.
function follow(id, on) {
  const es = new EventSource("/api/jobs/" + id + "/events");
  for (const t of ["queued", "running", "progress", "preview", "done", "failed", "cancelled", "interrupted"]) {
    es.addEventListener(t, (ev) => {
      const data = JSON.parse(ev.data);
      on(t, data);
      if (["done", "failed", "cancelled", "interrupted"].includes(t)) es.close();
    });
  }
  return es;
}

// ---- generate ----
let current = null;

function genParams() {
  const f = $("gen-form");
  const num = (n) => Number(f.elements[n].value);
  return {
    model: f.elements.model.value,
    params: {
      n: num("n"), class: num("class"), guidance: num("guidance"), sampler: f.elements.sampler.value,
      steps: num("steps"), seed: num("seed"), temperature: num("temperature"), preview_every: num("preview_every"),
    },
  };
}

async function generate(req) {
  $("gen-state").textContent = "submitting";
  $("gen-state").className = "";
  $("gen-outputs").replaceChildren();
  $("gen-progress").value = 0;
  let job;
  try {
    job = await api("POST", "/api/jobs", { kind: "sample", model: req.model, params: req.params });
  } catch (e) {
    $("gen-state").textContent = e.message;
    $("gen-state").className = "error";
    return;
  }
  current = job.id;
  $("gen-cancel").disabled = false;
  follow(job.id, (t, d) => {
    if (t === "progress") {
      $("gen-progress").max = d.total;
      $("gen-progress").value = d.step;
      $("gen-state").textContent = "step " + d.step + " of " + d.total;
    } else if (t === "preview") {
      $("gen-preview").src = d.image;
    } else if (t === "queued") {
      $("gen-state").textContent = "queued (position " + d.position + ")";
    } else if (t === "running") {
      $("gen-state").textContent = "running";
    } else if (t === "done") {
      $("gen-state").textContent = "done: " + d.outputs.length + " images";
      for (const o of d.outputs) {
        const img = document.createElement("img");
        img.src = o.url;
        img.alt = o.name;
        $("gen-outputs").appendChild(img);
      }
      $("gen-cancel").disabled = true;
      loadGallery(0);
    } else {
      $("gen-state").textContent = t + (d && d.message ? ": " + d.message : "");
      $("gen-cancel").disabled = true;
    }
  });
}

$("gen-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  generate(genParams());
});
$("gen-cancel").addEventListener("click", async () => {
  if (!current) return;
  try {
    await api("POST", "/api/jobs/" + current + "/cancel");
  } catch (e) {
    $("gen-state").textContent = e.message;
  }
});

// ---- gallery ----
let galOffset = 0;
const galLimit = 6;
let newestImage = null;

function describe(p) {
  const cls = p.class >= 0 ? (info.class_names[p.class] || p.class) : "every class";
  return `${p.n} × ${cls}, ${p.sampler} ${p.steps} steps, guidance ${p.guidance}, seed ${p.seed}, temperature ${p.temperature}`;
}

async function loadGallery(offset) {
  let data;
  try {
    data = await api("GET", `/api/jobs?state=done&kind=sample&limit=${galLimit}&offset=${offset}`);
  } catch (e) {
    $("gal-cards").textContent = e.message;
    return;
  }
  galOffset = offset;
  const pages = Math.max(1, Math.ceil(data.total / galLimit));
  $("gal-page").textContent = `page ${offset / galLimit + 1} of ${pages}`;
  $("gal-prev").disabled = offset === 0;
  $("gal-next").disabled = offset + galLimit >= data.total;
  if (offset === 0 && data.jobs.length && data.jobs[0].outputs.length) newestImage = data.jobs[0].outputs[0].url;
  const cards = [];
  for (const j of data.jobs) {
    const card = document.createElement("div");
    card.className = "card";
    card.dataset.job = j.id;
    for (const o of j.outputs) {
      const a = document.createElement("a");
      a.href = o.url;
      a.download = j.id + "_" + o.name;
      const img = document.createElement("img");
      img.src = o.url;
      img.alt = o.name;
      img.title = "download " + o.name;
      a.appendChild(img);
      card.appendChild(a);
    }
    const s = document.createElement("div");
    s.className = "settings";
    s.textContent = describe(j.params) + " (" + j.model + ")";
    card.appendChild(s);
    const again = document.createElement("button");
    again.type = "button";
    again.textContent = "same again";
    again.className = "again";
    again.addEventListener("click", () => {
      const f = $("gen-form");
      for (const k of Object.keys(j.params)) if (f.elements[k]) f.elements[k].value = j.params[k];
      f.elements.model.value = j.model;
      location.hash = "#generate";
      generate({ model: j.model, params: j.params });
    });
    card.appendChild(again);
    cards.push(card);
  }
  $("gal-cards").replaceChildren(...cards);
}
$("gal-prev").addEventListener("click", () => loadGallery(Math.max(0, galOffset - galLimit)));
$("gal-next").addEventListener("click", () => loadGallery(galOffset + galLimit));

// ---- uploads: drawn at the model's size on a canvas, sent as PNG ----
function fileToCanvas(file, canvas, size) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      canvas.width = size;
      canvas.height = size;
      const ctx = canvas.getContext("2d");
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(img, 0, 0, size, size);
      URL.revokeObjectURL(img.src);
      resolve();
    };
    img.onerror = () => reject(new Error("not an image the browser can read"));
    img.src = URL.createObjectURL(file);
  });
}

function runJob(kind, model, params, stateEl, resultEl) {
  stateEl.textContent = "submitting";
  return api("POST", "/api/jobs", { kind, model, params }).then((job) => {
    follow(job.id, (t, d) => {
      if (t === "done") {
        resultEl.src = d.outputs[0].url;
        resultEl.dataset.job = job.id;
        stateEl.textContent = "done";
      } else if (t === "progress") {
        stateEl.textContent = `${kind}: ${d.step}/${d.total}`;
      } else {
        stateEl.textContent = t + (d && d.message ? ": " + d.message : "");
      }
    });
  }).catch((e) => { stateEl.textContent = e.message; stateEl.className = "error"; });
}

function modelFor(task) {
  return info.models.find((m) => m.task === task);
}

$("up-file").addEventListener("change", () => {
  const kind = $("up-kind").value;
  const m = kind === "superres" ? modelFor("superres") : modelFor("image");
  const size = kind === "superres" ? m.image_size / m.factor : m.image_size;
  fileToCanvas($("up-file").files[0], $("up-canvas"), size).catch((e) => { $("up-state").textContent = e.message; });
});
$("up-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const kind = $("up-kind").value;
  const image = $("up-canvas").toDataURL("image/png");
  const steps = Number($("up-steps").value);
  const params = kind === "denoise" ? { image, sigma: Number($("up-sigma").value), steps } : { image, steps };
  const m = kind === "superres" ? modelFor("superres") : modelFor("image");
  runJob(kind, m.name, params, $("up-state"), $("up-result"));
});

// ---- inpainting canvas: the image, and a mask (white keep, black fill) with undo ----
const view = $("in-canvas");
const vctx = view.getContext("2d");
const source = document.createElement("canvas");
const mask = document.createElement("canvas");
let undo = [];
let painting = false;

function resetInpaint(size) {
  for (const c of [source, mask]) { c.width = size; c.height = size; }
  const m = mask.getContext("2d");
  m.fillStyle = "#fff";
  m.fillRect(0, 0, size, size);
  undo = [];
}

function redraw() {
  const size = source.width;
  vctx.imageSmoothingEnabled = false;
  vctx.clearRect(0, 0, view.width, view.height);
  if ($("in-showmask").checked) {
    vctx.drawImage(mask, 0, 0, view.width, view.height);
    return;
  }
  vctx.drawImage(source, 0, 0, view.width, view.height);
  // The region to fill, tinted red over the image.
  const md = mask.getContext("2d").getImageData(0, 0, size, size).data;
  const cell = view.width / size;
  vctx.fillStyle = "rgba(220, 0, 0, 0.55)";
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (md[(y * size + x) * 4] < 128) vctx.fillRect(x * cell, y * cell, cell, cell);
    }
  }
}

function paintAt(ev) {
  const r = view.getBoundingClientRect();
  const size = mask.width;
  const x = Math.floor(((ev.clientX - r.left) / r.width) * size);
  const y = Math.floor(((ev.clientY - r.top) / r.height) * size);
  const b = Number($("in-size").value);
  const m = mask.getContext("2d");
  m.fillStyle = $("in-eraser").checked ? "#fff" : "#000";
  m.fillRect(x - Math.floor(b / 2), y - Math.floor(b / 2), b, b);
  redraw();
}

view.addEventListener("pointerdown", (ev) => {
  undo.push(mask.getContext("2d").getImageData(0, 0, mask.width, mask.height));
  painting = true;
  view.setPointerCapture(ev.pointerId);
  paintAt(ev);
});
view.addEventListener("pointermove", (ev) => { if (painting) paintAt(ev); });
view.addEventListener("pointerup", () => { painting = false; });
$("in-undo").addEventListener("click", () => {
  const last = undo.pop();
  if (last) mask.getContext("2d").putImageData(last, 0, 0);
  redraw();
});
$("in-clear").addEventListener("click", () => {
  undo.push(mask.getContext("2d").getImageData(0, 0, mask.width, mask.height));
  const m = mask.getContext("2d");
  m.fillStyle = "#fff";
  m.fillRect(0, 0, mask.width, mask.height);
  redraw();
});
$("in-showmask").addEventListener("change", redraw);
$("in-file").addEventListener("change", async () => {
  resetInpaint(imageSize);
  await fileToCanvas($("in-file").files[0], source, imageSize);
  redraw();
});

function loadSourceURL(url) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      resetInpaint(imageSize);
      source.getContext("2d").drawImage(img, 0, 0, imageSize, imageSize);
      redraw();
      resolve();
    };
    img.onerror = () => reject(new Error("could not load " + url));
    img.src = url;
  });
}
$("in-latest").addEventListener("click", async () => {
  if (!newestImage) await loadGallery(0);
  if (newestImage) await loadSourceURL(newestImage);
  else $("in-state").textContent = "the gallery is empty: generate first";
});
$("in-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const m = modelFor("image");
  runJob("inpaint", m.name, {
    image: source.toDataURL("image/png"), mask: mask.toDataURL("image/png"),
    steps: Number($("in-steps").value), jump: 10, resample: Number($("in-resample").value),
  }, $("in-state"), $("in-result"));
});

// ---- rating results (metrics/perception: bootstrap over raters, then trials) ----
function pct(x) { return (100 * x).toFixed(1) + "%"; }
function interval(e, level) { return `${pct(e.value)} [${pct(e.lo)}, ${pct(e.hi)}] (${e.count} of ${e.n})`; }

async function loadResults() {
  let r;
  try { r = await api("GET", "/api/ratings/results"); } catch (e) { $("res-body").textContent = e.message; return; }
  const body = $("res-body");
  body.replaceChildren();
  const h = r.hype;
  const p = document.createElement("p");
  p.id = "res-summary";
  if (h.note && !h.trials) {
    p.textContent = h.note;
  } else {
    const lv = Math.round(100 * h.level);
    p.textContent = `error rate ${interval(h.error_rate)} (50% = indistinguishable); fool rate on generated images ${interval(h.fool_rate)}; ` +
      `${lv}% intervals from ${h.resamples} bootstrap resamples over raters, then trials; ${h.trials} scored trials ` +
      `(${h.generated} generated, ${h.real} real) from ${h.raters} kept raters` + (h.note ? ` (${h.note})` : "");
  }
  body.appendChild(p);
  if (h.dropped && h.dropped.length) {
    const t = document.createElement("table");
    t.innerHTML = "<tr><th>dropped rater</th><th>why</th></tr>";
    for (const d of h.dropped) {
      const tr = document.createElement("tr");
      for (const v of [d.rater, d.reason]) {
        const td = document.createElement("td");
        td.textContent = v;
        tr.appendChild(td);
      }
      t.appendChild(tr);
    }
    body.appendChild(t);
  }
  const q = document.createElement("p");
  if (r.pairs.items && r.pairs.items.length) {
    q.textContent = `Bradley–Terry over ${r.pairs.pairs} pairwise answers from ${r.pairs.raters} raters: ` +
      r.pairs.items.map((it) => `job ${it.item} ${it.score.toFixed(2)} [${it.lo.toFixed(2)}, ${it.hi.toFixed(2)}] (${it.wins}/${it.comparisons} won)`).join("; ");
  } else {
    q.textContent = r.pairs.note || "";
  }
  body.appendChild(q);
}

// ---- the other modalities: one job at a time per section ----
// track follows job id into the section's progress bar and state, and
// calls done(outputs) at the end.
function track(prefix, id, done) {
  const st = $(prefix + "-state");
  st.className = "";
  follow(id, (t, d) => {
    if (t === "progress") {
      $(prefix + "-progress").max = d.total;
      $(prefix + "-progress").value = d.step;
      st.textContent = "step " + d.step + " of " + d.total;
    } else if (t === "queued") {
      st.textContent = "queued (position " + d.position + ")";
    } else if (t === "running") {
      st.textContent = "running";
    } else if (t === "done") {
      st.textContent = "done";
      done(d.outputs);
    } else {
      st.textContent = t + (d && d.message ? ": " + d.message : "");
      st.className = "error";
    }
  });
}

async function submitKind(prefix, kind, model, params, done) {
  const st = $(prefix + "-state");
  st.textContent = "submitting";
  st.className = "";
  $(prefix + "-progress").value = 0;
  try {
    const job = await api("POST", "/api/jobs", { kind, model, params });
    track(prefix, job.id, done);
    return job.id;
  } catch (e) {
    st.textContent = e.message;
    st.className = "error";
    return null;
  }
}

function link(o) {
  const a = document.createElement("a");
  a.href = o.url;
  a.download = o.name;
  a.textContent = o.name;
  return a;
}

function figure(child, caption) {
  const f = document.createElement("figure");
  f.appendChild(child);
  const c = document.createElement("figcaption");
  c.appendChild(caption);
  f.appendChild(c);
  return f;
}

// showOutputs renders outputs into el: PNGs as images, WAVs as players,
// text files inline (at most 40 lines), each with its download link.
async function showOutputs(el, outputs) {
  const items = [];
  for (const o of outputs) {
    if (o.name.endsWith(".png")) {
      const img = document.createElement("img");
      img.src = o.url;
      img.alt = o.name;
      items.push(figure(img, link(o)));
    } else if (o.name.endsWith(".wav")) {
      const au = document.createElement("audio");
      au.controls = true;
      au.src = o.url;
      items.push(figure(au, link(o)));
    } else if (o.name.endsWith(".csv") || o.name.endsWith(".smi") || o.name.endsWith(".json")) {
      const pre = document.createElement("pre");
      const text = await (await fetch(o.url)).text();
      pre.textContent = text.split("\n").slice(0, 40).join("\n");
      items.push(figure(pre, link(o)));
    }
  }
  el.replaceChildren(...items);
}

function modelsOf(task) { return info.models.filter((m) => m.task === task); }

// fillModels lists the models of task in select sel, or disables form
// and shows note saying which flag loads one (missing).
function fillModels(sel, task, note, form, missing) {
  const ms = modelsOf(task);
  for (const m of ms) {
    option(sel, m.name, m.name);
    if (m.source) sel.lastChild.title = m.source;
  }
  if (!ms.length) {
    for (const el of form.elements) el.disabled = true;
    note.hidden = false;
    note.textContent = missing;
  }
  return ms;
}

let textJob = null;
function textKindChanged() {
  const k = $("text-kind").value;
  for (const el of document.querySelectorAll(".text-complete")) el.hidden = k !== "text_complete";
  for (const el of document.querySelectorAll(".text-infill")) el.hidden = k !== "text_infill";
}
$("text-kind").addEventListener("change", textKindChanged);
$("text-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const kind = $("text-kind").value;
  const params = { n: Number($("text-n").value), steps: Number($("text-steps").value), seed: Number($("text-seed").value),
    temperature: Number($("text-temperature").value), top_p: Number($("text-top-p").value) };
  if (kind === "text_complete") { params.prompt = $("text-prompt").value; params.length = Number($("text-length").value); }
  if (kind === "text_infill") { params.infill = $("text-infill").value; params.gap = $("text-gap").value; }
  $("text-outputs").replaceChildren();
  $("text-links").replaceChildren();
  textJob = await submitKind("text", kind, $("text-model").value, params, async (outputs) => {
    $("text-cancel").disabled = true;
    const jl = outputs.find((o) => o.name === "texts.jsonl");
    const lines = (await (await fetch(jl.url)).text()).split("\n").filter((l) => l);
    const items = lines.map((l) => {
      const li = document.createElement("li");
      li.textContent = JSON.parse(l).text;
      return li;
    });
    $("text-outputs").replaceChildren(...items);
    $("text-links").replaceChildren(...outputs.flatMap((o) => [link(o), document.createTextNode(" ")]));
  });
  $("text-cancel").disabled = !textJob;
});
$("text-cancel").addEventListener("click", async () => {
  if (!textJob) return;
  try { await api("POST", "/api/jobs/" + textJob + "/cancel"); } catch (e) { $("text-state").textContent = e.message; }
});

$("audio-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  submitKind("audio", "audio_sample", $("audio-model").value, { n: Number($("audio-n").value), class: Number($("audio-class").value),
    guidance: Number($("audio-guidance").value), steps: Number($("audio-steps").value), seed: Number($("audio-seed").value) },
    (outputs) => showOutputs($("audio-outputs"), outputs));
});

function readFile(file, asText) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(new Error("could not read " + file.name));
    if (asText) r.readAsText(file); else r.readAsDataURL(file);
  });
}

$("audio-den-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = $("audio-file").files[0];
  if (!f) { $("audio-state").textContent = "choose a WAV file first"; return; }
  const audio = await readFile(f, false);
  submitKind("audio", "audio_denoise", $("audio-den-model").value, { audio, samples: Number($("audio-samples").value),
    steps: Number($("audio-den-steps").value) }, (outputs) => showOutputs($("audio-outputs"), outputs));
});

$("series-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = $("series-file").files[0];
  if (!f) { $("series-state").textContent = "choose a CSV file first"; return; }
  const kind = $("series-kind").value;
  const params = { csv: await readFile(f, true), n: Number($("series-n").value), steps: Number($("series-steps").value) };
  if (kind === "series_forecast") params.horizon = Number($("series-horizon").value);
  if ($("series-column").value) params.column = $("series-column").value;
  submitKind("series", kind, $("series-model").value, params, (outputs) => showOutputs($("series-outputs"), outputs));
});

$("mol-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  submitKind("mol", "molecule_sample", $("mol-model").value, { n: Number($("mol-n").value), steps: Number($("mol-steps").value),
    rings: Number($("mol-rings").value), guidance: Number($("mol-guidance").value), seed: Number($("mol-seed").value) },
    (outputs) => showOutputs($("mol-outputs"), outputs));
});

$("net-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = $("net-file").files[0];
  if (!f) { $("net-state").textContent = "choose a graph file first"; return; }
  const params = { graph: await readFile(f, true), directed: $("net-directed").checked, model: $("net-model").value,
    p: Number($("net-p").value), beta: Number($("net-beta").value), gamma: Number($("net-gamma").value),
    seeds: $("net-seeds").value.split(",").map((x) => x.trim()).filter((x) => x),
    runs: Number($("net-runs").value), steps: Number($("net-steps").value) };
  submitKind("net", "network_simulate", $("net-model-name").value, params, (outputs) => showOutputs($("net-outputs"), outputs));
});

function startModalities() {
  const flag = (what, f) => `No ${what} model is loaded: start diffuse serve with ${f}.`;
  fillModels($("text-model"), "text", $("text-note"), $("text-form"), flag("text", "--text NAME=CHECKPOINT"));
  textKindChanged();
  const gen = fillModels($("audio-model"), "audio_generate", $("audio-note"), $("audio-form"),
    flag("audio", "--audio NAME=CHECKPOINT (a model of diffuse audio train --task generate or --task denoise)"));
  if (gen.length) for (let c = 0; c < gen[0].classes; c++) option($("audio-class"), c, String(c));
  const den = fillModels($("audio-den-model"), "audio_denoise", $("audio-note"), $("audio-den-form"), $("audio-note").textContent);
  if (gen.length && !den.length) $("audio-note").textContent = flag("audio denoising", "--audio NAME=CHECKPOINT of a model of diffuse audio train --task denoise");
  if (!gen.length && den.length) $("audio-note").textContent = flag("audio generation", "--audio NAME=CHECKPOINT of a model of diffuse audio train --task generate");
  const sm = fillModels($("series-model"), "series", $("series-note"), $("series-form"), flag("time-series", "--series NAME=CHECKPOINT"));
  if (sm.length) $("series-file").title = "columns: " + sm[0].columns.join(", ");
  fillModels($("mol-model"), "molecule", $("mol-note"), $("mol-form"), flag("molecule", "--graph NAME=CHECKPOINT"));
  fillModels($("net-model-name"), "network", $("net-note"), $("net-form"), "Network spreading is not served: start diffuse serve with --network (on by default).");
}

// ---- start ----
async function start() {
  try { info = await api("GET", "/api/models"); } catch (e) { $("gen-state").textContent = e.message; return; }
  for (const m of info.models) {
    if (m.task === "image") option($("gen-model"), m.name, m.name);
    if (m.task === "superres" && !$("up-kind").querySelector("[value=superres]")) option($("up-kind"), "superres", "super-resolve");
  }
  const im = modelFor("image");
  if (im) imageSize = im.image_size;
  info.class_names.forEach((c, i) => option($("gen-class"), i, c));
  for (const s of info.samplers) option($("gen-sampler"), s, s);
  $("gen-sampler").value = "dpmpp2m";
  resetInpaint(imageSize);
  redraw();
  startModalities();
  loadGallery(0);
  loadResults();
}
start();
