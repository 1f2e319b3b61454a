// workers/<app>.<pipeline>.ts: a runnable entrypoint that starts one pipeline's stages.
import path from 'node:path'
import type { GenApp, GenModel, GenPipeline } from '../model.js'
import { quote, TS_BANNER } from './banner.js'

/** `examples/x.ts` seen from the worker file, as an ESM specifier (`../../examples/x.js`). */
function moduleSpecifier(model: GenModel, module: string): string {
  const from = path.join(model.generatedDir, 'workers')
  const relative = path.relative(from, path.resolve(model.root, module)).split(path.sep).join('/')
  const js = relative.replace(/\.(m|c)?tsx?$/, (_, kind: string | undefined) => `.${kind ?? ''}js`)
  return js.startsWith('.') ? js : `./${js}`
}

export function emitWorker(model: GenModel, app: GenApp, pl: GenPipeline): string {
  const binding = pl.exportName ?? app.exportName
  const pipelineExpr = pl.exportName ? pl.exportName : `${app.exportName}.pipelines.get(${quote(pl.name)})`
  const stages = pl.stages.map((s) => s.queue).join(', ')
  return `${TS_BANNER}// Runs pipeline \`${app.name}.${pl.name}\` (stages: ${stages}).
//   tsx ${path.relative(model.root, path.join(model.generatedDir, pl.workerFile)).split(path.sep).join('/')} [--engine NAME] [--concurrency N] [the engine's flags: --redis-url URL --prefix P ...]
// On memory it reads input records as JSON lines on stdin and writes output records to stdout;
// on a server engine (redis, bullmq, ...) it serves the stages until SIGTERM.
import { runWorkerMain } from 'stairs/runtime'
import { ${binding} } from ${quote(moduleSpecifier(model, app.module))}
import type { ${pl.inputShape} } from '../shapes.js'

await runWorkerMain<${pl.inputShape}>({
  pipeline: ${pipelineExpr},
  app: ${quote(app.name)},
  name: ${quote(pl.name)},
  manifest: new URL('../manifest.json', import.meta.url),
  argv: process.argv.slice(2),
})
`
}
