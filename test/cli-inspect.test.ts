// Acceptance 2 of the CLI: inspect:status and inspect:monitor show what the test pushed, in the
// seed's layout; dlq:list / dlq:replay show and resend what failed. Real Redis, real processes.
import { appendFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collect, runCli, scaffoldLinkedProject, startCli, tempDir } from './support/cli.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'

const temp = tempDir('inspect')
const prefix = uniquePrefix('cli-inspect')
let project: string
let env: Record<string, string>

beforeAll(async () => {
  env = { REDIS_URL: await redisUrl(), STAIRS_REDIS_PREFIX: prefix }
  project = await scaffoldLinkedProject(temp.dir, 'demo')
  // One row the input schema refuses (id is not a number): it becomes a dead letter.
  appendFileSync(path.join(project, 'data/demo.jsonl'), `${JSON.stringify({ id: 'eleven', text: 'not a number' })}\n`)
})
afterAll(async () => {
  await deletePrefix(env.REDIS_URL as string, prefix)
  temp.cleanup()
})

const stairs = (...args: string[]) => runCli('stairs', [...args, '--engine', 'redis'], { cwd: project, env })

describe('inspect and dlq on the redis engine', () => {
  it('inspect:status shows each queue with its exact length and its trend', async () => {
    for (let i = 0; i < 2; i++) expect((await stairs('producer:process', 'demo.sentences')).code).toBe(0)
    const { code, stdout } = await stairs('inspect:status', 'demo', '--interval', '200')
    expect(code).toBe(0)
    expect(stdout).toBe(
      [
        'Queue: demo.word_count.input',
        'Amount of jobs: 20',
        'Queue is not changing',
        '',
        'Queue: demo.word_count.save_counts',
        'Amount of jobs: 0',
        'Queue is not changing',
        '',
      ].join('\n'),
    )
  })

  it('inspect:monitor prints a table per stage: waiting, rates, failed, dead-lettered', async () => {
    const { code, stdout } = await stairs('inspect:monitor', 'demo.word_count', '--once', '--interval', '200')
    expect(code).toBe(0)
    const lines = stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^redis at redis:\/\/.+, \d\d:\d\d:\d\d, rates over the last \d+\.\d\d s$/)
    expect(lines[1]?.split(/\s{2,}/)).toEqual(['Queue', 'Waiting', 'In progress', 'Added/s', 'Processed/s', 'Failed', 'Dead-lettered'])
    expect(lines[2]?.split(/\s+/)).toEqual(['demo.word_count.input', '20', '0', '0.0', '0.0', '0', '0'])
    expect(lines[3]?.split(/\s+/)).toEqual(['demo.word_count.save_counts', '0', '0', '0.0', '0.0', '0', '0'])
    const twice = await stairs('inspect:monitor', 'demo', '--iterations', '2', '--interval', '100')
    expect(twice.stdout.match(/^Queue +Waiting/gm)).toHaveLength(2)
  })

  it('inspect:monitor rates add up to what a producer pushed while it watched', async () => {
    const monitor = startCli('stairs', ['inspect:monitor', 'demo.word_count', '--engine', 'redis', '--iterations', '10'], {
      cwd: project,
      env,
    })
    const done = collect(monitor)
    // Push only once the monitor has drawn its first table, so the whole push falls inside its window.
    await new Promise<void>((resolve) => monitor.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('Queue ') && resolve()))
    expect((await stairs('producer:process', 'demo.sentences')).code).toBe(0)
    const { code, stdout } = await done
    expect(code).toBe(0)
    // Each table: a header with the span its rates cover, then one row per queue.
    const tables = stdout
      .trim()
      .split('\n\n')
      .map((table) => table.split('\n'))
    expect(tables).toHaveLength(10)
    const spans = tables.map((t) => Number(/rates over the last ([\d.]+) s$/.exec(t[0] as string)?.[1]))
    const inputRows = tables.map((t) => (t.find((line) => line.startsWith('demo.word_count.input ')) as string).split(/\s+/))
    expect(inputRows.at(-1)?.[1]).toBe('30') // 20 before, plus 10
    // added/s times the span of each table, summed: the 10 records pushed (up to the 0.1 rounding).
    const added = inputRows.reduce((sum, row, i) => sum + Number(row[3]) * (spans[i] as number), 0)
    expect(added).toBeGreaterThan(9)
    expect(added).toBeLessThan(11)
  })

  it('dlq:list shows the refused rows with the zod message; dlq:replay keeps those that still fail', async () => {
    const list = await stairs('dlq:list', 'demo.word_count')
    expect(list.code).toBe(0)
    const rows = list.stdout.trim().split('\n')
    expect(rows).toHaveLength(3) // one refused row per producer run
    expect(rows[0]).toMatch(/demo\.word_count {2}stage input {2}id \S+ {2}attempts 1 {2}InputError: .*id.*expected number/)
    expect(list.stderr).toContain('dead letters: 3 in demo.word_count')
    const json = await stairs('dlq:list', 'demo.word_count', '--json', '--limit', '1')
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ app: 'demo', pipeline: 'word_count', stage: 'input' })
    // --id counts only what it selects: one of the three.
    const one = JSON.parse(json.stdout.trim()) as { id: string }
    const replayOne = await stairs('dlq:replay', 'demo.word_count', '--id', one.id)
    expect(replayOne.code).toBe(0)
    expect(replayOne.stderr).toContain(
      'replayed 0 of 1 dead letters selected by --id (1 ids given) of demo.word_count (1 of them stay in the dead-letter queue: they still fail, e.g. their input schema)',
    )
    const replay = await stairs('dlq:replay', 'demo.word_count')
    expect(replay.code).toBe(0)
    // Rows refused by the input schema fail it again: they stay, and the command says so.
    expect(replay.stderr).toContain(
      'replayed 0 of 3 dead letters of demo.word_count (3 of them stay in the dead-letter queue: they still fail, e.g. their input schema)',
    )
    expect((await stairs('dlq:list', 'demo.word_count')).stdout.trim().split('\n')).toHaveLength(3)
  })
})
