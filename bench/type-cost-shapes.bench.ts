// Type cost with declared shapes (issue 4, acceptance 4): `tsc --extendedDiagnostics` on chains of
// 50/100/200 steps, plain (inference runs through every Merge) and re-anchored every 25 steps on
// the interfaces codegen declares in shapes.ts. The plain chain is the baseline of each size.

import { generateChainFixture } from '../test/fixtures/type-cost/generate.js'
import { generateAnchoredChainFixture } from '../test/fixtures/type-cost/generate-shapes.js'
import { type BenchResult, compared } from './harness.js'
import { measureTypeCost } from './type-cost.bench.js'

const errorNote = (errors: readonly string[]): string =>
  errors.length ? `${errors.length} error(s)${errors.some((e) => e.includes('TS2589')) ? ', TS2589' : ''}` : 'compiles'

export default async function (): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  for (const steps of [50, 100, 200]) {
    const plain = await measureTypeCost(`plain-${steps}`, generateChainFixture(steps))
    const shaped = await measureTypeCost(`shaped-${steps}`, generateAnchoredChainFixture(steps))
    if (shaped.errors.length) throw new Error(`the ${steps}-step anchored fixture does not compile:\n${shaped.errors.join('\n')}`)
    const note = `with shapes: compiles; without: ${errorNote(plain.errors)}`
    results.push(
      compared(
        `${steps} steps with shapes: instantiations`,
        shaped.instantiations,
        'count',
        { name: 'without shapes', value: plain.instantiations },
        note,
      ),
      compared(`${steps} steps with shapes: check time`, shaped.checkSeconds, 's', { name: 'without shapes', value: plain.checkSeconds }),
    )
  }
  return results
}
