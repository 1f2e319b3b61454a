// The one error path of the CLI: every failure becomes one line on stderr and an exit code.
// Stack traces only with --verbose.
import { CommanderError } from 'commander'
import { StairsError } from '../errors.js'
import { CliError, EXIT } from './errors.js'

export interface ErrorReport {
  readonly lines: string[]
  readonly exitCode: number
}

/** What to print for an error, and the exit code (pure: the tests call it directly). */
export function describeFailure(error: unknown, verbose: boolean): ErrorReport {
  if (error instanceof CommanderError) {
    // commander already printed its message (unknown option, missing argument, --help).
    return { lines: [], exitCode: error.exitCode === 0 ? 0 : EXIT.usage }
  }
  const stack = verbose && error instanceof Error && error.stack ? [error.stack, ...causeStack(error)] : []
  if (error instanceof CliError) {
    const lines = [`error: ${error.message}`]
    if (error.options.hint) lines.push(`hint: ${error.options.hint}`)
    return { lines: [...lines, ...stack], exitCode: error.exitCode }
  }
  if (error instanceof StairsError) {
    // A wrong setting, engine name or config file is the user's to fix, like a wrong option.
    return { lines: [`error: ${error.message}`, ...stack], exitCode: error.code === 'CONFIG' ? EXIT.usage : EXIT.failure }
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return {
    lines: [`error: unexpected failure: ${message}`, ...(verbose ? stack : ['run again with --verbose to see the stack trace'])],
    exitCode: EXIT.failure,
  }
}

function causeStack(error: Error): string[] {
  const cause = error.cause
  return cause instanceof Error && cause.stack ? [`caused by: ${cause.stack}`] : []
}

/** Prints the failure and sets the exit code (the process ends once its handles close). */
export function reportFailure(error: unknown, verbose: boolean): number {
  const { lines, exitCode } = describeFailure(error, verbose)
  for (const line of lines) process.stderr.write(`${line}\n`)
  return exitCode
}
