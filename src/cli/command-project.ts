// Loads the project for a command (once per process).
import { type CliProject, openProject } from './project-context.js'

let loaded: Promise<CliProject> | undefined

/** The project around the working directory. */
export function commandProject(): Promise<CliProject> {
  loaded ??= openProject(process.cwd())
  return loaded
}
