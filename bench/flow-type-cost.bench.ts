// Type cost of Flow (issue 3): `tsc --extendedDiagnostics` on a generated 10- and 20-step flow used
// with subscribeFlow, get and startFrom, against the same program without it (baseline) and against
// the same functions chained as subscribeFunc steps (the DSL's own cost for the same work).
import { type BenchResult, compared } from './harness.js'
import { measureTypeCost } from './type-cost.bench.js'

const header = `import type { DataFrame } from '../../src/index.js'
import { Flow } from '../../src/index.js'
declare const input: DataFrame<{ k0: number; tag: string }>
`

/** A flow of `steps` chained steps: step i reads k{i} and adds k{i+1}. */
export function generateFlowFixture(steps: number): string {
  if (steps === 0) return `${header}export const untouched = input.get('k0')\n`
  const fields = Array.from({ length: steps }, (_, i) => {
    const next = i + 1 < steps ? `, { next: ['s${i + 1}'] }` : ''
    return `  s${i} = this.step(({ k${i} }: { k${i}: number }) => ({ k${i + 1}: k${i} + 1 })${next})`
  })
  return `${header}class Chain extends Flow<{ k0: number }> {
${fields.join('\n')}
}
export const out = input.subscribeFlow(new Chain()).get('k${steps}')
export const started = new Chain().startFrom('s0', { k0: 1 }).s${steps - 1}.k${steps}
`
}

/** The same functions as a chain of subscribeFunc steps. */
function generateFuncFixture(steps: number): string {
  const chain = Array.from({ length: steps }, (_, i) => `.subscribeFunc(({ k${i} }: { k${i}: number }) => ({ k${i + 1}: k${i} + 1 }))`)
  return `${header}export const out = input${chain.join('')}.get('k${steps}')\n`
}

export default async function flowTypeCost(): Promise<BenchResult[]> {
  const baseline = await measureTypeCost('flow-0', generateFlowFixture(0))
  const results: BenchResult[] = []
  for (const steps of [10, 20]) {
    const flow = await measureTypeCost(`flow-${steps}`, generateFlowFixture(steps))
    const funcs = await measureTypeCost(`funcs-${steps}`, generateFuncFixture(steps))
    for (const [what, cost] of [
      ['flow', flow],
      ['funcs', funcs],
    ] as const) {
      if (cost.errors.length) throw new Error(`the ${steps}-step ${what} fixture does not compile:\n${cost.errors.join('\n')}`)
    }
    const added = flow.instantiations - baseline.instantiations
    results.push(
      compared(`${steps}-step flow: instantiations`, flow.instantiations, 'count', { name: 'no flow', value: baseline.instantiations }),
      compared(`${steps}-step flow: instantiations added`, added, 'count', {
        name: `${steps} subscribeFunc steps, added`,
        value: funcs.instantiations - baseline.instantiations,
      }),
      compared(`${steps}-step flow: check time`, flow.checkSeconds, 's', { name: 'no flow', value: baseline.checkSeconds }),
      compared(`${steps}-step flow: check time`, flow.checkSeconds, 's', {
        name: `${steps} subscribeFunc steps`,
        value: funcs.checkSeconds,
      }),
    )
  }
  return results
}
