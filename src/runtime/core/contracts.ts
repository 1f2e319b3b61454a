// Deploy safety, the same on every engine: the first worker of a queue registers the queue's
// payload contract hash (from generated/manifest.json); a worker whose hash differs refuses to
// start, because the records already queued were shaped by the other version of the code.
// Engines keep the registrations (ContractStore); the rule lives here.
import { StairsError } from '../../errors.js'

/** Where an engine keeps the contract hash registered for each queue of an app. */
export interface ContractStore {
  /**
   * Registers `hash` for every queue that has none yet (the first worker wins, atomically per
   * queue) and returns what is registered for each of the given queues afterwards.
   */
  register(app: string, contracts: Readonly<Record<string, string>>): Promise<Record<string, string>>
  /** Every registered queue of the app with its hash. */
  list(app: string): Promise<Record<string, string>>
  /** Forgets the registrations of the given queues (all of the app's when none given); returns how many. */
  reset(app: string, queues?: readonly string[]): Promise<number>
}

export interface ContractChange {
  readonly queue: string
  readonly registered: string
  readonly expected: string
}

/** A worker's manifest disagrees with the contract the running system registered for a queue. */
export class ContractMismatchError extends StairsError {
  override readonly name = 'ContractMismatchError'
  constructor(readonly changes: readonly ContractChange[]) {
    const lines = changes.map((c) => `  ${c.queue}: the running system registered ${c.registered}, this worker has ${c.expected}`)
    super(
      'CONTRACT_MISMATCH',
      `refusing to start: the payload contract of ${changes.length === 1 ? 'stage queue' : 'stage queues'} ${changes.map((c) => `'${c.queue}'`).join(', ')} changed since the running system registered it\n${lines.join('\n')}\n` +
        `Records already queued were shaped by the old code. Drain the queue first (run the old workers until it is empty), then run 'stairs contracts:reset ${changes.map((c) => c.queue).join(' ')}' and start again.`,
    )
  }

  /** The first changed queue (most refusals name one). */
  get queue(): string {
    return this.changes[0]?.queue ?? ''
  }
}

/** The app a queue name (`app.pipeline.stage`) belongs to. */
export const appOfQueue = (queue: string): string => queue.slice(0, queue.indexOf('.'))

/**
 * Registers the contracts of the queues a worker serves and throws ContractMismatchError naming
 * every queue whose registered hash differs. Queues of several apps are fine.
 */
export async function checkContracts(store: ContractStore, contracts: Readonly<Record<string, string>>): Promise<void> {
  const byApp = new Map<string, Record<string, string>>()
  for (const [queue, hash] of Object.entries(contracts)) {
    const app = appOfQueue(queue)
    byApp.set(app, { ...byApp.get(app), [queue]: hash })
  }
  const changes: ContractChange[] = []
  for (const [app, mine] of byApp) {
    const registered = await store.register(app, mine)
    for (const [queue, expected] of Object.entries(mine)) {
      const current = registered[queue]
      if (current !== undefined && current !== expected) changes.push({ queue, registered: current, expected })
    }
  }
  if (changes.length) throw new ContractMismatchError(changes)
}
