import repl from 'node:repl'
import type { Command } from 'commander'
import { connectAdmin, startRun } from '../../runtime/registry.js'
import { runPipeline } from '../../runtime/run-pipeline.js'
import { commandProject } from '../command-project.js'
import { allPipelines, findApp, pipelineId } from '../project-context.js'

/** `stairs shell` */
export function registerShell(program: Command): void {
  program
    .command('shell')
    .description('a Node REPL with the project loaded: project, apps, app(name), pipelines, runPipeline, startRun, connectAdmin')
    .addHelpText(
      'after',
      "\nExample:\n  $ stairs shell\n  stairs> app('demo').pipelines.keys()\n  stairs> await runPipeline(pipelines['demo.word_count'], [{ id: 1, text: 'hello there' }])\n",
    )
    .action(async () => {
      const project = await commandProject()
      const pipelines = Object.fromEntries(allPipelines(project).map((p) => [pipelineId(p), p]))
      const context = {
        project,
        apps: project.apps.map((a) => a.app),
        app: (name: string) => findApp(project, name),
        pipelines,
        runPipeline,
        startRun,
        connectAdmin,
      }
      const tty = process.stdin.isTTY === true
      if (tty) {
        console.log(`stairs shell: ${project.appNames.join(', ')} loaded from ${project.root}`)
        console.log('in scope: project, apps, app(name), pipelines, runPipeline, startRun, connectAdmin (.exit to leave)')
      }
      const server = repl.start({ prompt: tty ? 'stairs> ' : '', terminal: tty, useGlobal: false, ignoreUndefined: true })
      Object.assign(server.context, context)
      await new Promise<void>((resolve) => server.on('exit', () => resolve()))
    })
}
