// Every Flow example of the seed documentation (Python Stairs), rewritten in TypeScript, with its
// expected output. Step names keep the seed's snake_case so the two read side by side.
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, Flow } from '../src/index.js'
import { runPipeline } from '../src/runtime/index.js'

// `@step` chain. The seed's decorators name each step's next step; the intent of the snippet is
// first_step -> second_step (second_step reads first_step_result).
class StepChain extends Flow<{ value: number }> {
  first_step = this.step(({ value }: { value: number }) => ({ first_step_result: value }), { next: ['second_step'] })
  second_step = this.step(({ first_step_result }: { first_step_result: number }) => ({ second_step_result: first_step_result }))
}

// The accumulating three-step flow, declared last step first as in the seed: order does not matter.
class Accumulating extends Flow<{ value: number }> {
  third_step = this.step(
    ({ value, first_step_result, second_step_result }: { value: number; first_step_result: number; second_step_result: number }) => ({
      flow_result: value + first_step_result + second_step_result, // which actually means value * 3
    }),
  )
  second_step = this.step(({ first_step_result }: { first_step_result: number }) => ({ second_step_result: first_step_result }), {
    next: ['third_step'],
  })
  first_step = this.step(({ value }: { value: number }) => ({ first_step_result: value }), { next: ['second_step'] })
}

// The branching flow: first_step has two next steps; the seed's steps return nothing, ours say
// which keys they saw, to show that each branch runs on its own copy.
class Branching extends Flow<{ value: number }> {
  second_step_2 = this.step((record: { value: number }) => ({ seen_by_2: Object.keys(record).sort() }))
  second_step_1 = this.step((record: { value: number }) => ({ seen_by_1: Object.keys(record).sort() }))
  first_step = this.step(({ value }: { value: number }) => ({ root: value }), { next: ['second_step_1', 'second_step_2'] })
}

// `start_from` inside a custom `__call__` (our `run`). The seed's calculate_stats returns a bare
// number; ours returns the record `{ value }` that validate_data reads.
class StartFrom extends Flow<{ value: number }> {
  run(this: StartFrom, _input: { value: number }) {
    const resultFor2 = this.startFrom('calculate_stats', { value: 2 })
    const resultFor4 = this.startFrom('calculate_stats', { value: 4 })
    return { total: resultFor2.validate_data.value + resultFor4.validate_data.value }
  }
  validate_data = this.step(({ value }: { value: number }) => ({ value: Math.max(value, 100) }))
  calculate_stats = this.step(({ value }: { value: number }) => ({ value: value ** 2 }), { next: ['validate_data'] })
}

// `save_result`: the seed's `__call__` returns `{ **result.first_step, **result.second_step }`.
class SaveResult extends Flow<{ value: number }> {
  run(this: SaveResult, input: { value: number }) {
    const result = this.startFrom('first_step', input)
    return { ...result.first_step, ...result.second_step }
  }
  second_step = this.step(({ value }: { value: number }) => ({ power3: value ** 3 }))
  first_step = this.step(({ value }: { value: number }) => ({ power2: value ** 2 }), { next: ['second_step'], saveResult: true })
}

// The same flow without a custom run: its default output (the accumulated record at the last step)
// is what the seed's `__call__` computes, and it follows subclass overrides.
class Powers extends Flow<{ value: number }> {
  second_step = this.step(({ value }: { value: number }) => ({ power3: value ** 3 }))
  first_step = this.step(({ value }: { value: number }) => ({ power2: value ** 2 }), { next: ['second_step'], saveResult: true })
}

// MyFlow2: inheritance redefines first_step; second_step, which it points to, is untouched.
class PowersOverride extends Powers {
  override first_step = this.step(({ value }: { value: number }) => ({ power4: value ** 4 }), { next: ['second_step'], saveResult: true })
}

// MyFlow2 with `__reconect__`: a new third_step after second_step, and second_step saved.
class PowersReconnected extends Powers {
  third_step = this.step(({ value }: { value: number }) => ({ power4: value ** 4 }))
  // Returning the calls lets the type checker see the new wiring too.
  override reconnect() {
    return [this.connect('second_step', 'third_step'), this.saveResult('second_step')] as const
  }
}

const input = z.object({ value: z.number() })

async function throughPipeline(name: string, build: (app: App) => Parameters<typeof runPipeline>[0], value: number) {
  const { outputs, deadLetters } = await runPipeline(build(new App(`flow_seed_${name}`)), [{ value }])
  expect(deadLetters).toEqual([])
  return outputs
}

describe('seed documentation Flow examples', () => {
  it('@step chain: first_step then second_step', async () => {
    expect(new StepChain().startFrom('first_step', { value: 5 })).toEqual({ second_step: { second_step_result: 5 } })
    const outputs = await throughPipeline(
      'chain',
      (app) => app.pipeline('chain', { input }, (_p, r) => r.subscribeFlow(new StepChain())),
      5,
    )
    expect(outputs).toEqual([{ value: 5, first_step_result: 5, second_step_result: 5 }])
  })

  it('accumulating three steps: flow_result is value * 3, steps declared in reverse order', async () => {
    expect(new Accumulating().startFrom('first_step', { value: 7 })).toEqual({ third_step: { flow_result: 21 } })
    const outputs = await throughPipeline('acc', (app) => app.pipeline('acc', { input }, (_p, r) => r.applyFlow(new Accumulating())), 7)
    expect(outputs).toEqual([{ value: 7, first_step_result: 7, second_step_result: 7, flow_result: 21 }])
  })

  it('branching: both next steps run, each on its own copy', () => {
    expect(new Branching().startFrom('first_step', { value: 1 })).toEqual({
      second_step_1: { seen_by_1: ['root', 'value'] },
      second_step_2: { seen_by_2: ['root', 'value'] },
    })
  })

  it('start_from in a custom run: validate_data of 2 and of 4', async () => {
    expect(new StartFrom().startFrom('calculate_stats', { value: 20 })).toEqual({ validate_data: { value: 400 } })
    const outputs = await throughPipeline(
      'start',
      (app) => app.pipeline('start', { input }, (_p, r) => r.subscribeFlow(new StartFrom())),
      0,
    )
    expect(outputs).toEqual([{ value: 0, total: 200 }])
  })

  it('save_result: the saved first_step record and second_step output', async () => {
    expect(new SaveResult().startFrom('first_step', { value: 3 })).toEqual({
      first_step: { value: 3, power2: 9 },
      second_step: { power3: 27 },
    })
    const outputs = await throughPipeline('save', (app) => app.pipeline('save', { input }, (_p, r) => r.applyFlow(new SaveResult())), 3)
    expect(outputs).toEqual([{ value: 3, power2: 9, power3: 27 }])
    const plain = await throughPipeline('plain', (app) => app.pipeline('plain', { input }, (_p, r) => r.applyFlow(new Powers())), 3)
    expect(plain).toEqual(outputs)
  })

  it('MyFlow2 inheritance: the redefined first_step gives power4, second_step is unchanged', async () => {
    expect(new PowersOverride().startFrom('first_step', { value: 3 })).toEqual({
      first_step: { value: 3, power4: 81 },
      second_step: { power3: 27 },
    })
    const outputs = await throughPipeline(
      'override',
      (app) => app.pipeline('override', { input }, (_p, r) => r.applyFlow(new PowersOverride())),
      3,
    )
    expect(outputs).toEqual([{ value: 3, power4: 81, power3: 27 }])
    // The parent class is untouched.
    expect(new Powers().startFrom('first_step', { value: 3 })).toEqual({ first_step: { value: 3, power2: 9 }, second_step: { power3: 27 } })
  })

  it('reconnect: third_step after second_step, second_step saved', async () => {
    expect(new PowersReconnected().startFrom('first_step', { value: 2 })).toEqual({
      first_step: { value: 2, power2: 4 },
      second_step: { value: 2, power2: 4, power3: 8 },
      third_step: { power4: 16 },
    })
    const outputs = await throughPipeline(
      'reconnect',
      (app) => app.pipeline('reconnect', { input }, (_p, r) => r.applyFlow(new PowersReconnected())),
      2,
    )
    expect(outputs).toEqual([{ value: 2, power2: 4, power3: 8, power4: 16 }])
  })
})

describe('Flow inheritance (acceptance 3)', () => {
  class Base extends Flow<{ value: number }> {
    last = this.step(({ middle }: { middle: number }) => ({ result: middle + 1 }))
    middle = this.step(({ value }: { value: number }) => ({ middle: value * 10 }), { next: ['last'] })
  }
  class Changed extends Base {
    override middle = this.step(({ value }: { value: number }) => ({ middle: value * 100 }), { next: ['last'] })
  }
  class Inserted extends Base {
    double = this.step(({ middle }: { middle: number }) => ({ middle: middle * 2 }))
    override reconnect() {
      return [this.disconnect('middle', 'last'), this.connect('middle', 'double'), this.connect('double', 'last')] as const
    }
  }

  it('a redefined step changes what the steps pointing to it reach, without touching them', () => {
    expect(new Base().startFrom('middle', { value: 2 })).toEqual({ last: { result: 21 } })
    expect(new Changed().startFrom('middle', { value: 2 })).toEqual({ last: { result: 201 } })
  })

  it('reconnect can insert a step in the middle', () => {
    expect(new Inserted().startFrom('middle', { value: 2 })).toEqual({ last: { result: 41 } })
  })

  it('reconnect() may also just call connect (rewires at run time; the types keep the declared wiring)', () => {
    class Untyped extends Base {
      tail = this.step(({ value }: { value: number }) => ({ tail: value }))
      override reconnect(): void {
        this.connect('last', 'tail')
      }
    }
    expect(new Untyped().startFrom('middle', { value: 1 })).toEqual({ tail: { tail: 1 } })
  })

  it('connect outside reconnect() is refused', () => {
    class Eager extends Base {
      wire() {
        this.connect('middle', 'last')
      }
    }
    expect(() => new Eager().wire()).toThrow("flow 'Eager': connect() may only be called inside reconnect()")
  })
})
