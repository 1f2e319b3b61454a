// Reads `apps` and `generated` from stairs.config.ts without running it, when they are plain
// literals (the usual case), so type checking can start while the project loads, and an
// unchanged run can find generated/ without loading anything.
import { readFileSync } from 'node:fs'

export interface StaticConfig {
  /** Undefined when the list is computed rather than written out. */
  readonly apps: readonly string[] | undefined
  readonly generated: string
}

const STRING = /^\s*(?:'([^'\\]*)'|"([^"\\]*)")\s*$/

export function readStaticConfig(configFile: string): StaticConfig {
  let text = ''
  try {
    text = readFileSync(configFile, 'utf8')
  } catch {
    return { apps: undefined, generated: 'generated' }
  }
  const generatedMatch = /\bgenerated\s*:\s*(?:'([^'\\\n]*)'|"([^"\\\n]*)")/.exec(text)
  const generated = generatedMatch?.[1] ?? generatedMatch?.[2] ?? 'generated'
  const list = /\bapps\s*:\s*\[([^\]]*)\]/.exec(text)?.[1]
  let apps: string[] | undefined
  if (list !== undefined) {
    const items = list.split(',').filter((item) => item.trim() !== '')
    const parsed = items.map((item) => STRING.exec(item))
    if (parsed.every((m) => m !== null)) apps = parsed.map((m) => (m?.[1] ?? m?.[2]) as string)
  }
  return { apps, generated }
}
