// Defaults every engine shares, in one place.

/** How long an explicit message id is remembered to drop a replay (ms): 1 hour. */
export const DEDUPE_WINDOW_MS = 3_600_000

/** How long stop() waits for in-flight records before giving up on them (ms). */
export const SHUTDOWN_TIMEOUT_MS = 10_000
