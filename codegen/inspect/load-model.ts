// Runs inside the inspect child process: loads the project (config + app modules), builds every
// pipeline's graph and plan, and turns them into plain data. Sorted by name so that declaration
// order never shows in the output.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { nodeDetails } from '../../src/graph/node-description.js'
import type { GraphNode } from '../../src/graph/nodes.js'
import { planPipeline } from '../../src/plan/planner.js'
import { importTs, loadProject } from '../../src/project/load-project.js'
import type { InspectedApp, InspectedNode, InspectedPipeline, InspectedProject, InspectFailure } from '../model.js'

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const FRAMEWORK_DIRS = ['src', 'codegen'].map((dir) => path.join(PACKAGE_DIR, dir) + path.sep)

class AnonymousWorkerError extends Error {
  constructor(
    message: string,
    readonly location: string | null,
  ) {
    super(message)
  }
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

export async function inspectProject(root: string): Promise<InspectedProject> {
  const project = await loadProject(root)
  const apps: InspectedApp[] = []
  for (const loaded of [...project.apps].sort((a, b) => byName(a.app, b.app))) {
    const exports = await importTs(path.resolve(project.root, loaded.module))
    const pipelines: InspectedPipeline[] = []
    for (const pipeline of [...loaded.app.pipelines.values()].sort(byName)) {
      const exportName =
        Object.keys(exports)
          .sort()
          .find((key) => exports[key] === pipeline) ?? null
      const plan = planPipeline(pipeline.graph())
      const nodes = plan.graph.nodes.map((node) => inspectNode(node, `${loaded.app.name}.${pipeline.name}`))
      pipelines.push({
        app: loaded.app.name,
        name: pipeline.name,
        exportName,
        nodes,
        output: plan.graph.output,
        stages: plan.stages.map((stage) => ({
          id: stage.id,
          index: stage.index,
          nodes: stage.nodes.map((n) => n.id),
          liveIn: stage.liveIn.map((slot) => (plan.order[slot] as GraphNode).id),
          liveOut: stage.liveOut.map((slot) => (plan.order[slot] as GraphNode).id),
        })),
      })
    }
    apps.push({ name: loaded.app.name, module: loaded.module, exportName: loaded.exportName, pipelines })
  }
  return {
    root: project.root,
    configFile: project.configFile,
    generatedDir: path.resolve(project.root, project.config.generated),
    apps,
  }
}

function inspectNode(node: GraphNode, pipeline: string): InspectedNode {
  if (node.kind === 'func' && node.boundary && node.label === 'anonymous' && node.fn.name === '') {
    throw new AnonymousWorkerError(
      `${node.source ?? pipeline}: pipeline '${pipeline}': an anonymous function runs as a worker (asWorker: true), so its name becomes a queue name: give it a \`name\` option`,
      node.source ?? null,
    )
  }
  return {
    id: node.id,
    kind: node.kind,
    label: node.label,
    inputs: [...node.inputs],
    boundary: node.boundary,
    // The input node is recorded where graph() was called (not user code): codegen fills it in.
    source: node.kind === 'input' ? null : (node.source ?? null),
    details: nodeDetails(node),
  }
}

/** Describes a load failure, with the first stack frame inside the project as `file:line`. */
export function describeFailure(error: unknown, root: string): InspectFailure {
  const err = error instanceof Error ? error : new Error(String(error))
  const code = (err as { code?: unknown }).code
  let location = err instanceof AnonymousWorkerError ? err.location : userFrame(err.stack ?? '', root)
  // esbuild (syntax errors while loading) names the file itself: "/abs/file.ts:3:10: ERROR: ...".
  const esbuild = /(\/[^\s:]+\.[cm]?tsx?):(\d+):\d+: ERROR/.exec(err.message)
  if (esbuild?.[1]) location = `${relative(root, esbuild[1])}:${esbuild[2]}`
  // Graph errors raised after the builder returned carry the node's `(file:line)` in the message.
  location ??= /\(([^\s()]+\.[cm]?tsx?:\d+)\)/.exec(err.message)?.[1] ?? null
  const message = location && !err.message.includes(location) ? `${location}: ${err.message}` : err.message
  return { name: err.name, code: typeof code === 'string' ? code : 'UNKNOWN', message, location }
}

function userFrame(stack: string, root: string): string | null {
  for (const line of stack.split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):\d+\)?\s*$/.exec(line)
    if (!match?.[1]) continue
    const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1]
    if (!path.isAbsolute(file) || file.includes(`${path.sep}node_modules${path.sep}`)) continue
    if (FRAMEWORK_DIRS.some((dir) => file.startsWith(dir))) continue
    return `${relative(root, file)}:${match[2]}`
  }
  return null
}

const relative = (root: string, file: string): string => path.relative(root, file).split(path.sep).join('/')
