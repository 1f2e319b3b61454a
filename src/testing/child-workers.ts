// Real worker processes for the SIGKILL test: each runs src/testing/worker-child on the engine
// under test; the test kills them with SIGKILL mid-batch and reads what reached the sink file.
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
// The sources run under tsx (this repository, a user's TypeScript engine); the build is plain JS.
const script = path.join(here, import.meta.url.endsWith('.ts') ? 'worker-child.ts' : 'worker-child.js')

export interface ChildWorker {
  readonly child: ChildProcess
  readonly pid: number
  /** Resolves once the worker printed `ready`; rejects if it exits first. */
  readonly ready: Promise<void>
  readonly exited: Promise<void>
  output(): string
}

export interface ChildWorkerOptions {
  readonly engine: string
  readonly module: string | undefined
  readonly settings: unknown
  readonly sinkFile: string
  readonly sinkDelayMs: number
}

export function startChildWorker(options: ChildWorkerOptions): ChildWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      ...process.env,
      STAIRS_KIT_ENGINE: options.engine,
      STAIRS_KIT_MODULE: options.module ?? '',
      STAIRS_KIT_SETTINGS: JSON.stringify(options.settings ?? {}),
      STAIRS_KIT_SINK: options.sinkFile,
      STAIRS_KIT_SINK_DELAY_MS: String(options.sinkDelayMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk
      if (output.includes('ready')) resolve()
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk
    })
    void exited.then(() =>
      reject(
        new Error(
          `kit worker process exited before it was ready (code ${child.exitCode}, signal ${child.signalCode}): ${output.slice(-1500)}`,
        ),
      ),
    )
  })
  ready.catch(() => {})
  return { child, pid: child.pid as number, ready, exited, output: () => output }
}

/** Sends `signal` (SIGKILL by default) unless the worker already exited, and waits for the exit. */
export async function stopChildWorker(worker: ChildWorker, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal)
  await worker.exited
}

/** What the sink file holds: deliveries per record key and per worker pid. */
export function readSinkFile(file: string): { keys: Map<string, number>; byPid: Map<number, number>; total: number } {
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const keys = new Map<string, number>()
  const byPid = new Map<number, number>()
  let total = 0
  for (const line of text.split('\n')) {
    const [key, pid] = line.split(' ')
    // A line a SIGKILL cut short has no pid: the record was not fully written, it will come again.
    if (!key || !pid) continue
    total++
    keys.set(key, (keys.get(key) ?? 0) + 1)
    byPid.set(Number(pid), (byPid.get(Number(pid)) ?? 0) + 1)
  }
  return { keys, byPid, total }
}
