// An engine's settings come in layers, later ones winning key by key: sections of
// stairs.config.ts, environment variables, command-line flags, or what code passes to startRun.
// The merged object is parsed by the engine's own schema, so a misspelled or mistyped setting
// is one error naming the engine, the setting and where the value came from.
import { z } from 'zod'
import { StairsError } from '../errors.js'
import { closest } from '../suggest.js'
import type { AnyEngine } from './port.js'

export interface SettingsLayer {
  /** Where the values came from, for errors: `stairs.config.ts (redis)`, `--redis-url`, `REDIS_URL`. */
  readonly source: string
  readonly values: object
  /**
   * Take only the keys the engine's schema knows (a section the engine inherits, such as the
   * `redis` section read by the bullmq engine, may hold settings of another engine).
   */
  readonly knownKeysOnly?: boolean
}

/** A setting the engine's schema refuses. */
export class EngineSettingsError extends StairsError {
  override readonly name = 'EngineSettingsError'
  constructor(
    message: string,
    readonly engine: string,
    /** The setting's path (`batchSize`, `tls.ca`). */
    readonly setting: string,
    /** What is wrong with it, without where it is. */
    readonly detail: string,
  ) {
    super('CONFIG', message)
  }
}

/** The keys an engine's settings schema declares (none when it is not an object schema). */
export function settingKeys(engine: AnyEngine): readonly string[] {
  const schema = engine.settings as unknown
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : []
}

/** Merges the layers and parses them with the engine's schema; throws EngineSettingsError. */
export function resolveSettings<TSettings extends object>(engine: AnyEngine, layers: readonly SettingsLayer[]): TSettings {
  const known = new Set(settingKeys(engine))
  const merged: Record<string, unknown> = {}
  const sourceOf = new Map<string, string>()
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.values)) {
      if (value === undefined || (layer.knownKeysOnly && !known.has(key))) continue
      merged[key] = value
      sourceOf.set(key, layer.source)
    }
  }
  const parsed = engine.settings.safeParse(merged)
  if (parsed.success) return parsed.data as TSettings
  const issue = parsed.error.issues[0]
  const unknownKeys = issue?.code === 'unrecognized_keys' ? issue.keys : []
  const path = [...(issue?.path ?? []), ...unknownKeys.slice(0, 1)].map(String)
  const setting = path.join('.') || '(settings)'
  const top = path[0]
  const from = top !== undefined && sourceOf.has(top) ? ` (from ${sourceOf.get(top)})` : ''
  const detail =
    unknownKeys.length > 0
      ? `no such setting${suggestion(unknownKeys[0] as string, [...known])}; the settings of engine '${engine.name}' are ${[...known].join(', ') || 'none'}`
      : (issue?.message ?? parsed.error.message)
  const message = `engine '${engine.name}', setting '${setting}'${from}: ${detail}`
  throw new EngineSettingsError(message, engine.name, setting, detail)
}

function suggestion(key: string, known: readonly string[]): string {
  const lower = key.toLowerCase()
  const close = known.find((k) => k.toLowerCase() === lower) ?? closest(key, known)
  return close ? ` (did you mean '${close}'?)` : ''
}
