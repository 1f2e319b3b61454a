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
        const counts: string[] = []
        for (const pipeline of pipelines) {
          const letters = await list([pipeline], options.limit)
          for (const letter of letters) console.log(options.json ? JSON.stringify(letter) : formatDeadLetter(letter))
          if (letters.length > 0) counts.push(`${letters.length} in ${pipelineId(pipeline)}`)
        }
        // The summary names only the pipelines that hold dead letters.
        if (!options.json) console.error(counts.length > 0 ? `dead letters: ${counts.join(', ')}` : 'no dead letters')
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
        // Counted over what was asked for: every dead letter, or only those given with --id.
        const wanted = options.id === undefined ? undefined : new Set(options.id)
        const selected = async (): Promise<number> => {
          const lists = await Promise.all(pipelines.map((p) => list([p], Number.MAX_SAFE_INTEGER)))
          return lists.flat().filter((letter) => wanted === undefined || wanted.has(letter.id)).length
        }
        const total = await selected()
        const progress = createProgress('replay', { total, unit: 'dead letters' })
        let replayed = 0
        for (const pipeline of pipelines) {
          replayed += await replay([pipeline], options.id)
          progress.update(replayed)
        }
        const left = await selected()
        const what = wanted === undefined ? 'dead letters' : `dead letters selected by --id (${options.id?.length} ids given)`
        progress.finish(
          `replayed ${replayed} of ${total} ${what} of ${pipelines.map(pipelineId).join(', ')}` +
            (left > 0 ? ` (${left} of them stay in the dead-letter queue: they still fail, e.g. their input schema)` : ''),
        )
      })
    })
}
