// Connections to NATS for every part of the engine: the servers, credentials (user and password,
// token, nkey seed or creds file) and TLS from the settings, checks that JetStream answers, and
// errors that name the server and say what to fix instead of a raw client error.
import { readFileSync } from 'node:fs'
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import type { ConnectionOptions, NatsConnection } from '@nats-io/transport-node'
import { errorMessage, StairsError } from '../../../errors.js'
import { describeServers, type JetStreamSettings, serverList } from './settings.js'

/** The oldest nats-server the engine runs on: the pull consumer API it uses came in 2.9.4. */
export const MIN_SERVER_VERSION = '2.9.4'

/** Connecting to or using the NATS servers failed; the message names the servers and the cause. */
export class JetStreamConnectionError extends StairsError {
  override readonly name = 'JetStreamConnectionError'
  constructor(message: string, cause?: unknown) {
    super('SERVER', message, { cause })
  }
}

export interface NatsLink {
  readonly nc: NatsConnection
  readonly js: JetStreamClient
  readonly jsm: JetStreamManager
  /** The largest message the servers take (their `max_payload`), headers included. */
  readonly maxPayload: number
  /** Where it is connected, passwords masked. */
  readonly where: string
}

/** Client options from the settings: servers, credentials, TLS, reconnecting forever once connected. */
export async function connectionOptions(settings: JetStreamSettings, name: string): Promise<ConnectionOptions> {
  const { credsAuthenticator, nkeyAuthenticator } = await import('@nats-io/transport-node')
  const servers: string[] = []
  let user = settings.user
  let pass = settings.password
  for (const url of serverList(settings)) {
    // Credentials in a URL (nats://user:password@host) are passed as options: the client does not read them there.
    const match = /^([a-z]+:\/\/)([^:@/]*)(?::([^@/]*))?@(.*)$/.exec(url)
    if (match) {
      user ??= decodeURIComponent(match[2] as string)
      if (match[3] !== undefined) pass ??= decodeURIComponent(match[3])
      servers.push(`${match[1]}${match[4]}`)
    } else servers.push(url)
  }
  const options: ConnectionOptions = {
    servers,
    name,
    timeout: settings.requestTimeoutMs,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    waitOnFirstConnect: false,
  }
  if (user !== undefined) {
    options.user = user
    if (pass !== undefined) options.pass = pass
  }
  if (settings.token !== undefined) options.token = settings.token
  if (settings.nkeySeed !== undefined) options.authenticator = nkeyAuthenticator(new TextEncoder().encode(settings.nkeySeed))
  if (settings.credsFile !== undefined) {
    let creds: Uint8Array
    try {
      creds = readFileSync(settings.credsFile)
    } catch (error) {
      throw new StairsError('CONFIG', `engine 'jetstream', setting 'credsFile': cannot read ${settings.credsFile}: ${errorMessage(error)}`)
    }
    options.authenticator = credsAuthenticator(creds)
  }
  if (settings.tls) {
    options.tls = {
      ...(settings.tls.caFile ? { caFile: settings.tls.caFile } : {}),
      ...(settings.tls.certFile ? { certFile: settings.tls.certFile } : {}),
      ...(settings.tls.keyFile ? { keyFile: settings.tls.keyFile } : {}),
    }
  }
  return options
}

/**
 * Connects and checks that JetStream answers for the account and that the server is new enough,
 * so an unreachable server, wrong credentials, a failed TLS handshake or a server without
 * JetStream is one clear error naming the servers.
 */
export async function connectNats(settings: JetStreamSettings, role: string): Promise<NatsLink> {
  const where = describeServers(settings)
  const options = await connectionOptions(settings, `stairs ${role} ${process.pid}`)
  const { connect } = await import('@nats-io/transport-node')
  const { jetstream, jetstreamManager } = await import('@nats-io/jetstream')
  let nc: NatsConnection
  try {
    nc = await connect(options)
  } catch (error) {
    throw natsFailure(where, error)
  }
  try {
    const version = nc.info?.version ?? '0.0.0'
    if (compareVersions(version, MIN_SERVER_VERSION) < 0)
      throw new JetStreamConnectionError(
        `NATS at ${where} runs nats-server ${version}; the jetstream engine needs ${MIN_SERVER_VERSION} or newer`,
      )
    const jsm = await jetstreamManager(nc, { timeout: settings.requestTimeoutMs })
    const js = jetstream(nc, { timeout: settings.requestTimeoutMs })
    return { nc, js, jsm, maxPayload: nc.info?.max_payload ?? 1024 * 1024, where }
  } catch (error) {
    await nc.close().catch(() => {})
    throw natsFailure(where, error)
  }
}

/** One line naming the servers and what went wrong (and what was being done), for any NATS failure. */
export function natsFailure(where: string, error: unknown, doing?: string): JetStreamConnectionError {
  if (error instanceof JetStreamConnectionError) return error
  const what = doing ? ` (${doing})` : ''
  return new JetStreamConnectionError(`cannot use NATS at ${where}${what}: ${describeNatsError(error)}`, error)
}

/** A NATS client error in words a user can act on. */
export function describeNatsError(error: unknown): string {
  const name = error instanceof Error ? error.name : ''
  const message = errorMessage(error)
  const cause = error instanceof Error && error.cause instanceof Error ? errorMessage(error.cause) : ''
  const all = `${message} ${cause}`
  if (name === 'AuthorizationError' || /authorization violation|authentication/i.test(all))
    return 'the server refused the credentials (authorization violation): check user and password, token, nkey seed or creds file'
  if (name === 'JetStreamNotEnabled' || /jetstream (is )?not enabled/i.test(all))
    return 'JetStream is not enabled there: start nats-server with -js (or a jetstream {} block in its config)'
  if (/ECONNREFUSED|CONNECTION_REFUSED|connection refused/i.test(all)) return 'connection refused: is nats-server running there?'
  if (/tls|certificate|self.signed|handshake/i.test(all)) return `TLS failed: ${cause || message}`
  if (name === 'TimeoutError' || /timeout/i.test(all)) return 'no answer in time (timeout): is the server reachable and JetStream up?'
  return cause && cause !== message ? `${message}: ${cause}` : message
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((n) => Number.parseInt(n, 10) || 0)
  const pb = b.split(/[.-]/).map((n) => Number.parseInt(n, 10) || 0)
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0)
  return 0
}
