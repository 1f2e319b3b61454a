// Option schemas shared by several commands.
import { z } from 'zod'

export const positiveInt = (what: string) =>
  z.coerce
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .positive(`${what} must be at least 1`)
