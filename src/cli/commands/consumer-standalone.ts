import type { Command } from 'commander'
import { z } from 'zod'
import type { Consumer } from '../../dsl/consumer.js'
import { runStandaloneConsumer } from '../../runtime/consumers/consume.js'
import { commandProject } from '../command-project.js'
import { addEngineOptions, commandEngine, engineOptionsSchema, withAdmin } from '../engine-options.js'
import { CliError } from '../errors.js'
import { parseOptions } from '../options.js'
import { createProgress } from '../progress.js'
import { type CliProject, splitQualified } from '../project-context.js'
import { unknownName } from '../suggest.js'

const schema = z.object({ ...engineOptionsSchema, untilEmpty: z.boolean().optional() })

/** Every standalone consumer of the project as `app.name`. */
export function standaloneConsumerNames(project: CliProject): string[] {
  return project.apps.flatMap(({ app }) =>
    [...app.consumers.values()].filter((c) => c.kind === 'standalone').map((c) => `${app.name}.${c.name}`),
  )
}

export function findStandaloneConsumer(project: CliProject, qualified: string): Consumer<unknown> {
  const { app, name } = splitQualified(project, qualified, 'consumer')
  const consumer = app.consumers.get(name)
  if (consumer && consumer.kind !== 'standalone')
    throw new CliError(`consumer '${app.name}.${name}' is a ${consumer.kind} consumer, not a standalone one`)
  if (!consumer) throw unknownName('standalone consumer', `${app.name}.${name}`, standaloneConsumerNames(project))
  return consumer as Consumer<unknown>
}

/** `stairs consumer:standalone app.name [--until-empty]` */
export function registerConsumerStandalone(program: Command): void {
  addEngineOptions(
    program
      .command('consumer:standalone')
      .description('run a standalone consumer in this process: it takes the records waiting in its queue (one writer, e.g. a file)')
      .argument('<consumer>', 'the standalone consumer, as app.name'),
  )
    .option('--until-empty', 'stop once its queue is empty and nothing upstream is pending (default: run until SIGTERM or Ctrl-C)')
    .addHelpText('after', '\nExample:\n  $ stairs consumer:standalone hacker_news.write_csv --until-empty\n')
    .action(async (name: string, raw: unknown) => {
      const options = parseOptions(schema, raw)
      const project = await commandProject()
      const consumer = findStandaloneConsumer(project, name)
      const choice = commandEngine(project, raw)
      const abort = new AbortController()
      process.once('SIGTERM', () => abort.abort())
      process.once('SIGINT', () => abort.abort())
      const progress = createProgress(`consumer ${consumer.app}.${consumer.name}`)
      const handled = await withAdmin(choice, 'consumer:standalone', (admin) =>
        runStandaloneConsumer(consumer, admin, {
          signal: abort.signal,
          stopWhenEmpty: options.untilEmpty === true,
          onProgress: (n) => progress.update(n),
        }),
      )
      progress.finish(`consumer ${consumer.app}.${consumer.name}: ${handled} records handled`)
    })
}
