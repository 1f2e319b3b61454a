// What a failed attempt means, decided once for every engine. A record fault that retrying cannot
// fix (junk bytes, a value that cannot cross the wire, a schema refusal, a record over the size
// limit) goes to the dead-letter queue at once; any other step failure is retried with backoff
// until the stage's attempts are spent.
import { StairsError, type StairsErrorCode } from '../../errors.js'
import type { RetryPolicy } from '../../graph/nodes.js'

/** Error codes of failures that no retry can fix. */
const PERMANENT_CODES: ReadonlySet<StairsErrorCode> = new Set(['WIRE', 'INPUT_INVALID', 'ENVELOPE', 'RECORD_TOO_LARGE'])

/** True for errors that retrying cannot fix: the record goes to the dead-letter queue at once. */
export const isPermanent = (error: unknown): boolean => error instanceof StairsError && PERMANENT_CODES.has(error.code)

export interface FailureDecision {
  /** Attempts made, this one included. */
  readonly attempts: number
  /** Try again after `delayMs`; otherwise the record is dead-lettered. */
  readonly retry: boolean
  readonly delayMs: number
}

/**
 * Decides what follows a failed attempt. `attempt` counts the attempts before this one (0 for
 * the first); `permanent` forces a dead letter (the caller knows retrying is pointless).
 */
export function decideFailure(error: unknown, attempt: number, policy: RetryPolicy, permanent = false): FailureDecision {
  const attempts = attempt + 1
  if (permanent || isPermanent(error) || attempts >= policy.attempts) return { attempts, retry: false, delayMs: 0 }
  return { attempts, retry: true, delayMs: backoffDelay(policy, attempts) }
}

/** Exponential backoff with jitter: base * 2^(attempt-1), scaled by a random factor in [0.5, 1). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.round(policy.backoffMs * 2 ** Math.max(0, attempt - 1) * (0.5 + Math.random() / 2))
}
