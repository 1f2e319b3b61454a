// The CLI's own failures: one line for the user, a hint, and the exit code to leave with.

/** Exit codes: 1 a known failure (a server, a run), 2 wrong usage (names, options, arguments, settings, the config file). */
export const EXIT = { failure: 1, usage: 2 } as const

/**
 * A failure the user can fix: printed as one line (plus an optional hint), never with a stack trace
 * unless `--verbose`.
 */
export class CliError extends Error {
  override readonly name = 'CliError'
  constructor(
    message: string,
    readonly options: { readonly exitCode?: number; readonly hint?: string; readonly cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
  }

  get exitCode(): number {
    return this.options.exitCode ?? EXIT.failure
  }
}

/** Wrong usage (an unknown name, a bad option value): exit code 2. */
export const usageError = (message: string, hint?: string): CliError =>
  new CliError(message, hint === undefined ? { exitCode: EXIT.usage } : { exitCode: EXIT.usage, hint })
