// Option schemas shared by several commands.
import { z } from 'zod'
import { ENGINES } from '../project/config.js'

export const engineOption = z.enum(ENGINES, { error: `must be one of ${ENGINES.join(', ')}` }).optional()

export const positiveInt = (what: string) =>
  z.coerce
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .positive(`${what} must be at least 1`)
