// One emitter per output file; the manifest comes last since it records the others' hashes.
import { shortHash } from '../hash.js'
import type { GenModel } from '../model.js'
import { emitGraph } from './graph-md.js'
import { buildManifest, manifestText } from './manifest.js'
import { emitQueues } from './queues.js'
import { emitShapes } from './shapes.js'
import { emitWorker } from './worker.js'

export const MANIFEST_FILE = 'manifest.json'

/** Every generated file, by path relative to the generated dir, in a fixed order. */
export function emitAll(model: GenModel): Map<string, string> {
  const files = new Map<string, string>()
  files.set('shapes.ts', emitShapes(model))
  files.set('queues.ts', emitQueues(model))
  files.set('graph.md', emitGraph(model))
  for (const app of model.apps) for (const pl of app.pipelines) files.set(pl.workerFile, emitWorker(model, app, pl))
  const outputs = Object.fromEntries(
    [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([f, c]) => [f, shortHash(c)]),
  )
  files.set(MANIFEST_FILE, manifestText(buildManifest(model, outputs)))
  return files
}
