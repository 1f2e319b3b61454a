import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The root folder of the stairs package (for `--stairs` file: dependencies). */
export const STAIRS_ROOT: string = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '')

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

/** The version of this stairs checkout or package. */
export const STAIRS_VERSION: string = manifest.version

/** The version range this package uses for a dependency (so generated projects match it). */
export const dependencyRange = (name: string, fallback: string): string =>
  manifest.dependencies[name] ?? manifest.devDependencies[name] ?? fallback
