// Loads the project for a command (once per process).
import { findProjectRoot, loadProjectConfig } from '../project/load-project.js'
import { type CliProject, openProject } from './project-context.js'

let loaded: Promise<CliProject> | undefined

/** The project around the working directory. */
export function commandProject(): Promise<CliProject> {
  loaded ??= openProject(process.cwd())
  return loaded
}

/**
 * Imports the project's stairs.config.ts, if there is one, so that the engines it registers are
 * known when the commands are built. Failures are left to the command that loads the project.
 */
export async function preloadProjectConfig(cwd: string): Promise<void> {
  const root = findProjectRoot(cwd)
  if (!root) return
  await loadProjectConfig(root).catch(() => {})
}
