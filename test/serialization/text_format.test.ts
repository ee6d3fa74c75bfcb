import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tg from '../../src/index.js';
import { readCheckpointState } from '../../serialization/checkpoint/state.js';
import { tempDir } from './fixtures.js';

/** Issue 10, finding 7: names from a text file were looked up on plain objects, prototype included. */
const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];

describe('serialization/text_format: prototype names are unknown names', () => {
  it('a .pbtxt field named like an Object.prototype member is an InvalidArgumentError naming the field and line', () => {
    for (const name of PROTO_NAMES) {
      for (const text of [`${name}: 1`, `${name} { }`, `node { name: "a" op: "NoOp" }\n${name}: "x"`, `node {\n  name: "a"\n  ${name}: 2\n}`]) {
        const line = text.split('\n').findIndex((l) => l.includes(name)) + 1;
        expect(() => tg.graphUtil.parseGraphDefText(text, 'g.pbtxt'), `${JSON.stringify(text)}`).to.throw(tg.InvalidArgumentError, `g.pbtxt: text proto parse error at line ${line}: message`)
          .with.property('message').that.contains(`no field '${name}'`);
      }
    }
  });

  it("an enum value or map key named like an Object.prototype member is refused, never looked up", () => {
    for (const name of PROTO_NAMES) {
      const enumText = `node { name: "c" op: "Const" attr { key: "dtype" value { type: ${name} } } }`;
      expect(() => tg.graphUtil.parseGraphDefText(enumText, 'e.pbtxt'), name).to.throw(tg.InvalidArgumentError, `unknown DataType value '${name}'`);
    }
    const protoKey = 'node { name: "a" op: "NoOp" attr { key: "__proto__" value { i: 1 } } }';
    expect(() => tg.graphUtil.parseGraphDefText(protoKey, 'k.pbtxt')).to.throw(tg.InvalidArgumentError, "k.pbtxt: text proto parse error at line 1: map attr has a key '__proto__'");
    // other such keys are plain attr names, which the importer then refuses as not in the op
    const ctorKey = 'node { name: "a" op: "NoOp" attr { key: "constructor" value { i: 1 } } }';
    const def = tg.graphUtil.parseGraphDefText(ctorKey, 'k.pbtxt');
    expect(Object.keys(def.node[0].attr!)).to.deep.equal(['constructor']);
    expect(() => tg.importGraphDef(def, { graph: new tg.Graph(), source: 'k.pbtxt' })).to.throw(tg.InvalidArgumentError, "attr 'constructor' not in Op<name=NoOp>");
  });

  it('a checkpoint state file with such a field is an InvalidArgumentError naming the file and field', () => {
    for (const name of PROTO_NAMES) {
      const dir = join(tempDir('state'), name.replace(/_/g, 'u'));
      mkdirSync(dir);
      writeFileSync(join(dir, 'checkpoint'), `model_checkpoint_path: "m-1"\n${name}: "m-1"\n`);
      expect(() => readCheckpointState(dir), name).to.throw(tg.InvalidArgumentError, `line 2: message CheckpointState has no field '${name}'`);
      expect(() => tg.train.latestCheckpoint(dir), name).to.throw(tg.InvalidArgumentError, join(dir, 'checkpoint'));
    }
  });
});
