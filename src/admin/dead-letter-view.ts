// Dead letters as the page shows them: the payload as text (never markup: the page puts it in a
// text node), cut to a size a browser shows at once, with its full length.
import type { DeadLetter } from '../runtime/engine-types.js'
import type { DeadLetterView } from './api-types.js'

/** Characters of a payload sent to the page; the rest is cut (the page says so). */
export const PAYLOAD_LIMIT = 16_384

export function payloadText(payload: unknown): string {
  if (typeof payload === 'string') return payload
  try {
    return JSON.stringify(payload, null, 2) ?? String(payload)
  } catch {
    return String(payload)
  }
}

export function deadLetterView(letter: DeadLetter, limit = PAYLOAD_LIMIT): DeadLetterView {
  const text = payloadText(letter.payload)
  return {
    id: letter.id,
    pipeline: `${letter.app}.${letter.pipeline}`,
    stage: letter.stage,
    attempts: letter.attempts,
    error: { name: letter.error.name, message: letter.error.message },
    at: letter.at,
    payload: text.length > limit ? text.slice(0, limit) : text,
    truncated: text.length > limit,
    payloadLength: text.length,
  }
}
