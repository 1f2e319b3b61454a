import { createInterface } from 'node:readline/promises'
import type { Command } from 'commander'
import { z } from 'zod'
import type { ContractStore } from '../../runtime/core/contracts.js'
import { appOfQueue } from '../../runtime/core/contracts.js'
import { commandProject } from '../command-project.js'
import { addEngineOptions, adminFunction, commandEngine, engineOptionsSchema, withAdmin } from '../engine-options.js'
import { CliError, usageError } from '../errors.js'
import { parseOptions } from '../options.js'
import type { CliProject } from '../project-context.js'

const listSchema = z.object(engineOptionsSchema)
const resetSchema = z.object({ ...engineOptionsSchema, yes: z.boolean().optional() })

/** `stairs contracts:list` and `stairs contracts:reset [QUEUE...]` */
export function registerContracts(program: Command): void {
  addEngineOptions(
    program
      .command('contracts:list')
      .description(
        "the payload contract hash the running system registered for each stage queue, next to this checkout's (generated/manifest.json)",
      )
      .argument('[apps...]', 'app names (default: every app of the project)'),
  )
    .addHelpText('after', '\nExample:\n  $ stairs contracts:list demo\n')
    .action(async (apps: string[], raw: unknown) => {
      parseOptions(listSchema, raw)
      const project = await commandProject()
      const choice = commandEngine(project, raw)
      await withAdmin(choice, 'contracts:list', async (admin) => {
        const store = adminFunction(admin, choice, 'contracts', 'contracts:list')
        let count = 0
        for (const app of appsOf(project, apps)) {
          for (const [queue, hash] of Object.entries(await store.list(app)).sort(([a], [b]) => a.localeCompare(b))) {
            console.log(`${queue}  ${hash}`)
            count++
          }
        }
        console.error(`${count} registered contract(s) at ${admin.where}`)
      })
    })

  addEngineOptions(
    program
      .command('contracts:reset')
      .description(
        "forget the registered contract of stage queues (all of the project's, or those named), so the next worker registers its own: only once the old queues are drained",
      )
      .argument('[queues...]', 'stage queues as app.pipeline.stage (default: every queue of the project)'),
  )
    .option('--yes', 'do not ask for confirmation (scripts)')
    .addHelpText('after', '\nExamples:\n  $ stairs contracts:reset demo.word_count.input\n  $ stairs contracts:reset --yes\n')
    .action(async (queues: string[], raw: unknown) => {
      const options = parseOptions(resetSchema, raw)
      const project = await commandProject()
      const choice = commandEngine(project, raw)
      for (const queue of queues)
        if (!project.appNames.includes(appOfQueue(queue)))
          throw usageError(
            `contracts:reset: '${queue}' is not a stage queue of this project (app.pipeline.stage; apps: ${project.appNames.join(', ')})`,
          )
      await withAdmin(choice, 'contracts:reset', async (admin) => {
        const store = adminFunction(admin, choice, 'contracts', 'contracts:reset')
        const what = queues.length ? queues.join(', ') : `every queue of ${project.appNames.join(', ')}`
        if (
          !options.yes &&
          !(await confirm(
            `Forget the registered contracts of ${what} at ${admin.where}? Records still queued may have the old shape. [y/N] `,
          ))
        )
          throw new CliError('contracts:reset: nothing changed (not confirmed)', { hint: 'pass --yes to skip the question' })
        const removed = await reset(store, project, queues)
        console.log(`forgot ${removed} registered contract(s) of ${what}; the next worker of each queue registers its own`)
      })
    })
}

function appsOf(project: CliProject, apps: readonly string[]): readonly string[] {
  for (const app of apps)
    if (!project.appNames.includes(app)) throw usageError(`unknown app '${app}' (apps: ${project.appNames.join(', ')})`)
  return apps.length ? apps : project.appNames
}

async function reset(store: ContractStore, project: CliProject, queues: readonly string[]): Promise<number> {
  if (!queues.length) {
    let removed = 0
    for (const app of project.appNames) removed += await store.reset(app)
    return removed
  }
  const byApp = new Map<string, string[]>()
  for (const queue of queues) byApp.set(appOfQueue(queue), [...(byApp.get(appOfQueue(queue)) ?? []), queue])
  let removed = 0
  for (const [app, list] of byApp) removed += await store.reset(app, list)
  return removed
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim())
  } finally {
    rl.close()
  }
}
