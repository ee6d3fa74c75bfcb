export { toDot } from './dot.js';
export { toChromeTrace } from './chrome_trace.js';
export { summary, type ModelSummary, type SummaryRow } from './summary.js';
