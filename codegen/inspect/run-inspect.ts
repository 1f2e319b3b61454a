// Runs the inspect child (a fresh Node process with tsx) and reads the model it wrote.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CodegenError } from '../errors.js'
import type { InspectResult } from '../model.js'
import { processConditions } from '../node-conditions.js'

// inspect-child.ts beside this file in a checkout, inspect-child.js when built.
const CHILD = fileURLToPath(new URL(`inspect-child${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url))

/** Loads the project at `root` in a child process; resolves with its model or its failure. */
export async function runInspect(root: string): Promise<InspectResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'stairs-codegen-'))
  const out = path.join(dir, 'model.json')
  try {
    const tsx = import.meta.resolve('tsx')
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const conditions = processConditions().map((c) => `--conditions=${c}`)
      const child = spawn(process.execPath, [...conditions, '--import', tsx, CHILD, root, out], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
      })
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, stderr }))
    })
    let text: string
    try {
      text = readFileSync(out, 'utf8')
    } catch {
      throw new CodegenError('PROJECT_LOAD', `loading the project failed (exit ${code}):\n${stderr.trim()}`, null)
    }
    return JSON.parse(text) as InspectResult
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
