import { expect } from 'chai';
import { WasmHeap } from '../../../runtime/cpu/wasm/heap.js';
import { heapMemoryType } from '../../../runtime/cpu/wasm/memory_type.js';

describe('wasm heap memory', () => {
  it('is shared in Node, so worker threads can use it and views survive growth', () => {
    expect(heapMemoryType().shared).to.equal(true);
    const heap = new WasmHeap();
    expect(heap.memory.buffer).to.be.instanceOf(SharedArrayBuffer);
    const before = heap.f32();
    before[3] = 7.5;
    heap.ensure(before.byteLength + 65536 * 3, 'a growth test');
    // the old view still reads and writes the same bytes; f32() now covers the new pages
    expect(before[3]).to.equal(7.5);
    const after = heap.f32();
    expect(after.byteLength).to.equal(heap.memory.buffer.byteLength);
    expect(after.byteLength).to.be.greaterThan(before.byteLength);
    after[3] = 1.25;
    expect(before[3]).to.equal(1.25);
  });

  it('refuses a growth past 2 GiB with a typed error naming what asked', () => {
    const heap = new WasmHeap();
    expect(() => heap.ensure(2 ** 31 + 1, 'a huge region')).to.throw(/a huge region needs 2147483649 bytes/);
  });
});
