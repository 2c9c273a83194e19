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
// track follows job id into the section's progress bar, state and (when
// the section has one, an image PREFIX-preview) live preview, calls
// done(outputs) when it is done and ended() (when given) at any end.
function track(prefix, id, done, ended) {
  const st = $(prefix + "-state");
  st.className = "";
  follow(id, (t, d) => {
    if (t === "progress") {
      $(prefix + "-progress").max = d.total;
      $(prefix + "-progress").value = d.step;
      st.textContent = "step " + d.step + " of " + d.total;
    } else if (t === "preview") {
      const p = $(prefix + "-preview");
      if (p) p.src = d.image;
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
    if (ended && ["done", "failed", "cancelled", "interrupted"].includes(t)) ended();
  });
}

async function submitKind(prefix, kind, model, params, done, ended) {
  const st = $(prefix + "-state");
  st.textContent = "submitting";
  st.className = "";
  $(prefix + "-progress").value = 0;
  try {
    const job = await api("POST", "/api/jobs", { kind, model, params });
    track(prefix, job.id, done, ended);
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

function readFile(file, asText) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(new Error("could not read " + file.name));
    if (asText) r.readAsText(file); else r.readAsDataURL(file);
  });
}

// tag makes an element name with attributes (a false or undefined value
// leaves one out; true sets it empty) and children (nodes or text).
function tag(name, attrs, ...children) {
  const e = document.createElement(name);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === true) e.setAttribute(k, "");
    else if (v !== false && v !== undefined) e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

const noModel = (what, flag) => `No ${what} model is loaded: start diffuse serve with ${flag}.`;

// The sections of the other modalities, one job at a time each. A section
// has an id, its words in the menu (nav) and heading (title), the prefix
// of its note, progress bar, state and outputs, what its note says when
// no model of any of its forms is loaded (missing), its outputs' element
// (a media row unless given) and how they are shown (show, else
// showOutputs). A form has an id, the model task it needs, its job kinds
// ([kind, words]: a "Job" choice when there are several), what the note
// says when only its model is missing, its submit button and, with
// cancel, a Cancel button. A field is one labelled control:
//   type: number, text, textarea, select, checkbox, file, model (the
//     models of the form's task) or kind (the form's kinds);
//   id, label, value (the default), attrs (min, max, step, size,
//     placeholder, rows, cols, accept), options ([value, words] of a select);
//   param: the job parameter it fills, as (number: a select read as a
//     number; list: comma-separated words; url: a file read as a data URL,
//     else a file is read as text), need (the message when no file is
//     chosen), skipEmpty (left out when empty), kinds (sent only for these
//     kinds), toggle (also shown only for them), hidden (a control without
//     its label, not shown), setup(control, models) (filled from the
//     loaded models).
// A new kind is one more entry here.
const sections = [
  {
    id: "textimage", nav: "Text to image", title: "Text to image", prefix: "t2i",
    missing: noModel("text-to-image", "--textimage NAME=CHECKPOINT (an empty CHECKPOINT: the shipped emoji model)"),
    outputs: () => [tag("img", { id: "t2i-preview", class: "big", alt: "", "aria-label": "denoising preview (live)" }),
      tag("div", { id: "t2i-outputs", class: "media" })],
    forms: [{
      id: "t2i-form", task: "textimage", kinds: [["textimage_sample", "draw"]], submit: ["t2i-submit", "Draw"], cancel: "t2i-cancel",
      fields: [
        { type: "model", id: "t2i-model", label: "Model" },
        { type: "text", id: "t2i-prompt", label: "Prompt", value: "red apple", attrs: { size: 30 }, param: "prompt",
          setup: (input, ms) => { if (ms.length) input.maxLength = ms[0].max_prompt; } },
        { type: "text", id: "t2i-negative", label: "Negative prompt", attrs: { size: 16, placeholder: "none" }, param: "negative_prompt", skipEmpty: true },
        { type: "number", id: "t2i-n", label: "Images", value: 4, attrs: { min: 1, max: 64 }, param: "n" },
        { type: "number", id: "t2i-guidance", label: "Guidance", value: 3, attrs: { min: 0, max: 30, step: "any" }, param: "guidance" },
        { type: "select", id: "t2i-sampler", label: "Sampler", param: "sampler",
          setup: (sel) => { for (const s of info.samplers) option(sel, s, s); sel.value = "dpmpp2m"; } },
        { type: "number", id: "t2i-steps", label: "Steps (0: usual)", value: 0, attrs: { min: 0, max: 1000 }, param: "steps" },
        { type: "number", id: "t2i-seed", label: "Seed", value: 1, attrs: { min: 0 }, param: "seed" },
        { type: "number", id: "t2i-preview-every", label: "Preview every (steps)", value: 2, attrs: { min: 0, max: 1000 }, param: "preview_every" },
      ],
    }],
  },
  {
    id: "text", nav: "Text", title: "Text", prefix: "text", missing: noModel("text", "--text NAME=CHECKPOINT"),
    outputs: () => [tag("ol", { id: "text-outputs", class: "texts" }), tag("p", { id: "text-links" })],
    show: showTexts,
    forms: [{
      id: "text-form", task: "text", submit: ["text-submit", "Write"], cancel: "text-cancel",
      kinds: [["text_sample", "sample"], ["text_complete", "complete a prompt"], ["text_infill", "fill the gaps of a template"]],
      fields: [
        { type: "model", id: "text-model", label: "Model" },
        { type: "kind", id: "text-kind", label: "Job" },
        { type: "textarea", id: "text-prompt", label: "Prompt", value: "A fool and ", attrs: { rows: 2, cols: 40 }, param: "prompt", kinds: ["text_complete"], toggle: true },
        { type: "number", id: "text-length", label: "Length (0: fill the window)", value: 0, attrs: { min: 0 }, param: "length", kinds: ["text_complete"], toggle: true },
        { type: "textarea", id: "text-infill", label: "Template", value: "The ____ is mightier than the ____.", attrs: { rows: 2, cols: 40 }, param: "infill", kinds: ["text_infill"], toggle: true },
        { type: "text", id: "text-gap", label: "Gap marker", value: "____", attrs: { size: 6 }, param: "gap", kinds: ["text_infill"], toggle: true },
        { type: "number", id: "text-n", label: "Texts", value: 4, attrs: { min: 1, max: 64 }, param: "n" },
        { type: "number", id: "text-steps", label: "Steps", value: 64, attrs: { min: 1, max: 1000 }, param: "steps" },
        { type: "number", id: "text-seed", label: "Seed", value: 1, attrs: { min: 0 }, param: "seed" },
        { type: "number", id: "text-temperature", label: "Temperature", value: 1, attrs: { min: 0.01, max: 10, step: "any" }, param: "temperature" },
        { type: "number", id: "text-top-p", label: "Top-p", value: 1, attrs: { min: 0.01, max: 1, step: "any" }, param: "top_p" },
      ],
    }],
  },
  {
    id: "audio", nav: "Audio", title: "Audio", prefix: "audio",
    missing: noModel("audio", "--audio NAME=CHECKPOINT (a model of diffuse audio train --task generate or --task denoise)"),
    forms: [{
      id: "audio-form", task: "audio_generate", kinds: [["audio_sample", "generate"]], submit: ["audio-submit", "Say it"],
      missing: noModel("audio generation", "--audio NAME=CHECKPOINT of a model of diffuse audio train --task generate"),
      fields: [
        { type: "model", id: "audio-model", label: "Model" },
        { type: "select", id: "audio-class", label: "Digit", options: [[-1, "every digit in turn"]], param: "class", as: "number",
          setup: (sel, ms) => { for (let c = 0; c < (ms.length ? ms[0].classes : 0); c++) option(sel, c, String(c)); } },
        { type: "number", id: "audio-n", label: "Clips", value: 4, attrs: { min: 1, max: 64 }, param: "n" },
        { type: "number", id: "audio-guidance", label: "Guidance", value: 3, attrs: { min: 0, max: 30, step: "any" }, param: "guidance" },
        { type: "number", id: "audio-steps", label: "Steps (0: usual)", value: 0, attrs: { min: 0, max: 1000 }, param: "steps" },
        { type: "number", id: "audio-seed", label: "Seed", value: 1, attrs: { min: 0 }, param: "seed" },
      ],
    }, {
      id: "audio-den-form", task: "audio_denoise", kinds: [["audio_denoise", "denoise"]], submit: ["audio-den-submit", "Denoise"],
      missing: noModel("audio denoising", "--audio NAME=CHECKPOINT of a model of diffuse audio train --task denoise"),
      fields: [
        { type: "file", id: "audio-file", label: "Recording (WAV)", attrs: { accept: ".wav,audio/wav,audio/x-wav" }, param: "audio", as: "url", need: "choose a WAV file first" },
        { type: "model", id: "audio-den-model", label: "Model" },
        { type: "number", id: "audio-samples", label: "Samples", value: 1, attrs: { min: 1, max: 16 }, param: "samples" },
        { type: "number", id: "audio-den-steps", label: "Steps (0: usual)", value: 0, attrs: { min: 0, max: 1000 }, param: "steps" },
      ],
    }],
  },
  {
    id: "series", nav: "Series", title: "Time series", prefix: "series", missing: noModel("time-series", "--series NAME=CHECKPOINT"),
    forms: [{
      id: "series-form", task: "series", submit: ["series-submit", "Run"],
      kinds: [["series_impute", "fill the missing cells"], ["series_forecast", "forecast"]],
      fields: [
        { type: "file", id: "series-file", label: "Series (CSV)", attrs: { accept: ".csv,text/csv" }, param: "csv", need: "choose a CSV file first",
          setup: (input, ms) => { if (ms.length) input.title = "columns: " + ms[0].columns.join(", "); } },
        { type: "model", id: "series-model", label: "Model" },
        { type: "kind", id: "series-kind", label: "Job" },
        { type: "number", id: "series-horizon", label: "Horizon", value: 7, attrs: { min: 1 }, param: "horizon", kinds: ["series_forecast"] },
        { type: "number", id: "series-n", label: "Samples", value: 50, attrs: { min: 1, max: 1000 }, param: "n" },
        { type: "number", id: "series-steps", label: "Steps (0: all)", value: 0, attrs: { min: 0 }, param: "steps" },
        { type: "text", id: "series-column", label: "Column", attrs: { size: 10, placeholder: "first" }, param: "column", skipEmpty: true },
      ],
    }],
  },
  {
    id: "molecules", nav: "Molecules", title: "Molecules", prefix: "mol", missing: noModel("molecule", "--graph NAME=CHECKPOINT"),
    forms: [{
      id: "mol-form", task: "molecule", kinds: [["molecule_sample", "generate"]], submit: ["mol-submit", "Generate"],
      fields: [
        { type: "model", id: "mol-model", label: "Model" },
        { type: "select", id: "mol-rings", label: "Rings", options: [[-1, "as in the training set"], [0, "0"], [1, "1"], [2, "2 or more"]], param: "rings", as: "number" },
        { type: "number", id: "mol-n", label: "Molecules", value: 16, attrs: { min: 1, max: 64 }, param: "n" },
        { type: "number", id: "mol-steps", label: "Steps", value: 100, attrs: { min: 1, max: 1000 }, param: "steps" },
        { type: "number", id: "mol-guidance", label: "Guidance", value: 0, attrs: { min: 0, max: 30, step: "any" }, param: "guidance" },
        { type: "number", id: "mol-seed", label: "Seed", value: 1, attrs: { min: 0 }, param: "seed" },
      ],
    }],
  },
  {
    id: "network", nav: "Networks", title: "Spreading on a network", prefix: "net",
    missing: "Network spreading is not served: start diffuse serve with --network (on by default).",
    forms: [{
      id: "net-form", task: "network", kinds: [["network_simulate", "simulate"]], submit: ["net-submit", "Simulate"],
      fields: [
        { type: "model", id: "net-model-name", hidden: true },
        { type: "file", id: "net-file", label: "Graph (node-link JSON or edge list)", attrs: { accept: ".json,.txt,.edges,text/plain,application/json" },
          param: "graph", need: "choose a graph file first" },
        { type: "checkbox", id: "net-directed", label: "directed", param: "directed" },
        { type: "select", id: "net-model", label: "Model", options: [["ic", "independent cascade"], ["lt", "linear threshold"], ["sir", "SIR"], ["sis", "SIS"]], param: "model" },
        { type: "number", id: "net-p", label: "p (IC)", value: 0.1, attrs: { min: 0, max: 1, step: "any" }, param: "p" },
        { type: "number", id: "net-beta", label: "β", value: 0.1, attrs: { min: 0, max: 1, step: "any" }, param: "beta" },
        { type: "number", id: "net-gamma", label: "γ", value: 0.2, attrs: { min: 0, max: 1, step: "any" }, param: "gamma" },
        { type: "text", id: "net-seeds", label: "Seed nodes", attrs: { size: 16, placeholder: "names or ids, comma-separated" }, param: "seeds", as: "list" },
        { type: "number", id: "net-runs", label: "Runs", value: 1000, attrs: { min: 1, max: 100000 }, param: "runs" },
        { type: "number", id: "net-steps", label: "Steps", value: 100, attrs: { min: 0, max: 10000 }, param: "steps" },
      ],
    }],
  },
];

// control makes field f's control for a form of kinds.
function control(f, kinds) {
  switch (f.type) {
    case "textarea":
      return tag("textarea", { id: f.id, ...f.attrs }, f.value);
    case "select": case "kind": case "model": {
      const sel = tag("select", { id: f.id, hidden: f.hidden });
      for (const [v, words] of f.type === "kind" ? kinds : f.options || []) option(sel, v, words);
      return sel;
    }
    case "file": case "checkbox":
      return tag("input", { type: f.type, id: f.id, ...f.attrs });
    default: // number, text
      return tag("input", { id: f.id, type: f.type, ...f.attrs, value: f.value === undefined ? undefined : String(f.value) });
  }
}

// fieldShown says whether field f is shown for kind.
function fieldShown(f, kind) { return !f.toggle || f.kinds.includes(kind); }

// renderForm builds form fm.
function renderForm(fm) {
  const form = tag("form", { id: fm.id });
  for (const f of fm.fields) {
    const c = control(f, fm.kinds);
    if (f.hidden) form.append(c);
    else if (f.type === "checkbox") form.append(tag("label", {}, c, " " + f.label));
    else form.append(tag("label", { hidden: !fieldShown(f, fm.kinds[0][0]) }, f.label + " ", c));
  }
  form.append(tag("button", { type: "submit", id: fm.submit[0] }, fm.submit[1]));
  if (fm.cancel) form.append(tag("button", { type: "button", id: fm.cancel, disabled: true }, "Cancel"));
  return form;
}

// formKind is the job kind form fm submits now.
function formKind(fm) {
  const k = fm.fields.find((f) => f.type === "kind");
  return k ? $(k.id).value : fm.kinds[0][0];
}

// formParams reads form fm's job parameters for kind, or returns a
// message for the state line when a needed file is missing.
async function formParams(fm, kind) {
  const params = {};
  for (const f of fm.fields) {
    if (!f.param || (f.kinds && !f.kinds.includes(kind))) continue;
    const c = $(f.id);
    let v;
    if (f.type === "file") {
      if (!c.files[0]) return { need: f.need };
      v = await readFile(c.files[0], f.as !== "url");
    } else if (f.type === "checkbox") {
      v = c.checked;
    } else if (f.type === "number" || f.as === "number") {
      v = Number(c.value);
    } else if (f.as === "list") {
      v = c.value.split(",").map((x) => x.trim()).filter((x) => x);
    } else {
      v = c.value;
    }
    if (f.skipEmpty && v === "") continue;
    params[f.param] = v;
  }
  return { params };
}

// section builds section s into the page (before the rating results) and
// its menu entry (before Rate), and wires its forms.
function section(s) {
  const outputs = s.outputs ? s.outputs() : [tag("div", { id: s.prefix + "-outputs", class: "media" })];
  const node = tag("section", { id: s.id }, tag("h2", {}, s.title), tag("p", { class: "note", id: s.prefix + "-note", hidden: true }),
    ...s.forms.map(renderForm),
    tag("div", { class: "job-status" }, tag("progress", { id: s.prefix + "-progress", max: 1, value: 0 }), tag("span", { id: s.prefix + "-state" }, "idle")),
    ...outputs);
  $("results").before(node);
  document.querySelector('nav a[href="/rate"]').before(tag("a", { href: "#" + s.id }, s.nav), " ");
  const show = s.show || ((outs) => showOutputs($(s.prefix + "-outputs"), outs));
  for (const fm of s.forms) {
    const kind = fm.fields.find((f) => f.type === "kind");
    if (kind) {
      $(kind.id).addEventListener("change", () => {
        for (const f of fm.fields) if (f.toggle) $(f.id).closest("label").hidden = !fieldShown(f, $(kind.id).value);
      });
    }
    let job = null;
    $(fm.id).addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const k = formKind(fm);
      const r = await formParams(fm, k);
      if (r.need) { $(s.prefix + "-state").textContent = r.need; return; }
      for (const o of outputs) o.replaceChildren();
      const model = $(fm.fields.find((f) => f.type === "model").id).value;
      job = await submitKind(s.prefix, k, model, r.params, show, () => { if (fm.cancel) $(fm.cancel).disabled = true; });
      if (fm.cancel) $(fm.cancel).disabled = !job;
    });
    if (fm.cancel) {
      $(fm.cancel).addEventListener("click", async () => {
        if (!job) return;
        try { await api("POST", "/api/jobs/" + job + "/cancel"); } catch (e) { $(s.prefix + "-state").textContent = e.message; }
      });
    }
  }
}

// showTexts shows a text job's texts inline, and links to its files.
async function showTexts(outputs) {
  const jl = outputs.find((o) => o.name === "texts.jsonl");
  const lines = (await (await fetch(jl.url)).text()).split("\n").filter((l) => l);
  $("text-outputs").replaceChildren(...lines.map((l) => tag("li", {}, JSON.parse(l).text)));
  $("text-links").replaceChildren(...outputs.flatMap((o) => [link(o), document.createTextNode(" ")]));
}

// startSection fills section s's model lists and model-dependent choices
// from /api/models; the forms without a model are disabled and the note
// says which flag loads one.
function startSection(s) {
  const lacking = [];
  for (const fm of s.forms) {
    const ms = modelsOf(fm.task);
    for (const f of fm.fields) {
      if (f.type === "model") {
        for (const m of ms) {
          option($(f.id), m.name, m.name);
          if (m.source) $(f.id).lastChild.title = m.source;
        }
      }
      if (f.setup) f.setup($(f.id), ms);
    }
    if (!ms.length) {
      lacking.push(fm);
      for (const c of $(fm.id).elements) c.disabled = true;
    }
  }
  if (lacking.length) {
    const note = $(s.prefix + "-note");
    note.hidden = false;
    note.textContent = lacking.length === s.forms.length ? s.missing : lacking.map((fm) => fm.missing).join(" ");
  }
}

sections.forEach(section);

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
  sections.forEach(startSection);
  loadGallery(0);
  loadResults();
}
start();
