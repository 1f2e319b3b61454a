// Pulls records from a durable consumer with the JetStream pull API directly: a request for up to
// `batch` records that returns at once with what is there, or waits up to `waitMs` for the first
// one when nothing is (`no_wait` with `expires`, answered with a 404 or 408 status). The client's
// own fetch() waits for a full batch or at least a second, and prefetches: a worker that stops
// would leave prefetched records to wait out their ack wait. Here nothing is taken that is not run.
import type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node'

/** One delivered record and what to answer for it. */
export class Delivery {
  /** Times the server delivered it (1 the first time). */
  readonly deliveryCount: number
  /** Its sequence in the stream: unique, so it names this record in message ids derived from it. */
  readonly streamSeq: number

  constructor(private readonly msg: Msg) {
    const tokens = (msg.reply ?? '').split('.')
    // $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>... or, with a domain and account hash, two tokens more.
    const at = tokens.length >= 11 ? 6 : 4
    this.deliveryCount = Number(tokens[at]) || 1
    this.streamSeq = Number(tokens[at + 1]) || 0
  }

  get data(): Uint8Array {
    return this.msg.data
  }

  get headers(): MsgHdrs | undefined {
    return this.msg.headers
  }

  ack(): void {
    this.msg.respond('+ACK')
  }

  /** Deliver again after `delayMs` (counts a delivery). */
  nak(delayMs: number): void {
    this.msg.respond(`-NAK ${JSON.stringify({ delay: Math.max(0, Math.round(delayMs)) * 1_000_000 })}`)
  }

  /** Still working on it: restarts its ack wait. */
  working(): void {
    this.msg.respond('+WPI')
  }
}

/** A pull the server answered with an error status (409 consumer deleted, 503 no responders, ...). */
export class PullStatusError extends Error {
  override readonly name = 'JetStreamStatusError'
  constructor(
    readonly code: number,
    description: string,
    readonly where: string,
  ) {
    super(`pull from ${where}: ${code} ${description}`)
  }
}

/** No answer to a pull in time: the server is away or the connection is re-forming. */
export class PullTimeoutError extends Error {
  override readonly name = 'TimeoutError'
}

const MIN_WAIT_MS = 50

export class Puller {
  private readonly inbox: string
  private readonly sub: Subscription
  private readonly api: string
  private current: { batch: number; got: Delivery[]; resolve: (got: Delivery[]) => void; reject: (error: Error) => void } | undefined

  constructor(
    private readonly nc: NatsConnection,
    stream: string,
    durable: string,
    private readonly timeoutMs: number,
    inbox: string,
  ) {
    this.api = `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`
    this.inbox = inbox
    this.sub = nc.subscribe(inbox, { callback: (error, msg) => this.receive(error, msg) })
  }

  /** Up to `batch` records; waits up to `waitMs` for the first when there are none ([] then). */
  pull(batch: number, wait: number): Promise<Delivery[]> {
    // A pull whose expiry has passed when the server gets to it is dropped without an answer: keep it well above that.
    const waitMs = Math.max(MIN_WAIT_MS, wait)
    if (this.current) return Promise.reject(new Error('one pull at a time'))
    return new Promise<Delivery[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.current?.resolve !== done) return
        this.current = undefined
        if (got.length) resolve(got)
        else reject(new PullTimeoutError(`no answer from the server to a pull within ${waitMs + this.timeoutMs} ms`))
      }, waitMs + this.timeoutMs)
      const got: Delivery[] = []
      const done = (records: Delivery[]) => {
        clearTimeout(timer)
        resolve(records)
      }
      this.current = {
        batch,
        got,
        resolve: done,
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      }
      try {
        this.nc.publish(this.api, JSON.stringify({ batch, no_wait: true, expires: waitMs * 1_000_000 }), { reply: this.inbox })
      } catch (error) {
        this.current = undefined
        clearTimeout(timer)
        reject(error as Error)
      }
    })
  }

  close(): void {
    this.sub.unsubscribe()
  }

  private receive(error: Error | null, msg: Msg): void {
    const current = this.current
    if (!current) return // a record for a pull that gave up: it is redelivered after its ack wait
    if (error) {
      this.current = undefined
      current.reject(error)
      return
    }
    const code = msg.headers?.code ?? 0
    if (code > 0 && msg.data.length === 0) {
      if (code === 100) return // a heartbeat
      this.current = undefined
      if (code === 404 || code === 408) current.resolve(current.got)
      else current.reject(new PullStatusError(code, msg.headers?.description ?? '', this.api))
      return
    }
    current.got.push(new Delivery(msg))
    if (current.got.length >= current.batch) {
      this.current = undefined
      current.resolve(current.got)
    }
  }
}
