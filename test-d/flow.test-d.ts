// Flow types: the inferred output of each flow of the Flow issue and the seed docs, exactly.
import { expectType } from 'tsd'
import { type DataFrame, Flow, type FlowInput, type FlowOutput, type ShapeOf } from '../src/index.js'

declare const input: DataFrame<{ value: number; tag: string }>

// Acceptance 1: first -> second (saveResult) -> last.
class Powers extends Flow<{ value: number }> {
  first = this.step(({ value }: { value: number }) => ({ p1: value }), { next: ['second'] })
  second = this.step(({ p1 }: { p1: number }) => ({ p2: p1 * p1 }), { next: ['last'], saveResult: true })
  last = this.step(({ value, p2 }: { value: number; p2: number }) => ({ p3: value ** 3, seenP2: p2 }))
}
expectType<{ value: number }>({} as FlowInput<Powers>)
expectType<{ value: number; p1: number; p2: number; p3: number; seenP2: number }>({} as FlowOutput<Powers>)
expectType<{ last: { p3: number; seenP2: number }; second: { value: number; p1: number; p2: number } }>(
  new Powers().startFrom('first', { value: 3 }),
)
const merged = input.subscribeFlow(new Powers())
expectType<{ value: number; tag: string; p1: number; p2: number; p3: number; seenP2: number }>({} as ShapeOf<typeof merged>)
const applied = input.applyFlow(new Powers(), { asWorker: true })
expectType<{ value: number; p1: number; p2: number; p3: number; seenP2: number }>({} as ShapeOf<typeof applied>)
const fromPoint = input.get('value').subscribeFlow(new Powers())
expectType<{ value: number; p1: number; p2: number; p3: number; seenP2: number }>({} as ShapeOf<typeof fromPoint>)
expectType<number>({} as ShapeOf<ReturnType<typeof merged.get<'seenP2'>>>['seenP2'])

// Two next steps: both results keyed by step name; the output merges both branches.
class Branches extends Flow<{ value: number }> {
  root = this.step(({ value }: { value: number }) => ({ doubled: value * 2 }), { next: ['left', 'right'] })
  left = this.step(({ doubled }: { doubled: number }) => ({ left: doubled + 1 }))
  right = this.step(({ doubled }: { doubled: number }) => ({ right: String(doubled) }))
}
expectType<{ left: { left: number }; right: { right: string } }>(new Branches().startFrom('root', { value: 1 }))
expectType<{ value: number; doubled: number; left: number; right: string }>({} as FlowOutput<Branches>)

// Seed: the `@step` chain.
class StepChain extends Flow<{ value: number }> {
  first_step = this.step(({ value }: { value: number }) => ({ first_step_result: value }), { next: ['second_step'] })
  second_step = this.step(({ first_step_result }: { first_step_result: number }) => ({ second_step_result: first_step_result }))
}
expectType<{ value: number; first_step_result: number; second_step_result: number }>({} as FlowOutput<StepChain>)
expectType<{ second_step: { second_step_result: number } }>(new StepChain().startFrom('first_step', { value: 1 }))

// Seed: the branching flow (first_step, then second_step_1 and second_step_2 on their own copies).
class Branching extends Flow<{ value: number }> {
  second_step_2 = this.step(({ root }: { root: number }) => ({ two: root }))
  second_step_1 = this.step(({ root }: { root: number }) => ({ one: String(root) }))
  first_step = this.step(({ value }: { value: number }) => ({ root: value }), { next: ['second_step_1', 'second_step_2'] })
}
expectType<{ second_step_1: { one: string }; second_step_2: { two: number } }>(new Branching().startFrom('first_step', { value: 1 }))

// Seed: the accumulating three-step flow, declared last step first.
class Accumulating extends Flow<{ value: number }> {
  third_step = this.step(
    ({ value, first_step_result, second_step_result }: { value: number; first_step_result: number; second_step_result: number }) => ({
      flow_result: value + first_step_result + second_step_result,
    }),
  )
  second_step = this.step(({ first_step_result }: { first_step_result: number }) => ({ second_step_result: first_step_result }), {
    next: ['third_step'],
  })
  first_step = this.step(({ value }: { value: number }) => ({ first_step_result: value }), { next: ['second_step'] })
}
expectType<{ value: number; first_step_result: number; second_step_result: number; flow_result: number }>({} as FlowOutput<Accumulating>)

// Seed: start_from in a custom run; its return type is the flow's output.
class StartFrom extends Flow<{ value: number }> {
  run(this: StartFrom, _input: { value: number }) {
    const resultFor2 = this.startFrom('calculate_stats', { value: 2 })
    return { total: resultFor2.validate_data.value }
  }
  validate_data = this.step(({ value }: { value: number }) => ({ value: Math.max(value, 100) }))
  calculate_stats = this.step(({ value }: { value: number }) => ({ value: value ** 2 }), { next: ['validate_data'] })
}
expectType<{ total: number }>({} as FlowOutput<StartFrom>)
const totals = input.subscribeFlow(new StartFrom())
expectType<{ value: number; tag: string; total: number }>({} as ShapeOf<typeof totals>)

// Seed: save_result, then MyFlow2 redefining first_step (power4), then reconnect adding third_step.
class SavePowers extends Flow<{ value: number }> {
  second_step = this.step(({ value }: { value: number }) => ({ power3: value ** 3 }))
  first_step = this.step(({ value }: { value: number }) => ({ power2: value ** 2 }), { next: ['second_step'], saveResult: true })
}
expectType<{ first_step: { value: number; power2: number }; second_step: { power3: number } }>(
  new SavePowers().startFrom('first_step', { value: 3 }),
)
expectType<{ value: number; power2: number; power3: number }>({} as FlowOutput<SavePowers>)

class SavePowers2 extends SavePowers {
  override first_step = this.step(({ value }: { value: number }) => ({ power4: value ** 4 }), { next: ['second_step'], saveResult: true })
}
expectType<{ value: number; power4: number; power3: number }>({} as FlowOutput<SavePowers2>)

class SavePowersReconnected extends SavePowers {
  third_step = this.step(({ value, power3 }: { value: number; power3: number }) => ({ power4: value ** 4, was: power3 }))
  override reconnect() {
    return [this.connect('second_step', 'third_step'), this.saveResult('second_step')] as const
  }
}
expectType<{
  first_step: { value: number; power2: number }
  second_step: { value: number; power2: number; power3: number }
  third_step: { power4: number; was: number }
}>(new SavePowersReconnected().startFrom('first_step', { value: 2 }))
expectType<{ value: number; power2: number; power3: number; power4: number; was: number }>({} as FlowOutput<SavePowersReconnected>)

// A fan-out step: one output record per item; startFrom gives arrays after it.
class Words extends Flow<{ text: string }> {
  split = this.fanOut(({ text }: { text: string }) => text.split(' ').map((word) => ({ word })), { next: ['measure'] })
  measure = this.step(({ word }: { word: string }) => ({ length: word.length }))
}
expectType<{ text: string; word: string; length: number }>({} as FlowOutput<Words>)
expectType<{ measure: { length: number }[] }>(new Words().startFrom('split', { text: 'a b' }))

// An async step makes startFrom return a promise.
class Slow extends Flow<{ value: number }> {
  fetch = this.step(async ({ value }: { value: number }) => ({ fetched: value + 1 }), { next: ['use'] })
  use = this.step(({ fetched }: { fetched: number }) => ({ used: fetched * 10 }))
}
expectType<Promise<{ use: { used: number } }>>(new Slow().startFrom('fetch', { value: 1 }))
expectType<{ value: number; fetched: number; used: number }>({} as FlowOutput<Slow>)
