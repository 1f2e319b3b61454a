// A dead letter, built the same way by every engine: where the record failed, why, and the
// record as it travelled.
import { errorMessage } from '../../errors.js'
import type { DeadLetter } from '../engine-types.js'

/** The name and message of a failure, as a dead letter keeps them. */
export const describeError = (error: unknown): { name: string; message: string } => ({
  name: error instanceof Error ? error.name : 'Error',
  message: errorMessage(error),
})

/** The stage id a dead letter names for a record refused at the input. */
export const INPUT_STAGE = 'input'

export function deadLetterOf(
  where: { readonly app: string; readonly name: string },
  stage: string,
  id: string,
  attempts: number,
  error: unknown,
  payload: unknown,
): DeadLetter {
  return {
    app: where.app,
    pipeline: where.name,
    stage,
    id,
    attempts,
    error: describeError(error),
    payload: printable(payload),
    at: new Date().toISOString(),
  }
}

/** A payload that JSON cannot hold (a BigInt, a cycle) is kept as its string form, so the letter itself can be stored. */
function printable(payload: unknown): unknown {
  if (typeof payload === 'string' || payload === null || typeof payload !== 'object') {
    if (typeof payload === 'bigint' || typeof payload === 'function' || typeof payload === 'symbol') return String(payload)
    return payload
  }
  try {
    JSON.stringify(payload)
    return payload
  } catch {
    return String(payload)
  }
}
