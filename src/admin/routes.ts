// The JSON API behind the page: the graph, the live snapshot, the event stream, dead letters with
// replay and delete, and /metrics. Every figure comes through the engine's admin side.
import type { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { z } from 'zod'
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import { errorMessage } from '../errors.js'
import type { EngineAdmin } from '../runtime/engine-types.js'
import type { AdminGraph, DeadLetterActionResult, DeadLetterList } from './api-types.js'
import { deadLetterView } from './dead-letter-view.js'
import type { AdminMetrics } from './metrics.js'
import type { AdminMonitor } from './monitor.js'

export interface RouteContext {
  readonly admin: EngineAdmin
  readonly graph: AdminGraph
  readonly pipelines: readonly AnyPipeline[]
  readonly monitor: AdminMonitor
  readonly metrics: AdminMetrics
  /** Every stage queue of the graph (what /metrics reports). */
  readonly queues: readonly string[]
}

/** Dead letters listed for one stage at most (the page shows them in one list). */
const LIST_LIMIT = 500
/** A comment line on the event stream this often, so proxies keep an idle stream open. */
const KEEP_ALIVE_MS = 15_000

const actionSchema = z
  .object({
    pipeline: z.string().min(1),
    stage: z.string().min(1),
    ids: z.array(z.string().min(1)).max(10_000).optional(),
  })
  .strict()

export function addRoutes(app: Hono, context: RouteContext): void {
  const { admin, monitor } = context
  const pipelineById = new Map(context.pipelines.map((p) => [`${p.app}.${p.name}`, p]))

  app.get('/api/graph', (c) => c.json(context.graph))
  app.get('/api/snapshot', (c) => c.json(monitor.latest()))
  app.get('/api/history', (c) => c.json(monitor.history()))

  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      let closed = false
      let sending = Promise.resolve()
      const send = (event: string, data: unknown): void => {
        sending = sending
          .then(() => (closed ? undefined : stream.writeSSE({ event, data: JSON.stringify(data) })))
          .catch(() => {
            closed = true
          })
      }
      const unsubscribe = monitor.subscribe((snapshot) => send('snapshot', snapshot))
      stream.onAbort(() => {
        closed = true
        unsubscribe()
      })
      send('history', monitor.history())
      send('snapshot', monitor.latest())
      while (!closed) {
        await stream.sleep(KEEP_ALIVE_MS)
        if (!closed)
          sending = sending
            .then(() => stream.write(': keep-alive\n\n'))
            .then(
              () => undefined,
              () => {
                closed = true
              },
            )
      }
      unsubscribe()
    }),
  )

  app.get('/api/dead-letters', async (c) => {
    const pipeline = pipelineById.get(c.req.query('pipeline') ?? '')
    const stage = c.req.query('stage')
    if (!pipeline || !stage)
      return c.json({ error: `no pipeline '${c.req.query('pipeline') ?? ''}' with a stage '${stage ?? ''}' here` }, 404)
    if (!admin.listDeadLetters) return c.json({ letters: [], offered: false } satisfies DeadLetterList)
    try {
      const letters = (await admin.listDeadLetters([pipeline])).filter((l) => l.stage === stage).slice(0, LIST_LIMIT)
      return c.json({ letters: letters.map((l) => deadLetterView(l)), offered: true } satisfies DeadLetterList)
    } catch (error) {
      return c.json({ error: errorMessage(error) }, 503)
    }
  })

  for (const action of ['replay', 'delete'] as const) {
    const member = action === 'replay' ? 'replayDeadLetters' : 'deleteDeadLetters'
    app.post(`/api/dead-letters/${action}`, async (c) => {
      if (!(c.req.header('content-type') ?? '').startsWith('application/json'))
        return c.json({ error: 'send the body as application/json' }, 415)
      const parsed = actionSchema.safeParse(await c.req.json().catch(() => undefined))
      if (!parsed.success) return c.json({ error: `bad ${action} request: ${parsed.error.issues[0]?.message ?? 'invalid body'}` }, 400)
      const pipeline = pipelineById.get(parsed.data.pipeline)
      if (!pipeline) return c.json({ error: `no pipeline '${parsed.data.pipeline}' here` }, 404)
      const run = admin[member]
      if (!run || !admin.listDeadLetters) return c.json({ error: `the ${context.graph.engine} engine does not offer ${member}` }, 501)
      try {
        // Replay and delete work by message id: a stage's letters are named by listing them first.
        const ofStage = (await admin.listDeadLetters([pipeline])).filter((l) => l.stage === parsed.data.stage).map((l) => l.id)
        const wanted = parsed.data.ids ? ofStage.filter((id) => parsed.data.ids?.includes(id)) : ofStage
        const count = wanted.length ? await run.call(admin, [pipeline], wanted) : 0
        void monitor.sample()
        return c.json({ count } satisfies DeadLetterActionResult)
      } catch (error) {
        return c.json({ error: errorMessage(error) }, 503)
      }
    })
  }

  app.get('/metrics', async (c) => {
    const snapshot = await monitor.sample()
    context.metrics.update(snapshot, context.queues)
    return c.body(await context.metrics.text(), 200, { 'content-type': context.metrics.contentType })
  })
}
