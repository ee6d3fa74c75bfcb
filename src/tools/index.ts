export { toDot } from './dot.js';
export { toChromeTrace } from './chrome_trace.js';
export { summary, type ModelSummary, type SummaryRow } from './summary.js';
export { toHtml } from './html_viewer.js';
export { graphView, type GraphView, type ViewNode } from './graph_view.js';
export { programToGraph } from './program_graph.js';
