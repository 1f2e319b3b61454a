import { NameError } from './errors.js'

// Names become Redis keys, queue names and file names: keep them to a safe, portable alphabet.
const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,79}$/

export const isValidName = (name: string): boolean => NAME.test(name)

/** Throws a NameError naming what the name is for, when it cannot be a queue/key name. */
export function assertValidName(name: string, what: string): void {
  if (!isValidName(name)) {
    throw new NameError(
      'INVALID_NAME',
      `${what} name ${JSON.stringify(name)} is not valid: use letters, digits, '_' and '-', starting with a letter or '_', at most 80 characters`,
    )
  }
}
