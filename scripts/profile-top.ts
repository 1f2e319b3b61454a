// Prints the top frames of a V8 CPU profile (`node --cpu-prof`) by self time, and by inclusive
// time for frames in this repository's src/: what BENCHMARKS.md's profile tables are made from.
// Usage: npx tsx scripts/profile-top.ts FILE.cpuprofile [TOP]
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const [file, topArg] = process.argv.slice(2)
if (!file) throw new Error('usage: tsx scripts/profile-top.ts FILE.cpuprofile [TOP]')
const top = Number(topArg ?? 25)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const parent = new Map<number, number>()
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)

const label = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame
  const where = url ? `${url.replace(/^.*\/(src|node_modules|bench)\//, '$1/')}:${lineNumber + 1}` : ''
  return `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`
}

const self = new Map<string, number>()
const inclusive = new Map<string, number>()
let total = 0
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0
  total += dt
  const node = byId.get(id) as ProfileNode
  const name = label(node)
  self.set(name, (self.get(name) ?? 0) + dt)
  // Each frame once per sample, however deep its recursion.
  const seen = new Set<string>()
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = label(byId.get(at) as ProfileNode)
    if (seen.has(frame)) continue
    seen.add(frame)
    inclusive.set(frame, (inclusive.get(frame) ?? 0) + dt)
  }
})

const print = (title: string, table: Map<string, number>, keep: (name: string) => boolean) => {
  console.log(`${title} (of ${(total / 1000).toFixed(0)} ms sampled)`)
  const rows = [...table].filter(([name]) => keep(name)).sort((a, b) => b[1] - a[1])
  for (const [name, us] of rows.slice(0, top)) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`)
}
print('self time', self, () => true)
console.log('')
print('inclusive time, src/ frames', inclusive, (name) => name.includes(' src/'))
