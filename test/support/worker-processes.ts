// Starts, kills and waits for worker processes (test/fixtures/engine-worker.ts) in the process
// tests, and measures what Redis holds in flight for them, for either Redis engine.
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { planPipeline } from '../../src/plan/planner.js'
import type { StartRunOptions } from '../../src/runtime/index.js'
import { redisKeys } from '../../src/runtime/index.js'
import { bullmqQueueName } from '../../src/runtime/keys.js'
import { crashPipeline } from '../fixtures/crash-pipeline.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const workerScript = path.join(here, '..', 'fixtures', 'engine-worker.ts')

export interface WorkerProcess {
  readonly child: ChildProcess
  readonly pid: number
  /** Resolves when the worker printed `ready`; rejects if it exits first. */
  readonly ready: Promise<void>
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  output(): string
}

export function startWorker(
  engine: string,
  url: string,
  prefix: string,
  options: StartRunOptions = {},
  env: Record<string, string> = {},
): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript, engine, url, prefix], {
    env: { ...process.env, STAIRS_SINK_URL: url, STAIRS_SINK_PREFIX: prefix, STAIRS_RUN_OPTIONS: JSON.stringify(options), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk
      if (output.includes('ready')) resolve()
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk
    })
    void exited.then(({ code, signal }) =>
      reject(new Error(`worker exited before ready (code ${code}, signal ${signal}): ${output.slice(-1000)}`)),
    )
  })
  ready.catch(() => {})
  return { child, pid: child.pid as number, ready, exited, output: () => output }
}

/** Kills with SIGKILL and waits for the exit. */
export async function killWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL')
  await worker.exited
}

/** The crash pipeline's stage ids, in order. */
export const crashStages = (): string[] => planPipeline(crashPipeline.graph()).stages.map((s) => s.id)

/**
 * Records Redis holds as taken and not acknowledged: on `redis`, the records in the pending
 * entries of the consumers of process `pid` (all consumers when no pid); on `bullmq`, the active jobs of every
 * stage queue (BullMQ does not say which worker holds a job, so this bounds from above).
 */
export async function inFlight(engine: string, url: string, prefix: string, pid?: number): Promise<number> {
  const client = new Redis(url)
  try {
    let total = 0
    for (const stage of crashStages()) {
      if (engine === 'redis') {
        const stream = redisKeys.stageStream(prefix, 'crash', 'ids', stage)
        const consumers = (await client.xinfo('CONSUMERS', stream, 'stairs')) as (string | number)[][]
        for (const fields of consumers) {
          const info = Object.fromEntries(
            fields.map((v, i, all) => (i % 2 ? undefined : [v, all[i + 1]])).filter(Boolean) as [string, unknown][],
          )
          if (pid === undefined || String(info.name).split(':')[1] === String(pid))
            total += await pendingRecords(client, stream, String(info.name))
        }
      } else {
        total += await client.llen(`${redisKeys.bullmqPrefix(prefix, 'crash', 'ids')}:${bullmqQueueName('ids', stage)}:active`)
      }
    }
    return total
  } finally {
    client.disconnect()
  }
}

/** Records held by one consumer: its pending entries, each holding one envelope per line. */
async function pendingRecords(client: Redis, stream: string, consumer: string): Promise<number> {
  const pending = (await client.xpending(stream, 'stairs', '-', '+', 1_000_000, consumer)) as [string, string, number, number][]
  let records = 0
  for (const [id] of pending) {
    const [entry] = (await client.xrange(stream, id, id)) as [string, string[]][]
    const fields = entry?.[1] ?? []
    const text = fields[fields.indexOf('e') + 1]
    records += text === undefined || fields.indexOf('e') < 0 ? 1 : text.split('\n').length
  }
  return records
}
