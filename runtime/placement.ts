import { InvalidArgumentError, UnimplementedError } from '../graph/ir/index.js';
import type { Program, ProgramNode } from '../graph/passes/program.js';
import { hostInputIndex } from './host_inputs.js';
import type { Backend } from './backend.js';
import { deviceName, parseDevice } from './device_name.js';

/** The devices a session can run on: its backend's and the host CPU's (the same for 'cpu'). */
export interface DeviceSet {
  /** Index 0 is the session's default device. */
  readonly backends: readonly Backend[];
  /** Index of the host CPU: feeds, fetches and host-memory inputs live there. */
  readonly host: number;
}

export interface PlacementOptions {
  /** TF's allow_soft_placement: an op the chosen device cannot run goes to the CPU, reported. */
  readonly allowSoftPlacement?: boolean;
}

/** Where one step of a plan runs (TF's log_device_placement line, as data). */
export interface PlacementEntry {
  readonly name: string;
  readonly type: string;
  readonly device: string;
  readonly kernel?: string;
  /** Copies only: the device the value comes from. */
  readonly from?: string;
  /** Set when soft placement moved the op: why its own device could not take it. */
  readonly softPlaced?: string;
}

export interface NodePlacement {
  readonly device: number;
  readonly kernel: string;
  readonly softPlaced?: string;
}

/**
 * Assigns each executed node a device and a kernel, once per plan. A pin (`tg.device`) names a
 * device type; no pin means the session's default device. Feeds, and constants read only as
 * host-memory inputs, live on the host, and so does every op that reads or makes a string. A device that cannot run the op fails here, with the op,
 * its type and the backend named, unless soft placement is allowed: then the op goes to the CPU
 * and the entry says so. Nothing moves silently.
 */
export function placeNodes(program: Program, devices: DeviceSet, options: PlacementOptions = {}): Map<ProgramNode, NodePlacement> {
  const soft = options.allowSoftPlacement === true;
  const hostOnlyReaders = hostOnlyConsts(program);
  const placed = new Map<ProgramNode, NodePlacement>();
  for (const n of program.nodes) {
    if (n.type === 'Placeholder') continue;
    let device = 0;
    let softPlaced: string | undefined;
    const pin = parseDevice(n.device);
    if (hostOnlyReaders.has(n)) device = devices.host;
    // strings live in host memory only (TF's string kernels are CPU kernels), pin or not
    else if (touchesStrings(n)) device = devices.host;
    else if (pin) {
      const i = devices.backends.findIndex((b) => b.deviceType === pin.type && pin.index === 0);
      if (i >= 0) device = i;
      else if (soft) softPlaced = `no device matches '${n.device}'`;
      else {
        const available = devices.backends.map((b) => b.device).join(', ');
        throw new InvalidArgumentError(
          `Cannot assign a device for operation '${n.name}' (${n.type}): Could not satisfy explicit device specification '${deviceName(pin)}' because no devices matching that specification are registered in this process; available devices: ${available}`,
          { opName: n.name, opType: n.type, traceback: n.traceback },
        );
      }
    }
    const choice = devices.backends[device].kernelFor(n.def, n.type, { inputs: n.inputs.map((v) => v.dtype), outputs: n.outputs.map((v) => v.dtype) });
    if ('kernel' in choice) {
      placed.set(n, { device, kernel: choice.kernel, softPlaced });
      continue;
    }
    const backend = devices.backends[device];
    const hostChoice = devices.backends[devices.host].kernelFor(n.def, n.type);
    if (!soft || !('kernel' in hostChoice)) {
      throw new UnimplementedError(
        `No kernel for op '${n.name}' (${n.type}) on backend '${backend.name}' (${backend.device}): ${choice.unsupported}${soft ? '; the CPU has none either' : '; allowSoftPlacement: true runs it on the CPU'}`,
        { opName: n.name, opType: n.type, traceback: n.traceback },
      );
    }
    placed.set(n, { device: devices.host, kernel: hostChoice.kernel, softPlaced: `${backend.name} has no kernel: ${choice.unsupported}` });
  }
  return placed;
}

/** A node that reads or makes a string tensor: it runs where strings live, on the host. */
function touchesStrings(n: ProgramNode): boolean {
  return n.inputs.some((v) => v.dtype === 'string') || n.outputs.some((v) => v.dtype === 'string');
}

/** Consts whose every reader takes them as a host-memory input: their value never needs a device. */
function hostOnlyConsts(program: Program): Set<ProgramNode> {
  const consts = new Set(program.nodes.filter((n) => n.type === 'Const'));
  for (const v of program.fetches) consts.delete(v.node);
  for (const n of program.nodes) {
    n.inputs.forEach((v, i) => {
      if (consts.has(v.node) && hostInputIndex(n.def, i, n.inputs.length) < 0) consts.delete(v.node);
    });
  }
  return consts;
}
