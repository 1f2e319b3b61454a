// `stairs codegen`: mounts the codegen package's own command when this checkout has it; until then,
// this command with the documented options, calling `runCodegen` from stairs/codegen.
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { z } from 'zod'
import { commandProject } from '../command-project.js'
import { CliError } from '../errors.js'
import { parseOptions } from '../options.js'

const codegenDir = new URL('../../../codegen/', import.meta.url)
// codegen/*.ts beside src/ in a checkout, dist/codegen/*.js beside dist/src/ when built: this module's own extension says which.
const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js'
const schema = z.object({ check: z.boolean().optional(), watch: z.boolean().optional(), project: z.string().optional() })

type RegisterCodegen = (program: Command) => Command
type RunCodegen = (options: { project: string; check?: boolean }) => Promise<unknown>

const EXAMPLES = '\nExamples:\n  $ stairs codegen\n  $ stairs codegen --check\n'

/** True when the codegen package provides its own commander command. */
export const hasCodegenCommand = (): boolean => existsSync(new URL(`command.${ext}`, codegenDir))

/** Mounts codegen/command.ts's `registerCodegenCommand` (loads ts-morph: only when codegen runs). */
export async function registerCodegenFromPackage(program: Command): Promise<void> {
  const specifier = new URL(`command.${ext}`, codegenDir).href
  const module = (await import(specifier)) as { registerCodegenCommand?: RegisterCodegen }
  if (typeof module.registerCodegenCommand !== 'function') throw new CliError('codegen/command.ts exports no registerCodegenCommand')
  module.registerCodegenCommand(program).addHelpText('after', EXAMPLES)
}

/** `stairs codegen [--check] [--watch] [--project DIR]` */
export function registerCodegen(program: Command): void {
  program
    .command('codegen')
    .description('generate generated/: manifest.json, queues.ts, shapes.ts, workers/<app>.<pipeline>.ts and graph.md from the project')
    .option('--check', 'write nothing; exit non-zero and list the stale files when generated/ is out of date')
    .option('--watch', 'regenerate when a source file changes')
    .option('--project <dir>', 'the project folder (default: found from the working directory)')
    .addHelpText('after', EXAMPLES)
    .action(async (raw: unknown) => {
      const options = parseOptions(schema, raw)
      if (options.watch) throw new CliError('stairs codegen --watch needs the codegen package of this checkout (codegen/command.ts)')
      const project = options.project ?? (await commandProject()).root
      if (!existsSync(new URL(`index.${ext}`, codegenDir)))
        throw new CliError('stairs codegen is not available in this version of stairs (stairs/codegen is missing)')
      const module = (await import(new URL(`index.${ext}`, codegenDir).href)) as { runCodegen?: RunCodegen }
      if (typeof module.runCodegen !== 'function') throw new CliError('stairs/codegen exports no runCodegen')
      await module.runCodegen({ project, check: options.check === true })
    })
}
