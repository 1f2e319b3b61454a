// Bad engine configuration fails before any connection opens, in one line naming the engine and
// the setting, with exit code 2: an unknown engine (config or flag), a misspelled or mistyped
// setting (config section, flag, environment, code), and an engine module that throws on load.
// Every project here points its Redis engines at a port where nothing listens, so an engine that
// tried to connect first would report a refused connection instead of the setting.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App } from '../src/index.js'
import { EngineSettingsError, registerEngine, startRun, UnknownEngineError } from '../src/runtime/index.js'
import { linkCheckout, runCli, tempDir } from './support/cli.js'

const NOWHERE = 'redis://127.0.0.1:1'

let project: { dir: string; cleanup: () => void }

beforeAll(() => {
  project = tempDir('engine-config')
  linkCheckout(project.dir)
  writeFileSync(path.join(project.dir, 'package.json'), JSON.stringify({ name: 'cfg', type: 'module', private: true }))
  writeFileSync(
    path.join(project.dir, 'app.ts'),
    [
      "import { z } from 'zod'",
      "import { App } from 'stairs'",
      "export const app = new App('cfg')",
      "export const words = app.pipeline('words', { input: z.object({ text: z.string() }) }, (_p, r) => r.subscribeFunc(({ text }) => ({ n: text.length }), { name: 'count', asWorker: true }))",
      "app.producer('lines', { pipelines: [words] }, async function* () { yield { text: 'hello' } })",
      '',
    ].join('\n'),
  )
})

afterAll(() => project.cleanup())

/** Writes stairs.config.ts with `body` (the object literal's entries after `apps`) and runs the CLI. */
async function withConfig(body: string, args: readonly string[], env: Record<string, string> = {}, preamble = '') {
  writeFileSync(
    path.join(project.dir, 'stairs.config.ts'),
    `import { defineConfig } from 'stairs'\n${preamble}\nexport default defineConfig({ apps: ['app.ts'], ${body} })\n`,
  )
  const result = await runCli('stairs', args, { cwd: project.dir, env: { REDIS_URL: undefined, STAIRS_REDIS_URL: undefined, ...env } })
  const lines = result.stderr.trim().split('\n')
  return { ...result, lines }
}

describe('bad engine configuration, through the CLI', () => {
  it('an unknown engine in the config lists the registered ones and suggests the closest', async () => {
    const { code, lines } = await withConfig("engine: 'rediss'", ['inspect:status'])
    expect(code).toBe(2)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^error: stairs\.config\.ts: unknown engine 'rediss' \(did you mean 'redis'\?\); registered engines: memory, redis, bullmq/,
    )
  })

  it('an unknown engine given with --engine', async () => {
    const { code, lines } = await withConfig("engine: 'memory'", ['pipelines:run', '--engine', 'bullmqq'])
    expect(code).toBe(2)
    expect(lines).toEqual([expect.stringMatching(/^error: unknown engine 'bullmqq' \(did you mean 'bullmq'\?\); registered engines: /)])
  })

  it('a misspelled setting names the section, the setting and the right spelling', async () => {
    const { code, lines } = await withConfig(`engine: 'redis', redis: { url: '${NOWHERE}', batchSzie: 10 }`, ['inspect:status'])
    expect(code).toBe(2)
    expect(lines).toEqual([
      expect.stringMatching(
        /^error: stairs\.config\.ts: redis\.batchSzie: no such setting \(did you mean 'batchSize'\?\); the settings of engine 'redis' are url, prefix, tls, batchSize/,
      ),
    ])
  })

  it('a setting of the wrong type, also in a section the chosen engine does not use', async () => {
    const typed = await withConfig(`engine: 'memory', bullmq: { url: '${NOWHERE}', lockDurationMs: 'long' }`, ['graph'])
    expect(typed.code).toBe(2)
    expect(typed.lines).toEqual(['error: stairs.config.ts: bullmq.lockDurationMs: lockDurationMs must be a number'])
  })

  it('an unknown top-level key is neither a config key nor an engine section', async () => {
    const { code, lines } = await withConfig(`engine: 'memory', concurency: 2`, ['graph'])
    expect(code).toBe(2)
    expect(lines).toEqual([
      "error: stairs.config.ts: unknown key 'concurency' (did you mean 'concurrency'?): the config takes apps, engine, concurrency, generated and a settings section per engine (memory, redis, bullmq)",
    ])
  })

  it('a bad flag value names the flag as the setting’s source', async () => {
    const { code, lines } = await withConfig("engine: 'redis'", ['inspect:status', '--redis-url', 'http://127.0.0.1:6379'])
    expect(code).toBe(2)
    expect(lines).toEqual(["error: engine 'redis', setting 'url' (from the command line): must start with redis:// or rediss://"])
  })

  it('a bad environment value names the environment', async () => {
    const { code, lines } = await withConfig("engine: 'redis'", ['inspect:status'], { STAIRS_REDIS_URL: 'tcp://127.0.0.1:6379' })
    expect(code).toBe(2)
    expect(lines).toEqual(["error: engine 'redis', setting 'url' (from the environment): must start with redis:// or rediss://"])
  })

  it('a flag of another engine says which engine takes it', async () => {
    const { code, lines } = await withConfig("engine: 'memory'", ['pipelines:run', '--redis-url', NOWHERE])
    expect(code).toBe(2)
    expect(lines).toEqual([
      "error: --redis-url is a setting of the redis and bullmq engines, but this command runs on 'memory'; pass --engine redis or drop --redis-url",
    ])
  })

  it('an engine module that throws on load', async () => {
    writeFileSync(path.join(project.dir, 'broken-engine.ts'), "throw new Error('the driver is not installed')\n")
    const { code, lines } = await withConfig("engine: 'memory'", ['graph'], {}, "import './broken-engine.ts'")
    expect(code).toBe(2)
    expect(lines).toEqual(['error: stairs.config.ts: loading it failed: the driver is not installed'])
  })

  it('a good config still runs (the checks pass what they should)', async () => {
    const { code, stdout } = await withConfig(`engine: 'memory', redis: { url: '${NOWHERE}', batchSize: 10 }`, ['pipelines:run'])
    expect(code).toBe(0)
    expect(stdout).toContain('cfg.words: 1 in, 1 out')
  })
})

describe('bad engine configuration, in code', () => {
  const pipeline = new App('cfg_code').pipeline('p', { input: z.object({ n: z.number() }) }, (_p, r) => r)

  it('startRun refuses a misspelled setting before connecting', async () => {
    const refused = startRun('redis', [pipeline], { settings: { url: NOWHERE, blockMS: 20 } })
    await expect(refused).rejects.toBeInstanceOf(EngineSettingsError)
    await expect(refused).rejects.toThrow(
      "engine 'redis', setting 'blockMS' (from startRun settings): no such setting (did you mean 'blockMs'?)",
    )
  })

  it('startRun names an unknown engine', async () => {
    await expect(startRun('kafka', [pipeline])).rejects.toBeInstanceOf(UnknownEngineError)
  })

  it('registerEngine refuses a bad name, a missing schema, and a second engine under a taken name', () => {
    const engine = {
      name: 'cfg-test',
      description: 'test',
      settings: z.object({}).strict(),
      capabilities: { durable: false, distributed: false },
      start: async () => {
        throw new Error('not started in this test')
      },
    }
    expect(() => registerEngine({ ...engine, name: 'Bad Name' })).toThrow(/engine name 'Bad Name' must be lowercase letters/)
    expect(() => registerEngine({ ...engine, settings: undefined as never })).toThrow(/has no settings schema/)
    registerEngine(engine)
    registerEngine(engine) // the same object again: nothing happens
    expect(() => registerEngine({ ...engine })).toThrow(/an engine named 'cfg-test' is already registered/)
    expect(() => registerEngine({ ...engine, name: 'redis' })).toThrow(/an engine named 'redis' is already registered/)
  })
})
