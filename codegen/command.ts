// The one `codegen` command, registered on a commander program by `stairs` and by codegen/bin.ts.
// Registering it is cheap: the generator (and ts-morph) loads only when the command runs.
import type { Command } from 'commander'
import { CodegenError } from './errors.js'
import type { CodegenResult } from './run-codegen.js'

interface CodegenFlags {
  check?: boolean
  watch?: boolean
  project?: string
}

function describe(result: CodegenResult, check: boolean): string {
  if (check) {
    return result.stale.length
      ? `generated files are stale (run 'stairs codegen'):\n${result.stale.map((f) => `  ${f}`).join('\n')}`
      : `generated files are up to date (${result.unchanged.length} files)`
  }
  if (result.skipped) return `nothing changed (${result.unchanged.length} files up to date)`
  return result.written.length
    ? `wrote ${result.written.length} file(s):\n${result.written.map((f) => `  ${f}`).join('\n')}`
    : `generated files are up to date (${result.unchanged.length} files)`
}

const errorText = (error: unknown): string =>
  error instanceof CodegenError ? error.message : error instanceof Error ? error.message : String(error)

/** Adds `codegen [--check] [--watch] [--project DIR]` to `program`. */
export function registerCodegenCommand(program: Command): Command {
  return program
    .command('codegen')
    .description('generate manifest.json, queues.ts, shapes.ts, workers/ and graph.md from the project sources')
    .option('--check', 'write nothing; exit 1 and list the stale files when generated/ is out of date')
    .option('--watch', 'regenerate whenever a project file changes')
    .option('--project <dir>', 'a directory inside the project (default: the working directory)')
    .addHelpText('after', '\nExamples:\n  $ stairs codegen\n  $ stairs codegen --check\n  $ stairs codegen --watch\n')
    .action(async (flags: CodegenFlags) => {
      const project = flags.project ?? process.cwd()
      const { runCodegen } = await import('./run-codegen.js')
      if (flags.watch) {
        const { watchCodegen } = await import('./watch.js')
        watchCodegen(project, (result) => {
          if (result instanceof Error) process.stderr.write(`stairs codegen: ${errorText(result)}\n`)
          else process.stdout.write(`${describe(result, false)}\n`)
        })
        return
      }
      try {
        const result = await runCodegen({ project, check: flags.check === true })
        process.stdout.write(`${describe(result, flags.check === true)}\n`)
        if (flags.check && result.stale.length) process.exitCode = 1
      } catch (error) {
        process.stderr.write(`stairs codegen: ${errorText(error)}\n`)
        process.exitCode = 1
      }
    })
}
