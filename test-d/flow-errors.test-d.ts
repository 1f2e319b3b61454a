// Flow misuse that must not compile. Where the message matters, FlowErrors<F> is checked too: it is
// what the editor shows on the `subscribeFlow(...)` argument.
import { expectError, expectType } from 'tsd'
import { type DataFrame, Flow, type FlowErrors, STOP } from '../src/index.js'

declare const input: DataFrame<{ value: number }>
declare const other: DataFrame<{ text: string }>

class Powers extends Flow<{ value: number }> {
  first = this.step(({ value }: { value: number }) => ({ p1: value }), { next: ['second'] })
  second = this.step(({ p1 }: { p1: number }) => ({ p2: p1 * p1 }), { next: ['last'], saveResult: true })
  last = this.step(({ value, p2 }: { value: number; p2: number }) => ({ p3: value ** 3, seenP2: p2 }))
}
expectType<never>({} as FlowErrors<Powers>)

// A step needing a key that neither the input nor an earlier step provides: names the key and the step.
class MissingKey extends Flow<{ value: number }> {
  first = this.step(({ value }: { value: number }) => ({ p1: value }), { next: ['last'] })
  last = this.step(({ value, p2 }: { value: number; p2: number }) => ({ p3: value + p2 }))
}
expectType<"step 'last' needs key 'p2', which no earlier step provides">({} as FlowErrors<MissingKey>)
expectError(input.subscribeFlow(new MissingKey()))
expectError(input.applyFlow(new MissingKey()))

// A key an earlier step provides with another type.
class Mistyped extends Flow<{ value: number }> {
  first = this.step(({ value }: { value: number }) => ({ label: value }), { next: ['last'] })
  last = this.step(({ label }: { label: string }) => ({ upper: label.toUpperCase() }))
}
expectType<"step 'last' needs key 'label' with another type than earlier steps provide">({} as FlowErrors<Mistyped>)
expectError(input.subscribeFlow(new Mistyped()))

// A branch cannot read the keys of its sibling branch.
class SiblingKey extends Flow<{ value: number }> {
  root = this.step(() => ({}), { next: ['left', 'right'] })
  left = this.step(({ value }: { value: number }) => ({ fromLeft: value }))
  right = this.step(({ fromLeft }: { fromLeft: number }) => ({ fromRight: fromLeft }))
}
expectType<"step 'right' needs key 'fromLeft', which no earlier step provides">({} as FlowErrors<SiblingKey>)
expectError(input.subscribeFlow(new SiblingKey()))

// `next` naming a step that does not exist: an error at the step itself.
class Typo extends Flow<{ value: number }> {
  // @ts-expect-error 'secnd' is not a key of the class
  first = this.step(({ value }: { value: number }) => ({ p1: value }), { next: ['secnd'] })
  second = this.step(({ p1 }: { p1: number }) => ({ p2: p1 }))
}
expectType<Typo>(new Typo())
// A key of the class that is not a step is refused where the flow is used.
class NotAStep extends Flow<{ value: number }> {
  first = this.step(({ value }: { value: number }) => ({ p1: value }), { next: ['helper'] })
  helper(): number {
    return 1
  }
}
expectType<"step 'first' names next step 'helper', which is not a step of the flow">({} as FlowErrors<NotAStep>)
expectError(input.subscribeFlow(new NotAStep()))

// subscribeFlow on a frame lacking the flow's input keys.
expectError(other.subscribeFlow(new Powers()))
expectError(other.applyFlow(new Powers()))

// A subclass override whose output drops a key a later step needs.
class DropsP2 extends Powers {
  override second = this.step(({ p1 }: { p1: number }) => ({ q: p1 }), { next: ['last'], saveResult: true })
}
expectType<"step 'last' needs key 'p2', which no earlier step provides">({} as FlowErrors<DropsP2>)
expectError(input.subscribeFlow(new DropsP2()))

// A cycle.
class Cycle extends Flow<{ value: number }> {
  entry = this.step(() => ({}), { next: ['a'] })
  a = this.step(() => ({}), { next: ['b'] })
  b = this.step(() => ({}), { next: ['a'] })
}
expectType<"step 'a' leads back to itself (a cycle)">({} as FlowErrors<Cycle>)
expectError(input.subscribeFlow(new Cycle()))

// A reconnect that wires a step after one that does not give it what it needs.
class BadReconnect extends Powers {
  cubeRoot = this.step(({ p3 }: { p3: number }) => ({ root: Math.cbrt(p3) }))
  override reconnect() {
    return [this.connect('second', 'cubeRoot')] as const
  }
}
expectType<"step 'cubeRoot' needs key 'p3', which no earlier step provides">({} as FlowErrors<BadReconnect>)
class ReconnectTypo extends Powers {
  override reconnect() {
    // @ts-expect-error 'thrid' is not a key of the class
    return [this.connect('second', 'thrid')] as const
  }
}
expectType<ReconnectTypo>(new ReconnectTypo())

// startFrom with data the step cannot run on, and from a name that is not a step.
expectError(new Powers().startFrom('second', { value: 3 }))
expectError(new Powers().startFrom('nope', { value: 3 }))

// STOP is fine in a step; a step returning a non-record is refused by the step's result type.
class Stops extends Flow<{ value: number }> {
  only = this.step(({ value }: { value: number }) => (value > 0 ? { positive: true } : STOP))
}
expectType<never>({} as FlowErrors<Stops>)
