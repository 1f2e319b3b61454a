import type { Command } from 'commander'
import { z } from 'zod'
import { DEFAULT_ADMIN_PORT } from '../../admin/defaults.js'
import { adminFlagSchema } from '../admin-options.js'
import { commandProject } from '../command-project.js'
import { positiveInt } from '../common-options.js'
import { addEngineOptions, commandEngine, engineOptionsSchema } from '../engine-options.js'
import { parseOptions } from '../options.js'
import { selectPipelines } from '../project-context.js'
import { runOnMemory, runWorkers } from '../run-pipelines.js'

const schema = z.object({
  ...engineOptionsSchema,
  concurrency: positiveInt('concurrency').optional(),
  input: z.string().min(1).optional(),
  admin: adminFlagSchema,
})

/** `stairs pipelines:run [app.pipeline ...] [--engine] [--concurrency] [--input FILE]` */
export function registerPipelinesRun(program: Command): void {
  const command = program
    .command('pipelines:run')
    .description(
      'run pipelines: on memory, feeds the producers (or --input) through them in this process until done; on a server engine (redis, bullmq, ...), runs their stage workers until SIGTERM or Ctrl-C',
    )
    .argument('[pipelines...]', 'app.pipeline or app names (default: every pipeline of the project)')
    .option('--concurrency <n>', 'workers per stage (default: stairs.config.ts)')
    .option('--input <file.jsonl>', 'memory engine: also feed this JSON-lines file into the one selected pipeline')
    .option(
      '--admin [port]',
      `serve the admin page for this run (default port ${DEFAULT_ADMIN_PORT}; on memory it stays up after the run until Ctrl-C)`,
    )
  addEngineOptions(command)
    .addHelpText(
      'after',
      '\nExamples:\n  $ stairs pipelines:run\n  $ stairs pipelines:run demo.word_count --input data/demo.jsonl\n  $ stairs pipelines:run demo --engine redis --concurrency 4\n',
    )
    .action(async (selectors: string[], raw: unknown) => {
      const options = parseOptions(schema, raw)
      const project = await commandProject()
      const pipelines = selectPipelines(project, selectors)
      const choice = commandEngine(project, raw)
      const concurrency = options.concurrency ?? project.config.concurrency
      if (choice.engine.capabilities.distributed) await runWorkers(project, choice, pipelines, { concurrency, admin: options.admin })
      else await runOnMemory(project, choice, pipelines, { concurrency, input: options.input, admin: options.admin })
    })
}
