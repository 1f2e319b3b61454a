// Where pipelines live on JetStream, in one module:
// - one stream per pipeline, `<prefix>_<app>_<pipeline>`, holding subject `<prefix>.p.<app>.<pipeline>.<stage>`
//   per stage, read by one durable pull consumer per stage (its filter is the stage's subject);
// - one dead-letter stream per prefix, `<prefix>_dead_letters`, subject `<prefix>.d.<app>.<pipeline>` per pipeline;
// - one stream for standalone and iterator consumers, `<prefix>_consumer_queues`, subject
//   `<prefix>.c.<app>.<consumer>` and one durable consumer each;
// - KV buckets `<prefix>_counters` (per pipeline), `<prefix>_contracts` (per queue),
//   `<prefix>_locks` (single readers) and `<prefix>_leases` (worker producers).
// App, pipeline and consumer names never hold a dot (names.ts), so subjects cannot collide; a
// stage id may (`app_pipeline.step`), which adds tokens at the end of its subject only.
import { createHash } from 'node:crypto'
import { queueName } from '../../keys.js'
import type { CompiledPipeline } from '../../programs/compiled-pipeline.js'

export interface StageLayout {
  readonly id: string
  /** `app.pipeline.stage`, as inspect and the manifest name it. */
  readonly queue: string
  readonly subject: string
  /** The stage's durable consumer. */
  readonly durable: string
}

export interface PipelineLayout {
  readonly app: string
  readonly pipeline: string
  readonly stream: string
  /** The stream's subjects: every stage of the pipeline. */
  readonly subjects: string
  readonly stages: readonly StageLayout[]
  /** Where the pipeline's dead letters go, in the dead-letter stream. */
  readonly deadLetterSubject: string
  /** Its counters' key in the counters bucket. */
  readonly counterKey: string
}

export const streamNames = {
  deadLetters: (prefix: string) => `${prefix}_dead_letters`,
  consumerQueues: (prefix: string) => `${prefix}_consumer_queues`,
}

export const bucketNames = {
  counters: (prefix: string) => `${prefix}_counters`,
  contracts: (prefix: string) => `${prefix}_contracts`,
  locks: (prefix: string) => `${prefix}_locks`,
  leases: (prefix: string) => `${prefix}_leases`,
  workers: (prefix: string) => `${prefix}_workers`,
}

export const subjects = {
  deadLetters: (prefix: string) => `${prefix}.d.>`,
  consumerQueues: (prefix: string) => `${prefix}.c.>`,
  consumerQueue: (prefix: string, app: string, consumer: string) => `${prefix}.c.${app}.${consumer}`,
}

/**
 * A consumer name from parts that may hold characters durable names may not (`.`): readable,
 * with a short hash when anything had to change, so two names never meet.
 */
export function durableName(...parts: string[]): string {
  const joined = parts.join('__')
  const safe = joined.replace(/[^A-Za-z0-9_-]/g, '_')
  return safe === joined ? safe : `${safe}-${createHash('sha1').update(joined).digest('hex').slice(0, 8)}`
}

export function pipelineLayout(compiled: CompiledPipeline, prefix: string): PipelineLayout {
  const { app, name } = compiled
  const base = `${prefix}.p.${app}.${name}`
  return {
    app,
    pipeline: name,
    stream: `${prefix}_${app}_${name}`,
    subjects: `${base}.>`,
    stages: compiled.plan.stages.map(({ id }) => ({
      id,
      queue: queueName(app, name, id),
      subject: `${base}.${id}`,
      durable: durableName(id),
    })),
    deadLetterSubject: `${prefix}.d.${app}.${name}`,
    counterKey: `${app}.${name}`,
  }
}

/** Message headers the engine writes. */
export const HEADERS = {
  /** Attempts a retried record has used (absent: none). */
  attempt: 'Stairs-Attempt',
  /** A retried record runs no earlier than this (epoch ms). */
  notBefore: 'Stairs-Not-Before',
} as const
