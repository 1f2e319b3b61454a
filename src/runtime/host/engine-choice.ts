// Which engine a command or a worker runs on, and its settings: the project config's `engine`
// and sections, environment variables and command-line flags, in that order of precedence.
// Every command and every generated worker entrypoint chooses through here, so a setting means
// the same wherever it is given.
import { StairsError } from '../../errors.js'
import { CONFIG_KEYS, type ProjectConfig } from '../../project/config.js'
import { closest } from '../../suggest.js'
import type { AnyEngine, EngineOption } from '../port.js'
import { envValues, findEngine, registeredEngines, UnknownEngineError } from '../registry.js'
import { EngineSettingsError, resolveSettings, type SettingsLayer } from '../settings-layers.js'

export interface EngineChoice {
  readonly engine: AnyEngine
  readonly settings: object
}

/** A flag of some engine, as commands offer it: each flag once, with the engines that take it. */
export interface EngineFlag {
  readonly flag: string
  readonly description: string
  readonly engines: readonly string[]
}

/** Every flag of every registered engine (engines sharing a flag, like the Redis ones, share its entry). */
export function engineFlags(): EngineFlag[] {
  const flags = new Map<string, { description: string; engines: string[] }>()
  for (const engine of registeredEngines())
    for (const option of engine.options ?? []) {
      const known = flags.get(option.flag)
      if (known) known.engines.push(engine.name)
      else flags.set(option.flag, { description: option.description, engines: [engine.name] })
    }
  return [...flags].map(([flag, { description, engines }]) => ({ flag, description, engines }))
}

/** The config file name errors mention. */
const CONFIG_FILE = 'stairs.config.ts'

/**
 * The engine to run on and its settings. `engine` is the --engine flag (else the config's);
 * `flags` holds the values of engine flags by name (`redis-url`), undefined when not given.
 */
export function chooseEngine(
  config: Pick<ProjectConfig, 'engine'> & Record<string, unknown>,
  picks: { readonly engine?: string | undefined; readonly flags?: Readonly<Record<string, string | undefined>> },
  env: NodeJS.ProcessEnv = process.env,
): EngineChoice {
  const engine = findEngine(picks.engine ?? config.engine)
  const layers: SettingsLayer[] = []
  for (const section of engine.inherits ?? [])
    if (isSection(config[section])) layers.push({ source: `${CONFIG_FILE} (${section})`, values: config[section], knownKeysOnly: true })
  const own = config[engine.name]
  if (isSection(own)) layers.push({ source: `${CONFIG_FILE} (${engine.name})`, values: own })
  layers.push({ source: 'the environment', values: envValues(engine, env) })
  const given = Object.entries(picks.flags ?? {}).filter(([, value]) => value !== undefined)
  if (given.length) {
    const options = new Map((engine.options ?? []).map((option) => [option.flag, option]))
    const values: Record<string, unknown> = {}
    for (const [flag, text] of given) {
      const option = options.get(flag)
      if (!option) throw foreignFlag(flag, engine)
      values[option.setting] = parseFlag(option, text as string)
    }
    layers.push({ source: 'the command line', values })
  }
  return { engine, settings: resolveSettings(engine, layers) }
}

/**
 * Checks every engine section of a config against its engine's schema and the chosen engine's
 * name, so a typo fails when the project loads, before any connection opens.
 */
export function checkEngineSections(config: ProjectConfig & Record<string, unknown>): void {
  findEngine(config.engine)
  const core = new Set<string>(CONFIG_KEYS)
  for (const [key, value] of Object.entries(config)) {
    if (core.has(key)) continue
    let engine: AnyEngine
    try {
      engine = findEngine(key)
    } catch (error) {
      if (!(error instanceof UnknownEngineError)) throw error
      const close = closest(key, [...CONFIG_KEYS, ...error.registered])
      throw new StairsError(
        'CONFIG',
        `${CONFIG_FILE}: unknown key '${key}'${close ? ` (did you mean '${close}'?)` : ''}: the config takes ${CONFIG_KEYS.join(', ')} and a settings section per engine (${error.registered.join(', ')})`,
      )
    }
    if (!isSection(value))
      throw new StairsError('CONFIG', `${CONFIG_FILE}: ${key}: the settings of engine '${key}' must be an object ({ ... })`)
    try {
      resolveSettings(engine, [{ source: `${CONFIG_FILE} (${key})`, values: value }])
    } catch (error) {
      if (!(error instanceof EngineSettingsError)) throw error
      throw new StairsError('CONFIG', `${CONFIG_FILE}: ${key}.${error.setting}: ${error.detail}`)
    }
  }
}

function foreignFlag(flag: string, engine: AnyEngine): StairsError {
  const owners = engineFlags().find((f) => f.flag === flag)?.engines ?? []
  return new StairsError(
    'CONFIG',
    `--${flag} is a setting of the ${owners.join(' and ')} engine${owners.length > 1 ? 's' : ''}, but this command runs on '${engine.name}'; pass --engine ${owners[0] ?? '...'} or drop --${flag}`,
  )
}

const parseFlag = (option: EngineOption, text: string): unknown => (option.parse ? option.parse(text) : text)

const isSection = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value)
