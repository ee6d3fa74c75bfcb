// The differential harness moved into the library (tg.testing); tests and tools keep importing it from here.
export * from '../../src/testing/differential.js';
