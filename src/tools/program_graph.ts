// One converter from an optimised program to a Graph serves tg.optimize and the drawing tools.
export { programToGraph } from '../program_graph.js';
