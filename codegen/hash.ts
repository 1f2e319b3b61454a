import { createHash } from 'node:crypto'

/** A short, stable content hash: 16 hex digits of SHA-256 (64 bits: plenty against accidental clashes). */
export const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16)
