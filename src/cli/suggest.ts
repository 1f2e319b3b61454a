// "Did you mean ...?": unknown names list the valid ones and suggest the closest.
import { closest } from '../suggest.js'
import { usageError } from './errors.js'

/**
 * The error for an unknown name: `unknown pipeline 'word_stat': did you mean 'word_stats'? (valid: a, b)`.
 */
export function unknownName(what: string, name: string, valid: readonly string[]): Error {
  const suggestion = closest(name, valid)
  const list = valid.length === 0 ? `there is no ${what}` : `valid: ${[...valid].sort().join(', ')}`
  return usageError(`unknown ${what} '${name}'${suggestion ? `: did you mean '${suggestion}'?` : ''} (${list})`)
}
