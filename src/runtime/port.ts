// The engine port: what a transport implements to run stairs pipelines. It imports no engine;
// built-in engines and a user's own implement it the same way and are found by name through
// the registry (registry.ts). What every engine shares (admission, size limit, contracts,
// outcome, counters, failure classes) lives once in core/; an engine holds transport only.
import type { z } from 'zod'
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import type { EngineAdmin, PipelineRun, RunOptions } from './engine-types.js'

/**
 * A CLI flag (and environment variable) that sets one of an engine's settings, e.g.
 * `--redis-url` / `REDIS_URL` -> `url`. Flags of every registered engine are offered by the
 * commands; a value is parsed by the engine's own schema like a value from stairs.config.ts.
 */
export interface EngineOption {
  /** The flag without dashes: `redis-url`. Engines may share a flag (both Redis engines take `redis-url`). */
  readonly flag: string
  /** The setting it fills, a key of the engine's settings object. */
  readonly setting: string
  /** Environment variables read when the flag is absent, first found wins. */
  readonly env?: readonly string[]
  /** Help text. */
  readonly description: string
  /** How the text of the flag becomes the setting's value (default: the text as it is). */
  readonly parse?: (text: string) => unknown
}

/** What an engine promises; the conformance kit tests each claim and names what is not claimed. */
export interface EngineCapabilities {
  /**
   * Queued records survive a worker killed with SIGKILL (and a server restart where the server
   * keeps them): they are redelivered, at least once. The memory engine is not durable.
   */
  readonly durable: boolean
  /** Stage workers may run in other processes than the producer (queues are shared). */
  readonly distributed: boolean
}

/** What every engine's `start` receives besides its own settings. */
export interface StartOptions extends RunOptions {
  /**
   * Run stage workers in this process (true, the default), none (a producer-side client only:
   * push, stats, dead letters), or only some stages (`pipeline/stage` ids).
   */
  workers?: boolean | { stages: readonly string[] }
  /** Contract hash per queue name (from the manifest): workers refuse to start on a mismatch. */
  contracts?: Readonly<Record<string, string>>
  /** SIGTERM/stop: how long in-flight records may take before the workers give up (ms, default 10 000). */
  shutdownTimeoutMs?: number
  /** The largest encoded record a producer or a stage may enqueue, in bytes (default 1 MiB). */
  maxRecordBytes?: number
}

/**
 * An engine: a transport for pipelines' stages, found by `name`.
 *
 * @example
 * registerEngine({
 *   name: 'postgres',
 *   description: 'stage queues in PostgreSQL tables',
 *   settings: z.object({ url: z.string().default('postgres://127.0.0.1/stairs') }).strict(),
 *   capabilities: { durable: true, distributed: true },
 *   start: (pipelines, settings, options) => PostgresRun.start(pipelines, settings, options),
 *   admin: (settings) => PostgresAdmin.connect(settings),
 * })
 */
export interface Engine<TSettings extends object = object> {
  /** Lowercase letters, digits and dashes: what `engine:` in stairs.config.ts and `--engine` name. */
  readonly name: string
  /** One line for `--help` and error messages. */
  readonly description: string
  /**
   * Its settings (connection, tuning). The value under the engine's name in stairs.config.ts,
   * then environment variables and flags (see `options`), is parsed with it; a strict object
   * schema makes a misspelled setting an error naming it.
   */
  readonly settings: z.ZodType<TSettings, unknown>
  /**
   * Other config sections it also reads, before its own (which wins): both Redis engines read
   * the `redis` section's connection settings. Only keys its schema knows are taken from them.
   */
  readonly inherits?: readonly string[]
  /** Flags and environment variables that set its settings. */
  readonly options?: readonly EngineOption[]
  readonly capabilities: EngineCapabilities
  /** Where the settings point, safe to print (no password): `redis://127.0.0.1:6379`. */
  describe?(settings: TSettings): string
  /** Starts a run: a producer-side client, plus stage workers unless `workers: false`. */
  start(pipelines: readonly AnyPipeline[], settings: TSettings, options: StartOptions): Promise<PipelineRun>
  /** Connects the operator's side (inspect, dlq, contracts, consumers, worker producers). */
  admin?(settings: TSettings): Promise<EngineAdmin>
}

/** Any engine, whatever its settings type (what the registry holds; methods are bivariant). */
export type AnyEngine = Engine<object>
