// The CLI's library functions, called directly: suggestions, config editing, option parsing, the
// error report, progress lines and the inspect layout.
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { CliError } from '../src/cli/errors.js'
import { describeFailure } from '../src/cli/handle-error.js'
import { formatMonitor, formatStatus, monitorRows, type QueueSample } from '../src/cli/inspect.js'
import { parseOptions } from '../src/cli/options.js'
import { barLine, createProgress, plainLine } from '../src/cli/progress.js'
import { registerAppModule } from '../src/cli/scaffold.js'
import { unknownName } from '../src/cli/suggest.js'
import { StairsError } from '../src/errors.js'
import type { QueueStatus, StageCounters } from '../src/runtime/engine-types.js'
import { closest, editDistance } from '../src/suggest.js'

describe('suggestions', () => {
  it('edit distance and the closest valid name', () => {
    expect(editDistance('word_cont', 'word_count')).toBe(1)
    expect(editDistance('', 'abc')).toBe(3)
    expect(closest('word_cont', ['stats', 'word_count'])).toBe('word_count')
    expect(closest('zzzzzz', ['stats', 'word_count'])).toBeUndefined()
  })

  it('unknown names list the valid ones, sorted', () => {
    expect(unknownName('app', 'dmeo', ['second', 'demo']).message).toBe("unknown app 'dmeo': did you mean 'demo'? (valid: demo, second)")
    expect(unknownName('producer', 'x', []).message).toBe("unknown producer 'x' (there is no producer)")
  })
})

describe('registerAppModule', () => {
  it('appends to a multi-line list, keeping its indent and the rest of the file', () => {
    const source = "export default defineConfig({\n  apps: [\n    'apps/a/index.ts',\n  ],\n  engine: 'memory',\n})\n"
    expect(registerAppModule(source, 'apps/b/index.ts')).toBe(
      "export default defineConfig({\n  apps: [\n    'apps/a/index.ts',\n    'apps/b/index.ts',\n  ],\n  engine: 'memory',\n})\n",
    )
  })

  it('handles a one-line list without a trailing comma, and is idempotent', () => {
    const once = registerAppModule("defineConfig({ apps: ['apps/a/index.ts'] })", 'apps/b/index.ts')
    expect(once).toContain("'apps/a/index.ts',")
    expect(once).toContain("'apps/b/index.ts',")
    expect(registerAppModule(once, 'apps/b/index.ts')).toBe(once)
  })

  it('says what to do when there is no apps list', () => {
    expect(() => registerAppModule('export default {}', 'apps/b/index.ts')).toThrow("cannot find its 'apps: [...]' list")
  })
})

describe('parseOptions', () => {
  const schema = z.object({ maxRetries: z.coerce.number().int().positive() })
  it('returns typed values, or a usage error naming the flag', () => {
    expect(parseOptions(schema, { maxRetries: '3' })).toEqual({ maxRetries: 3 })
    const error = (() => {
      try {
        parseOptions(schema, { maxRetries: '0' })
      } catch (e) {
        return e as CliError
      }
    })()
    expect(error).toBeInstanceOf(CliError)
    expect(error?.exitCode).toBe(2)
    expect(error?.message).toMatch(/^option --max-retries: /)
  })
})

describe('describeFailure', () => {
  it('known errors: one line (and a hint), the stack only with verbose', () => {
    expect(describeFailure(new CliError('bad', { hint: 'do this' }), false)).toEqual({
      lines: ['error: bad', 'hint: do this'],
      exitCode: 1,
    })
    expect(describeFailure(new StairsError('CONFIG', 'broken config'), false)).toEqual({ lines: ['error: broken config'], exitCode: 2 })
    expect(describeFailure(new StairsError('ENGINE', 'server gone'), false)).toEqual({ lines: ['error: server gone'], exitCode: 1 })
    const verbose = describeFailure(new StairsError('CONFIG', 'broken config'), true)
    expect(verbose.lines[0]).toBe('error: broken config')
    expect(verbose.lines[1]).toMatch(/\n\s+at /)
  })

  it('unexpected errors say how to see more', () => {
    expect(describeFailure(new TypeError('x is undefined'), false)).toEqual({
      lines: ['error: unexpected failure: TypeError: x is undefined', 'run again with --verbose to see the stack trace'],
      exitCode: 1,
    })
  })
})

describe('progress', () => {
  const capture = (tty: boolean) => {
    const stream = Object.assign(new PassThrough(), { isTTY: tty })
    let text = ''
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString()
    })
    return { stream, text: () => text }
  }

  it('lines with and without a total', () => {
    expect(barLine('load', 50, 100, 'rows', 10_000)).toBe(`load [${'█'.repeat(14)}${'░'.repeat(14)}] 50% 50/100 rows, 5.0/s, ETA 10s`)
    expect(plainLine('load', 50, 100, 'rows', 10_000)).toBe('load: 50/100 rows (50%), 5.0/s, ETA 10s')
    expect(plainLine('load', 1200, undefined, 'rows', 2_000)).toBe('load: 1200 rows, 600/s')
  })

  it('a terminal gets the bar redrawn in place; a pipe gets whole lines', () => {
    const tty = capture(true)
    const bar = createProgress('load', { stream: tty.stream, total: 4, unit: 'batches' })
    bar.update(1)
    bar.finish('done')
    // Each draw clears the line (carriage return + erase line) and writes the bar again.
    const redraws = tty.text().split('\r\x1b[2K')
    expect(redraws[0]).toBe('')
    expect(redraws.slice(1).map((r) => r.replace(/, [\d.]+\/s.*/s, ''))).toEqual([
      `load [${'█'.repeat(7)}${'░'.repeat(21)}] 25% 1/4 batches`,
      `load [${'█'.repeat(7)}${'░'.repeat(21)}] 25% 1/4 batches`,
    ])
    expect(tty.text()).toMatch(/\ndone\n$/)

    const pipe = capture(false)
    const lines = createProgress('load', { stream: pipe.stream, total: 4, unit: 'batches', intervalMs: 0 })
    lines.update(1)
    lines.update(4)
    lines.finish()
    const printed = pipe.text().trim().split('\n')
    expect(printed.map((l) => l.replace(/, [\d.]+\/s.*/, ''))).toEqual([
      'load: 1/4 batches (25%)',
      'load: 4/4 batches (100%)',
      'load: 4/4 batches (100%)',
    ])
    expect(pipe.text()).not.toContain('\r')
  })
})

describe('inspect layout', () => {
  const counters = (added: number, processed: number): StageCounters => ({
    added,
    processed,
    failed: 1,
    filtered: 0,
    retried: 0,
    deadLettered: 2,
  })
  const queue = (stage: string, waiting: number, added: number, processed: number): QueueStatus => ({
    app: 'demo',
    pipeline: 'word_count',
    stage,
    queue: `demo.word_count.${stage}`,
    waiting,
    inFlight: 0,
    counters: counters(added, processed),
  })
  const before: QueueSample = { at: 0, queues: [queue('input', 100, 100, 0), queue('save', 0, 0, 0)] }
  const after: QueueSample = { at: 2000, queues: [queue('input', 90, 110, 20), queue('save', 30, 20, 0)] }

  it('status: length and trend per queue, as in the seed docs', () => {
    expect(formatStatus(before, after)).toBe(
      'Queue: demo.word_count.input\nAmount of jobs: 90\nQueue decreasing by 5.0 tasks per/sec\n\n' +
        'Queue: demo.word_count.save\nAmount of jobs: 30\nQueue increasing by 15.0 tasks per/sec',
    )
  })

  it('monitor: rates from the counter deltas', () => {
    const rows = monitorRows(before, after)
    expect(rows[0]).toMatchObject({ addedPerSecond: 5, processedPerSecond: 10, failed: 1, deadLettered: 2 })
    expect(formatMonitor(rows).split('\n')[1]?.split(/\s+/)).toEqual(['demo.word_count.input', '90', '0', '5.0', '10.0', '1', '2'])
  })
})
