// The generator moved into the library (tg.testing); tests and tools keep importing it from here.
export * from '../../src/testing/random_graph.js';
