import type { Command } from 'commander'
import { z } from 'zod'
import { runProducer } from '../../runtime/producers/run-producer.js'
import { commandProject } from '../command-project.js'
import { engineOption } from '../common-options.js'
import { ENGINE_FLAG, openEngine, requireRedisEngine } from '../engine-access.js'
import { CliError } from '../errors.js'
import { parseOptions } from '../options.js'
import { findProducer, producerPipelines } from '../producer-access.js'
import { createProgress } from '../progress.js'
import { pipelineId } from '../project-context.js'
import { runOnMemory } from '../run-pipelines.js'
import { initWorkerProducerCli, processWorkerProducerCli } from '../worker-producer-access.js'

const schema = z.object({ engine: engineOption })

/** `stairs producer:init NAME` and `stairs producer:process NAME [-- args]` */
export function registerProducer(program: Command): void {
  program
    .command('producer:init')
    .description('worker producers: record the batch list in Redis, once, before any producer:process')
    .argument('<producer>', 'the worker producer, as app.name')
    .argument('[args...]', "extra arguments for the producer's batches function (after --)")
    .option(...ENGINE_FLAG)
    .addHelpText('after', '\nExample:\n  $ stairs producer:init demo.pages\n')
    .action(async (name: string, args: string[], raw: unknown) => {
      const options = parseOptions(schema, raw)
      const project = await commandProject()
      const producer = findProducer(project, name)
      if (producer.kind !== 'workerProducer')
        throw new CliError(`producer '${name}' is a simple producer: it needs no init`, {
          hint: `run it with: stairs producer:process ${name}`,
        })
      const redis = requireRedisEngine(await openEngine(project, options.engine), 'producer:init')
      await initWorkerProducerCli(producer, redis, args)
    })

  program
    .command('producer:process')
    .description(
      'run a producer: its rows go to its pipelines (on redis/bullmq: into their queues; on memory: through the pipelines here). Worker producers claim batches; run several at once to read in parallel',
    )
    .argument('<producer>', 'the producer, as app.name')
    .argument('[args...]', "extra arguments for the producer's generator (after --)")
    .option(...ENGINE_FLAG)
    .addHelpText(
      'after',
      '\nExamples:\n  $ stairs producer:process demo.sentences\n  $ stairs producer:process demo.pages --engine redis\n',
    )
    .action(async (name: string, args: string[], raw: unknown) => {
      const options = parseOptions(schema, raw)
      const project = await commandProject()
      const producer = findProducer(project, name)
      const engine = await openEngine(project, options.engine)
      if (engine.name === 'memory') {
        if (producer.kind === 'workerProducer')
          throw new CliError(`worker producer '${name}' keeps its batches in Redis: it needs the redis or bullmq engine`, {
            hint: 'pass --engine redis, or set engine in stairs.config.ts',
          })
        await runOnMemory(project, producer.pipelines, { concurrency: project.config.concurrency, args })
        return
      }
      const redis = requireRedisEngine(engine, 'producer:process')
      const run = await engine.module.startRun(producerPipelines(producer), { workers: false, redis })
      try {
        if (producer.kind === 'workerProducer') {
          await processWorkerProducerCli(producer, run, redis, args)
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
