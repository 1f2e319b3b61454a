// The Flow base class: steps declared as fields, found by name when the flow is first used.
import type { FanOutReturn, FuncReturn, ReturnedRecord } from '../dsl/shape-types.js'
import type { Stop } from '../dsl/stop.js'
import type { StairsTypeError } from '../dsl/type-error.js'
import type { FlowResult, StartFromErrors, StartFromResult } from './flow-analysis-types.js'
import { compileFlow, type FlowPlan, readWiring, requireStep, type Wiring } from './flow-compiler.js'
import { type FlowPipelineStep, type FlowRuntime, flowTypes, toPipelineStep } from './flow-contract.js'
import { runAsComponent, startFromStep } from './flow-entry.js'
import { FlowDefinitionError } from './flow-errors.js'
import { StepDefinition } from './step.js'
import type { Connection, Disconnection, RewireOp, SaveMark, Step, StepInput, StepKeys } from './step-types.js'

/** Options of `this.step(...)` and `this.fanOut(...)`. */
export interface StepOptions<N extends string, S extends boolean> {
  /** The steps that run after this one (several: branches, each on its own copy). None: a last step. */
  next?: readonly N[]
  /** `startFrom` returns this step's accumulated record under its name. */
  saveResult?: S
}

/** The phantom's shape; a named interface because `this` may not appear inside a type literal. */
export interface FlowShapes<I, F, R> {
  readonly input: I
  readonly output: FlowResult<F>
  /** What `reconnect()` returns: the rewiring the type-level walk applies. */
  readonly rewiring: R
}

type IsAsync<R> = [Extract<R, PromiseLike<unknown> | AsyncIterable<unknown>>] extends [never] ? false : true
type ItemOf<R> = R extends AsyncIterable<infer T> ? T : Awaited<R> extends Iterable<infer T> ? T : never
type StartCheck<F, K extends string, D> = [StartFromErrors<F, K, D>] extends [never] ? unknown : StairsTypeError<StartFromErrors<F, K, D>>

/**
 * A reusable unit of steps that runs inside one worker. Each step is a function of the accumulated
 * record; its result is merged in; `next` names the steps that follow.
 *
 * @example
 * class Powers extends Flow<{ value: number }> {
 *   first = this.step(({ value }: { value: number }) => ({ p1: value }), { next: ['second'] })
 *   second = this.step(({ p1 }: { p1: number }) => ({ p2: p1 * p1 }), { next: ['last'], saveResult: true })
 *   last = this.step(({ value, p2 }: { value: number; p2: number }) => ({ p3: value ** 3, seenP2: p2 }))
 * }
 * input.subscribeFlow(new Powers()) // DataFrame<{ value; p1; p2; p3; seenP2 }>
 *
 * Steps are found by name when the flow is first used, so a subclass redefines a step by declaring
 * a field of the same name (`override second = this.step(...)`) and the steps pointing to it follow.
 * A wiring the types can check is checked where the flow is used: `subscribeFlow(new Bad())` shows
 * "step 'last' needs key 'p2', which no earlier step provides".
 *
 * A class may define its own `run(record)`: its result is then the flow's output. Annotate `this`
 * so `startFrom` is typed against the class (TypeScript cannot resolve step names on the generic
 * `this` inside a method):
 * @example
 * class Summed extends Flow<{ value: number }> {
 *   run(this: Summed, input: { value: number }) {
 *     const result = this.startFrom('square', input)
 *     return { sum: result.square.squared + result.cube.cubed }
 *   }
 *   square = this.step(({ value }: { value: number }) => ({ squared: value * value }), { next: ['cube'], saveResult: true })
 *   cube = this.step(({ value }: { value: number }) => ({ cubed: value ** 3 }))
 * }
 */
export abstract class Flow<I extends object> implements FlowRuntime {
  /** Phantom: the flow's input and output shapes (type-level only). */
  declare readonly [flowTypes]: FlowShapes<I, this, ReturnType<this['reconnect']>>

  #plan: FlowPlan | undefined
  #wiring: Wiring | undefined

  /** The flow's name in node labels and errors: its class name. */
  protected get flowName(): string {
    return this.constructor.name || 'Flow'
  }

  /**
   * Declares a step. `fn` gets the accumulated record and returns what to merge in, nothing, or STOP
   * (which drops the record). `next` names the following steps (checked against the class's fields).
   */
  protected step<In, R extends FuncReturn, const N extends keyof this & string = never, const S extends boolean = false>(
    fn: (input: In) => R,
    options?: StepOptions<N, S>,
  ): Step<In, ReturnedRecord<R>, N, S, false, IsAsync<R>> {
    return this.define(fn, options, false) as never
  }

  /** Declares a fan-out step: `fn` returns an iterable, and the next steps run once per item. */
  protected fanOut<In, R extends FanOutReturn<object>, const N extends keyof this & string = never, const S extends boolean = false>(
    fn: (input: In) => R,
    options?: StepOptions<N, S>,
  ): Step<In, Exclude<ItemOf<R>, Stop | undefined | null>, N, S, true, IsAsync<R>> {
    return this.define(fn, options, true) as never
  }

  /**
   * Runs the flow from `step` on `data`. Returns each last step's own output and each `saveResult`
   * step's accumulated record, keyed by step name (a promise when a step is async).
   */
  startFrom<F, const K extends StepKeys<F>, D extends StepInput<F, K & keyof F>>(
    this: F,
    step: K,
    data: D & StartCheck<F, K, D>,
  ): StartFromResult<F, K, D> {
    return startFromStep((this as Flow<object>).compiled(), this as object, step, data as object) as never
  }

  /**
   * Override to rewire the inherited steps with `connect`, `disconnect` and `saveResult`. Return
   * their results, so that the type checker sees the new wiring too:
   * @example
   * override reconnect() {
   *   return [this.connect('second', 'third'), this.saveResult('second')] as const
   * }
   * Public only so the types can read what it returns; the flow calls it once, when first used.
   */
  reconnect(): readonly RewireOp[] | void {}

  /** Inside `reconnect()`: makes `to` a next step of `from`. */
  protected connect<const A extends keyof this & string, const B extends keyof this & string>(from: A, to: B): Connection<A, B> {
    const wiring = this.rewiring('connect')
    requireStep(wiring, from, 'connect: step')
    requireStep(wiring, to, 'connect: step')
    const next = wiring.next.get(from) as string[]
    if (!next.includes(to)) next.push(to)
    return Object.freeze({ kind: 'connect', from, to })
  }

  /** Inside `reconnect()`: removes `to` from the next steps of `from`. */
  protected disconnect<const A extends keyof this & string, const B extends keyof this & string>(from: A, to: B): Disconnection<A, B> {
    const wiring = this.rewiring('disconnect')
    requireStep(wiring, from, 'disconnect: step')
    const next = wiring.next.get(from) as string[]
    wiring.next.set(
      from,
      next.filter((name) => name !== to),
    )
    return Object.freeze({ kind: 'disconnect', from, to })
  }

  /** Inside `reconnect()`: makes `startFrom` return the step's accumulated record (or stop it). */
  protected saveResult<const S extends keyof this & string, const On extends boolean = true>(step: S, save?: On): SaveMark<S, On> {
    const wiring = this.rewiring('saveResult')
    requireStep(wiring, step, 'saveResult: step')
    const on = (save ?? true) as On
    wiring.saveResult.set(step, on)
    return Object.freeze({ kind: 'saveResult', step, save: on })
  }

  [toPipelineStep](): FlowPipelineStep {
    const plan = this.compiled()
    const label = this.flowName
    const custom = (this as { run?: unknown }).run
    if (typeof custom === 'function') {
      return Object.freeze({ label, fanOut: false, resultHoldsInput: false, run: (record: object) => custom.call(this, record) })
    }
    return Object.freeze({
      label,
      fanOut: plan.fanOut,
      resultHoldsInput: true,
      run: (record: object) => runAsComponent(plan, this, record),
    })
  }

  private define(fn: unknown, options: StepOptions<string, boolean> | undefined, fanOut: boolean): StepDefinition {
    if (typeof fn !== 'function') throw new FlowDefinitionError(this.flowName, `a step takes a function, got ${typeof fn}`)
    const next = options?.next ?? []
    if (!Array.isArray(next)) throw new FlowDefinitionError(this.flowName, 'next takes a list of step names')
    return new StepDefinition(fn as (record: never) => unknown, Object.freeze([...next]), options?.saveResult === true, fanOut)
  }

  private rewiring(what: string): Wiring {
    if (!this.#wiring) throw new FlowDefinitionError(this.flowName, `${what}() may only be called inside reconnect()`)
    return this.#wiring
  }

  /** Resolves the steps by name, applies `reconnect()`, and keeps the plan (once per instance). */
  private compiled(): FlowPlan {
    if (this.#plan) return this.#plan
    const wiring = readWiring(this.flowName, this)
    this.#wiring = wiring
    try {
      this.reconnect()
    } finally {
      this.#wiring = undefined
    }
    this.#plan = compileFlow(this, wiring)
    return this.#plan
  }
}
