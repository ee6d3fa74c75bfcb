/**
 * Typed errors with TensorFlow's canonical codes. Every error raised for a user mistake is one of
 * these, so callers can `instanceof`-check them the way TF1 users catch `tf.errors.*`.
 */
export const ErrorCode = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What an error knows about the op it is about (all optional: not every error has an op). */
export interface OpErrorContext {
  opName?: string;
  opType?: string;
  /** User stack frames captured when the op was created. */
  traceback?: readonly string[];
}

export class TensorGraphError extends Error {
  readonly code: ErrorCodeValue;
  readonly opName?: string;
  readonly opType?: string;
  readonly traceback?: readonly string[];

  constructor(code: ErrorCodeValue, message: string, ctx: OpErrorContext = {}) {
    super(formatWithCause(message, ctx));
    this.code = code;
    this.opName = ctx.opName;
    this.opType = ctx.opType;
    this.traceback = ctx.traceback;
    this.name = new.target.name;
  }
}

/** TF1 appends "Caused by op 'x', defined at:" and the user's frames; we do the same. */
function formatWithCause(message: string, ctx: OpErrorContext): string {
  if (!ctx.opName || !ctx.traceback || ctx.traceback.length === 0) return message;
  const where = ctx.traceback.map((f) => `  ${f}`).join('\n');
  return `${message}\n\nCaused by op '${ctx.opName}'${ctx.opType ? ` (${ctx.opType})` : ''}, defined at:\n${where}`;
}

/**
 * A TensorGraphError subclass with a fixed code. Typed explicitly: inferred, the declaration files
 * would spell out Error's static side, which @types/node extends (NodeJS.CallSite), and a browser
 * project without Node's types could not compile against them.
 */
type CodedErrorClass = new (message: string, ctx?: OpErrorContext) => TensorGraphError;

function makeError(code: ErrorCodeValue): CodedErrorClass {
  return class extends TensorGraphError {
    constructor(message: string, ctx: OpErrorContext = {}) {
      super(code, message, ctx);
    }
  };
}

export class CancelledError extends makeError(ErrorCode.CANCELLED) {}
export class UnknownError extends makeError(ErrorCode.UNKNOWN) {}
export class InvalidArgumentError extends makeError(ErrorCode.INVALID_ARGUMENT) {}
export class DeadlineExceededError extends makeError(ErrorCode.DEADLINE_EXCEEDED) {}
export class NotFoundError extends makeError(ErrorCode.NOT_FOUND) {}
export class AlreadyExistsError extends makeError(ErrorCode.ALREADY_EXISTS) {}
export class PermissionDeniedError extends makeError(ErrorCode.PERMISSION_DENIED) {}
export class ResourceExhaustedError extends makeError(ErrorCode.RESOURCE_EXHAUSTED) {}
export class FailedPreconditionError extends makeError(ErrorCode.FAILED_PRECONDITION) {}
export class AbortedError extends makeError(ErrorCode.ABORTED) {}
export class OutOfRangeError extends makeError(ErrorCode.OUT_OF_RANGE) {}
export class UnimplementedError extends makeError(ErrorCode.UNIMPLEMENTED) {}
export class InternalError extends makeError(ErrorCode.INTERNAL) {}
export class UnavailableError extends makeError(ErrorCode.UNAVAILABLE) {}
export class DataLossError extends makeError(ErrorCode.DATA_LOSS) {}
