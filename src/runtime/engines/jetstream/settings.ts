// The jetstream engine's settings: where the NATS servers are and how to log in, how its streams
// are made (replicas, storage, retention, duplicate window), and the tuning of its workers.
import { z } from 'zod'

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222'

/** Stream, subject and bucket names start with it (`stairs_app_pipeline`, `stairs.p.app...`). */
export const DEFAULT_NATS_PREFIX = 'stairs'

const positive = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int()
    .positive()

const serverUrl = z.string().regex(/^(nats|tls|wss?):\/\/[^\s,]+$/, 'must be a URL like nats://host:port (or tls://host:port)')

export const jetstreamSettings = z
  .object({
    /** One server URL, or several of one cluster (the client picks one and fails over). `nats://user:password@host:port` logs in too. */
    servers: z.union([serverUrl, z.array(serverUrl).min(1)]).default(DEFAULT_NATS_URL),
    /** Stream, subject and KV bucket names begin with it; tests and deployments sharing a server use their own. */
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and - only, at most 32 characters')
      .default(DEFAULT_NATS_PREFIX),
    /** User and password (the server's `authorization { user, password }`). */
    user: z.string().min(1).optional(),
    password: z.string().optional(),
    /** A token (the server's `authorization { token }`). */
    token: z.string().min(1).optional(),
    /** An nkey seed (`SU...`), for servers that list the user's public nkey. */
    nkeySeed: z
      .string()
      .regex(/^SU[A-Z2-7]+$/, 'an nkey user seed starts with SU')
      .optional(),
    /** A `.creds` file (JWT and seed) from an operator-mode setup. */
    credsFile: z.string().min(1).optional(),
    /** TLS: CA file to trust, and a client certificate and key file when the server asks for one. */
    tls: z
      .object({ caFile: z.string().min(1).optional(), certFile: z.string().min(1).optional(), keyFile: z.string().min(1).optional() })
      .strict()
      .optional(),
    /** Copies of each stream and consumer kept by a cluster (Raft): 1 on a single server, 3 to survive the loss of one. */
    replicas: z.number({ error: 'replicas must be a number' }).int().min(1).max(5, 'replicas must be between 1 and 5').default(1),
    /** Where the servers keep messages: `file` survives a restart, `memory` does not. */
    storage: z.enum(['file', 'memory']).default('file'),
    /**
     * `workqueue`: a record leaves its stage's stream once the stage acknowledged it. `limits`:
     * records stay in the stream until `maxAgeMs` (or forever), for replay with other tools.
     */
    retention: z.enum(['workqueue', 'limits']).default('workqueue'),
    /** With `limits` retention, how long records are kept (ms; 0 keeps them until purged). */
    maxAgeMs: z.number({ error: 'maxAgeMs must be a number' }).int().min(0).default(0),
    /** How long the servers remember a message id to drop a duplicate (`Nats-Msg-Id`), in ms. */
    duplicateWindowMs: positive('duplicateWindowMs').default(120_000),
    /** Records a worker pulls per request. */
    batchSize: positive('batchSize').default(256),
    /** How long an idle worker's pull waits for a record before it pulls again (ms). */
    pullWaitMs: positive('pullWaitMs').default(500),
    /** A record taken by a worker and not acknowledged within this time is delivered again (ms). */
    ackWaitMs: positive('ackWaitMs').default(30_000),
    /** Deliveries without an acknowledgement (crashed workers) before a record is dead-lettered. */
    maxDeliveries: positive('maxDeliveries').default(5),
    /** How long a request to the servers may take before it counts as failed (ms). */
    requestTimeoutMs: positive('requestTimeoutMs').default(5_000),
  })
  .strict()

export type JetStreamSettings = z.output<typeof jetstreamSettings>

/** The servers as a list. */
export const serverList = (settings: Pick<JetStreamSettings, 'servers'>): string[] =>
  typeof settings.servers === 'string' ? [settings.servers] : [...settings.servers]

/** Server URLs with any password masked, safe to print. */
export function describeServers(settings: Pick<JetStreamSettings, 'servers'>): string {
  return serverList(settings)
    .map((url) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@'))
    .join(',')
}
