import { expect } from 'chai';
import { fuzzImportRun } from './import_fuzz.js';
import { FORMATS } from './import_fuzz_cases.js';

/**
 * Issue 10: mutated model files in every format that runs graphs (GraphDef, pbtxt, .meta,
 * SavedModel) are imported and run; each must run or fail with a typed error, leave the target
 * graph unchanged when the import fails, never execute a payload and never hang. CI runs a few
 * hundred cases; `npm run fuzz:import` runs 3,000 per format (TG_IMPORT_FUZZ_CASES, TG_FUZZ_SEED).
 */
const CASES = Number(process.env.TG_IMPORT_FUZZ_CASES ?? 75);
const SEED = Number(process.env.TG_FUZZ_SEED ?? 1);
const LIMIT_MS = Number(process.env.TG_IMPORT_FUZZ_CASE_MS ?? 20_000);
/**
 * Formats whose loader is not yet all-or-nothing: importMetaGraph and savedModel.load leave ops
 * behind when a collection is bad (issue 10, finding 5, fixed by another change). Their partial
 * states are counted and printed here, and fail the named script (TG_IMPORT_FUZZ_STRICT=1), until
 * that fix lands and this list is emptied.
 */
const PARTIAL_PENDING: readonly string[] = process.env.TG_IMPORT_FUZZ_STRICT === '1' ? [] : ['meta', 'savedmodel'];

describe('serialization: import-then-run mutation fuzz (issue 10)', () => {
  for (const format of FORMATS) {
    it(`${format}: ${CASES} mutated files import and run, or fail typed, with no partial state, payload or hang`, async function () {
      this.timeout(0);
      const c = await fuzzImportRun(format, CASES, SEED, LIMIT_MS);
      if (process.env.TG_IMPORT_FUZZ_CASES) console.log(`      ${JSON.stringify({ ...c, failures: c.failures.length })}`);
      const pending = PARTIAL_PENDING.includes(format);
      if (pending && c.partial > 0) console.log(`      ${format}: ${c.partial} partial states (finding 5, pending): ${c.failures.find((f) => f.includes('partial'))}`);
      const failures = pending ? c.failures.filter((f) => !f.includes(': partial: ')) : c.failures;
      expect(failures, failures.join('\n')).to.deep.equal([]);
      expect(c.untyped + c.codeRan + c.hangs).to.equal(0);
      expect(c.ran + c.typedImport + c.typedRun + (pending ? c.partial : 0)).to.equal(CASES);
      expect(c.typedImport, 'some mutations are refused').to.be.greaterThan(0);
      expect(c.ran + c.typedRun, 'some mutated files import').to.be.greaterThan(0);
    });
  }
});
