// The admin page's graph model built from this repository's examples, generated/manifest.json and
// generated/shapes.ts: stages in plan order, each stage's input and output keys from the shapes,
// sub-pipelines, contracts, producers and queued consumers; and what it says when the manifest is missing.
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { app as spam } from '../examples/spam/app.js'
import { buildGraph } from '../src/admin/graph-model.js'
import { readShapeMembers } from '../src/admin/shape-members.js'
import type { App } from '../src/index.js'
import { loadManifest } from '../src/runtime/manifest.js'

const generated = path.join(import.meta.dirname, '..', 'generated')
const manifest = loadManifest(path.join(generated, 'manifest.json'))
const apps = [spam as unknown as App<Record<string, unknown>>]
const pipelines = [...spam.pipelines.values()]

describe('admin graph model', () => {
  it('gives each stage its keys from shapes.ts, its contract, and the sub-pipeline it runs', async () => {
    const shapes = await readShapeMembers(path.join(generated, 'shapes.ts'))
    const { apps: views, notes } = buildGraph({ apps, pipelines, manifest, shapes })
    expect(notes).toEqual([])
    const emails = views[0]?.pipelines.find((p) => p.id === 'spam.emails')
    expect(emails?.stages.map((s) => s.id)).toEqual([
      'input',
      'from_spam_clean_text',
      'bag_of_words',
      'to_spam_email_tokens',
      'from_spam_email_tokens',
    ])
    const join = emails?.stages[1]
    expect(join?.input.map((v) => v.shape)).toEqual(['SpamEmailsInput', 'SpamEmailsSpamCleanTextMake'])
    expect(join?.input[0]?.members?.map((m) => `${m.name}: ${m.type}`)).toEqual([
      'id: string',
      'label: 0 | 1',
      'split: "test" | "train"',
      'text: string',
    ])
    expect(join?.output[0]?.members?.map((m) => m.name)).toEqual(['id', 'label', 'split', 'text', 'tokens'])
    expect(join?.contract).toBe(
      manifest.apps.find((a) => a.name === 'spam')?.pipelines.find((p) => p.name === 'emails')?.stages[1]?.contract,
    )
    expect(emails?.stages[0]?.subPipelines).toEqual(['clean_text'])
    expect(emails?.stages[3]?.subPipelines).toEqual(['email_tokens'])
    // The last stage's output is the pipeline's output shape.
    expect(emails?.stages.at(-1)?.output[0]?.members).not.toBeNull()
  })

  it('lists producers with the pipelines they feed and queued consumers with the stages that feed them', async () => {
    const { apps: views } = buildGraph({ apps, pipelines, manifest, shapes: new Map() })
    expect(views[0]?.producers).toEqual([{ app: 'spam', name: 'email_source', kind: 'producer', pipelines: ['spam.emails'] }])
    const consumers = Object.fromEntries((views[0]?.consumers ?? []).map((c) => [c.name, c]))
    expect(consumers.vocabulary?.kind).toBe('standalone')
    expect(consumers.training_rows?.kind).toBe('iter')
    expect(consumers.training_rows?.from.length).toBeGreaterThan(0)
  })

  it('says what is missing without a manifest, and still draws every stage', () => {
    const { apps: views, notes } = buildGraph({ apps, pipelines, manifest: undefined, shapes: new Map() })
    expect(notes.join('\n')).toMatch(/no generated\/manifest.json.*stairs codegen/)
    expect(views[0]?.pipelines.find((p) => p.id === 'spam.emails')?.stages).toHaveLength(5)
    expect(views[0]?.pipelines[0]?.stages[0]?.contract).toBeNull()
  })
})
