/** A device a pin asks for: TF's type ('CPU', 'GPU', …) and index. */
export interface DeviceSpec {
  readonly type: string;
  readonly index: number;
}

/**
 * Reads a TF device string: '/cpu:0', '/gpu:0', '/device:GPU:0', 'GPU:1', or a full
 * '/job:localhost/replica:0/task:0/device:CPU:0'. Null for '' (no pin) or a string naming no
 * device (only job/replica/task parts), which pins nothing, as in TF.
 */
export function parseDevice(s: string): DeviceSpec | null {
  let found: DeviceSpec | null = null;
  for (const part of s.split('/')) {
    if (part === '') continue;
    const m = /^(?:device:)?([A-Za-z_]+):(\d+|\*)$/.exec(part);
    if (!m) continue;
    const type = m[1].toUpperCase();
    if (type === 'JOB' || type === 'REPLICA' || type === 'TASK') continue;
    found = { type, index: m[2] === '*' ? 0 : Number(m[2]) };
  }
  return found;
}

/** TF's canonical short name, '/device:GPU:0'. */
export function deviceName(spec: DeviceSpec): string {
  return `/device:${spec.type}:${spec.index}`;
}

/** The full name TF logs and traces use. */
export function fullDeviceName(device: string): string {
  return `/job:localhost/replica:0/task:0${device}`;
}
