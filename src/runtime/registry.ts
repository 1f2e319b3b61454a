// Engines by name. Built-in engines are registered on first use, each a small descriptor whose
// transport is imported only when a run starts, so a memory run never loads ioredis, bullmq or
// a NATS client. A user's engine registers with `registerEngine` (in stairs.config.ts, or before
// `startRun`), and is then chosen exactly like a built-in one.
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import { StairsError } from '../errors.js'
import { closest } from '../suggest.js'
import { builtinEngines } from './builtin-engines.js'
import type { EngineAdmin, PipelineRun } from './engine-types.js'
import type { AnyEngine, Engine, StartOptions } from './port.js'
import { resolveSettings, type SettingsLayer } from './settings-layers.js'

const ENGINE_NAME = /^[a-z][a-z0-9-]{0,39}$/

const engines = new Map<string, AnyEngine>()
let builtinsAdded = false

function registry(): Map<string, AnyEngine> {
  if (!builtinsAdded) {
    builtinsAdded = true
    for (const engine of builtinEngines()) if (!engines.has(engine.name)) engines.set(engine.name, engine)
  }
  return engines
}

/**
 * Makes an engine available by its name to `startRun`, stairs.config.ts (`engine: 'name'`) and
 * `--engine name`. Registering the same engine object again does nothing; another engine under a
 * name already taken is an error.
 *
 * @example registerEngine(postgresEngine) // in stairs.config.ts, before `export default defineConfig(...)`
 */
export function registerEngine<TSettings extends object>(engine: Engine<TSettings>): void {
  if (typeof engine !== 'object' || engine === null || typeof engine.start !== 'function')
    throw new StairsError('CONFIG', 'registerEngine takes an engine object with a name, settings schema and start()')
  if (!ENGINE_NAME.test(engine.name ?? ''))
    throw new StairsError(
      'INVALID_NAME',
      `registerEngine: engine name '${engine.name}' must be lowercase letters, digits and dashes, starting with a letter`,
    )
  if (typeof engine.settings?.safeParse !== 'function')
    throw new StairsError(
      'CONFIG',
      `registerEngine: engine '${engine.name}' has no settings schema (a zod schema, e.g. z.object({}).strict())`,
    )
  const known = registry().get(engine.name)
  if (known === engine) return
  if (known) throw new StairsError('DUPLICATE_NAME', `registerEngine: an engine named '${engine.name}' is already registered`)
  engines.set(engine.name, engine as unknown as AnyEngine)
}

/** Every registered engine, built-ins first. */
export function registeredEngines(): readonly AnyEngine[] {
  return [...registry().values()]
}

/** The engine registered under `name`; an unknown name lists the registered ones with a suggestion. */
export function findEngine(name: string): AnyEngine {
  const engine = registry().get(name)
  if (engine) return engine
  throw new UnknownEngineError(name, [...registry().keys()])
}

/** `--engine` or `engine:` names no registered engine. */
export class UnknownEngineError extends StairsError {
  override readonly name = 'UnknownEngineError'
  constructor(
    readonly engine: string,
    readonly registered: readonly string[],
  ) {
    const close = closest(engine, registered)
    super(
      'CONFIG',
      `unknown engine '${engine}'${close ? ` (did you mean '${close}'?)` : ''}; registered engines: ${registered.join(', ')}` +
        ' (an engine of your own must be registered with registerEngine in stairs.config.ts)',
    )
  }
}

export interface StartRunOptions extends StartOptions {
  /**
   * The engine's settings (connection, tuning), checked against its schema; environment
   * variables the engine reads fill in what is not given (e.g. REDIS_URL).
   */
  settings?: object
}

/**
 * Starts pipelines on the named engine.
 *
 * @example const run = await startRun('redis', [pipeline], { settings: { url: 'redis://127.0.0.1:6379' } })
 */
export async function startRun(engine: string, pipelines: readonly AnyPipeline[], options: StartRunOptions = {}): Promise<PipelineRun> {
  const found = findEngine(engine)
  const { settings, ...start } = options
  const layers: SettingsLayer[] = [{ source: 'the environment', values: envValues(found, process.env) }]
  if (settings) layers.push({ source: 'startRun settings', values: settings })
  return found.start(pipelines, resolveSettings(found, layers), start)
}

/**
 * Connects the operator's side of an engine (queue status, dead letters, consumer queues,
 * contracts) without running any stage. Close it when done.
 *
 * @example const admin = await connectAdmin('redis', { url }); console.log(await admin.queueStatus?.([pipeline]))
 */
export async function connectAdmin(engine: string, settings?: object): Promise<EngineAdmin> {
  const found = findEngine(engine)
  if (!found.admin)
    throw new StairsError(
      'ENGINE',
      `engine '${found.name}' keeps its queues inside a run: use run.admin() of a run started in this process`,
    )
  const layers: SettingsLayer[] = [{ source: 'the environment', values: envValues(found, process.env) }]
  if (settings) layers.push({ source: 'connectAdmin settings', values: settings })
  return found.admin(resolveSettings(found, layers))
}

/** The settings an engine's environment variables give (see `Engine.options`). */
export function envValues(engine: AnyEngine, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const option of engine.options ?? []) {
    const name = option.env?.find((variable) => env[variable] !== undefined && env[variable] !== '')
    if (name === undefined) continue
    values[option.setting] = option.parse ? option.parse(env[name] as string) : env[name]
  }
  return values
}
