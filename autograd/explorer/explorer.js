/* The autograd graph explorer: the page's one script (package data, no build step).
 *
 * It reads the graph from the JSON data block with id "model" and draws
 * it in SVG at the positions Graphviz gave.  Every piece of text from the graph
 * (names, op names, rules, explanations) is set with textContent or
 * setAttribute, never parsed as markup.
 */
(function () {
  "use strict";

  var M = JSON.parse(document.getElementById("model").textContent);
  var NODES = M.nodes;
  var STEPS = M.steps;
  var NEURONS = M.neurons;
  var SVGNS = "http://www.w3.org/2000/svg";
  var G = M.grad_name; // "∂E/∂"
  var LAST_FORWARD = 0;
  var SEED_STEP = 0;
  STEPS.forEach(function (s, k) {
    if (s.kind === "forward") LAST_FORWARD = k;
    if (s.kind === "seed") SEED_STEP = k;
  });
  if (!LAST_FORWARD) LAST_FORWARD = 0;

  // consumers of each node: [consumer, input index], once per use
  var USES = NODES.map(function () { return []; });
  NODES.forEach(function (n, i) {
    n.inputs.forEach(function (p, k) { USES[p].push([i, k]); });
  });

  // ------------------------------------------------------------------ numbers
  function num(v) {
    if (typeof v === "string") return v === "nan" ? NaN : (v === "inf" ? Infinity : -Infinity);
    return v;
  }

  /* Like Python's format(x, ".4g"). */
  function g4(v, digits) {
    var d = digits || 4;
    var x = num(v);
    if (x === null || x === undefined) return "";
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    if (x === 0) return "0";
    var parts = x.toExponential(d - 1).split("e");
    var e = parseInt(parts[1], 10);
    if (e < -4 || e >= d) {
      var m = parts[0].indexOf(".") >= 0 ? parts[0].replace(/\.?0+$/, "") : parts[0];
      return m + "e" + (e < 0 ? "-" : "+") + (Math.abs(e) < 10 ? "0" : "") + Math.abs(e);
    }
    var f = x.toFixed(Math.max(0, d - 1 - e));
    if (f.indexOf(".") >= 0) f = f.replace(/\.?0+$/, "");
    return f === "-0" ? "0" : f;
  }

  function factor(v) {
    var t = g4(v);
    return t.charAt(0) === "-" ? "(" + t + ")" : t;
  }

  function full(v) {
    var x = num(v);
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    return String(x);
  }

  // ------------------------------------------------------------------ DOM helpers
  function el(tag, cls, parent, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (parent) parent.appendChild(e);
    return e;
  }

  function sv(tag, attrs, parent, text) {
    var e = document.createElementNS(SVGNS, tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    }
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (parent) parent.appendChild(e);
    return e;
  }

  function button(parent, text, title, onclick, cls) {
    var b = el("button", cls || "", parent, text);
    b.type = "button";
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", function (ev) { ev.stopPropagation(); onclick(); });
    return b;
  }

  // ------------------------------------------------------------------ page skeleton
  document.body.className = "explorer";
  var bar = el("header", "bar", document.body);
  var titleEl = el("div", "title", bar);
  el("span", "title-name", titleEl, M.title);
  el("span", "title-sub", titleEl, NODES.length + " values");
  var controls = el("div", "controls", bar);
  var bStart = button(controls, "⇤ Start", "Jump to the start (Home)", function () { go(0); });
  var bBack = button(controls, "◀", "Step back (←)", function () { go(cur - 1); });
  var bPlay = button(controls, "▶ Play", "Play / pause (space)", function () { togglePlay(); }, "play");
  var bNext = button(controls, "▶", "Step forward (→)", function () { go(cur + 1); });
  var bEnd = button(controls, "End ⇥", "Jump to the end (End)", function () { go(maxStep()); });
  var counter = el("span", "counter", controls);
  var modes = el("div", "modes", bar);
  var bPractice = button(modes, "Practice", "Practice mode: gradients hidden, you type them (p)",
                         function () { setPractice(!practice); }, "practice-toggle");
  var bFold = null, bUnfold = null;
  if (NEURONS.length) {
    bFold = button(modes, "Fold neurons", "Fold every neuron (a dot node and its activation) into one box",
                   function () { foldAll(); });
    bUnfold = button(modes, "Unfold", "Unfold every neuron", function () { unfoldAll(); });
  }
  var zoom = el("div", "zoom", bar);
  button(zoom, "−", "Zoom out (-)", function () { zoomBy(1 / 1.25); });
  button(zoom, "Fit", "Fit the graph in the window (0)", function () { fit(); });
  button(zoom, "+", "Zoom in (+)", function () { zoomBy(1.25); });

  var main = el("div", "main", document.body);
  var stage = el("div", "stage", main);
  var noteEl = null;
  if (M.note) {
    noteEl = el("div", "note", stage);
    el("span", "", noteEl, M.note);
    button(noteEl, "×", "Close this note", function () { noteEl.hidden = true; }, "close");
  }
  var svgEl = sv("svg", { "class": "graph", role: "img", "aria-label": "the computation graph of " + M.title }, stage);
  var defs = sv("defs", null, svgEl);
  var viewport = sv("g", { "class": "viewport" }, svgEl);
  var panel = el("aside", "panel", main);
  panel.hidden = true;
  panel.setAttribute("aria-live", "polite");
  var foot = el("footer", "step", document.body);
  var stepHead = el("div", "step-head", foot);
  var stepBody = el("div", "step-body", foot);
  void defs;

  // ------------------------------------------------------------------ state
  var cur = 0;
  var practice = false;
  var beforePractice = 0;
  var view = M.view;
  if (!M.layouts[view]) view = M.layouts.full ? "full" : "folded";
  var foldedSet = {}; // neurons folded inside the full view
  var selected = null; // {node: i} or {neuron: k}
  var playing = null;
  var answers = {}; // practice: node -> {state: "right"|"wrong"|"revealed", text}
  var els = {}; // unit key -> {g, rows...}
  var edgeEls = {}; // edge key -> {path, head}
  var labelLayer = null, edgeLayer = null, unitLayer = null, clusterLayer = null;
  var T = { x: 0, y: 0, k: 1 };
  var READABLE = 0.85; // the smallest zoom at which the 14px labels stay readable

  function maxStep() { return practice ? LAST_FORWARD : STEPS.length - 1; }

  /* What the page shows after step k: which data are known, each gradient so far. */
  function stateAt(k) {
    var known = NODES.map(function (n) { return n.kind !== "op"; });
    var grad = NODES.map(function () { return undefined; });
    var got = NODES.map(function () { return []; }); // contributions received so far
    for (var s = 0; s <= k && s < STEPS.length; s++) {
      var st = STEPS[s];
      if (st.kind === "forward") known[st.node] = true;
      else if (st.kind === "seed") grad[st.node] = 1;
      else if (st.kind === "backward") {
        st.edges.forEach(function (e) {
          grad[e.node] = e.after;
          got[e.node].push(e);
        });
      }
    }
    return { known: known, grad: grad, got: got };
  }

  // ------------------------------------------------------------------ units
  function memberNeuron(i) {
    var k = NODES[i].neuron;
    if (k === undefined) return -1;
    var n = NEURONS[k];
    return (n.dot === i || n.act === i) ? k : -1;
  }

  /* The key of the box that shows node i in the current view. */
  function unitOf(i) {
    var k = NODES[i].neuron;
    if (view === "folded" && k !== undefined) return "n" + k;
    var m = memberNeuron(i);
    if (view === "full" && m >= 0 && foldedSet[m]) return "n" + m;
    return "v" + i;
  }

  function opOf(i) {
    var key = "v" + i + "_op";
    return unitOf(i) === "v" + i ? key : null;
  }

  function edgeVisible(key) {
    if (view !== "full") return true;
    var m = /^([oe])(\d+)(?:_(\d+))?$/.exec(key);
    if (!m) return true;
    var i = +m[2];
    var k = memberNeuron(i);
    if (k < 0 || !foldedSet[k]) return true;
    if (m[1] === "o") return false;
    var j = NODES[i].inputs[+m[3]];
    return memberNeuron(j) !== k; // inside the folded box
  }

  function layout() { return M.layouts[view]; }

  // ------------------------------------------------------------------ drawing
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function pathOf(points) {
    if (!points.length) return "";
    var d = "M" + points[0][0] + "," + points[0][1];
    for (var i = 1; i + 2 < points.length; i += 3) {
      d += "C" + points[i][0] + "," + points[i][1] + " " + points[i + 1][0] + "," + points[i + 1][1] +
        " " + points[i + 2][0] + "," + points[i + 2][1];
    }
    return d;
  }

  function arrowOf(from, to) {
    var dx = to[0] - from[0], dy = to[1] - from[1];
    var len = Math.sqrt(dx * dx + dy * dy) || 1;
    var ux = dx / len, uy = dy / len, w = 3.6;
    var bx = to[0] - ux * 8, by = to[1] - uy * 8;
    return [to[0], to[1], bx - uy * w, by + ux * w, bx + uy * w, by - ux * w].join(",");
  }

  function textRow(g, x, y, cls, text) {
    return sv("text", { x: x, y: y, "class": cls }, g, text);
  }

  /* Shrink text that does not fit its box (the layout's sizes are estimates). */
  function fitText(t, width) {
    try {
      t.removeAttribute("textLength");
      t.removeAttribute("lengthAdjust");
      var w = t.getComputedTextLength();
      if (w > width) {
        t.setAttribute("textLength", String(width));
        t.setAttribute("lengthAdjust", "spacingAndGlyphs");
      }
    } catch (err) { /* not rendered yet */ }
  }

  function valueBox(i, box) {
    var n = NODES[i];
    var x = box[0] - box[2] / 2, y = box[1] - box[3] / 2;
    var g = sv("g", { "class": "unit value " + n.kind, "data-node": i, tabindex: 0, role: "button" }, unitLayer);
    g.setAttribute("data-name", n.name);
    g.setAttribute("aria-label", n.name);
    sv("rect", { x: x, y: y, width: box[2], height: box[3], rx: 4, "class": "frame" }, g);
    var cx = box[0];
    var ent = { g: g, node: i };
    if (n.kind === "constant" && !n.labelled) {
      ent.data = textRow(g, cx, box[1] + 5, "num", g4(n.data));
      fitText(ent.data, box[2] - 6);
      return ent;
    }
    sv("rect", { x: x, y: y, width: box[2], height: 24, rx: 4, "class": "head" }, g);
    sv("rect", { x: x, y: y + 16, width: box[2], height: 8, "class": "head" }, g);
    ent.name = textRow(g, cx, y + 17, "name" + (n.labelled ? "" : " auto"), n.name);
    fitText(ent.name, box[2] - 8);
    ent.dataBg = sv("rect", { x: x + 3, y: y + 26, width: box[2] - 6, height: 19, rx: 3, "class": "row-bg data-bg" }, g);
    ent.data = textRow(g, cx, y + 40, "data", "");
    ent.gradBg = sv("rect", { x: x + 3, y: y + 46, width: box[2] - 6, height: 19, rx: 3, "class": "row-bg grad-bg" }, g);
    ent.grad = textRow(g, cx, y + 60, "grad", "");
    ent.room = box[2] - 10;
    return ent;
  }

  function opNode(i, box) {
    var n = NODES[i];
    var g = sv("g", { "class": "unit opnode", "data-op-of": i }, unitLayer);
    sv("ellipse", { cx: box[0], cy: box[1], rx: box[2] / 2, ry: box[3] / 2, "class": "frame" }, g);
    var t = textRow(g, box[0], box[1] + 4.5, "sym", n.symbol);
    fitText(t, box[2] - 6);
    return { g: g, node: i, op: true };
  }

  function neuronBox(k, box, overlay) {
    var nr = NEURONS[k];
    var x = box[0] - box[2] / 2, y = box[1] - box[3] / 2;
    if (overlay) { x = box[0]; y = box[1]; box = [x + box[2] / 2, y + box[3] / 2, box[2], box[3]]; }
    var g = sv("g", { "class": "unit neuron", "data-neuron": k, tabindex: 0, role: "button" }, unitLayer);
    g.setAttribute("data-name", nr.name);
    g.setAttribute("aria-label", "neuron " + nr.name);
    sv("rect", { x: x, y: y, width: box[2], height: box[3], rx: 8, "class": "frame" }, g);
    var cy = box[1] - 40;
    var ent = { g: g, neuron: k };
    ent.name = textRow(g, box[0] - 8, cy + 15, "name", nr.name);
    fitText(ent.name, box[2] - 40);
    var what = nr.activation + " neuron, " + nr.fan_in + " input" + (nr.fan_in === 1 ? "" : "s");
    textRow(g, box[0], cy + 35, "kind", what);
    ent.dataBg = sv("rect", { x: x + 4, y: cy + 42, width: box[2] - 8, height: 19, rx: 3, "class": "row-bg data-bg" }, g);
    ent.data = textRow(g, box[0], cy + 56, "data", "");
    ent.gradBg = sv("rect", { x: x + 4, y: cy + 62, width: box[2] - 8, height: 19, rx: 3, "class": "row-bg grad-bg" }, g);
    ent.grad = textRow(g, box[0], cy + 76, "grad", "");
    ent.room = box[2] - 12;
    var tog = sv("g", { "class": "toggle", role: "button", tabindex: 0 }, g);
    tog.setAttribute("aria-label", "unfold neuron " + nr.name);
    sv("rect", { x: x + box[2] - 26, y: y + 5, width: 20, height: 20, rx: 3 }, tog);
    sv("text", { x: x + box[2] - 16, y: y + 20 }, tog, "⊞");
    tog.addEventListener("click", function (ev) { ev.stopPropagation(); unfold(k); });
    ent.node = nr.out;
    return ent;
  }

  function clusterFrame(k, bb) {
    var nr = NEURONS[k];
    var g = sv("g", { "class": "cluster", "data-cluster": k }, clusterLayer);
    sv("rect", { x: bb[0], y: bb[1], width: bb[2], height: bb[3], rx: 8 }, g);
    var tog = sv("g", { "class": "toggle", role: "button", tabindex: 0 }, g);
    tog.setAttribute("aria-label", "fold neuron " + nr.name);
    sv("rect", { x: bb[0] + 4, y: bb[1] + 3, width: 18, height: 18, rx: 3 }, tog);
    sv("text", { x: bb[0] + 13, y: bb[1] + 17 }, tog, "⊟");
    var label = sv("text", { x: bb[0] + 28, y: bb[1] + 16, "class": "cluster-label" }, g,
                   "neuron " + nr.name + " (" + nr.activation + ")");
    fitText(label, bb[2] - 36);
    tog.addEventListener("click", function (ev) { ev.stopPropagation(); fold(k); });
    return g;
  }

  /* Edges that join the same two nodes (x*x uses x twice) bow apart, so each use is
   * its own curve: their inner control points move across the chord, ends kept. */
  var BOW = 14; // the extra gap between neighbouring parallel edges at their middle
  function bows(edges) {
    var groups = {};
    Object.keys(edges).forEach(function (key) {
      var m = /^e(\d+)_(\d+)$/.exec(key);
      if (!m || edges[key].p.length < 4) return;
      var pair = NODES[+m[1]].inputs[+m[2]] + ">" + m[1];
      (groups[pair] = groups[pair] || []).push(key);
    });
    var out = {};
    Object.keys(groups).forEach(function (pair) {
      var keys = groups[pair];
      if (keys.length < 2) return;
      var p = edges[keys[0]].p, a = p[0], b = p[p.length - 1];
      var dx = b[0] - a[0], dy = b[1] - a[1], len = Math.sqrt(dx * dx + dy * dy) || 1;
      var nx = -dy / len, ny = dx / len; // the chord's normal
      function across(key) { var q = bezierAt(edges[key].p, 0.5); return q[0] * nx + q[1] * ny; }
      keys.sort(function (k1, k2) { return across(k1) - across(k2) || (k1 < k2 ? -1 : 1); });
      keys.forEach(function (key, m) {
        var d = (m - (keys.length - 1) / 2) * BOW, pts = edges[key].p, last = pts.length - 1;
        out[key] = pts.map(function (q, j) {
          var s = j / last, f = 4 * s * (1 - s) * d;
          return [Math.round((q[0] + nx * f) * 10) / 10, Math.round((q[1] + ny * f) * 10) / 10];
        });
      });
    });
    return out;
  }

  function build() {
    clear(viewport);
    els = {};
    edgeEls = {};
    var L = layout();
    clusterLayer = sv("g", { "class": "clusters" }, viewport);
    edgeLayer = sv("g", { "class": "edges" }, viewport);
    unitLayer = sv("g", { "class": "units" }, viewport);
    labelLayer = sv("g", { "class": "labels" }, viewport);
    var bowed = bows(L.edges);
    Object.keys(L.edges).forEach(function (key) {
      var e = L.edges[key];
      if (!edgeVisible(key)) return;
      var spline = bowed[key] || e.p;
      var g = sv("g", { "class": "edge", "data-edge": key }, edgeLayer);
      var p = sv("path", { d: pathOf(spline) }, g);
      var h = null;
      if (e.e && spline.length) h = sv("polygon", { points: arrowOf(spline[spline.length - 1], e.e) }, g);
      edgeEls[key] = { g: g, path: p, head: h, spline: spline };
    });
    if (view === "full") {
      Object.keys(L.clusters).forEach(function (name) {
        var k = +name.slice(1);
        if (!foldedSet[k]) clusterFrame(k, L.clusters[name]);
      });
    }
    Object.keys(L.units).forEach(function (key) {
      var box = L.units[key];
      var m;
      if ((m = /^v(\d+)_op$/.exec(key))) {
        var i = +m[1];
        if (opOf(i) === null) return;
        els[key] = opNode(i, box);
      } else if ((m = /^v(\d+)$/.exec(key))) {
        var j = +m[1];
        if (unitOf(j) !== key) return;
        els[key] = valueBox(j, box);
      } else if ((m = /^n(\d+)$/.exec(key))) {
        els[key] = neuronBox(+m[1], box, false);
      }
    });
    if (view === "full") {
      Object.keys(foldedSet).forEach(function (k) {
        if (foldedSet[k] && L.clusters["n" + k]) els["n" + k] = neuronBox(+k, L.clusters["n" + k], true);
      });
    }
    Object.keys(els).forEach(function (key) {
      var ent = els[key];
      ent.g.addEventListener("click", function (ev) {
        ev.stopPropagation();
        if (ent.neuron !== undefined) select({ neuron: ent.neuron });
        else select({ node: ent.node });
      });
      ent.g.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter") { ev.preventDefault(); ev.stopPropagation(); ent.g.dispatchEvent(new MouseEvent("click")); }
      });
    });
    svgEl.setAttribute("data-view", view);
    if (bFold) { bFold.disabled = !M.layouts.folded || view === "folded"; }
    if (bUnfold) { bUnfold.disabled = !M.layouts.full || (view === "full" && !anyFolded()); }
    apply();
  }

  function anyFolded() {
    return Object.keys(foldedSet).some(function (k) { return foldedSet[k]; });
  }

  // ------------------------------------------------------------------ showing a step
  function setText(t, text) { if (t && t.textContent !== text) t.textContent = text; }

  function gradText(i, state) {
    if (NODES[i].kind === "constant") return "";
    if (practice) {
      var a = answers[i];
      if (a && a.state === "right") return "grad ✓ " + g4(NODES[i].grad);
      if (a && a.state === "revealed") return "grad " + g4(NODES[i].grad) + " (shown)";
      if (a && a.state === "wrong") return "grad ✗ try again";
      return "grad ?";
    }
    var v = state.grad[i];
    if (v === undefined) return "grad";
    var got = state.got[i].length, uses = USES[i].length;
    // a sum still filling in says how many of its uses have reported
    return "grad " + g4(v) + (got && got < uses ? " (" + got + "/" + uses + ")" : "");
  }

  function apply() {
    var st = STEPS[cur];
    var state = stateAt(cur);
    // boxes
    Object.keys(els).forEach(function (key) {
      var ent = els[key];
      if (ent.op) return;
      var i = ent.node;
      var g = ent.g;
      g.classList.remove("cur", "fwd", "bwd", "src", "dst", "selected", "right", "wrong", "revealed");
      if (ent.data && (NODES[i].kind !== "constant" || NODES[i].labelled)) {
        var known = state.known[i];
        setText(ent.data, known ? "data " + g4(NODES[i].data) : "data ?");
        g.setAttribute("data-shown-data", known ? full(NODES[i].data) : "");
      }
      if (ent.grad) {
        setText(ent.grad, gradText(i, state));
        var v = state.grad[i];
        g.setAttribute("data-shown-grad", practice || v === undefined ? "" : full(v));
        if (practice && answers[i]) g.classList.add(answers[i].state);
      }
    });
    Object.keys(els).forEach(function (key) { if (els[key].op) els[key].g.classList.remove("cur", "fwd", "bwd"); });
    Object.keys(edgeEls).forEach(function (key) { edgeEls[key].g.classList.remove("lit", "fwd", "bwd"); });
    clear(labelLayer);
    var focusKey = null;
    var near = []; // the inputs of the current step, kept in sight with it
    var labels = []; // this step's edge labels, placed once the view has followed
    if (st.kind === "forward" || st.kind === "backward" || st.kind === "seed") {
      var i = st.node;
      var dir = st.kind === "forward" ? "fwd" : "bwd";
      focusKey = unitOf(i);
      mark(focusKey, ["cur", dir]);
      var op = opOf(i);
      if (op && els[op]) els[op].g.classList.add("cur", dir);
      if (st.kind !== "seed") {
        NODES[i].inputs.forEach(function (p, k) {
          if (NODES[p].kind === "constant" && st.kind === "backward") return;
          var src = unitOf(p);
          if (src !== focusKey) { mark(src, [dir === "fwd" ? "src" : "dst", dir]); near.push(src); }
          litEdge("e" + i + "_" + k, dir);
        });
        litEdge("o" + i, dir);
      }
      if (st.kind === "backward" && !practice) {
        st.edges.forEach(function (e) {
          var it = edgeLabel("e" + i + "_" + e.input, e);
          if (it) labels.push(it);
        });
      }
    }
    if (selected) mark(selectedKey(), ["selected"]);
    fitRows();
    showStep(st, state);
    bStart.disabled = cur === 0;
    bBack.disabled = cur === 0;
    bNext.disabled = cur >= maxStep();
    bEnd.disabled = cur >= maxStep();
    document.body.setAttribute("data-step", String(cur));
    document.body.setAttribute("data-step-kind", st.kind);
    if (focusKey) follow([focusKey].concat(near));
    var spots = placeLabels(labels);
    if (focusKey && spots.length) follow([focusKey].concat(near), spots);
    if (selected) renderPanel();
  }

  /* Every data and grad row inside its box: a row whose text or weight (bold while
   * its node is stepped) changed is measured again, and squeezed if it is too wide. */
  function fitRows() {
    Object.keys(els).forEach(function (key) {
      var ent = els[key];
      if (!ent.room) return;
      var style = ent.g.getAttribute("class");
      [ent.data, ent.grad].forEach(function (t) {
        if (!t) return;
        var seen = t.textContent + "|" + style;
        if (t.fitted === seen) return;
        t.fitted = seen;
        fitText(t, ent.room);
      });
    });
  }

  function mark(key, classes) {
    var ent = els[key];
    if (!ent) return;
    classes.forEach(function (c) { ent.g.classList.add(c); });
  }

  function litEdge(key, dir) {
    var e = edgeEls[key];
    if (e) e.g.classList.add("lit", dir);
  }

  function bezierAt(p, t) {
    var segs = Math.floor((p.length - 1) / 3);
    if (segs < 1) return p[0];
    var u = t * segs, s = Math.min(segs - 1, Math.floor(u));
    u -= s;
    var a = p[3 * s], b = p[3 * s + 1], c = p[3 * s + 2], d = p[3 * s + 3];
    var v = 1 - u;
    return [v * v * v * a[0] + 3 * v * v * u * b[0] + 3 * v * u * u * c[0] + u * u * u * d[0],
            v * v * v * a[1] + 3 * v * v * u * b[1] + 3 * v * u * u * c[1] + u * u * u * d[1]];
  }

  /* local × upstream = contribution, on the edge, the local factor highlighted.
   * Drawn at the origin; placeLabels moves it to a free place by its edge. */
  function edgeLabel(key, e) {
    var ed = edgeEls[key];
    if (!ed) return null;
    var g = sv("g", { "class": "edge-label", "data-edge": key }, labelLayer);
    var parts = [[factor(e.local), "factor"], ["×", "op"], [factor(e.upstream), "up"], ["=", "op"],
                 [g4(e.contribution), "prod"]];
    var texts = parts.map(function (p) { return sv("text", { "class": p[1], y: 4 }, g, p[0]); });
    var widths = texts.map(function (t) { try { return t.getComputedTextLength(); } catch (err) { return 30; } });
    var gap = 4, total = widths.reduce(function (a, b) { return a + b; }, 0) + gap * (parts.length - 1) + 10;
    var x = -total / 2;
    var bg = sv("rect", { x: x, y: -12, width: total, height: 22, rx: 5, "class": "bg" }, null);
    g.insertBefore(bg, g.firstChild);
    var cx = x + 5;
    texts.forEach(function (t, k) {
      if (parts[k][1] === "factor") {
        var hl = sv("rect", { x: cx - 2, y: -10, width: widths[k] + 4, height: 18, rx: 3, "class": "hl" }, null);
        g.insertBefore(hl, t);
      }
      t.setAttribute("x", String(cx));
      cx += widths[k] + gap;
    });
    // the label's box about its origin, and the edge it belongs to
    return { g: g, ed: ed, w: total, top: -12, h: 22 };
  }

  /* Rectangles [x0, y0, x1, y1, weight] (layout units) that labels should not cover: the boxes,
   * op nodes and the title strips (toggle and name) of the unfolded neurons' frames. */
  function obstacles() {
    var L = layout(), out = [];
    Object.keys(els).forEach(function (key) {
      var b = els[key].neuron !== undefined && !L.units[key] ? boxOf(key) : L.units[key];
      // a box's text and an op weigh more than a frame's title: a label there hides a number
      if (b) out.push([b[0] - b[2] / 2 - 2, b[1] - b[3] / 2 - 2, b[0] + b[2] / 2 + 2, b[1] + b[3] / 2 + 2, 4]);
    });
    if (view === "full") {
      Object.keys(L.clusters).forEach(function (name) {
        var c = L.clusters[name];
        if (foldedSet[+name.slice(1)]) return;
        var title = clusterLayer.querySelector('[data-cluster="' + name.slice(1) + '"] .cluster-label');
        var w = title ? title.getComputedTextLength() : c[2] - 36;
        out.push([c[0], c[1], c[0] + 28 + Math.min(w, c[2] - 36) + 4, c[1] + 24, 2]);
      });
    }
    return out;
  }

  function overlap(a, b) {
    var w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]), h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
    return w > 0 && h > 0 ? w * h : 0;
  }

  /* Put each label by its edge where it covers no other label and, where there is room,
   * no box or op node and nothing outside the visible part of the graph: points along
   * the edge, then steps above and below and to the sides, the cheapest taken (in the
   * order of the edges' middles, top first, so stacked labels keep their edges' order).
   * A label off its edge gets a leader line to it.  Deterministic: no randomness, no timing. */
  var LABEL_GAP = 4;
  function placeLabels(items) {
    if (!items.length) return [];
    var blocks = obstacles(), placed = [];
    var W = svgEl.clientWidth || 800, H = svgEl.clientHeight || 500;
    var top = noteEl && !noteEl.hidden ? noteEl.offsetHeight + 12 : 4;
    var vis = [(4 - T.x) / T.k, (top - T.y) / T.k, (W - 4 - T.x) / T.k, (H - 4 - T.y) / T.k];
    items.forEach(function (it) { it.mid = bezierAt(it.ed.spline, 0.5); });
    items.sort(function (a, b) { return a.mid[1] - b.mid[1] || a.mid[0] - b.mid[0]; });
    var leaders = sv("g", { "class": "leaders" }, null);
    labelLayer.insertBefore(leaders, labelLayer.firstChild);
    items.forEach(function (it) {
      var w = it.w, h = it.h, step = h + LABEL_GAP;
      var best = null;
      function consider(ax, ay, cx, cy, extra) {
        var r = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
        for (var q = 0; q < placed.length; q++) {
          var o = placed[q];
          if (r[0] < o[2] + LABEL_GAP && o[0] < r[2] + LABEL_GAP && r[1] < o[3] + LABEL_GAP && o[1] < r[3] + LABEL_GAP) return;
        }
        var cover = 0;
        blocks.forEach(function (b) { cover += overlap(r, b) * b[4]; });
        var inside = overlap(r, vis), out = w * h - inside;
        // a leader from the edge to the label's nearest point, crossing no box where it can
        var px = Math.max(r[0], Math.min(r[2], ax)), py = Math.max(r[1], Math.min(r[3], ay)), crossed = 0;
        for (var k = 1; k < 8; k++) {
          var sx = ax + (px - ax) * k / 8, sy = ay + (py - ay) * k / 8;
          for (var z = 0; z < blocks.length; z++) {
            var b = blocks[z];
            if (sx > b[0] && sx < b[2] && sy > b[1] && sy < b[3]) { crossed++; break; }
          }
        }
        var cost = 6 * cover + 6 * out + 60 * crossed + Math.abs(cx - ax) + 1.5 * Math.abs(cy - ay) + extra;
        if (!best || cost < best.cost) best = { cost: cost, r: r, cx: cx, cy: cy, ax: ax, ay: ay };
      }
      var ts = [0.5, 0.35, 0.65, 0.2, 0.8];
      for (var ring = 0; ring <= 40 && (ring <= 8 || !best); ring++) {
        ts.forEach(function (t) {
          var a = bezierAt(it.ed.spline, t), extra = 40 * Math.abs(t - 0.5);
          var dys = ring === 0 ? [0] : [-(ring - 0.5) * step, (ring - 0.5) * step];
          dys.forEach(function (dy) {
            [0, -(w / 2 + 8), w / 2 + 8].forEach(function (dx) { consider(a[0], a[1], a[0] + dx, a[1] + dy, extra); });
          });
        });
      }
      placed.push(best.r);
      it.g.setAttribute("transform", "translate(" + round1(best.cx) + "," + round1(best.cy - (it.top + h / 2)) + ")");
      // a leader from the edge to a label that is not on it
      var px = Math.max(best.r[0], Math.min(best.r[2], best.ax)), py = Math.max(best.r[1], Math.min(best.r[3], best.ay));
      if (Math.abs(px - best.ax) + Math.abs(py - best.ay) > 3) {
        sv("line", { x1: round1(best.ax), y1: round1(best.ay), x2: round1(px), y2: round1(py) }, leaders);
        sv("circle", { cx: round1(best.ax), cy: round1(best.ay), r: 3.5 }, leaders);
      }
    });
    return placed;
  }

  function round1(v) { return Math.round(v * 10) / 10; }

  // ------------------------------------------------------------------ the step panel
  function showStep(st, state) {
    clear(stepHead);
    clear(stepBody);
    foot.className = "step " + st.kind;
    var nFwd = LAST_FORWARD, nBwd = STEPS.length - 2 - SEED_STEP;
    if (st.kind === "start") {
      setText(counter, "start");
      el("span", "phase", stepHead, "Start");
      el("div", "line", stepBody, practice
        ? "Practice: the forward pass is done; gradients are hidden. Click a node and type " + G + "node."
        : "Leaves (inputs, weights, constants) hold their values. Press → or ▶ to run the forward pass one node at a time.");
      return;
    }
    if (st.kind === "forward") {
      setText(counter, "forward " + cur + "/" + nFwd);
      el("span", "phase fwd", stepHead, "Forward · step " + cur + " of " + nFwd);
      el("div", "line big", stepBody, NODES[st.node].forward);
      if (cur === LAST_FORWARD && !practice) el("div", "hint", stepBody, "Forward pass done. Next: the backward pass, from the output back to the leaves.");
      if (cur === LAST_FORWARD && practice) el("div", "hint", stepBody, "Forward pass done. Click any node and type " + G + "node.");
      return;
    }
    if (st.kind === "seed") {
      setText(counter, "backward 0/" + nBwd);
      el("span", "phase bwd", stepHead, "Backward · the seed");
      el("div", "line big", stepBody, G + M.nodes[M.root].name.replace(/^(.*)$/, function (s) { return sym(s); }) + " = 1");
      el("div", "hint", stepBody, "The output's gradient with respect to itself is 1. Each step now passes a node's gradient to its inputs: local derivative × upstream gradient.");
      return;
    }
    if (st.kind === "backward") {
      var b = cur - SEED_STEP;
      setText(counter, "backward " + b + "/" + nBwd);
      var n = NODES[st.node];
      el("span", "phase bwd", stepHead, "Backward · step " + b + " of " + nBwd);
      var up = state.grad[st.node];
      var head = el("div", "line big", stepBody);
      el("span", "", head, "at " + n.name + " (" + n.op + "): upstream ");
      el("span", "up", head, G + sym(n.name) + " = " + g4(up));
      if (practice) {
        el("div", "hint", stepBody, "(gradients are hidden in practice mode)");
        return;
      }
      var table = el("table", "contrib", stepBody);
      var shown = st.edges.slice(0, 12);
      shown.forEach(function (e) {
        var tr = el("tr", "", table);
        var p = NODES[e.node];
        el("td", "partial", tr, G + sym(p.name) + " +=");
        var td = el("td", "term", tr);
        el("span", "factor", td, n.partials[e.input] + " = " + factor(e.local));
        el("span", "op", td, " × ");
        el("span", "up", td, factor(e.upstream));
        el("span", "op", td, " = ");
        el("span", "prod", td, g4(e.contribution));
        var sum = el("td", "sum", tr);
        var uses = USES[e.node].length;
        // this row's own count: the contributions up to and including this edge, not
        // all of this step's (x*x sends x two in one step)
        var sofar = state.got[e.node].indexOf(e) + 1;
        var text = "→ " + G + sym(p.name) + " = " +
          (e.before === null ? g4(e.after) : g4(e.before) + " + " + g4(e.contribution) + " = " + g4(e.after));
        el("span", e.complete ? "done" : "partial-sum", sum, text);
        el("span", "uses", sum, e.complete
          ? (uses > 1 ? "  (" + uses + " of " + uses + " uses: complete)" : "")
          : "  (" + sofar + " of " + uses + " uses so far)");
        el("td", "rule", tr, "[" + n.op + ": " + n.rules[e.input] + "]");
      });
      if (st.edges.length > shown.length) {
        el("div", "hint", stepBody, "… and " + (st.edges.length - shown.length) + " more inputs: click " + n.name + " for all of them.");
      }
      if (!st.edges.length) el("div", "hint", stepBody, "Its inputs are constants: no gradient flows into them.");
      return;
    }
    setText(counter, "end");
    el("span", "phase bwd", stepHead, "Done");
    el("div", "line big", stepBody, "Every node now holds " + G + "node, the engine's gradient. Click a node for its chain-rule breakdown, or try Practice.");
  }

  function sym(name) {
    return /^[A-Za-z0-9_']+$/.test(name) || /^-?[0-9.e+-]+$/.test(name) ? name : "(" + name + ")";
  }

  // ------------------------------------------------------------------ the side panel
  function select(what) {
    selected = what;
    var opening = panel.hidden;
    panel.hidden = false;
    if (opening) reframe();
    apply();
    // the clicked node in sight (the panel took the graph's right side)
    if (follow([selectedKey()])) apply();
  }

  function closePanel() {
    selected = null;
    panel.hidden = true;
    reframe();
    apply();
  }

  function selectedKey() {
    return selected.node !== undefined ? unitOf(selected.node) : "n" + selected.neuron;
  }

  function section(parent, title) {
    var s = el("section", "", parent);
    el("h3", "", s, title);
    return s;
  }

  function kv(parent, key, value, cls) {
    var row = el("div", "kv " + (cls || ""), parent);
    el("span", "k", row, key);
    el("span", "v", row, value);
    return row;
  }

  function renderPanel() {
    clear(panel);
    var close = button(panel, "×", "Close the panel (Esc)", closePanel, "close");
    void close;
    if (selected.neuron !== undefined) return neuronPanel(selected.neuron);
    var i = selected.node, n = NODES[i];
    panel.setAttribute("data-node", String(i));
    el("h2", "pname", panel, n.name);
    var kind = n.kind === "op" ? "made by " + n.op + " (" + n.symbol + ")"
      : n.kind === "constant" ? "a constant (it takes no gradient)" : "a leaf: an input or a parameter";
    el("div", "pkind", panel, kind);
    var nums = section(panel, "Numbers");
    kv(nums, "data", full(n.data), "pdata");
    if (n.kind !== "constant") {
      if (practice) {
        var a = answers[i];
        kv(nums, G + sym(n.name), a && (a.state === "right" || a.state === "revealed") ? full(n.grad) : "?", "pgrad");
      } else {
        kv(nums, G + sym(n.name), full(n.grad), "pgrad");
      }
    }
    if (practice && n.kind !== "constant") practiceForm(i);
    if (n.kind === "op") {
      var f = section(panel, "Forward");
      el("div", "mono", f, n.forward_full);
      var r = section(panel, "Local derivatives (the derivative table)");
      n.inputs.forEach(function (p, k) {
        el("div", "mono", r, n.partials[k] + " = " + n.rules[k] + " = " + g4(n.local[k]) + (NODES[p].kind === "constant" ? "   (constant input)" : ""));
      });
    }
    if (USES[i].length) {
      var u = section(panel, "Used by (" + USES[i].length + (USES[i].length === 1 ? " use)" : " uses)"));
      USES[i].forEach(function (use) {
        var c = NODES[use[0]];
        el("div", "mono", u, c.partials[use[1]] + " = " + c.rules[use[1]] + " = " + g4(c.local[use[1]]) + "   [" + c.op + "]");
      });
    }
    if (n.kind !== "constant") {
      var x = section(panel, "Chain rule: " + G + sym(n.name));
      if (practice) el("div", "hint", x, "Hidden in practice mode.");
      else if (n.explain) el("pre", "explain", x, n.explain);
      else el("div", "hint", x, "Too large a graph to break down here: call autograd.explain(root, node).");
    }
  }

  function neuronPanel(k) {
    var nr = NEURONS[k];
    panel.setAttribute("data-node", "");
    el("h2", "pname", panel, nr.name);
    el("div", "pkind", panel, "a neuron: " + nr.activation + "(w·x + b) with " + nr.fan_in + " input" + (nr.fan_in === 1 ? "" : "s"));
    var b = el("div", "panel-actions", panel);
    button(b, view === "folded" || foldedSet[k] ? "Unfold this neuron" : "Fold this neuron", "Fold or unfold",
           function () { if (view === "folded" || foldedSet[k]) unfold(k); else fold(k); });
    var s = section(panel, "Its nodes");
    var list = [nr.dot].concat(nr.act !== null ? [nr.act] : []).concat(nr.params);
    list.forEach(function (i) {
      var row = el("div", "member", s);
      var link = button(row, NODES[i].name, "Show " + NODES[i].name, function () { select({ node: i }); }, "link");
      void link;
      el("span", "mono", row, "  data " + g4(NODES[i].data) + (practice || NODES[i].grad === null ? "" : ",  grad " + g4(NODES[i].grad)));
    });
  }

  // ------------------------------------------------------------------ practice
  function parseAnswer(text) {
    var t = String(text).trim().replace(/\u2212/g, "-").replace(/\s+/g, "");
    if (t.indexOf(",") >= 0 && t.indexOf(".") < 0) t = t.replace(",", ".");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return NaN;
    return Number(t);
  }

  function judge(i, text) {
    var v = parseAnswer(text);
    var want = num(NODES[i].grad);
    if (Number.isNaN(v)) return { state: "invalid" };
    var ok = Number.isFinite(want)
      ? Math.abs(v - want) <= M.tolerance.rel * Math.abs(want) + M.tolerance.abs
      : v === want;
    return { state: ok ? "right" : "wrong", value: v };
  }

  function practiceForm(i) {
    var n = NODES[i];
    var box = section(panel, "Your answer");
    var form = el("form", "quiz", box);
    var label = el("label", "", form, G + sym(n.name) + " = ");
    var input = el("input", "answer", label);
    input.type = "text";
    input.inputMode = "decimal";
    input.autocomplete = "off";
    input.setAttribute("aria-label", "your value of " + G + n.name);
    var prev = answers[i];
    if (prev && prev.text) input.value = prev.text;
    var check = el("button", "check", form, "Check");
    check.type = "submit";
    var reveal = el("button", "reveal", form, "Reveal");
    reveal.type = "button";
    var msg = el("div", "verdict", box);
    msg.setAttribute("role", "status");
    el("div", "hint", box, "Right means " + M.tolerance.text + ": give 4 significant digits. " + G +
       "node is the sum over its uses of " + G + "consumer × the local derivative.");
    function say(a) {
      msg.className = "verdict " + (a ? a.state : "");
      if (!a) { msg.textContent = ""; return; }
      if (a.state === "right") msg.textContent = "✓ Right: the engine gives " + full(n.grad) + ".";
      else if (a.state === "wrong") msg.textContent = "✗ Not right: " + a.text + " is not " + G + sym(n.name) + " (right means " + M.tolerance.text + "). Try again, or Reveal.";
      else if (a.state === "revealed") msg.textContent = "The engine's value: " + full(n.grad) + ".";
      else msg.textContent = "Type a number, such as 0.0189 or -1.2e-3.";
    }
    say(prev);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var r = judge(i, input.value);
      if (r.state === "invalid") { say({ state: "invalid" }); return; }
      answers[i] = { state: r.state, text: input.value.trim() };
      apply();
      focusAnswer();
    });
    reveal.addEventListener("click", function () {
      answers[i] = { state: "revealed", text: input.value.trim() };
      apply();
    });
  }

  function focusAnswer() {
    var input = panel.querySelector("input.answer");
    if (input) input.focus();
  }

  function setPractice(on) {
    practice = on;
    stop();
    document.body.classList.toggle("practicing", on);
    bPractice.classList.toggle("on", on);
    bPractice.setAttribute("aria-pressed", on ? "true" : "false");
    bPractice.textContent = on ? "Practice: on" : "Practice";
    if (on) { beforePractice = cur; cur = LAST_FORWARD; }
    else cur = Math.max(cur, beforePractice); // back where the walk-through was
    apply();
    if (on) opening();
  }

  // ------------------------------------------------------------------ stepping
  function go(k) {
    var next = Math.max(0, Math.min(maxStep(), k));
    if (next === cur && k !== cur) { if (playing && next >= maxStep()) stop(); return; }
    cur = next;
    apply();
    if (playing && cur >= maxStep()) stop();
  }

  function togglePlay() { if (playing) stop(); else play(); }

  function play() {
    if (cur >= maxStep()) cur = 0;
    playing = setInterval(function () { go(cur + 1); }, 1100);
    bPlay.textContent = "⏸ Pause";
    bPlay.classList.add("on");
    apply();
  }

  function stop() {
    if (playing) clearInterval(playing);
    playing = null;
    bPlay.textContent = "▶ Play";
    bPlay.classList.remove("on");
  }

  // ------------------------------------------------------------------ folding
  function fold(k) {
    if (view === "full") { foldedSet[k] = true; build(); }
  }

  function unfold(k) {
    if (view === "folded") {
      if (!M.layouts.full) return;
      view = "full";
      NEURONS.forEach(function (n, j) { foldedSet[j] = j !== k; });
    } else {
      foldedSet[k] = false;
    }
    build();
    centerOn("v" + NEURONS[k].out);
  }

  function foldAll() {
    if (M.layouts.folded) { view = "folded"; foldedSet = {}; build(); fit(); }
  }

  function unfoldAll() {
    if (M.layouts.full) { view = "full"; foldedSet = {}; build(); fit(); }
  }

  // ------------------------------------------------------------------ pan and zoom
  var fitted = false; // the view is fit()'s: the whole graph, refit when the graph's room changes
  function setT(fitting) {
    viewport.setAttribute("transform", "translate(" + T.x + "," + T.y + ") scale(" + T.k + ")");
    fitted = !!fitting;
  }

  /* The graph's room changed (the side panel opened or closed): a fitted view is fitted
   * again; any other keeps its scale and its left edge (the panel is on the right). */
  function reframe() {
    if (fitted) fit();
  }

  function fit() {
    var L = layout();
    var W = svgEl.clientWidth || 800, H = svgEl.clientHeight || 500;
    var k = Math.min(W / (L.width + 40), H / (L.height + 40), 1.6);
    T.k = k;
    T.x = (W - L.width * k) / 2;
    T.y = (H - L.height * k) / 2;
    setT(true);
  }

  function zoomBy(f, cx, cy) {
    var W = svgEl.clientWidth, H = svgEl.clientHeight;
    if (cx === undefined) { cx = W / 2; cy = H / 2; }
    var k = Math.max(0.02, Math.min(8, T.k * f));
    T.x = cx - (cx - T.x) * (k / T.k);
    T.y = cy - (cy - T.y) * (k / T.k);
    T.k = k;
    setT();
  }

  function boxOf(key) {
    var L = layout();
    var b = L.units[key];
    if (b) return b;
    var m = /^n(\d+)$/.exec(key);
    if (m && L.clusters[key]) { var c = L.clusters[key]; return [c[0] + c[2] / 2, c[1] + c[3] / 2, c[2], c[3]]; }
    return null;
  }

  function centerOn(key) {
    var b = boxOf(key);
    if (!b) return;
    var W = svgEl.clientWidth, H = svgEl.clientHeight;
    if (T.k < 0.7) T.k = Math.min(1, Math.max(T.k, 0.9));
    T.x = W / 2 - b[0] * T.k;
    T.y = H / 2 - b[1] * T.k;
    setT();
  }

  /* Keep the current node, and its inputs where they fit, in sight while stepping;
   * with rects (placed edge labels, [x0, y0, x1, y1]), them too if all of it fits. */
  function follow(keys, rects) {
    var W = svgEl.clientWidth, H = svgEl.clientHeight, m = 30;
    var boxes = keys.map(boxOf).filter(function (b) { return b; });
    if (!boxes.length) return false;
    if (rects) {
      boxes = boxes.concat(rects.map(function (r) { return [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2, r[2] - r[0], r[3] - r[1]]; }));
      m = 8;
    }
    function span(bs) {
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      bs.forEach(function (b) {
        x0 = Math.min(x0, b[0] - b[2] / 2); x1 = Math.max(x1, b[0] + b[2] / 2);
        y0 = Math.min(y0, b[1] - b[3] / 2); y1 = Math.max(y1, b[1] + b[3] / 2);
      });
      return [x0, y0, x1, y1];
    }
    var s = span(boxes);
    var wide = (s[2] - s[0]) * T.k > W - 2 * m || (s[3] - s[1]) * T.k > H - 2 * m;
    if (wide && rects) return false; // the first call kept what fits in sight
    if (wide) s = span([boxes[0]]);
    var inside = s[0] * T.k + T.x >= m && s[2] * T.k + T.x <= W - m &&
      s[1] * T.k + T.y >= m && s[3] * T.k + T.y <= H - m;
    if (inside) return false;
    T.x = W / 2 - (s[0] + s[2]) / 2 * T.k;
    T.y = H / 2 - (s[1] + s[3]) / 2 * T.k;
    setT();
    return true;
  }

  /* The opening view: the whole graph when it is readable so, else readable from its left. */
  function opening() {
    fit();
    if (T.k >= READABLE) return;
    var L = layout(), H = svgEl.clientHeight;
    var top = noteEl && !noteEl.hidden ? noteEl.offsetHeight + 16 : 20; // below the note
    T.k = READABLE;
    T.x = 20;
    T.y = Math.min(top, (H - L.height * T.k) / 2);
    var first = STEPS[1] && STEPS[1].node !== undefined ? boxOf(unitOf(STEPS[1].node)) : null;
    if (first && L.height * T.k > H) T.y = Math.min(top, H / 2 - first[1] * T.k); // top, or the first step
    setT();
  }

  var drag = null;
  svgEl.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, y: ev.clientY, tx: T.x, ty: T.y, moved: false };
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (drag.moved) {
      T.x = drag.tx + dx;
      T.y = drag.ty + dy;
      setT();
      svgEl.classList.add("panning");
    }
  });
  window.addEventListener("pointerup", function () {
    svgEl.classList.remove("panning");
    if (drag && drag.moved) {
      // swallow the click that ends a pan
      var swallow = function (ev) { ev.stopPropagation(); ev.preventDefault(); };
      window.addEventListener("click", swallow, { capture: true, once: true });
      setTimeout(function () { window.removeEventListener("click", swallow, { capture: true }); }, 0);
    }
    drag = null;
  });
  svgEl.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var r = svgEl.getBoundingClientRect();
    zoomBy(Math.exp(-ev.deltaY * 0.0015), ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });

  // ------------------------------------------------------------------ keyboard
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA")) {
      if (ev.key === "Escape") t.blur();
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var handled = true;
    switch (ev.key) {
      case "ArrowRight": case "ArrowDown": case "PageDown": stop(); go(cur + 1); break;
      case "ArrowLeft": case "ArrowUp": case "PageUp": stop(); go(cur - 1); break;
      case " ": case "Spacebar": togglePlay(); break;
      case "Home": stop(); go(0); break;
      case "End": stop(); go(maxStep()); break;
      case "+": case "=": zoomBy(1.25); break;
      case "-": case "_": zoomBy(1 / 1.25); break;
      case "0": fit(); break;
      case "p": case "P": setPractice(!practice); break;
      case "Escape": if (!panel.hidden) closePanel(); break;
      default: handled = false;
    }
    if (handled) ev.preventDefault();
  });
  window.addEventListener("resize", function () { fit(); });

  // ------------------------------------------------------------------ go
  build();
  opening();
  // when the page was ready, in ms since navigation started (the tests read it)
  document.body.setAttribute("data-ready-ms", String(Math.round(performance.now())));
  document.body.setAttribute("data-ready", "true");
}());
