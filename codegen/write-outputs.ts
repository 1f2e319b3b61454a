// Compares generated content with what is on disk; writes only what changed, all or nothing.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export interface OutputStatus {
  /** Files whose content differs from what was generated, or are missing (relative to the root). */
  readonly changed: string[]
  /** Generated files that no longer belong (a removed pipeline's worker). */
  readonly extra: string[]
  readonly unchanged: string[]
}

/** Worker entrypoints on disk: a removed pipeline's file is stale. */
export function workerFilesOnDisk(generatedDir: string): string[] {
  const dir = path.join(generatedDir, 'workers')
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `workers/${f}`)
    .sort()
}

export function compareOutputs(generatedDir: string, files: ReadonlyMap<string, string>): OutputStatus {
  const changed: string[] = []
  const unchanged: string[] = []
  for (const [file, content] of files) {
    const full = path.join(generatedDir, file)
    let current: string | undefined
    try {
      current = readFileSync(full, 'utf8')
    } catch {
      current = undefined
    }
    ;(current === content ? unchanged : changed).push(file)
  }
  const extra = workerFilesOnDisk(generatedDir).filter((f) => !files.has(f))
  return { changed: changed.sort(), extra, unchanged: unchanged.sort() }
}

/**
 * Writes the changed files (each to a temporary file first, then renamed into place) and removes
 * extra ones. If any write fails, the temporary files are removed and nothing is replaced.
 */
export function writeOutputs(generatedDir: string, files: ReadonlyMap<string, string>, status: OutputStatus): void {
  const staged: [string, string][] = []
  try {
    for (const file of status.changed) {
      const full = path.join(generatedDir, file)
      mkdirSync(path.dirname(full), { recursive: true })
      const temporary = `${full}.${process.pid}.tmp`
      writeFileSync(temporary, files.get(file) as string)
      staged.push([temporary, full])
    }
  } catch (error) {
    for (const [temporary] of staged) rmSync(temporary, { force: true })
    throw error
  }
  for (const [temporary, full] of staged) renameSync(temporary, full)
  for (const file of status.extra) rmSync(path.join(generatedDir, file), { force: true })
}
