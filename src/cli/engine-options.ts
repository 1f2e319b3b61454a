// The engine a command talks to: `--engine` (else stairs.config.ts), and every registered
// engine's own flags (`--redis-url`, `--prefix`, ...), chosen through the same host as the
// generated workers. A server engine is reached up front, so an unreachable server is one line
// naming it before any work starts.
import type { Command } from 'commander'
import { z } from 'zod'
import type { EngineAdmin } from '../runtime/engine-types.js'
import { chooseEngine, type EngineChoice, engineFlags } from '../runtime/host/engine-choice.js'
import { registeredEngines } from '../runtime/registry.js'
import { CliError } from './errors.js'
import type { CliProject } from './project-context.js'

/** `--engine` and the flags of every registered engine, on a command that runs or inspects pipelines. */
export function addEngineOptions(command: Command): Command {
  command.option(
    '--engine <engine>',
    `the engine: ${registeredEngines()
      .map((e) => e.name)
      .join(', ')} (default: stairs.config.ts)`,
  )
  for (const flag of engineFlags()) command.option(`--${flag.flag} <value>`, flag.description)
  return command
}

/** The part of a command's options schema that `addEngineOptions` fills. */
export const engineOptionsSchema = {
  engine: z.string().min(1).optional(),
}

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

/** The engine flags given on the command line, by flag name (commander hands them over camelCased). */
function givenFlags(raw: unknown): Record<string, string | undefined> {
  const options = (raw ?? {}) as Record<string, unknown>
  return Object.fromEntries(
    engineFlags().map((f) => [f.flag, typeof options[camel(f.flag)] === 'string' ? (options[camel(f.flag)] as string) : undefined]),
  )
}

/** The engine and its settings for a command, from its raw options and the project config. */
export function commandEngine(project: CliProject, raw: unknown): EngineChoice {
  const engine = (raw as { engine?: unknown } | undefined)?.engine
  return chooseEngine(project.config, { engine: typeof engine === 'string' ? engine : undefined, flags: givenFlags(raw) })
}

/**
 * The operator's side of the command's engine, connected (a refusal names the server). For
 * commands that read queues kept on a server (inspect, dlq, contracts, consumers, workers).
 */
export async function openAdmin(choice: EngineChoice, command: string): Promise<EngineAdmin> {
  if (!choice.engine.admin)
    throw new CliError(
      `${command} reads queues kept on a server, but this project runs on the ${choice.engine.name} engine (queues inside one process)`,
      {
        hint: "set engine: 'redis' (or another server engine) in stairs.config.ts, or pass --engine redis",
      },
    )
  return choice.engine.admin(choice.settings)
}

/** An optional member of an engine's admin side, or a clear error naming the engine that lacks it. */
export function adminFunction<K extends keyof EngineAdmin>(
  admin: EngineAdmin,
  choice: EngineChoice,
  key: K,
  command: string,
): NonNullable<EngineAdmin[K]> {
  const member = admin[key]
  if (!member) throw new CliError(`${command}: the ${choice.engine.name} engine does not offer this (no ${String(key)})`)
  return (typeof member === 'function' ? member.bind(admin) : member) as NonNullable<EngineAdmin[K]>
}

/** Runs `use` with the admin side open, and closes it after. */
export async function withAdmin<T>(choice: EngineChoice, command: string, use: (admin: EngineAdmin) => Promise<T>): Promise<T> {
  const admin = await openAdmin(choice, command)
  try {
    return await use(admin)
  } finally {
    await admin.close()
  }
}
