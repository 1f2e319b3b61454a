// The run-time value of a step field: the function and its declared wiring. Untyped on purpose;
// its typed face is step-types.ts.

/** How a step was declared. Steps find each other by name when the flow is compiled. */
export class StepDefinition {
  constructor(
    readonly fn: (record: never) => unknown,
    readonly next: readonly string[],
    readonly saveResult: boolean,
    readonly fanOut: boolean,
  ) {
    Object.freeze(this)
  }
}

export const isStepDefinition = (value: unknown): value is StepDefinition => value instanceof StepDefinition
