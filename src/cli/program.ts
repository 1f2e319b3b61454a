// The commander program shared by `stairs` and `stairs-admin`: global --verbose, commander's own
// errors routed through the one error handler, and a runner that exits with the right code.
import { Command } from 'commander'
import { reportFailure } from './handle-error.js'

/** A command module: registers itself (arguments, options, help, action) on the program. */
export type RegisterCommand = (program: Command) => void

export function createProgram(name: string, description: string, version: string): Command {
  return new Command(name)
    .description(description)
    .version(version, '-V, --version', 'print the stairs version')
    .option('--verbose', 'print stack traces of failures')
    .helpOption('-h, --help', 'show help for a command')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureHelp({ sortSubcommands: true, showGlobalOptions: true })
}

/** True when --verbose is on the command line (read raw: a failure may happen before parsing ends). */
export const isVerbose = (argv: readonly string[]): boolean => argv.includes('--verbose')

/** Parses argv and runs the command; every failure goes through the error handler. */
export async function runProgram(program: Command, argv: readonly string[] = process.argv): Promise<void> {
  try {
    await program.parseAsync([...argv])
  } catch (error) {
    process.exitCode = reportFailure(error, isVerbose(argv))
  }
}
