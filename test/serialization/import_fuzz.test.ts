import { expect } from 'chai';
import { fuzzImportRun } from './import_fuzz.js';
import { FORMATS } from './import_fuzz_cases.js';

/**
 * Issue 10: mutated model files in every format that runs graphs (GraphDef, pbtxt, .meta,
 * SavedModel, ONNX) are imported and run; each must run or fail with a typed error, leave the target
 * graph unchanged when the import fails, never execute a payload and never hang. CI runs a few
 * hundred cases; `npm run fuzz:import` runs 3,000 per format (TG_IMPORT_FUZZ_CASES, TG_FUZZ_SEED).
 */
const CASES = Number(process.env.TG_IMPORT_FUZZ_CASES ?? 75);
const SEED = Number(process.env.TG_FUZZ_SEED ?? 1);
const LIMIT_MS = Number(process.env.TG_IMPORT_FUZZ_CASE_MS ?? 20_000);
describe('serialization: import-then-run mutation fuzz (issue 10)', () => {
  for (const format of FORMATS) {
    it(`${format}: ${CASES} mutated files import and run, or fail typed, with no partial state, payload or hang`, async function () {
      this.timeout(0);
      const c = await fuzzImportRun(format, CASES, SEED, LIMIT_MS);
      if (process.env.TG_IMPORT_FUZZ_CASES) console.log(`      ${JSON.stringify({ ...c, failures: c.failures.length })}`);
      expect(c.failures, c.failures.join('\n')).to.deep.equal([]);
      expect(c.untyped + c.codeRan + c.hangs + c.partial).to.equal(0);
      expect(c.ran + c.typedImport + c.typedRun).to.equal(CASES);
      expect(c.typedImport, 'some mutations are refused').to.be.greaterThan(0);
      expect(c.ran + c.typedRun, 'some mutated files import').to.be.greaterThan(0);
    });
  }
});
