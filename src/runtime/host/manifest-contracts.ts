// The contract hash of each stage queue of some pipelines, from generated/manifest.json: workers
// refuse to start against queues that another version of a pipeline registered (deploy safety).
import type { AnyPipeline } from '../../dsl/pipeline-types.js'
import { findManifestPipeline, type Manifest } from '../manifest.js'

export function manifestContracts(manifest: Manifest, pipelines: readonly AnyPipeline[], file: string): Record<string, string> {
  const stages = pipelines.flatMap((p) => findManifestPipeline(manifest, p.app, p.name, file).stages)
  return Object.fromEntries(stages.map((stage) => [stage.queue, stage.contract]))
}
