// One conformance case: a title, a slug for its test id, what it needs the engine to claim, and
// its body, run against a fresh KitContext.
import type { EngineClaims } from '../conformance-options.js'
import type { KitContext } from '../kit-context.js'

/** The claims with their defaults filled in (conformance.ts resolves them). */
export type ResolvedClaims = Required<EngineClaims>

export interface KitCase {
  readonly title: string
  readonly slug: string
  /** The claim the case tests; when the engine does not make it, the title says so and the case does not run. */
  readonly needs?: keyof ResolvedClaims
  /** Why the case does not apply, for the title (`memory is not durable`). */
  readonly notClaimed?: (engine: string) => string
  /** A multiple of the per-test timeout (process tests need more). */
  readonly timeoutFactor?: number
  readonly run: (context: KitContext) => Promise<void>
}

/** `n` records `{ key, n }` with keys unique to the test. */
export const keyedRecords = (context: KitContext, count: number): { key: string; n: number }[] =>
  Array.from({ length: count }, (_, n) => ({ key: `${context.testId}-${n}`, n }))

/** Polls `condition` until it holds or `timeoutMs` passes (then fails naming `what`, a function to describe the state then). */
export async function waitFor(
  what: string | (() => string),
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`kit: timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
