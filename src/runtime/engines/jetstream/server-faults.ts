// What a failed call to the NATS servers means, decided in one place. A server fault (the
// connection is down or reconnecting, no stream leader yet after a failover, a request timed
// out, a 503) says nothing about the record: the worker keeps the record, backs off and tries
// again, without spending the record's attempts. Anything else is the caller's to judge.
import { errorMessage } from '../../../errors.js'

/** Error names the NATS client gives to transport trouble. */
const FAULT_NAMES = new Set([
  'TimeoutError',
  'NoRespondersError',
  'ClosedConnectionError',
  'ConnectionError',
  'DrainingConnectionError',
  // Raised for a publish or an API call that no server answered: during a leader election, or
  // while a restarted server has not loaded its streams yet (its setup was checked at start).
  'JetStreamNotEnabled',
])

/** JetStream API error codes of a cluster in transition (a leader being elected, peers away). */
const FAULT_API_CODES = new Set([
  10008, // JetStream system temporarily unavailable
  10009, // not a cluster leader
  10023, // insufficient resources (a peer is away)
  10074, // no suitable peers for placement
  10118, // stream is offline
])

/** Status codes of a pull that the servers could not serve right now. */
const FAULT_STATUS = new Set([503, 408])

/** True when `error` is the servers' trouble, not the record's: retry later, spend no attempt. */
export function isServerFault(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  if (FAULT_NAMES.has(error.name)) return true
  const { code, status } = error as { code?: unknown; status?: unknown }
  if (error.name === 'JetStreamApiError' && typeof code === 'number' && FAULT_API_CODES.has(code)) return true
  if (typeof status === 'number' && status >= 500) return true
  if (error.name === 'JetStreamStatusError' && typeof code === 'number' && FAULT_STATUS.has(code)) return true
  if (error.name === 'RequestError' && error.cause instanceof Error) return isServerFault(error.cause)
  const message = errorMessage(error).toLowerCase()
  return /no responders|leader|timeout|connection (closed|refused|lost)|disconnect|stale connection|503/.test(message)
}
