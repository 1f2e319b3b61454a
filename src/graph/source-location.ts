import path from 'node:path'
import { fileURLToPath } from 'node:url'

// Frames inside the framework itself are skipped: the location we want is the user's call.
const FRAMEWORK_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * The `file:line` of the first stack frame outside the framework (relative to the working
 * directory). Called only while building a graph, never on the message path.
 */
export function callerLocation(): string | undefined {
  const holder: { stack?: string } = {}
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 30
  Error.captureStackTrace(holder, callerLocation)
  Error.stackTraceLimit = limit
  for (const line of (holder.stack ?? '').split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):\d+\)?\s*$/.exec(line)
    if (!match?.[1]) continue
    const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1]
    if (!path.isAbsolute(file) || file.startsWith(FRAMEWORK_DIR + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`)) continue
    return `${path.relative(process.cwd(), file).split(path.sep).join('/')}:${match[2]}`
  }
  return undefined
}
