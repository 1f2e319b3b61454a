// Resolves a flow's steps by name (so subclass overrides and `reconnect()` are honoured), checks the
// wiring and freezes it into a plan the runner walks. Done once per flow instance, at first use.
import { FlowDefinitionError } from './flow-errors.js'
import { isStepDefinition } from './step.js'

/** One step, its next steps resolved to objects. */
export interface PlannedStep {
  readonly name: string
  readonly fn: (record: never) => unknown
  readonly next: readonly PlannedStep[]
  readonly saveResult: boolean
  readonly fanOut: boolean
}

export interface FlowPlan {
  readonly flow: string
  readonly steps: ReadonlyMap<string, PlannedStep>
  /** Steps no other step names as next, in definition order. */
  readonly roots: readonly PlannedStep[]
  /** Set when the flow is one straight line without fan-out: the runner's fast path. */
  readonly chain: readonly PlannedStep[] | undefined
  /** True when a fan-out step is reachable from the roots. */
  readonly fanOut: boolean
}

/** Mutable wiring, edited by `connect`/`disconnect`/`saveResult` inside `reconnect()`. */
export interface Wiring {
  readonly flow: string
  readonly next: Map<string, string[]>
  readonly saveResult: Map<string, boolean>
}

/** Reads the step fields of a flow instance. */
export function readWiring(flow: string, instance: object): Wiring {
  const wiring: Wiring = { flow, next: new Map(), saveResult: new Map() }
  for (const [name, value] of Object.entries(instance)) {
    if (!isStepDefinition(value)) continue
    wiring.next.set(name, [...value.next])
    wiring.saveResult.set(name, value.saveResult)
  }
  return wiring
}

export function requireStep(wiring: Wiring, name: string, what: string): void {
  if (!wiring.next.has(name)) throw new FlowDefinitionError(wiring.flow, `${what} '${name}' is not a step of the flow`)
}

/** Freezes the wiring into a plan; throws a FlowDefinitionError naming the step on a bad wiring. */
export function compileFlow(instance: object, wiring: Wiring): FlowPlan {
  const records = instance as Record<string, unknown>
  const steps = new Map<string, { name: string; fn: PlannedStep['fn']; next: PlannedStep[]; saveResult: boolean; fanOut: boolean }>()
  for (const name of wiring.next.keys()) {
    const value = records[name]
    if (!isStepDefinition(value)) throw new FlowDefinitionError(wiring.flow, `'${name}' is no longer a step`)
    steps.set(name, { name, fn: value.fn, next: [], saveResult: wiring.saveResult.get(name) === true, fanOut: value.fanOut })
  }
  if (steps.size === 0) throw new FlowDefinitionError(wiring.flow, 'it has no steps (declare them with this.step(...))')
  const targets = new Set<string>()
  for (const [name, next] of wiring.next) {
    const step = steps.get(name)
    for (const target of next) {
      const resolved = steps.get(target)
      if (!resolved)
        throw new FlowDefinitionError(wiring.flow, `step '${name}' names next step '${target}', which is not a step of the flow`)
      step?.next.push(resolved)
      targets.add(target)
    }
  }
  const roots = [...steps.values()].filter((step) => !targets.has(step.name))
  if (roots.length === 0) throw new FlowDefinitionError(wiring.flow, 'it has no first step (every step is named as some next step)')
  const reachable = checkAcyclic(wiring.flow, roots)
  for (const step of steps.values()) {
    Object.freeze(step.next)
    Object.freeze(step)
  }
  return Object.freeze({
    flow: wiring.flow,
    steps,
    roots: Object.freeze(roots),
    chain: straightLine(roots),
    fanOut: [...reachable].some((step) => step.fanOut),
  })
}

/** Depth-first from the roots; a step met again on its own path is a cycle. */
function checkAcyclic(flow: string, roots: readonly PlannedStep[]): Set<PlannedStep> {
  const done = new Set<PlannedStep>()
  const onPath = new Set<PlannedStep>()
  const visit = (step: PlannedStep): void => {
    if (onPath.has(step)) throw new FlowDefinitionError(flow, `step '${step.name}' leads back to itself (a cycle)`)
    if (done.has(step)) return
    onPath.add(step)
    for (const next of step.next) visit(next)
    onPath.delete(step)
    done.add(step)
  }
  for (const root of roots) visit(root)
  return done
}

function straightLine(roots: readonly PlannedStep[]): readonly PlannedStep[] | undefined {
  if (roots.length !== 1) return undefined
  const chain: PlannedStep[] = []
  let step: PlannedStep | undefined = roots[0]
  while (step) {
    if (step.fanOut || step.next.length > 1) return undefined
    chain.push(step)
    step = step.next[0]
  }
  return Object.freeze(chain)
}
