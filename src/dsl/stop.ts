/**
 * Return `STOP` from a function or flow step to drop the record on purpose. A dropped record is
 * counted as filtered, never as an error.
 *
 * @example
 * const onlyStories = (r: { type: string }) => (r.type === 'story' ? undefined : STOP)
 */
export const STOP: unique symbol = Symbol.for('stairs.stop')
export type Stop = typeof STOP

/** Throw this anywhere inside a step to drop the record, like returning `STOP`. */
export class StopPipeline extends Error {
  override readonly name = 'StopPipeline'
  constructor(reason = 'record dropped') {
    super(reason)
  }
}

export const isStop = (value: unknown): value is Stop => value === STOP
