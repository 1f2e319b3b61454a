import type { Command } from 'commander'
import { z } from 'zod'
import { DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT } from '../../admin/defaults.js'
import { adminToken, portSchema, untilStopped } from '../admin-options.js'
import { commandProject } from '../command-project.js'
import { positiveInt } from '../common-options.js'
import { addEngineOptions, commandEngine, engineOptionsSchema, openAdmin } from '../engine-options.js'
import { CliError } from '../errors.js'
import { parseOptions } from '../options.js'
import { selectPipelines } from '../project-context.js'

const schema = z.object({
  ...engineOptionsSchema,
  port: portSchema.default(DEFAULT_ADMIN_PORT),
  host: z.string().min(1).default(DEFAULT_ADMIN_HOST),
  token: z.string().min(1).optional(),
  interval: positiveInt('interval').optional(),
})

/** `stairs admin [apps...] [--port 7400] [--host 127.0.0.1] [--token T]` */
export function registerAdmin(program: Command): void {
  addEngineOptions(
    program
      .command('admin')
      .description(
        'serve the admin page: the graph of every pipeline with live queue figures, stage details, dead letters (replay, delete), and /metrics for Prometheus',
      )
      .argument('[apps...]', 'app or app.pipeline names (default: the whole project)'),
  )
    .option('--port <port>', `port to listen on (default ${DEFAULT_ADMIN_PORT})`)
    .option('--host <host>', `address to bind (default ${DEFAULT_ADMIN_HOST}); any other needs a token`)
    .option('--token <token>', 'token every request must carry (default: STAIRS_ADMIN_TOKEN)')
    .option('--interval <ms>', 'time between two reads of the engine (default 1000)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ stairs admin --engine redis\n  $ STAIRS_ADMIN_TOKEN=$(openssl rand -hex 16) stairs admin --host 0.0.0.0\n  $ stairs pipelines:run --admin   # the same page for a run on the memory engine\n',
    )
    .action(async (selectors: string[], raw: unknown) => {
      const options = parseOptions(schema, raw)
      const project = await commandProject()
      const pipelines = selectPipelines(project, selectors)
      const choice = commandEngine(project, raw)
      if (!choice.engine.admin)
        throw new CliError(
          `admin reads queues kept on a server, but this project runs on the ${choice.engine.name} engine (queues inside one process)`,
          {
            hint: "run 'stairs pipelines:run --admin' to watch a run on it, or pass --engine redis (or another server engine)",
          },
        )
      // The server (hono, prom-client, the page) is loaded only by the commands that serve it.
      const { serveAdminPage } = await import('../admin-page.js')
      const admin = await openAdmin(choice, 'admin')
      try {
        const server = await serveAdminPage(project, admin, choice.engine.name, pipelines, {
          port: options.port,
          host: options.host,
          token: adminToken(options.token),
          intervalMs: options.interval,
        })
        await untilStopped()
        await server.close()
      } finally {
        await admin.close()
      }
    })
}
