// `generated/manifest.json`, written by `stairs codegen`: the apps, pipelines and stages the
// runtime runs, with the queue names and the contract hash of each queue's payload.
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { StairsError } from '../errors.js'

/** Bumped when the manifest's layout changes; an older manifest is refused with a clear message. */
export const MANIFEST_VERSION = 1

const nodeSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['input', 'func', 'consumer', 'get', 'make', 'addValue', 'concatenate', 'hop', 'join']),
    label: z.string(),
    inputs: z.array(z.string()),
    boundary: z.boolean(),
    /** `file:line` relative to the project root, when known. */
    source: z.string().nullable(),
    /** Kind-specific facts: mode, fanOut, component, consumer, key, mapping, pipeline. */
    details: z.record(z.string(), z.unknown()),
  })
  .strict()

const stageSchema = z
  .object({
    id: z.string(),
    index: z.number().int().nonnegative(),
    queue: z.string(),
    nodes: z.array(z.string()),
    /** Node ids whose values the envelope brings into this stage, in envelope order. */
    liveIn: z.array(z.string()),
    liveOut: z.array(z.string()),
    /** The shape (interface name in shapes.ts) of each envelope value. */
    payload: z.array(z.string()),
    contract: z.string(),
  })
  .strict()

const pipelineSchema = z
  .object({
    name: z.string(),
    source: z.string().nullable(),
    /** The module's export holding the pipeline, or null when only the app exposes it. */
    export: z.string().nullable(),
    worker: z.string(),
    inputShape: z.string(),
    outputShape: z.string(),
    output: z.string(),
    nodes: z.array(nodeSchema),
    stages: z.array(stageSchema).min(1),
  })
  .strict()

const appSchema = z
  .object({
    name: z.string(),
    module: z.string(),
    export: z.string(),
    pipelines: z.array(pipelineSchema),
  })
  .strict()

export const manifestSchema = z
  .object({
    notice: z.string(),
    version: z.literal(MANIFEST_VERSION),
    /** Hash of everything the output was generated from (sources, config, generator). */
    inputsHash: z.string(),
    /** Hash of each other generated file, so an unchanged run can skip the work. */
    outputs: z.record(z.string(), z.string()),
    apps: z.array(appSchema),
    /** Queue name -> contract hash of its payload shape (deploy safety). */
    contracts: z.record(z.string(), z.string()),
  })
  .strict()

export type Manifest = z.infer<typeof manifestSchema>
export type ManifestApp = Manifest['apps'][number]
export type ManifestPipeline = ManifestApp['pipelines'][number]
export type ManifestStage = ManifestPipeline['stages'][number]
export type ManifestNode = ManifestPipeline['nodes'][number]

/** A manifest that is missing, unreadable, of another version or not valid. */
export class ManifestError extends StairsError {
  override readonly name = 'ManifestError'
  constructor(
    message: string,
    readonly file: string,
  ) {
    super('CONFIG', message)
  }
}

/** Validates parsed manifest JSON; `file` only names the source in errors. */
export function parseManifest(data: unknown, file: string): Manifest {
  const version = (data as { version?: unknown } | null)?.version
  if (typeof data === 'object' && data !== null && version !== MANIFEST_VERSION) {
    throw new ManifestError(
      `${file}: manifest version ${JSON.stringify(version)} is not ${MANIFEST_VERSION} (written by another stairs version): run 'stairs codegen'`,
      file,
    )
  }
  const parsed = manifestSchema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? issue.path.join('.') : '(root)'
    throw new ManifestError(`${file}: invalid manifest at ${where}: ${issue?.message ?? 'invalid'}; run 'stairs codegen'`, file)
  }
  return parsed.data
}

/**
 * Reads and validates `manifest.json`.
 *
 * @example const manifest = loadManifest('generated/manifest.json')
 */
export function loadManifest(file: string | URL): Manifest {
  const name = file instanceof URL ? file.pathname : file
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ManifestError(`${name}: cannot read the manifest (${(error as Error).message}); run 'stairs codegen'`, name)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ManifestError(`${name}: not valid JSON (${(error as Error).message}); run 'stairs codegen'`, name)
  }
  return parseManifest(data, name)
}

/** The manifest entry of one pipeline, or a ManifestError naming what is missing. */
export function findManifestPipeline(manifest: Manifest, app: string, pipeline: string, file = 'manifest.json'): ManifestPipeline {
  const entry = manifest.apps.find((a) => a.name === app)?.pipelines.find((p) => p.name === pipeline)
  if (!entry) throw new ManifestError(`${file}: no pipeline '${app}.${pipeline}' in the manifest; run 'stairs codegen'`, file)
  return entry
}
