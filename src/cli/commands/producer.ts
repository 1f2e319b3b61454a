import type { Command } from 'commander'
import { z } from 'zod'
import { runProducer } from '../../runtime/producers/run-producer.js'
import { commandProject } from '../command-project.js'
import { addEngineOptions, commandEngine, engineOptionsSchema, withAdmin } from '../engine-options.js'
import { CliError } from '../errors.js'
import { parseOptions } from '../options.js'
import { findProducer, producerPipelines } from '../producer-access.js'
import { createProgress } from '../progress.js'
import { pipelineId } from '../project-context.js'
import { runOnMemory } from '../run-pipelines.js'
import { initWorkerProducerCli, processWorkerProducerCli } from '../worker-producer-access.js'

const schema = z.object(engineOptionsSchema)

/** `stairs producer:init NAME` and `stairs producer:process NAME [-- args]` */
export function registerProducer(program: Command): void {
  addEngineOptions(
    program
      .command('producer:init')
      .description('worker producers: record the batch list on the engine, once, before any producer:process')
      .argument('<producer>', 'the worker producer, as app.name')
      .argument('[args...]', "extra arguments for the producer's batches function (after --)"),
  )
    .addHelpText('after', '\nExample:\n  $ stairs producer:init demo.pages\n')
    .action(async (name: string, args: string[], raw: unknown) => {
      parseOptions(schema, raw)
      const project = await commandProject()
      const producer = findProducer(project, name)
      if (producer.kind !== 'workerProducer')
        throw new CliError(`producer '${name}' is a simple producer: it needs no init`, {
          hint: `run it with: stairs producer:process ${name}`,
        })
      const choice = commandEngine(project, raw)
      if (!choice.engine.capabilities.distributed)
        throw new CliError(
          `worker producer '${name}' keeps its batch list where several processes can share it: it needs a server engine`,
          {
            hint: 'pass --engine redis (or bullmq), or set engine in stairs.config.ts',
          },
        )
      await withAdmin(choice, 'producer:init', (admin) => initWorkerProducerCli(producer, admin, args))
    })

  addEngineOptions(
    program
      .command('producer:process')
      .description(
        'run a producer: its rows go to its pipelines (on a server engine: into their queues; on memory: through the pipelines here). Worker producers claim batches; run several at once to read in parallel',
      )
      .argument('<producer>', 'the producer, as app.name')
      .argument('[args...]', "extra arguments for the producer's generator (after --)"),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ stairs producer:process demo.sentences\n  $ stairs producer:process demo.pages --engine redis\n',
    )
    .action(async (name: string, args: string[], raw: unknown) => {
      parseOptions(schema, raw)
      const project = await commandProject()
      const producer = findProducer(project, name)
      const choice = commandEngine(project, raw)
      if (!choice.engine.capabilities.distributed) {
        if (producer.kind === 'workerProducer')
          throw new CliError(
            `worker producer '${name}' keeps its batch list where several processes can share it: it needs a server engine`,
            {
              hint: 'pass --engine redis (or bullmq), or set engine in stairs.config.ts',
            },
          )
        await runOnMemory(project, choice, producer.pipelines, { concurrency: project.config.concurrency, args })
        return
      }
      const run = await choice.engine.start(producerPipelines(producer), choice.settings, { workers: false })
      try {
        if (producer.kind === 'workerProducer') {
          await withAdmin(choice, 'producer:process', (admin) => processWorkerProducerCli(producer, run, admin, args))
          return
        }
        const abort = new AbortController()
        process.once('SIGTERM', () => abort.abort())
        process.once('SIGINT', () => abort.abort())
        const progress = createProgress(`producer ${name}`, { unit: 'rows' })
        const result = await runProducer(producer, run, { args, signal: abort.signal, onProgress: (p) => progress.update(p.rows) })
        progress.finish(`producer ${name}: ${result.rows} rows pushed to ${producer.pipelines.map(pipelineId).join(', ')}`)
      } finally {
        await run.stop()
      }
    })
}
