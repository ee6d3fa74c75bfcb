import { expect } from 'chai';
import * as tg from '../../src/index.js';
import { describeEachBackend } from '../support/backends.js';
import { checkGradients } from '../util/grad_check.js';

const OPTIMIZERS = [{ name: 'pipeline on', optimizer: {} }, { name: 'pipeline off', optimizer: { disable: ['all'] } }] as const;
const num = (v: tg.NDArray): number => v.item();

describeEachBackend('TF1 control flow (cond)', (backend) => {
  describe('control flow: tg.cond and tg.case', () => {
    for (const { name, optimizer } of OPTIMIZERS) {
      it(`takes the branch pred names, and only that branch runs (${name})`, async () => {
        const g = new tg.Graph();
        const { p, x, y, v } = g.asDefault(() => {
          const p = tg.placeholder('bool', [], 'p');
          const x = tg.placeholder('float32', [], 'x');
          const v = new tg.Variable(tg.constant(0), { name: 'v' });
          // each branch assigns the variable: the untaken branch's Assign must not run
          const y = tg.cond(
            p,
            () => tg.controlDependencies([v.assign(tg.constant(10))], () => tg.mul(x, x)),
            () => tg.controlDependencies([v.assign(tg.constant(20))], () => tg.add(x, 1)),
          );
          return { p, x, y, v };
        });
        const sess = new tg.Session({ graph: g, backend, optimizer });
        await sess.run(tg.globalVariablesInitializer(g));
        expect(num((await sess.run(y, new Map<tg.Tensor, number | boolean | number[]>([[p, true], [x, 3]]))) as tg.NDArray)).to.equal(9);
        expect(num((await sess.run(v.value())) as tg.NDArray)).to.equal(10);
        expect(num((await sess.run(y, new Map<tg.Tensor, number | boolean | number[]>([[p, false], [x, 3]]))) as tg.NDArray)).to.equal(4);
        expect(num((await sess.run(v.value())) as tg.NDArray)).to.equal(20);
      });
    }

    // builds a graph only (no session runs): backend-independent
    if (backend === 'cpu') {
      it('is built as TF1 builds it: Switch, pivots, pred_id, a Merge per output', () => {
        const g = new tg.Graph();
        g.asDefault(() => {
          const p = tg.placeholder('bool', [], 'p');
          tg.cond(p, () => tg.constant(1), () => tg.constant(2));
        });
        const types = new Map(g.getOperations().map((o) => [o.name, o.type]));
        expect(types.get('cond/Switch')).to.equal('Switch');
        expect(types.get('cond/switch_t')).to.equal('Identity');
        expect(types.get('cond/switch_f')).to.equal('Identity');
        expect(types.get('cond/pred_id')).to.equal('Identity');
        expect(types.get('cond/Merge')).to.equal('Merge');
        // constants of a branch depend on its pivot, so they are dead when it is not taken
        expect(g.getOperationByName('cond/Const').controlInputs.map((o) => o.name)).to.deep.equal(['cond/switch_t']);
      });
    }

    it('returns nested structures, converts literals and wires outside tensors through Switch', async () => {
      const g = new tg.Graph();
      const { p, out } = g.asDefault(() => {
        const p = tg.placeholder('bool', [], 'p');
        const a = tg.constant([1, 2]);
        const out = tg.cond(p, () => [a, { s: tg.reduceSum(a), k: 7 as number }] as const, () => [tg.neg(a), { s: tg.constant(0), k: 8 as number }] as const);
        return { p, out };
      });
      const sess = new tg.Session({ graph: g, backend });
      const [t, { s, k }] = out;
      const r = (await sess.run([t, s, k], new Map([[p, false]]))) as tg.NDArray[];
      expect(r.map((x) => x.toArray())).to.deep.equal([[-1, -2], 0, 8]);
      expect(g.getOperations().filter((o) => o.type === 'Switch').length).to.be.greaterThan(1);
    });

    it('fetching a value of the untaken branch is an error naming it', async () => {
      const g = new tg.Graph();
      const { p, inner } = g.asDefault(() => {
        const p = tg.placeholder('bool', [], 'p');
        let inner: tg.Tensor | null = null;
        tg.cond(p, () => (inner = tg.constant(1, { name: 'one' })), () => tg.constant(2));
        return { p, inner: inner! };
      });
      const sess = new tg.Session({ graph: g, backend });
      expect(num((await sess.run(inner, new Map([[p, true]]))) as tg.NDArray)).to.equal(1);
      try {
        await sess.run(inner, new Map([[p, false]]));
        expect.fail('expected an error');
      } catch (e) {
        expect(e).to.be.instanceOf(tg.errors.InvalidArgumentError);
        expect((e as Error).message).to.match(/does not have value.*cond\/one:0.*not taken/);
      }
    });

    // builds a graph only (no session runs): backend-independent
    if (backend === 'cpu') {
      it('refuses branches of different dtypes or structures, and a non-scalar pred', () => {
        const g = new tg.Graph();
        g.asDefault(() => {
          const p = tg.placeholder('bool', [], 'p');
          expect(() => tg.cond(p, () => tg.constant(1), () => tg.constant(1, { dtype: 'int32' }))).to.throw(/same type.*float32.*int32/);
          expect(() => tg.cond(p, () => [tg.constant(1)], (() => tg.constant(1)) as unknown as () => tg.Tensor[])).to.throw(/same nested structure/);
          expect(() => tg.cond(tg.placeholder('bool', [2]), () => 1, () => 2)).to.throw(/scalar/);
        });
      });
    }

    it('case runs the first true predicate, else the default (or the last pair without one)', async () => {
      const g = new tg.Graph();
      const { x, y, z } = g.asDefault(() => {
        const x = tg.placeholder('int32', [], 'x');
        const y = tg.case(
          [
            [tg.less(x, 0), () => tg.constant(-1)],
            [tg.equal(x, 0), () => tg.constant(0)],
          ],
          { default: () => tg.constant(1) },
        );
        const z = tg.case([
          [tg.less(x, 5), () => tg.constant(10)],
          [tg.less(x, 100), () => tg.constant(20)],
        ]);
        return { x, y, z };
      });
      const sess = new tg.Session({ graph: g, backend });
      const at = async (v: number): Promise<number[]> => ((await sess.run([y, z], new Map([[x, v]]))) as tg.NDArray[]).map(num);
      expect(await at(-3)).to.deep.equal([-1, 10]);
      expect(await at(0)).to.deep.equal([0, 10]);
      expect(await at(7)).to.deep.equal([1, 20]);
      expect(await at(1000)).to.deep.equal([1, 20]);
    });

    // finite differences run on the CPU (test/util/grad_check); loop and cond gradients on webgpu against the CPU: test/webgpu/control_flow.test.ts
    if (backend === 'cpu') {
      it('gradients flow only through the taken branch (finite differences, both branches)', async () => {
        for (const pv of [true, false]) {
          await checkGradients(
            ([x, w]) => {
              const p = tg.constant(pv);
              return tg.cond(p, () => tg.mul(tg.sin(x), w), () => tg.add(tg.square(x), tg.constant(1)));
            },
            [tg.NDArray.from([0.3, -0.7, 1.1], [3]), tg.NDArray.from([1.5, 0.5, -2], [3])],
          );
        }
      });
    }

    it('a tensor read only by the untaken branch gets a zero gradient', async () => {
      const g = new tg.Graph();
      const { p, x, w, dx, dw } = g.asDefault(() => {
        const p = tg.placeholder('bool', [], 'p');
        const x = tg.placeholder('float32', [2], 'x');
        const w = tg.placeholder('float32', [2], 'w');
        const y = tg.reduceSum(tg.cond(p, () => tg.mul(x, 3), () => tg.mul(w, 5)));
        const [dx, dw] = tg.gradients(y, [x, w]);
        return { p, x, w, dx: dx!, dw: dw! };
      });
      const sess = new tg.Session({ graph: g, backend });
      const feeds = (pv: boolean) => new Map<tg.Tensor, number | boolean | number[]>([[p, pv], [x, [1, 2]], [w, [3, 4]]]);
      expect(((await sess.run([dx, dw], feeds(true))) as tg.NDArray[]).map((a) => a.toArray())).to.deep.equal([[3, 3], [0, 0]]);
      expect(((await sess.run([dx, dw], feeds(false))) as tg.NDArray[]).map((a) => a.toArray())).to.deep.equal([[0, 0], [5, 5]]);
    });
  });

  describe('control flow: compiler passes around cond', () => {
    for (const { name, optimizer } of OPTIMIZERS) {
      it(`does not fold a branch's constants into values live in both branches (${name})`, async () => {
        const g = new tg.Graph();
        const { p, y } = g.asDefault(() => {
          const p = tg.placeholder('bool', [], 'p');
          // the false branch is constant: folded without its pivot edge, it would win the Merge
          return { p, y: tg.cond(p, () => tg.constant(5), () => tg.add(tg.constant(1), tg.constant(2))) };
        });
        const sess = new tg.Session({ graph: g, backend, optimizer });
        expect(num((await sess.run(y, new Map([[p, true]]))) as tg.NDArray)).to.equal(5);
        expect(num((await sess.run(y, new Map([[p, false]]))) as tg.NDArray)).to.equal(3);
      });
    }
  });
});
