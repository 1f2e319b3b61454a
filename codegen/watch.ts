// `stairs codegen --watch`: regenerates when a project file changes. Each run is a fresh child
// process (`runCodegen` already loads the project in one), so edited modules are re-read.
import { type FSWatcher, watch } from 'node:fs'
import path from 'node:path'
import { type CodegenResult, runCodegen } from './run-codegen.js'

export interface WatchHandle {
  close(): void
}

/**
 * Runs codegen now and again after every change under the project root (generated output and
 * node_modules ignored), reporting each result or error.
 */
export function watchCodegen(
  project: string,
  report: (result: CodegenResult | Error) => void,
  { debounceMs = 150 }: { debounceMs?: number } = {},
): WatchHandle {
  let timer: NodeJS.Timeout | undefined
  let running = false
  let again = false
  let generatedDir: string | undefined
  const run = async (): Promise<void> => {
    if (running) {
      again = true
      return
    }
    running = true
    try {
      const result = await runCodegen({ project })
      generatedDir = result.generatedDir
      report(result)
    } catch (error) {
      report(error instanceof Error ? error : new Error(String(error)))
    } finally {
      running = false
      if (again) {
        again = false
        void run()
      }
    }
  }
  const root = path.resolve(project)
  const watcher: FSWatcher = watch(root, { recursive: true }, (_event, file) => {
    if (!file || !/\.(m|c)?tsx?$/.test(file) || file.includes('node_modules')) return
    if (generatedDir && path.resolve(root, file).startsWith(generatedDir + path.sep)) return
    clearTimeout(timer)
    timer = setTimeout(() => void run(), debounceMs)
  })
  void run()
  return {
    close: () => {
      clearTimeout(timer)
      watcher.close()
    },
  }
}
