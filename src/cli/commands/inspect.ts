import type { Command } from 'commander'
import { z } from 'zod'
import { commandProject } from '../command-project.js'
import { positiveInt } from '../common-options.js'
import { addEngineOptions, adminFunction, commandEngine, engineOptionsSchema, withAdmin } from '../engine-options.js'
import { formatMonitor, formatStatus, monitorRows, sampleQueues } from '../inspect.js'
import { parseOptions } from '../options.js'
import { selectPipelines } from '../project-context.js'

const statusSchema = z.object({ ...engineOptionsSchema, interval: positiveInt('interval').default(1000) })
const monitorSchema = statusSchema.extend({ once: z.boolean().optional(), iterations: positiveInt('iterations').optional() })

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** `stairs inspect:status [app]` and `stairs inspect:monitor [app]` */
export function registerInspect(program: Command): void {
  addEngineOptions(
    program
      .command('inspect:status')
      .description('per queue: the records waiting, and how fast the queue grows or shrinks (two samples, --interval apart)')
      .argument('[apps...]', 'app or app.pipeline names (default: the whole project)'),
  )
    .option('--interval <ms>', 'time between the two samples that give the rate', '1000')
    .addHelpText(
      'after',
      '\nExample:\n  $ stairs inspect:status demo\n  Queue: demo.word_count.input\n  Amount of jobs: 10000\n  Queue decreasing by 101.0 tasks per/sec\n',
    )
    .action(async (selectors: string[], raw: unknown) => {
      const options = parseOptions(statusSchema, raw)
      const project = await commandProject()
      const pipelines = selectPipelines(project, selectors)
      const choice = commandEngine(project, raw)
      await withAdmin(choice, 'inspect:status', async (admin) => {
        const queueStatus = adminFunction(admin, choice, 'queueStatus', 'inspect:status')
        const before = await sampleQueues(queueStatus, pipelines)
        await sleep(options.interval)
        console.log(formatStatus(before, await sampleQueues(queueStatus, pipelines)))
      })
    })

  addEngineOptions(
    program
      .command('inspect:monitor')
      .description('a live table of every stage queue, refreshed each --interval: waiting, added/s, processed/s, failed, dead-lettered')
      .argument('[apps...]', 'app or app.pipeline names (default: the whole project)'),
  )
    .option('--interval <ms>', 'refresh interval', '1000')
    .option('--once', 'print one table and exit')
    .option('--iterations <n>', 'print n tables and exit (default: until Ctrl-C)')
    .addHelpText('after', '\nExample:\n  $ stairs inspect:monitor demo --iterations 10\n')
    .action(async (selectors: string[], raw: unknown) => {
      const options = parseOptions(monitorSchema, raw)
      const project = await commandProject()
      const pipelines = selectPipelines(project, selectors)
      const choice = commandEngine(project, raw)
      await withAdmin(choice, 'inspect:monitor', async (admin) => {
        const queueStatus = adminFunction(admin, choice, 'queueStatus', 'inspect:monitor')
        const iterations = options.once ? 1 : (options.iterations ?? Number.POSITIVE_INFINITY)
        const tty = process.stdout.isTTY === true
        let stop = false
        process.once('SIGINT', () => {
          stop = true
        })
        let before = await sampleQueues(queueStatus, pipelines)
        for (let i = 0; i < iterations && !stop; i++) {
          await sleep(options.interval)
          const after = await sampleQueues(queueStatus, pipelines)
          const span = ((after.at - before.at) / 1000).toFixed(2)
          const clock = new Date(after.at).toISOString().slice(11, 19)
          const header = `${choice.engine.name} at ${admin.where}, ${clock}, rates over the last ${span} s${tty ? ' (Ctrl-C to stop)' : ''}`
          const table = formatMonitor(monitorRows(before, after))
          process.stdout.write(`${tty ? '\x1b[2J\x1b[H' : ''}${header}\n${table}\n${tty ? '' : '\n'}`)
          before = after
        }
      })
    })
}
