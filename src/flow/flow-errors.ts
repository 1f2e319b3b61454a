import { errorMessage, StairsError } from '../errors.js'

/**
 * A flow step threw (or returned something that is not a record). The message names the step and
 * the flow, so a dead letter says where the record failed: `step 'third' of flow 'MyFlow' failed: ...`.
 */
export class FlowStepError extends StairsError {
  override readonly name = 'FlowStepError'
  constructor(
    readonly flow: string,
    readonly step: string,
    cause: unknown,
  ) {
    super('STEP_FAILED', `step '${step}' of flow '${flow}' failed: ${errorMessage(cause)}`, { cause })
  }
}

/** A flow whose wiring cannot run: a `next` naming no step, a cycle, no first step, `connect` misuse. */
export class FlowDefinitionError extends StairsError {
  override readonly name = 'FlowDefinitionError'
  constructor(
    readonly flow: string,
    message: string,
  ) {
    super('GRAPH', `flow '${flow}': ${message}`)
  }
}
