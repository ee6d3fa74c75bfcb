import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tg from '../../../src/index.js';
import { describeEachBackend, TestBackend } from '../../support/backends.js';
import { makeOp } from '../../../ops/builder.js';
import { resourceApplyOf } from '../../../ops/optimizer/resource_apply.js';
import { DestroyResourceOp, VarIsInitializedOp } from '../../../ops/state/resource_ops.js';
import { readVariableOp } from '../../../ops/state/variable.js';
import { decodeMessage, pb } from '../../../serialization/codec.js';
import { encodeGraphDef } from '../../../serialization/graph_def.js';
import { decodeMetaGraph } from '../../../serialization/meta_graph.js';
import { runOrt } from '../../serialization/onnx/helpers.js';

type Made<T> = { g: tg.Graph; sess: tg.Session; t: T };

function setupOn<T>(backend: TestBackend, build: () => T): Made<T> {
  const g = new tg.Graph();
  const t = g.asDefault(build);
  return { g, sess: new tg.Session({ graph: g, backend }), t };
}

async function value(sess: tg.Session, t: tg.Tensor | string, feeds?: Record<string, tg.NDArray>): Promise<unknown> {
  return ((await sess.run(t, feeds)) as tg.NDArray).toArray();
}

async function rejects(p: Promise<unknown>, cls: new (...a: never[]) => Error, text: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(cls);
    expect((e as Error).message).to.include(text);
    return;
  }
  throw new Error(`expected a ${cls.name}`);
}

function close(a: unknown, b: unknown, tol = 1e-5): void {
  const fa = [a].flat(Infinity as 1) as number[];
  const fb = [b].flat(Infinity as 1) as number[];
  expect(fa.length).to.equal(fb.length);
  fa.forEach((x, i) => expect(x).to.be.closeTo(fb[i], tol));
}

describeEachBackend('resource variables (useResource)', (backend) => {
  const setup = <T>(build: () => T): Made<T> => setupOn(backend, build);

  describe('resource variables (useResource)', () => {
    it('are a VarHandleOp initialized by AssignVariableOp and read by ReadVariableOp, named as TF names them', async () => {
      const { g, sess, t } = setup(() => new tg.Variable([[1, 2], [3, 4]], { name: 'W', useResource: true }));
      expect(t.op.type).to.equal('VarHandleOp');
      expect(t.op.outputs[0].dtype).to.equal('resource');
      expect(t.isResource).to.equal(true);
      expect(t.dtype).to.equal('float32');
      expect(t.shape).to.deep.equal([2, 2]);
      expect(t.initializer.type).to.equal('AssignVariableOp');
      expect(t.initializer.name).to.equal('W/Assign');
      expect(t.value().name).to.equal('W/Read/ReadVariableOp:0');
      expect(t.value().shape).to.deep.equal([2, 2]);
      expect(g.getOperationByName('W').attrs.shared_name).to.equal('W');
      await sess.run(t.initializer);
      expect(await value(sess, t.value())).to.deep.equal([[1, 2], [3, 4]]);
      expect(await value(sess, tg.add(t, 1))).to.deep.equal([[2, 3], [4, 5]]);
    });

    it('assign, assignAdd and assignSub return a read after the update; VarIsInitializedOp; reads before init fail', async () => {
      const { sess, t } = setup(() => {
        const v = new tg.Variable([1, 2], { name: 'v', useResource: true });
        return { v, a: v.assign([5, 6]), add: v.assignAdd([1, 1]), sub: v.assignSub([2, 2]) };
      });
      await rejects(sess.run(t.v.value()), tg.errors.FailedPreconditionError, 'uninitialized value v');
      await sess.run(t.v.initializer);
      expect(await value(sess, t.a)).to.deep.equal([5, 6]);
      expect(await value(sess, t.add)).to.deep.equal([6, 7]);
      expect(await value(sess, t.sub)).to.deep.equal([4, 5]);
      expect(await value(sess, t.v.value())).to.deep.equal([4, 5]);
    });

    it('DestroyResourceOp deletes the variable (a later read is uninitialized); a missing one is NotFound unless ignore_lookup_error', async () => {
      const { sess, t } = setup(() => {
        const v = new tg.Variable([1, 2], { name: 'v', useResource: true });
        const destroy = makeOp(DestroyResourceOp, [v.ref], { ignore_lookup_error: true }, { name: 'destroy' });
        const strict = makeOp(DestroyResourceOp, [v.ref], { ignore_lookup_error: false }, { name: 'strict' });
        const isInit = makeOp(VarIsInitializedOp, [v.ref], {}, { name: 'is_init' }).outputs[0];
        return { v, destroy, strict, isInit };
      });
      await sess.run(t.v.initializer);
      expect(await value(sess, t.isInit)).to.equal(true);
      await sess.run(t.destroy);
      expect(await value(sess, t.isInit)).to.equal(false);
      await rejects(sess.run(t.v.value()), tg.errors.FailedPreconditionError, 'uninitialized value v');
      await sess.run(t.destroy);
      await rejects(sess.run(t.strict), tg.errors.NotFoundError, 'Resource v does not exist');
      await sess.run(t.v.initializer);
      expect(await value(sess, t.v.value())).to.deep.equal([1, 2]);
    });

    it('a read under control dependencies sees the write (readValue), and a failed run changes nothing', async () => {
      const { sess, t } = setup(() => {
        const v = new tg.Variable(1, { name: 'v', useResource: true });
        const inc = v.assignAdd(2);
        const r = tg.controlDependencies([inc.op], () => v.readValue());
        const bad = tg.controlDependencies([v.assignAdd(100).op], () => tg.add(v.readValue(), tg.placeholder('float32', [], 'p')));
        return { v, r, bad };
      });
      await sess.run(t.v.initializer);
      expect(await value(sess, t.r)).to.equal(3);
      await rejects(sess.run(t.bad), tg.errors.InvalidArgumentError, "placeholder tensor 'p'");
      expect(await value(sess, t.v.value())).to.equal(3);
    });

    it('tg.gradients(loss, [resourceVar]) flows through ReadVariableOp to the handle, as for a ref variable', async () => {
      for (const useResource of [false, true]) {
        const { sess, t } = setup(() => {
          const w = new tg.Variable([[1, 2], [3, 4]], { name: 'w', useResource });
          const x = tg.constant([[1, -1], [2, 0.5]]);
          const loss = tg.reduceSum(tg.square(tg.matMul(x, w)));
          return { w, grads: tg.gradients(loss, [w]) };
        });
        await sess.run(t.w.initializer);
        expect(t.grads[0]).to.not.equal(null);
        // d/dW sum((xW)^2) = 2 x^T (x W), with xW = [[-2, -2], [3.5, 6]]
        close(await value(sess, t.grads[0]!), [[10, 20], [7.5, 10]]);
      }
    });

    const optimizers: [string, () => tg.train.Optimizer, string][] = [
      ['GradientDescent', () => new tg.train.GradientDescentOptimizer(0.1), 'ResourceApplyGradientDescent'],
      ['Momentum', () => new tg.train.MomentumOptimizer(0.1, 0.9), 'ResourceApplyMomentum'],
      ['Momentum (nesterov)', () => new tg.train.MomentumOptimizer(0.1, 0.9, { useNesterov: true }), 'ResourceApplyMomentum'],
      ['Adagrad', () => new tg.train.AdagradOptimizer(0.1), 'ResourceApplyAdagrad'],
      ['RMSProp', () => new tg.train.RMSPropOptimizer(0.05, { momentum: 0.5 }), 'ResourceApplyRMSProp'],
      ['Adam', () => new tg.train.AdamOptimizer({ learningRate: 0.05 }), 'ResourceApplyAdam'],
      ['Adadelta', () => new tg.train.AdadeltaOptimizer(1, { rho: 0.9, epsilon: 1e-4 }), 'ResourceApplyAdadelta'],
      ['Ftrl', () => new tg.train.FtrlOptimizer(0.3, { l1RegularizationStrength: 0.01 }), 'ResourceApplyFtrl'],
      ['Ftrl (l2 shrinkage)', () => new tg.train.FtrlOptimizer(0.3, { l2ShrinkageRegularizationStrength: 0.1 }), 'ResourceApplyFtrlV2'],
    ];
    for (const [name, make, type] of optimizers) {
      it(`${name}.minimize on resource variables emits ${type} and trains as on ref variables`, async () => {
        const results: unknown[][] = [];
        for (const useResource of [false, true]) {
          const { g, sess, t } = setup(() => {
            const w = new tg.Variable([[0.5, -0.3], [0.2, 0.8]], { name: 'w', useResource });
            const b = new tg.Variable([0.1, -0.1], { name: 'b', useResource });
            const x = tg.constant([[1, 2], [3, -1], [0.5, 0.5]]);
            const y = tg.constant([[1, 0], [0, 1], [1, 1]]);
            const loss = tg.reduceMean(tg.square(tg.sub(tg.add(tg.matMul(x, w), b), y)));
            const step = tg.train.getOrCreateGlobalStep();
            return { w, b, loss, train: make().minimize(loss, { globalStep: step }), step };
          });
          const types = g.getOperations().map((o) => o.type);
          if (useResource) {
            expect(types).to.include(type);
            expect(types.filter((x) => /^Apply/.test(x))).to.deep.equal([]);
          }
          await sess.run(tg.globalVariablesInitializer(g));
          for (let i = 0; i < 4; i++) await sess.run(t.train);
          results.push([await value(sess, t.w.value()), await value(sess, t.b.value()), await value(sess, t.step.value())]);
        }
        close(results[1][0], results[0][0]);
        close(results[1][1], results[0][1]);
        expect(results[1][2]).to.equal(4);
        expect(results[0][0]).to.not.deep.equal([[0.5, -0.3], [0.2, 0.8]]);
      });
    }

    it('embeddingLookup on a resource variable is a ResourceGather; its gradient trains only the rows looked up', async () => {
      const table = [[1, 2], [3, 4], [5, 6], [7, 8]];
      const { g, sess, t } = setup(() => {
        const e = new tg.Variable(table, { name: 'emb', useResource: true });
        const ids = tg.constant([[2, 0], [2, 2]], { dtype: 'int32' });
        const rows = tg.nn.embeddingLookup(e, ids);
        const loss = tg.reduceSum(rows);
        return { e, rows, grad: tg.gradients(loss, [e])[0], train: new tg.train.GradientDescentOptimizer(1).minimize(loss) };
      });
      expect(g.getOperations().map((o) => o.type)).to.include('ResourceGather');
      expect(t.rows.shape).to.deep.equal([2, 2, 2]);
      await sess.run(t.e.initializer);
      expect(await value(sess, t.rows)).to.deep.equal([[[5, 6], [1, 2]], [[5, 6], [5, 6]]]);
      expect(await value(sess, t.grad!)).to.deep.equal([[1, 1], [0, 0], [3, 3], [0, 0]]);
      await sess.run(t.train);
      expect(await value(sess, t.e.value())).to.deep.equal([[0, 1], [3, 4], [2, 3], [7, 8]]);
    });

    // WebGPU's gather gives 0 at an out-of-range index (TF's GPU kernel); the CPU refuses it, as TF's CPU kernel
    if (backend === 'cpu') {
      it('ResourceGather refuses an out-of-range index with a typed error naming it', async () => {
        const { sess, t } = setup(() => {
          const e = new tg.Variable([[1], [2]], { name: 'emb', useResource: true });
          return { e, rows: tg.nn.embeddingLookup(e, tg.constant([0, 5], { dtype: 'int32' })) };
        });
        await sess.run(t.e.initializer);
        await rejects(sess.run(t.rows), tg.errors.InvalidArgumentError, 'indices[1] = 5 is not in [0, 2)');
      });
    }

    // builds a graph only (no session runs): backend-independent
    if (backend === 'cpu') {
      it('the ops refuse non-resource handles and mismatched types when the graph is built', () => {
        const g = new tg.Graph();
        g.asDefault(() => {
          const v = new tg.Variable([1, 2], { name: 'v', useResource: true });
          const ref = new tg.Variable([1, 2], { name: 'r' });
          expect(() => v.assign(tg.constant([1, 2, 3]))).to.not.throw(); // validate_shape=false, as TF's assign
          expect(() => v.assignAdd([1, 2, 3])).to.throw(tg.errors.InvalidArgumentError, 'Cannot update variable with shape [2]');
          expect(() => v.assignAdd(tg.constant([1, 2], { dtype: 'int32' }))).to.throw(tg.errors.InvalidArgumentError);
          // a ref variable's value is not a handle
          const gd = () => resourceApplyOf('ApplyGradientDescent', [ref.value(), tg.constant(0.1), tg.constant([1, 1])], { use_locking: false });
          expect(gd).to.throw(tg.errors.InvalidArgumentError, "Input 'var' of 'ResourceApplyGradientDescent' Op has type float32 that does not match expected type of resource");
          const shape = () => resourceApplyOf('ApplyGradientDescent', [v.ref, tg.constant(0.1), tg.constant([1, 1, 1])], { use_locking: false });
          expect(shape).to.throw(tg.errors.InvalidArgumentError, 'var and delta do not have the same shape');
          expect(() => readVariableOp(ref.value(), 'float32')).to.throw(tg.errors.InvalidArgumentError, 'does not match expected type of resource');
        });
      });
    }

    // files and formats: the same code on every backend (Saver syncs device variables first: test/webgpu)
    if (backend === 'cpu') {
      it('Saver saves and restores resource variables', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'tg-res-'));
        const { sess, t } = setup(() => {
          const v = new tg.Variable([1, 2, 3], { name: 'v', useResource: true });
          return { v, saver: new tg.train.Saver(), inc: v.assignAdd([10, 10, 10]) };
        });
        await sess.run(t.v.initializer);
        const path = await t.saver.save(sess, join(dir, 'model'));
        await sess.run(t.inc);
        expect(tg.train.listVariables(join(dir, 'model'))).to.deep.equal([['v', [3]]]);
        await t.saver.restore(sess, path);
        expect(await value(sess, t.v.value())).to.deep.equal([1, 2, 3]);
      });
    }

    // files and formats: the same code on every backend (Saver syncs device variables first: test/webgpu)
    if (backend === 'cpu') {
      it('importMetaGraph of a saved resource-variable model: VariableDefs marked is_resource, restored by its Saver, trained with its train op', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'tg-res-meta-'));
        const { g, sess, t } = setup(() => {
          const w = new tg.Variable([1, 2], { name: 'w', useResource: true });
          const loss = tg.reduceSum(tg.square(w.value()), undefined, false, 'loss');
          return { w, train: new tg.train.AdamOptimizer({ learningRate: 0.1 }).minimize(loss, { name: 'train' }), saver: new tg.train.Saver() };
        });
        await sess.run(tg.globalVariablesInitializer(g));
        await sess.run(t.train);
        const want = (await value(sess, t.w.value())) as number[];
        const path = await t.saver.save(sess, join(dir, 'model'));
        // TF reads is_resource to rebuild a ResourceVariable
        const metaDef = decodeMetaGraph(readFileSync(`${path}.meta`), 'meta');
        const defs = (metaDef.collection_def?.variables?.bytes_list?.value ?? []).map((b) => decodeMessage<{ variable_name?: string; is_resource?: boolean }>(pb.VariableDef, b, 'vd'));
        expect(defs.find((d) => d.variable_name === 'w:0')?.is_resource).to.equal(true);
        const g2 = new tg.Graph();
        const saver2 = g2.asDefault(() => tg.train.importMetaGraph(path))!;
        const vars = tg.globalVariables(g2);
        expect(vars.map((v) => [v.op.name, v.isResource])).to.deep.include.members([['w', true], ['w/Adam', true], ['w/Adam_1', true], ['beta1_power', true]]);
        const s2 = new tg.Session({ graph: g2 });
        await saver2.restore(s2, path);
        expect(await value(s2, 'w/Read/ReadVariableOp:0')).to.deep.equal(want);
        await s2.run('train');
        await sess.run(t.train);
        close(await value(s2, 'w/Read/ReadVariableOp:0'), await value(sess, t.w.value()));
      });
    }

    // files and formats: the same code on every backend (Saver syncs device variables first: test/webgpu)
    if (backend === 'cpu') {
      it('GraphDef round trip: an imported resource graph trains with its ResourceApply op', async () => {
        const { g, sess, t } = setup(() => {
          const w = new tg.Variable([1, 2], { name: 'w', useResource: true });
          const loss = tg.reduceSum(tg.square(w.value()));
          return { w, train: new tg.train.GradientDescentOptimizer(0.25).minimize(loss, { name: 'train' }) };
        });
        void t;
        const bytes = encodeGraphDef(g.toGraphDef());
        const g2 = new tg.Graph();
        tg.importGraphDef(bytes, { graph: g2 });
        expect(g2.getOperationByName('w').type).to.equal('VarHandleOp');
        const s2 = new tg.Session({ graph: g2 });
        await s2.run('w/Assign');
        await s2.run('train');
        expect(await value(s2, 'w/Read/ReadVariableOp:0')).to.deep.equal([0.5, 1]);
        void sess;
      });
    }

    // files and formats: the same code on every backend (Saver syncs device variables first: test/webgpu)
    if (backend === 'cpu') {
      it('freezing turns VarHandleOp into Const, ReadVariableOp into Identity, ResourceGather into GatherV2; ONNX exports the frozen graph', async () => {
        const { g, sess, t } = setup(() => {
          const emb = new tg.Variable([[1, 2], [3, 4], [5, 6]], { name: 'emb', useResource: true });
          const w = new tg.Variable([[1, 0], [0, 2]], { name: 'w', useResource: true });
          const ids = tg.placeholder('int32', [null], 'ids');
          const y = tg.identity(tg.matMul(tg.nn.embeddingLookup(emb, ids), w), 'y');
          return { emb, w, y };
        });
        await sess.run(tg.globalVariablesInitializer(g));
        const frozen = tg.graphUtil.convertVariablesToConstants(sess, g.toGraphDef(), ['y']);
        const types = frozen.node.map((n) => n.op);
        expect(types).to.not.include.members(['VarHandleOp', 'ReadVariableOp', 'ResourceGather']);
        expect(types).to.include.members(['Const', 'Identity', 'GatherV2']);
        const g2 = new tg.Graph();
        tg.importGraphDef(frozen, { graph: g2 });
        const feeds = { 'ids:0': tg.NDArray.from([2, 0], [2], 'int32') };
        const want = [[5, 12], [1, 4]];
        expect(await value(new tg.Session({ graph: g2 }), 'y:0', feeds)).to.deep.equal(want);
        expect(await value(sess, t.y, feeds)).to.deep.equal(want);
        const model = tg.onnx.exportModel(frozen, { inputs: ['ids:0'], outputs: ['y:0'] });
        const [out] = await runOrt(model, feeds, ['y:0']);
        expect(out.data).to.deep.equal([5, 12, 1, 4]);
        // unfrozen, export refuses with the reason
        expect(() => tg.onnx.exportModel(g, { inputs: ['ids:0'], outputs: ['y:0'] })).to.throw(tg.errors.UnimplementedError, 'freeze it first');
      });
    }
  });
});
