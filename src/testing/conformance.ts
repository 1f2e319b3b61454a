// engineConformance: the vitest suite every engine passes, written against the public port only
// (registerEngine, startRun, connectAdmin, run.admin), so a user runs it on an engine of their own
// exactly as stairs runs it on the built-in ones.
import { beforeAll, describe, expect, it } from 'vitest'
import type { AnyEngine, Engine } from '../runtime/port.js'
import { findEngine, registerEngine } from '../runtime/registry.js'
import { consumerCases } from './cases/consumers.js'
import { durabilityCases } from './cases/durability.js'
import { failureCases } from './cases/failures.js'
import type { KitCase, ResolvedClaims } from './cases/kit-case.js'
import { lifecycleCases } from './cases/lifecycle.js'
import { operatorCases } from './cases/operator.js'
import { semanticsCases } from './cases/semantics.js'
import type { ConformanceOptions } from './conformance-options.js'
import { withContext } from './kit-context.js'

const DEFAULT_TIMEOUT_MS = 60_000

/** Every case of the kit, in the order the suite runs them. */
export const kitCases: readonly KitCase[] = [
  ...semanticsCases,
  ...failureCases,
  ...lifecycleCases,
  ...operatorCases,
  ...consumerCases,
  ...durabilityCases,
]

/**
 * Defines a vitest suite that runs the engine conformance cases on an engine: pipeline semantics,
 * retries and dead letters, the size limit, contracts, dedupe, counters, graceful stop,
 * backpressure, consumers and (for durable engines) at-least-once under SIGKILL. Call it at the
 * top level of a test file.
 *
 * @example
 * engineConformance('postgres', () => postgresEngine, {
 *   settings: (testId) => ({ url: 'postgres://127.0.0.1/test', schema: testId }),
 *   cleanup: (_testId, settings) => dropSchema(settings),
 *   claims: { durable: true },
 *   worker: { module: new URL('./register-postgres.ts', import.meta.url).pathname },
 * })
 */
export function engineConformance<TSettings extends object>(
  name: string,
  makeEngine: () => Engine<TSettings> | Promise<Engine<TSettings>>,
  options: ConformanceOptions,
): void {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  let engine: AnyEngine | undefined
  let claims: ResolvedClaims | undefined
  const ready = (): { engine: AnyEngine; claims: ResolvedClaims } => {
    if (!engine || !claims) throw new Error(`conformance '${name}': the engine was not made (makeEngine failed in beforeAll)`)
    return { engine, claims }
  }

  describe(`engine conformance: ${name}`, () => {
    beforeAll(async () => {
      const made = (await makeEngine()) as unknown as AnyEngine
      registerEngine(made)
      // What the registry hands startRun and connectAdmin under that name is the engine under test.
      engine = findEngine(made.name)
      claims = resolveClaims(options)
    }, timeout)

    it('declares capabilities that match its claims', () => {
      const { engine, claims } = ready()
      expect({ durable: engine.capabilities.durable, distributed: engine.capabilities.distributed }).toEqual({
        durable: claims.durable,
        distributed: claims.distributed,
      })
    })

    for (const kitCase of kitCases) {
      const claimed = kitCase.needs === undefined || claimOf(options, kitCase.needs)
      if (!claimed) {
        // Not claimed: said in the title, and the case does not run (it is reported as skipped).
        it.skip(`${kitCase.title} (not claimed: ${kitCase.notClaimed?.(name) ?? `${name} does not claim ${kitCase.needs}`})`, () => {})
        continue
      }
      it(kitCase.title, { timeout: timeout * (kitCase.timeoutFactor ?? 1) }, () =>
        withContext(ready().engine, options, kitCase.slug, kitCase.run),
      )
    }
  })
}

/** A claim as the options give it, with its default (known before the engine is made, for test titles). */
function claimOf(options: ConformanceOptions, claim: keyof ResolvedClaims): boolean {
  const given = options.claims[claim]
  if (given !== undefined) return given
  if (claim === 'dedupe') return true
  if (claim === 'contracts' || claim === 'workers') return claimOf(options, 'distributed')
  // A durable engine is a distributed one (its workers die apart from its producers).
  return options.claims.durable
}

function resolveClaims(options: ConformanceOptions): ResolvedClaims {
  return {
    durable: options.claims.durable,
    distributed: claimOf(options, 'distributed'),
    dedupe: claimOf(options, 'dedupe'),
    contracts: claimOf(options, 'contracts'),
    workers: claimOf(options, 'workers'),
  }
}
