import * as tg from 'tensorgraph';

export interface Vgg16Options {
  inputSize?: number;
  classes?: number;
  /** Width of fc6/fc7 (4096 in the paper). */
  fcWidth?: number;
}

export interface LayerRow {
  name: string;
  shape: (number | null)[];
  params: number;
}

/** [block, convs, channels]: VGG16's configuration D. */
const BLOCKS: [number, number, number][] = [
  [1, 2, 64],
  [2, 2, 128],
  [3, 3, 256],
  [4, 3, 512],
  [5, 3, 512],
];

function conv(x: tg.Tensor, scope: string, inC: number, outC: number, rows: LayerRow[]): tg.Tensor {
  return tg.variableScope(scope, () => {
    // He initialisation: the notes' stddev 0.1 makes 13 stacked ReLU convs explode
    const w = tg.getVariable('weights', { shape: [3, 3, inC, outC], initializer: tg.heNormalInitializer() });
    const b = tg.getVariable('biases', { shape: [outC], initializer: tg.zerosInitializer() });
    const y = tg.nn.relu(tg.nn.biasAdd(tg.nn.conv2d(x, w, { strides: [1, 1, 1, 1], padding: 'SAME' }), b));
    rows.push({ name: scope, shape: y.shape ?? [], params: 9 * inC * outC + outC });
    return y;
  });
}

function fc(x: tg.Tensor, scope: string, inDim: number, outDim: number, rows: LayerRow[], relu: boolean): tg.Tensor {
  return tg.variableScope(scope, () => {
    const w = tg.getVariable('weights', { shape: [inDim, outDim], initializer: tg.glorotUniformInitializer() });
    const b = tg.getVariable('biases', { shape: [outDim], initializer: tg.zerosInitializer() });
    const y = tg.add(tg.matMul(x, w), b);
    rows.push({ name: scope, shape: y.shape ?? [], params: inDim * outDim + outDim });
    return relu ? tg.nn.relu(y) : y;
  });
}

/**
 * VGG16 the way the seed notes write it: variable_scope + get_variable (He-initialised), conv2d + bias_add + relu, max_pool, reshape, three fully connected layers.
 */
export function buildVgg16(images: tg.Tensor, options: Vgg16Options = {}): { logits: tg.Tensor; rows: LayerRow[] } {
  const size = options.inputSize ?? 224;
  const classes = options.classes ?? 1000;
  const width = options.fcWidth ?? 4096;
  const rows: LayerRow[] = [];
  let x = images;
  let channels = 3;
  for (const [block, convs, outC] of BLOCKS) {
    for (let i = 1; i <= convs; i++) {
      x = conv(x, `conv${block}_${i}`, channels, outC, rows);
      channels = outC;
    }
    x = tg.nn.maxPool(x, { ksize: [1, 2, 2, 1], strides: [1, 2, 2, 1], padding: 'SAME' }, `pool${block}`);
    rows.push({ name: `pool${block}`, shape: x.shape ?? [], params: 0 });
  }
  const spatial = Math.ceil(size / 32);
  const flatDim = spatial * spatial * 512;
  const flat = tg.reshape(x, [-1, flatDim], 'flatten');
  const f6 = fc(flat, 'fc6', flatDim, width, rows, true);
  const f7 = fc(f6, 'fc7', width, width, rows, true);
  const logits = fc(f7, 'fc8', width, classes, rows, false);
  return { logits, rows };
}

export function countParams(graph: tg.Graph): number {
  return graph
    .getCollection<tg.Variable>(tg.GraphKeys.TRAINABLE_VARIABLES)
    .reduce((a, v) => a + (v.shape ?? []).reduce<number>((p, d) => p * (d ?? 0), 1), 0);
}
