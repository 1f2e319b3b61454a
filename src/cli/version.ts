import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The nearest folder above this module with a package.json: src/cli/ in a checkout, dist/src/cli/ when built. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir)
  return dir
}

/** The root folder of the stairs package (for `--stairs` file: dependencies). */
export const STAIRS_ROOT: string = packageRoot()

const manifest = JSON.parse(readFileSync(path.join(STAIRS_ROOT, 'package.json'), 'utf8')) as {
  version: string
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

/** The version of this stairs checkout or package. */
export const STAIRS_VERSION: string = manifest.version

/** The version range this package uses for a dependency (so generated projects match it). */
export const dependencyRange = (name: string, fallback: string): string =>
  manifest.dependencies[name] ?? manifest.devDependencies[name] ?? fallback
