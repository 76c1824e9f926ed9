/* The embedding explorer of book/explorer.md: nearest neighbours, analogies (3CosAdd,
 * 3CosMul) and a PCA map of GloVe vectors, computed in the reader's browser.
 *
 * The vectors come from _static/explorer/glove-50k.js (scripts/explorer_data.py), which
 * sets window.EMBEDDING_EXPLORER_DATA: words separated by spaces, and one int8 vector
 * per word in base64. This script adds it to the page once the page is usable (its
 * address is this script's data-vectors attribute), so that the page, its search and
 * its colour button work while the vectors arrive; the status line counts the seconds.
 * Each vector is decoded and scaled to length 1 once, so every cosine is a dot product.
 * Nothing is fetched: the page works from file:// as over HTTP, with no network.
 *
 * window.embeddingExplorer exposes the computations (neighbours, analogy, map) for the
 * browser test (tests/test_explorer.py), which compares them with gensim.
 */
(function () {
  "use strict";

  const VECTORS = document.currentScript && document.currentScript.dataset.vectors;

  const EPSILON = 1e-6; // 3CosMul's guard against dividing by zero, as in chapter 4

  function decode(data) {
    const words = data.words.split(" ");
    const dims = data.dimensions;
    const bytes = atob(data.int8);
    const unit = new Float32Array(words.length * dims);
    for (let w = 0; w < words.length; w++) {
      let norm = 0;
      for (let d = 0; d < dims; d++) {
        let v = bytes.charCodeAt(w * dims + d);
        if (v > 127) v -= 256; // int8
        unit[w * dims + d] = v;
        norm += v * v;
      }
      norm = Math.sqrt(norm);
      for (let d = 0; d < dims; d++) unit[w * dims + d] /= norm;
    }
    const index = new Map(words.map((word, i) => [word, i]));
    return { words, dims, unit, index, source: data.source };
  }

  // The k best of n scores (highest first), skipping the indices in `skip`.
  function topK(score, n, k, skip) {
    const best = []; // [score, index], sorted highest first
    for (let i = 0; i < n; i++) {
      if (skip.has(i)) continue;
      const s = score(i);
      if (best.length === k && s <= best[k - 1][0]) continue;
      let at = best.length;
      while (at > 0 && best[at - 1][0] < s) at--;
      best.splice(at, 0, [s, i]);
      if (best.length > k) best.pop();
    }
    return best;
  }

  function makeExplorer(table) {
    const { words, dims, unit, index } = table;
    const n = words.length;

    function vector(i) {
      return unit.subarray(i * dims, (i + 1) * dims);
    }

    // The cosine of every word with a vector of length 1.
    function cosines(v) {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        let dot = 0;
        const base = i * dims;
        for (let d = 0; d < dims; d++) dot += unit[base + d] * v[d];
        out[i] = dot;
      }
      return out;
    }

    function lookup(word) {
      const i = index.get(word);
      if (i === undefined) throw new UnknownWord(word);
      return i;
    }

    // At least one answer, at most every other word; anything else asks for ten.
    function howMany(k) {
      const whole = Math.floor(Number(k));
      return Number.isFinite(whole) ? Math.max(1, Math.min(n - 1, whole)) : 10;
    }

    function neighbours(word, k) {
      k = howMany(k);
      const i = lookup(word);
      const scores = cosines(vector(i));
      return topK((j) => scores[j], n, k, new Set([i])).map(([s, j]) => [words[j], s]);
    }

    // a is to b as c is to ?  The three inputs are never answered.
    function analogy(a, b, c, k, method) {
      k = howMany(k);
      const [ia, ib, ic] = [lookup(a), lookup(b), lookup(c)];
      const skip = new Set([ia, ib, ic]);
      if (method === "3CosMul") {
        const [ca, cb, cc] = [ia, ib, ic].map((i) => cosines(vector(i)));
        const score = (j) =>
          (((cb[j] + 1) / 2) * ((cc[j] + 1) / 2)) / ((ca[j] + 1) / 2 + EPSILON);
        return topK(score, n, k, skip).map(([s, j]) => [words[j], s]);
      }
      const target = new Float32Array(dims);
      const [va, vb, vc] = [ia, ib, ic].map(vector);
      let norm = 0;
      for (let d = 0; d < dims; d++) {
        target[d] = vb[d] - va[d] + vc[d];
        norm += target[d] * target[d];
      }
      norm = Math.sqrt(norm);
      for (let d = 0; d < dims; d++) target[d] /= norm;
      const scores = cosines(target);
      return topK((j) => scores[j], n, k, skip).map(([s, j]) => [words[j], s]);
    }

    // PCA of the unit vectors of `list`: the two directions along which they vary
    // most (power iteration on their covariance), each point's coordinates on them.
    function map(list) {
      const known = list.filter((w) => index.has(w));
      const unknown = list.filter((w) => !index.has(w));
      const m = known.length;
      const rows = known.map((w) => vector(index.get(w)));
      const mean = new Float64Array(dims);
      for (const r of rows) for (let d = 0; d < dims; d++) mean[d] += r[d] / m;
      const centred = rows.map((r) => Float64Array.from(r, (x, d) => x - mean[d]));
      const cov = Array.from({ length: dims }, () => new Float64Array(dims));
      for (const r of centred)
        for (let a = 0; a < dims; a++)
          for (let b = 0; b < dims; b++) cov[a][b] += r[a] * r[b];
      const axes = [];
      for (let axis = 0; axis < 2; axis++) {
        let v = Float64Array.from({ length: dims }, (_, d) => 1 + d / dims);
        for (let step = 0; step < 500; step++) {
          const next = new Float64Array(dims);
          for (let a = 0; a < dims; a++)
            for (let b = 0; b < dims; b++) next[a] += cov[a][b] * v[b];
          for (const u of axes) {
            let dot = 0;
            for (let d = 0; d < dims; d++) dot += next[d] * u[d];
            for (let d = 0; d < dims; d++) next[d] -= dot * u[d];
          }
          const len = Math.hypot(...next) || 1;
          v = next.map((x) => x / len);
        }
        // A fixed sign: the largest component positive, so maps do not flip.
        let big = 0;
        for (let d = 1; d < dims; d++) if (Math.abs(v[d]) > Math.abs(v[big])) big = d;
        if (v[big] < 0) v = v.map((x) => -x);
        axes.push(v);
      }
      const points = centred.map((r, i) => {
        const [x, y] = axes.map((u) => r.reduce((s, x, d) => s + x * u[d], 0));
        return { word: known[i], x, y };
      });
      return { points, unknown };
    }

    // Up to five known words that share the longest beginning with `word`.
    function suggestions(word) {
      for (let len = word.length; len >= 2; len--) {
        const prefix = word.slice(0, len);
        const found = words.filter((w) => w.startsWith(prefix)).slice(0, 5);
        if (found.length) return found;
      }
      return [];
    }

    return { neighbours, analogy, map, suggestions, size: n, dims, words };
  }

  class UnknownWord extends Error {
    constructor(word) {
      super(word);
      this.word = word;
    }
  }

  // ---- The page --------------------------------------------------------------

  const $ = (id) => document.getElementById(id);

  // What a reader types, as the explorer's words are written: compatibility forms
  // folded (full-width letters), accents and zero-width characters dropped, lower case.
  function clean(text) {
    return text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f\u200b-\u200d\u2060\ufeff]/g, "")
      .trim()
      .toLowerCase();
  }

  // A typed word as it is echoed in a message: never longer than 40 characters.
  function quoted(word) {
    return `“${word.length > 40 ? word.slice(0, 40) + "…" : word}”`;
  }

  function explain(error, explorer) {
    if (!(error instanceof UnknownWord)) return String(error);
    const word = error.word;
    if (!word) return "Type a word first.";
    if (/\s/.test(word)) return `Type one word at a time (got ${quoted(word)}).`;
    const near = explorer.suggestions(word);
    return (
      `${quoted(word)} is not among the explorer's ` +
      `${explorer.size.toLocaleString("en")} ` +
      "words: GloVe's most frequent words made only of the letters a–z. Check the " +
      "spelling or try a more frequent word" +
      (near.length ? ` (known words beginning alike: ${near.join(", ")})` : "") +
      ". Chapter 4's code searches all 400,000 words of GloVe."
    );
  }

  // A table of (word, score) rows; each word is a button that asks for its
  // neighbours.
  function showResults(target, caption, rows, ms, onWord) {
    target.replaceChildren();
    const table = document.createElement("table");
    table.className = "explorer-results";
    const cap = document.createElement("caption");
    cap.textContent = caption;
    table.append(cap);
    const head = table.createTHead().insertRow();
    for (const name of ["#", "word", "score"]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.append(th);
    }
    const body = table.createTBody();
    rows.forEach(([word, score], i) => {
      const row = body.insertRow();
      row.insertCell().textContent = String(i + 1);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "explorer-word";
      button.textContent = word;
      button.title = `the neighbours of ${word}`;
      button.addEventListener("click", () => onWord(word));
      row.insertCell().append(button);
      row.insertCell().textContent = score.toFixed(3);
    });
    const time = document.createElement("p");
    time.className = "explorer-time";
    time.dataset.ms = String(ms);
    time.textContent = `Computed in your browser in ${ms.toFixed(1)} ms.`;
    target.append(table, time);
  }

  function showError(target, message) {
    target.replaceChildren();
    const p = document.createElement("p");
    p.className = "explorer-error";
    p.textContent = message;
    target.append(p);
  }

  function drawMap(svgHolder, result, onWord) {
    const ns = "http://www.w3.org/2000/svg";
    // Drawn at the width it is shown (640 at most), so labels keep their size on a phone.
    const width = Math.round(Math.max(320, Math.min(640, svgHolder.clientWidth || 640)));
    const [height, padX, padY] = [Math.round(width * (width < 500 ? 0.9 : 0.66)), 60, 30];
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("role", "group");
    svg.setAttribute(
      "aria-label",
      `A map of ${result.points.length} words: the first two principal components ` +
        "of their vectors"
    );
    const xs = result.points.map((p) => p.x);
    const ys = result.points.map((p) => p.y);
    const [x0, x1, y0, y1] = [
      Math.min(...xs),
      Math.max(...xs),
      Math.min(...ys),
      Math.max(...ys),
    ];
    const sx = (x) => padX + ((x - x0) / (x1 - x0 || 1)) * (width - 2 * padX);
    const sy = (y) =>
      height - padY - ((y - y0) / (y1 - y0 || 1)) * (height - 2 * padY);
    // Each label goes beside its point, at the first of eight places that overlaps
    // no dot and no label already placed, and stays inside the picture.
    const charWidth = 7.5;
    const placed = result.points.map((p) => {
      const [x, y] = [sx(p.x), sy(p.y)];
      return { x0: x - 5, x1: x + 5, y0: y - 5, y1: y + 5 };
    });
    const overlaps = (box) =>
      box.x0 < 2 ||
      box.x1 > width - 2 ||
      box.y0 < 2 ||
      box.y1 > height - 2 ||
      placed.some((o) => box.x0 < o.x1 && o.x0 < box.x1 && box.y0 < o.y1 && o.y0 < box.y1);
    function labelBox(x, y, text) {
      const w = text.length * charWidth;
      const options = [
        [x + 8, y + 4, "start"],
        [x - 8, y + 4, "end"],
        [x, y - 9, "middle"],
        [x, y + 17, "middle"],
        [x + 6, y - 7, "start"],
        [x + 6, y + 15, "start"],
        [x - 6, y - 7, "end"],
        [x - 6, y + 15, "end"],
      ];
      for (const [lx, ly, anchor] of options) {
        const x0 = anchor === "start" ? lx : anchor === "end" ? lx - w : lx - w / 2;
        const box = { x0, x1: x0 + w, y0: ly - 12, y1: ly + 3 };
        if (!overlaps(box)) {
          placed.push(box);
          return [lx, ly, anchor];
        }
      }
      return x > width / 2 ? options[1] : options[0];
    }
    // Left to right, so the Tab key walks the map in reading order.
    const ordered = [...result.points].sort((p, q) => p.x - q.x || q.y - p.y);
    for (const p of ordered) {
      const g = document.createElementNS(ns, "g");
      g.setAttribute("class", "explorer-point");
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", `${p.word}: show its neighbours`);
      const title = document.createElementNS(ns, "title");
      title.textContent = p.word;
      const [cx, cy] = [sx(p.x), sy(p.y)];
      const dot = document.createElementNS(ns, "circle");
      dot.setAttribute("cx", cx.toFixed(1));
      dot.setAttribute("cy", cy.toFixed(1));
      dot.setAttribute("r", "5");
      const [lx, ly, anchor] = labelBox(cx, cy, p.word);
      const label = document.createElementNS(ns, "text");
      label.setAttribute("x", lx.toFixed(1));
      label.setAttribute("y", ly.toFixed(1));
      label.setAttribute("text-anchor", anchor);
      label.textContent = p.word;
      g.append(title, dot, label);
      g.addEventListener("click", () => onWord(p.word));
      g.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          onWord(p.word);
        }
      });
      svg.append(g);
    }
    svgHolder.replaceChildren(svg);
  }

  function load() {
    const status = $("explorer-status");
    if (!status) return; // not the explorer's page
    status.hidden = false; // hidden without JavaScript, like the forms
    if (window.EMBEDDING_EXPLORER_DATA || !VECTORS) {
      start();
      return;
    }
    const t0 = performance.now();
    const tick = () => {
      const seconds = ((performance.now() - t0) / 1000).toFixed(0);
      status.textContent =
        `Loading the vectors (50,000 words, about 2.5 MB)… ${seconds} s. ` +
        "The rest of the page works meanwhile.";
    };
    tick();
    const timer = setInterval(tick, 1000);
    const script = document.createElement("script");
    script.src = VECTORS;
    script.onload = script.onerror = () => {
      clearInterval(timer);
      start();
    };
    document.head.append(script);
  }

  function start() {
    const status = $("explorer-status");
    const data = window.EMBEDDING_EXPLORER_DATA;
    if (!data) {
      status.textContent =
        "The explorer's vectors (_static/explorer/glove-50k.js) did not load. " +
        "Reload the page. In a downloaded copy of the site, keep its _static " +
        "folder beside book/; building the site yourself, make book writes them.";
      status.classList.add("explorer-error");
      return;
    }
    const t0 = performance.now();
    const explorer = makeExplorer(decode(data));
    window.embeddingExplorer = explorer;
    const loadMs = performance.now() - t0;
    status.textContent =
      `Ready: ${explorer.size.toLocaleString("en")} words of ${explorer.dims} ` +
      `dimensions from ${data.source}, decoded in ${loadMs.toFixed(0)} ms.`;

    const neighboursResult = $("neighbours-result");
    function askNeighbours(word) {
      $("neighbours-word").value = word;
      const k = Math.min(100, Math.max(1, Math.floor($("neighbours-count").value) || 10));
      try {
        const t = performance.now();
        const rows = explorer.neighbours(clean(word), k);
        const ms = performance.now() - t;
        showResults(
          neighboursResult,
          (k === 1
            ? "The nearest neighbour"
            : `The ${k} nearest neighbours`) + ` of “${clean(word)}”, by cosine`,
          rows,
          ms,
          fromElsewhere
        );
      } catch (error) {
        showError(neighboursResult, explain(error, explorer));
      }
    }
    $("neighbours-form").addEventListener("submit", (event) => {
      event.preventDefault();
      askNeighbours($("neighbours-word").value);
    });
    // a map point or a result asks here, then brings the answer into view
    function fromElsewhere(word) {
      askNeighbours(word);
      $("neighbours-form").scrollIntoView({ block: "start" });
      $("neighbours-word").focus();
    }

    const analogyResult = $("analogy-result");
    $("analogy-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const [a, b, c] = ["analogy-a", "analogy-b", "analogy-c"].map((id) =>
        clean($(id).value)
      );
      const method = $("analogy-method").value;
      try {
        const t = performance.now();
        const rows = explorer.analogy(a, b, c, 10, method);
        const ms = performance.now() - t;
        showResults(
          analogyResult,
          `${a} is to ${b} as ${c} is to … (${method}; ${a}, ${b} and ${c} ` +
            "left out; " +
            (method === "3CosMul"
              ? "the score is a ratio of similarities, not a cosine)"
              : "the score is a cosine)"),
          rows,
          ms,
          fromElsewhere
        );
      } catch (error) {
        showError(analogyResult, explain(error, explorer));
      }
    });

    $("map-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const list = [
        ...new Set(clean($("map-words").value).split(/[\s,]+/).filter(Boolean)),
      ];
      const note = $("map-note");
      const result = explorer.map(list);
      if (result.points.length < 3) {
        $("map-picture").replaceChildren();
        showError(
          note,
          "Give at least three known words, separated by spaces or commas" +
            (result.unknown.length ? ` (not known: ${result.unknown.join(", ")})` : "") +
            "."
        );
        return;
      }
      drawMap($("map-picture"), result, fromElsewhere);
      note.replaceChildren();
      const p = document.createElement("p");
      p.textContent =
        `${result.points.length} words. Click or tap a point (or Tab to it and press ` +
        "Enter) for its neighbours." +
        (result.unknown.length
          ? ` Left out, not among the explorer's words: ${result.unknown.join(", ")}.`
          : "");
      note.append(p);
    });

    // Shown now that they work (hidden without JavaScript); shown before the first
    // map is drawn, which takes the width it is given.
    for (const element of document.querySelectorAll(".explorer[hidden]")) {
      element.hidden = false;
    }
    for (const form of ["neighbours-form", "analogy-form", "map-form"]) {
      $(form).querySelector("button[type=submit]").disabled = false;
      $(form).requestSubmit();
    }
    // Announced from now on: the answers to the reader's own questions.
    for (const id of ["neighbours-result", "analogy-result", "map-note"]) {
      $(id).setAttribute("aria-live", "polite");
    }
    status.dataset.ready = "true";
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", load);
  } else {
    load();
  }
})();
