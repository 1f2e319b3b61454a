// Finds the project the CLI runs in and resolves the names users type (app, app.pipeline,
// app.consumer) to the declared objects, with suggestions for typos.
import type { App } from '../dsl/app.js'
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import { loadProject, type Project } from '../project/load-project.js'
import { closest } from '../suggest.js'
import { usageError } from './errors.js'
import { unknownName } from './suggest.js'

export type AnyApp = App<Record<string, unknown>>

export interface CliProject extends Project {
  readonly appNames: readonly string[]
}

/** Loads the project found from `cwd` upwards (a ProjectError when there is none or it is invalid). */
export async function openProject(cwd: string = process.cwd()): Promise<CliProject> {
  const project = await loadProject(cwd)
  return { ...project, appNames: project.apps.map((a) => a.app.name) }
}

export function findApp(project: CliProject, name: string): AnyApp {
  const found = project.apps.find((a) => a.app.name === name)
  if (!found) throw unknownName('app', name, project.appNames)
  return found.app
}

/** Every `app.pipeline` of the project, in declaration order. */
export function allPipelines(project: CliProject): AnyPipeline[] {
  return project.apps.flatMap((a) => [...a.app.pipelines.values()])
}

export const pipelineId = (pipeline: AnyPipeline): string => `${pipeline.app}.${pipeline.name}`

/**
 * Resolves selectors to pipelines: `app.pipeline` names one, `app` names all of an app's, nothing
 * names every pipeline of the project.
 */
export function selectPipelines(project: CliProject, selectors: readonly string[]): AnyPipeline[] {
  if (selectors.length === 0) return allPipelines(project)
  const chosen = new Map<string, AnyPipeline>()
  for (const selector of selectors) {
    for (const pipeline of resolvePipelineSelector(project, selector)) chosen.set(pipelineId(pipeline), pipeline)
  }
  return [...chosen.values()]
}

function resolvePipelineSelector(project: CliProject, selector: string): AnyPipeline[] {
  const dot = selector.indexOf('.')
  if (dot < 0) {
    if (project.appNames.includes(selector)) return [...findApp(project, selector).pipelines.values()]
    // A pipeline's bare name (`movie_stats` for `box_office.movie_stats`) is the likeliest slip:
    // suggest the qualified name of the pipeline whose own name is closest.
    const pipelines = allPipelines(project)
    const bare = closest(
      selector,
      pipelines.map((p) => p.name),
    )
    const qualified = pipelines.find((p) => p.name === bare)
    if (qualified && closest(selector, project.appNames) === undefined)
      throw usageError(
        `unknown app or app.pipeline '${selector}': did you mean '${pipelineId(qualified)}'? (pipelines are named app.pipeline; apps: ${project.appNames.join(', ')})`,
      )
    throw unknownName('app or app.pipeline', selector, [...project.appNames, ...pipelines.map(pipelineId)])
  }
  const app = findApp(project, selector.slice(0, dot))
  const name = selector.slice(dot + 1)
  const pipeline = app.pipelines.get(name)
  if (!pipeline)
    throw unknownName(
      'pipeline',
      selector,
      [...app.pipelines.keys()].map((p) => `${app.name}.${p}`),
    )
  return [pipeline]
}

/** Splits `app.name` (the form consumers and producers are named by on the command line). */
export function splitQualified(project: CliProject, qualified: string, what: string): { app: AnyApp; name: string } {
  const dot = qualified.indexOf('.')
  if (dot < 0) {
    if (project.apps.length === 1) return { app: project.apps[0]?.app as AnyApp, name: qualified }
    throw usageError(`${what} '${qualified}': write it as app.${qualified} (this project has several apps: ${project.appNames.join(', ')})`)
  }
  return { app: findApp(project, qualified.slice(0, dot)), name: qualified.slice(dot + 1) }
}
