// Entry of the inspect child process: `node --import tsx inspect-child.ts ROOT OUT_FILE`.
// A fresh process per run, so edited modules are never served from the import cache and user
// modules' side effects stay out of the caller.
import { writeFileSync } from 'node:fs'
import type { InspectResult } from '../model.js'
import { describeFailure, inspectProject } from './load-model.js'

const [root, out] = process.argv.slice(2)
if (!root || !out) {
  process.stderr.write('usage: inspect-child.ts ROOT OUT_FILE\n')
  process.exit(2)
}
let result: InspectResult
try {
  result = { ok: true, project: await inspectProject(root) }
} catch (error) {
  result = { ok: false, error: describeFailure(error, root) }
}
writeFileSync(out, JSON.stringify(result))
// User modules may hold timers or sockets open: the model is written, so leave now.
process.exit(0)
