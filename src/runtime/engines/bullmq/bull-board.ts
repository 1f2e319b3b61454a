// bull-board, the dashboard BullMQ users know, over the stage queues of the given pipelines, for
// the admin server to mount at /bull (through bull-board's hono adapter). Loaded only when a
// dashboard is asked for: the engine itself never imports it.
import type { Redis } from 'ioredis'
import type { EngineDashboard } from '../../engine-types.js'
import type { StageQueue } from './stage-queues.js'

/** Where the admin server mounts it: `/bull`. */
export const BULL_BOARD_PATH = 'bull'

export async function bullBoardDashboard(client: Redis, stages: readonly StageQueue[]): Promise<EngineDashboard> {
  const [{ createBullBoard }, { BullMQAdapter }, { HonoAdapter }, { Hono }, { serveStatic }, { Queue }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/hono'),
    import('hono'),
    import('@hono/node-server/serve-static'),
    import('bullmq'),
  ])
  const queues = stages.map((stage) => new Queue(stage.name, { connection: client, prefix: stage.prefix }))
  const base = `/${BULL_BOARD_PATH}`
  const serverAdapter = new HonoAdapter(serveStatic).setBasePath(base)
  createBullBoard({
    queues: queues.map((queue, i) => new BullMQAdapter(queue, { displayName: stages[i]?.publicName ?? queue.name })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'stairs on BullMQ' } },
  })
  const app = new Hono({ strict: false }).route(base, serverAdapter.registerPlugin())
  return {
    title: 'bull-board',
    path: BULL_BOARD_PATH,
    fetch: (request) => app.fetch(request),
    close: async () => {
      await Promise.all(queues.map((queue) => queue.close().catch(() => {})))
    },
  }
}
