// Small named errors, each with a `code` and where it happened. Control signals (STOP) live in dsl/stop.ts.

export type StairsErrorCode =
  | 'INVALID_NAME'
  | 'DUPLICATE_NAME'
  | 'GRAPH'
  | 'WIRE'
  | 'STEP_FAILED'
  | 'INPUT_INVALID'
  | 'ENVELOPE'
  | 'CONFIG'
  | 'ENGINE'
  | 'RECORD_TOO_LARGE'
  | 'CONTRACT_MISMATCH'
  | 'SERVER'

export class StairsError extends Error {
  override readonly name: string = 'StairsError'
  constructor(
    readonly code: StairsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A builder misuse found while building a pipeline graph (names the pipeline and the source line). */
export class GraphError extends StairsError {
  override readonly name = 'GraphError'
  constructor(message: string) {
    super('GRAPH', message)
  }
}

/** A name that cannot become a queue name, or one used twice. */
export class NameError extends StairsError {
  override readonly name = 'NameError'
}

/** A value that cannot cross a stage boundary (function, BigInt, Map, cycle, ...). Never retried. */
export class WireError extends StairsError {
  override readonly name = 'WireError'
  constructor(
    message: string,
    readonly stage: string,
    readonly key: string,
  ) {
    super('WIRE', message)
  }
}

/** A record that failed its pipeline's input schema. Never retried. */
export class InputError extends StairsError {
  override readonly name = 'InputError'
  constructor(message: string) {
    super('INPUT_INVALID', message)
  }
}

/** A user function or flow step threw; names the pipeline, stage and node. */
export class StepError extends StairsError {
  override readonly name = 'StepError'
  constructor(
    message: string,
    readonly pipeline: string,
    readonly node: string,
    cause: unknown,
  ) {
    super('STEP_FAILED', message, { cause })
  }
}

/** Errors that retrying cannot fix: the record goes to the dead-letter list at once. */
export const isPermanent = (error: unknown): boolean => error instanceof WireError || error instanceof InputError

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error))
