// A stage's queue as its durable consumer sees it: records not yet delivered (num_pending), taken
// and not acknowledged (num_ack_pending), delivered more than once (num_redelivered).
import type { JetStreamManager } from '@nats-io/jetstream'
import type { PipelineLayout, StageLayout } from './layout.js'

export interface StageState {
  readonly waiting: number
  readonly inFlight: number
  readonly redelivered: number
}

/** The states of some stages of one pipeline, read one after the other in the order given. */
export async function stageStates(jsm: JetStreamManager, layout: PipelineLayout, stages: readonly StageLayout[]): Promise<StageState[]> {
  const states: StageState[] = []
  for (const stage of stages) {
    const info = await jsm.consumers.info(layout.stream, stage.durable)
    states.push({ waiting: info.num_pending, inFlight: info.num_ack_pending, redelivered: info.num_redelivered })
  }
  return states
}
