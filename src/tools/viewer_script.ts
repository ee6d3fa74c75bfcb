/*
 * The HTML viewer's page script, as text. It is a constant: nothing from a graph is ever spliced
 * into it. The graph arrives as JSON in a <script type="application/json"> element, and every name
 * reaches the page through textContent or setAttribute, never as markup.
 *
 * What it does: names split on '/' make a scope tree; a collapsed scope is drawn as one box (edges
 * to its members merged), an expanded one as an outline around its members. Layout is layered:
 * ranks by longest path over a DFS order (edges that close a cycle, possible once scopes collapse,
 * are ignored), then a few barycenter sweeps order each rank. Drag pans, the wheel zooms, a click
 * on a scope toggles it, a click on an op shows its type, device, outputs, attrs and fused ops.
 */
export const VIEWER_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('graph-data').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  var svg = document.getElementById('canvas');
  var viewport = document.getElementById('viewport');
  var panel = document.getElementById('details');
  var nodes = data.nodes;
  var expanded = new Set();
  var view = { x: 20, y: 20, k: 1 };
  var selected = null;

  function parentsOf(name) {
    var parts = name.split('/');
    var out = [];
    for (var i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
    return out;
  }
  var scopes = new Set();
  var fusedIn = new Map();
  nodes.forEach(function (n) {
    parentsOf(n.name).forEach(function (p) {
      scopes.add(p);
      if (n.fused.length) fusedIn.set(p, (fusedIn.get(p) || 0) + 1);
    });
  });

  // the visible item a node is drawn as: its outermost collapsed scope, or itself
  function repOf(i) {
    var ps = parentsOf(nodes[i].name);
    for (var k = 0; k < ps.length; k++) if (!expanded.has(ps[k])) return 'scope:' + ps[k];
    return 'op:' + i;
  }

  function el(tag, attrs, parent) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function layout(items, links) {
    var succ = new Map(), pred = new Map();
    items.forEach(function (it) { succ.set(it, []); pred.set(it, []); });
    links.forEach(function (l) { succ.get(l.a).push(l.b); });
    var state = new Map(), order = [];
    function visit(root) {
      var stack = [[root, 0]];
      state.set(root, 1);
      while (stack.length) {
        var top = stack[stack.length - 1], s = succ.get(top[0]);
        if (top[1] < s.length) {
          var nx = s[top[1]++];
          if (!state.has(nx)) { state.set(nx, 1); stack.push([nx, 0]); }
        } else { state.set(top[0], 2); order.push(top[0]); stack.pop(); }
      }
    }
    items.forEach(function (it) { if (!state.has(it)) visit(it); });
    order.reverse();
    var pos = new Map();
    order.forEach(function (it, i) { pos.set(it, i); });
    links.forEach(function (l) { if (pos.get(l.a) < pos.get(l.b)) pred.get(l.b).push(l.a); });
    var rank = new Map();
    order.forEach(function (it) {
      var r = 0;
      pred.get(it).forEach(function (p) { r = Math.max(r, rank.get(p) + 1); });
      rank.set(it, r);
    });
    var rows = [];
    order.forEach(function (it) { var r = rank.get(it); (rows[r] = rows[r] || []).push(it); });
    var x = new Map();
    rows.forEach(function (row) { row.forEach(function (it, i) { x.set(it, i); }); });
    for (var sweep = 0; sweep < 4; sweep++) {
      rows.forEach(function (row) {
        var bc = new Map();
        row.forEach(function (it) {
          var ps = pred.get(it);
          bc.set(it, ps.length ? ps.reduce(function (s, p) { return s + x.get(p); }, 0) / ps.length : x.get(it));
        });
        row.sort(function (a, b) { return bc.get(a) - bc.get(b); });
        row.forEach(function (it, i) { x.set(it, i); });
      });
    }
    var at = new Map();
    rows.forEach(function (row, r) {
      var cx = 0;
      row.forEach(function (it) {
        var w = Math.max(90, labelOf(it)[0].length * 7 + 20);
        at.set(it, { x: cx, y: r * 80, w: w, h: 40 });
        cx += w + 30;
      });
    });
    return at;
  }

  function labelOf(item) {
    if (item.indexOf('scope:') === 0) {
      var s = item.slice(6);
      return [s.split('/').pop() + ' +', fusedIn.has(s) ? 'scope, ' + fusedIn.get(s) + ' fused' : 'scope'];
    }
    var n = nodes[Number(item.slice(3))];
    return [n.name.split('/').pop(), n.fused.length ? n.type + ' (' + n.fused.length + ' fused)' : n.type];
  }

  function render() {
    while (viewport.firstChild) viewport.removeChild(viewport.firstChild);
    var items = [], seen = new Set();
    for (var i = 0; i < nodes.length; i++) {
      var r = repOf(i);
      if (!seen.has(r)) { seen.add(r); items.push(r); }
    }
    var merged = new Map();
    data.edges.forEach(function (e) {
      var a = repOf(e[0]), b = repOf(e[1]);
      if (a === b) return;
      var key = a + '\u0000' + b;
      var m = merged.get(key);
      if (!m) merged.set(key, { a: a, b: b, label: e[2], control: e[3] === 1, count: 1 });
      else { m.count++; m.control = m.control && e[3] === 1; }
    });
    var links = Array.from(merged.values());
    var at = layout(items, links);
    // outlines of expanded scopes around their visible members
    var boxes = new Map();
    items.forEach(function (it) {
      var name = it.indexOf('op:') === 0 ? nodes[Number(it.slice(3))].name : it.slice(6);
      var p = at.get(it);
      parentsOf(name).forEach(function (s) {
        if (!expanded.has(s)) return;
        var b = boxes.get(s) || { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
        b.x0 = Math.min(b.x0, p.x); b.y0 = Math.min(b.y0, p.y); b.x1 = Math.max(b.x1, p.x + p.w); b.y1 = Math.max(b.y1, p.y + p.h);
        boxes.set(s, b);
      });
    });
    boxes.forEach(function (b, s) {
      var depth = s.split('/').length;
      var pad = 12 - Math.min(depth, 5);
      var g = el('g', { class: 'outline', 'data-scope': s }, viewport);
      el('rect', { x: b.x0 - pad, y: b.y0 - pad - 12, width: b.x1 - b.x0 + 2 * pad, height: b.y1 - b.y0 + 2 * pad + 12, rx: 8 }, g);
      var t = el('text', { x: b.x0 - pad + 6, y: b.y0 - pad - 2 }, g);
      t.textContent = s + ' −';
      g.addEventListener('click', function (ev) { ev.stopPropagation(); expanded.delete(s); render(); });
    });
    links.forEach(function (l) {
      var p = at.get(l.a), q = at.get(l.b);
      var x1 = p.x + p.w / 2, y1 = p.y + p.h, x2 = q.x + q.w / 2, y2 = q.y;
      var path = el('path', { class: l.control ? 'edge control' : 'edge', d: 'M' + x1 + ',' + y1 + ' C' + x1 + ',' + (y1 + 30) + ' ' + x2 + ',' + (y2 - 30) + ' ' + x2 + ',' + y2 }, viewport);
      var title = el('title', {}, path);
      title.textContent = l.count > 1 ? l.count + ' edges' : l.label;
    });
    items.forEach(function (it) {
      var p = at.get(it), isScope = it.indexOf('scope:') === 0;
      var n = isScope ? null : nodes[Number(it.slice(3))];
      var cls = isScope ? 'node scope' + (fusedIn.has(it.slice(6)) ? ' has-fused' : '') : 'node op' + (n.fused.length ? ' fused' : '') + (selected === n ? ' selected' : '');
      var g = el('g', { class: cls, transform: 'translate(' + p.x + ',' + p.y + ')' }, viewport);
      g.setAttribute(isScope ? 'data-scope' : 'data-name', isScope ? it.slice(6) : n.name);
      el('rect', { width: p.w, height: p.h, rx: isScope ? 10 : 5 }, g);
      var lab = labelOf(it);
      var t1 = el('text', { x: p.w / 2, y: 17, 'text-anchor': 'middle' }, g);
      t1.textContent = lab[0];
      var t2 = el('text', { x: p.w / 2, y: 32, 'text-anchor': 'middle', class: 'sub' }, g);
      t2.textContent = lab[1];
      g.addEventListener('click', function (ev) {
        ev.stopPropagation();
        if (isScope) { expanded.add(it.slice(6)); render(); } else { select(n); }
      });
    });
    apply();
  }

  function row(dl, k, v) {
    var dt = document.createElement('dt'); dt.textContent = k; dl.appendChild(dt);
    var dd = document.createElement('dd'); dd.textContent = v; dl.appendChild(dd);
  }

  function select(n) {
    selected = n;
    panel.textContent = '';
    var h = document.createElement('h2'); h.textContent = n.name; panel.appendChild(h);
    var dl = document.createElement('dl'); panel.appendChild(dl);
    row(dl, 'type', n.type);
    row(dl, 'device', n.device || '(default)');
    n.outputs.forEach(function (o, i) { row(dl, 'output ' + i, o); });
    n.attrs.forEach(function (a) { row(dl, a[0], a[1]); });
    if (n.fused.length) row(dl, 'fused ops', n.fused.join('\n'));
    Array.prototype.forEach.call(viewport.querySelectorAll('g.op'), function (g) {
      g.classList.toggle('selected', g.getAttribute('data-name') === n.name);
    });
  }

  function apply() { viewport.setAttribute('transform', 'translate(' + view.x + ',' + view.y + ') scale(' + view.k + ')'); }

  function fit() {
    var b = viewport.getBBox(), w = svg.clientWidth || 800, h = svg.clientHeight || 600;
    if (!b.width || !b.height) return;
    view.k = Math.min(2, 0.95 * Math.min(w / b.width, h / b.height));
    view.x = (w - b.width * view.k) / 2 - b.x * view.k;
    view.y = 10 - b.y * view.k;
    apply();
  }

  var drag = null;
  svg.addEventListener('mousedown', function (e) { drag = { x: e.clientX - view.x, y: e.clientY - view.y }; });
  window.addEventListener('mousemove', function (e) { if (drag) { view.x = e.clientX - drag.x; view.y = e.clientY - drag.y; apply(); } });
  window.addEventListener('mouseup', function () { drag = null; });
  svg.addEventListener('wheel', function (e) {
    e.preventDefault();
    var r = svg.getBoundingClientRect(), mx = e.clientX - r.left, my = e.clientY - r.top;
    var f = Math.exp(-e.deltaY * 0.0015), k = Math.min(8, Math.max(0.02, view.k * f));
    view.x = mx - (mx - view.x) * (k / view.k); view.y = my - (my - view.y) * (k / view.k); view.k = k;
    apply();
  }, { passive: false });
  document.getElementById('expand-all').addEventListener('click', function () { scopes.forEach(function (s) { expanded.add(s); }); render(); fit(); });
  document.getElementById('collapse-all').addEventListener('click', function () { expanded.clear(); render(); fit(); });
  document.getElementById('fit').addEventListener('click', fit);

  render();
  fit();
  // what tests (and curious users, from the console) can ask the page
  window.tgViewer = {
    opCount: nodes.length,
    scopeCount: scopes.size,
    visibleOps: function () { return viewport.querySelectorAll('g.node.op').length; },
    visibleScopes: function () { return viewport.querySelectorAll('g.node.scope').length; },
    fusedOps: function () { return viewport.querySelectorAll('g.node.fused').length; },
    expandAll: function () { scopes.forEach(function (s) { expanded.add(s); }); render(); fit(); },
    collapseAll: function () { expanded.clear(); render(); fit(); },
    expand: function (s) { expanded.add(s); render(); },
    select: function (name) { var n = nodes.find(function (m) { return m.name === name; }); if (n) select(n); return panel.textContent; },
  };
})();
`;
