import type { Command } from 'commander'
import { z } from 'zod'
import type { DeadLetter } from '../../runtime/engine-types.js'
import { commandProject } from '../command-project.js'
import { positiveInt } from '../common-options.js'
import { addEngineOptions, adminFunction, commandEngine, engineOptionsSchema, withAdmin } from '../engine-options.js'
import { parseOptions } from '../options.js'
import { createProgress } from '../progress.js'
import { pipelineId, selectPipelines } from '../project-context.js'

const listSchema = z.object({ ...engineOptionsSchema, limit: positiveInt('limit').default(100), json: z.boolean().optional() })
const replaySchema = z.object({ ...engineOptionsSchema, id: z.array(z.string().min(1)).optional() })

/** One dead letter in one line: where, which record, how many attempts, why (a multi-line zod message folded). */
export const formatDeadLetter = (d: DeadLetter): string =>
  `${d.at}  ${d.app}.${d.pipeline}  stage ${d.stage}  id ${d.id}  attempts ${d.attempts}  ${d.error.name}: ${d.error.message.replace(/\s*\n\s*/g, ' ')}`

/** `stairs dlq:list` and `stairs dlq:replay` */
export function registerDlq(program: Command): void {
  addEngineOptions(
    program
      .command('dlq:list')
      .description('list the dead letters (records that failed every attempt, or their input schema): stage, id, attempts, error')
      .argument('[pipelines...]', 'app or app.pipeline names (default: the whole project)'),
  )
    .option('--limit <n>', 'at most n per pipeline, oldest first', '100')
    .option('--json', 'one JSON object per line, with the payload')
    .addHelpText('after', '\nExample:\n  $ stairs dlq:list demo.word_count --limit 10\n')
    .action(async (selectors: string[], raw: unknown) => {
      const options = parseOptions(listSchema, raw)
      const project = await commandProject()
      const pipelines = selectPipelines(project, selectors)
      const choice = commandEngine(project, raw)
      await withAdmin(choice, 'dlq:list', async (admin) => {
        const list = adminFunction(admin, choice, 'listDeadLetters', 'dlq:list')
        let count = 0
        for (const pipeline of pipelines) {
          for (const letter of await list([pipeline], options.limit)) {
            console.log(options.json ? JSON.stringify(letter) : formatDeadLetter(letter))
            count++
          }
        }
        if (!options.json) console.error(`${count} dead letters in ${pipelines.map(pipelineId).join(', ')}`)
      })
    })

  addEngineOptions(
    program
      .command('dlq:replay')
      .description(
        'send dead letters back to the stage they failed in (all, or those given with --id) and remove them from the dead-letter queue',
      )
      .argument('[pipelines...]', 'app or app.pipeline names (default: the whole project)'),
  )
    .option('--id <id...>', 'replay only these message ids')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stairs dlq:replay demo.word_count\n  $ stairs dlq:replay demo.word_count --id demo.word_count:17\n',
    )
    .action(async (selectors: string[], raw: unknown) => {
      const options = parseOptions(replaySchema, raw)
      const project = await commandProject()
      const pipelines = selectPipelines(project, selectors)
      const choice = commandEngine(project, raw)
      await withAdmin(choice, 'dlq:replay', async (admin) => {
        const list = adminFunction(admin, choice, 'listDeadLetters', 'dlq:replay')
        const replay = adminFunction(admin, choice, 'replayDeadLetters', 'dlq:replay')
        const totals = await Promise.all(pipelines.map(async (p) => (await list([p])).length))
        const total = totals.reduce((a, b) => a + b, 0)
        const progress = createProgress('replay', { total, unit: 'dead letters' })
        let replayed = 0
        for (const pipeline of pipelines) {
          replayed += await replay([pipeline], options.id)
          progress.update(replayed)
        }
        const left = (await Promise.all(pipelines.map(async (p) => (await list([p])).length))).reduce((a, b) => a + b, 0)
        progress.finish(
          `replayed ${replayed} of ${total} dead letters of ${pipelines.map(pipelineId).join(', ')}` +
            (left > 0 ? ` (${left} stay in the dead-letter queue: they still fail, e.g. their input schema)` : ''),
        )
      })
    })
}
