import type { Graph } from '../../graph/ir/index.js';
import { graphView } from './graph_view.js';
import { VIEWER_SCRIPT } from './viewer_script.js';

const STYLE = `
  html, body { margin: 0; height: 100%; font: 13px system-ui, sans-serif; }
  #bar { height: 34px; display: flex; gap: 8px; align-items: center; padding: 0 10px; background: #f3f3f3; border-bottom: 1px solid #ccc; }
  #bar h1 { font-size: 14px; margin: 0 12px 0 0; }
  #main { display: flex; height: calc(100% - 35px); }
  #canvas { flex: 1; cursor: grab; background: #fff; }
  #details { width: 320px; overflow: auto; padding: 8px 12px; border-left: 1px solid #ccc; background: #fafafa; white-space: pre-wrap; }
  #details h2 { font-size: 14px; word-break: break-all; }
  #details dt { font-weight: 600; margin-top: 6px; }
  #details dd { margin: 0 0 0 10px; font-family: monospace; word-break: break-all; }
  .node rect { fill: #e8f0fe; stroke: #4a6fa5; stroke-width: 1.2; }
  .node.scope rect { fill: #fff4d6; stroke: #b8860b; stroke-width: 2; }
  .node.scope.has-fused rect { stroke: #d9480f; stroke-dasharray: 6 3; }
  .node.fused rect { fill: #ffe6e0; stroke: #d9480f; stroke-width: 3; stroke-dasharray: 6 3; }
  .node.selected rect { stroke: #000; stroke-width: 3; }
  .node text { font-size: 12px; pointer-events: none; }
  .node text.sub { font-size: 10px; fill: #555; }
  .node { cursor: pointer; }
  .outline rect { fill: none; stroke: #bbb; stroke-dasharray: 4 3; }
  .outline text { font-size: 11px; fill: #777; cursor: pointer; }
  .edge { fill: none; stroke: #888; stroke-width: 1.2; marker-end: url(#arrow); }
  .edge.control { stroke-dasharray: 4 3; stroke: #bbb; }
`;

/** `<` as `\u003c` (and the line separators JSON allows but scripts did not): JSON that cannot end the script element. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The graph as one self-contained HTML page (Caffe's draw_net / TensorBoard's graph tab, offline):
 * pan with the mouse, zoom with the wheel, click a scope to expand or collapse it, click an op to
 * see its type, device, output shapes and attrs; fused regions of an optimised graph are outlined.
 * No network: the page's Content-Security-Policy allows nothing but its own inline script and style.
 */
export function toHtml(graph: Graph, options: { title?: string } = {}): string {
  const title = options.title ?? 'tensorgraph';
  const view = graphView(graph, title);
  return `<!doctype html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body>
<div id="bar"><h1>${escapeHtml(title)}</h1><span>${view.nodes.length} ops</span>
<button id="expand-all">expand all</button><button id="collapse-all">collapse all</button><button id="fit">fit</button>
<span>drag to pan · wheel to zoom · click a scope to open or close it, an op for details</span></div>
<div id="main"><svg id="canvas" xmlns="http://www.w3.org/2000/svg"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#888"/></marker></defs><g id="viewport"></g></svg><div id="details">Click an op.</div></div>
<script type="application/json" id="graph-data">${scriptSafeJson(view)}</script>
<script>${VIEWER_SCRIPT}</script>
</body></html>
`;
}
