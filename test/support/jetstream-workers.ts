// Jetstream worker processes (test/fixtures/jetstream-worker.ts) for the process tests, and the
// crash pipeline's sink in Redis read back: which ids arrived, how many deliveries in all.
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { sinkKeys } from '../fixtures/crash-pipeline.js'

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'jetstream-worker.ts')

export interface JetStreamWorker {
  readonly child: ChildProcess
  readonly ready: Promise<void>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  output(): string
}

export function startJetStreamWorker(
  servers: readonly string[],
  prefix: string,
  sinkUrl: string,
  settings: Record<string, unknown> = {},
  env: Record<string, string> = {},
): JetStreamWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', script, servers.join(','), prefix], {
    env: { ...process.env, STAIRS_SINK_URL: sinkUrl, STAIRS_SINK_PREFIX: prefix, STAIRS_JS_SETTINGS: JSON.stringify(settings), ...env },
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
    void exited.then(({ code, signal }) => reject(new Error(`worker exited before ready (${code}, ${signal}): ${output.slice(-1500)}`)))
  })
  ready.catch(() => {})
  return { child, ready, exited, output: () => output }
}

export async function stopJetStreamWorker(worker: JetStreamWorker, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal)
  await worker.exited
}

/** What reached the sink: distinct ids, all deliveries, deliveries per worker pid. */
export async function readSink(
  url: string,
  prefix: string,
): Promise<{ ids: Set<string>; total: number; byWorker: Record<string, number> }> {
  const client = new Redis(url)
  try {
    const keys = sinkKeys(prefix)
    const [ids, total, byWorker] = await Promise.all([client.smembers(keys.ids), client.get(keys.total), client.hgetall(keys.byWorker)])
    return {
      ids: new Set(ids),
      total: Number(total ?? 0),
      byWorker: Object.fromEntries(Object.entries(byWorker).map(([k, v]) => [k, Number(v)])),
    }
  } finally {
    client.disconnect()
  }
}

export async function clearSink(url: string, prefix: string): Promise<void> {
  const client = new Redis(url)
  try {
    const keys = sinkKeys(prefix)
    await client.del(keys.ids, keys.total, keys.byWorker)
  } finally {
    client.disconnect()
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
