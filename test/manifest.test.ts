// generated/manifest.json loads validated; a bad or old manifest is refused with what to do.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findManifestPipeline, loadManifest, ManifestError, parseManifest } from '../src/runtime/manifest.js'

const GENERATED = path.resolve('generated/manifest.json')
const dir = mkdtempSync(path.join(os.tmpdir(), 'stairs-manifest-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const write = (name: string, text: string): string => {
  const file = path.join(dir, name)
  writeFileSync(file, text)
  return file
}

describe('loadManifest', () => {
  it("loads this repository's manifest with its stages, queues and contracts", () => {
    const manifest = loadManifest(GENERATED)
    const pipeline = findManifestPipeline(manifest, 'quickstart', 'word_stats')
    expect(pipeline.stages.map((s) => s.queue)).toEqual(['quickstart.word_stats.input', 'quickstart.word_stats.counts'])
    for (const stage of pipeline.stages) expect(manifest.contracts[stage.queue]).toBe(stage.contract)
  })

  it('refuses a manifest of another version, naming the file and the fix', () => {
    const data = JSON.parse(readFileSync(GENERATED, 'utf8'))
    const file = write('old.json', JSON.stringify({ ...data, version: 0 }))
    expect(() => loadManifest(file)).toThrow(ManifestError)
    expect(() => loadManifest(file)).toThrow(/old\.json: manifest version 0 is not 1.*run 'stairs codegen'/)
  })

  it('refuses an invalid manifest, naming the path of the problem', () => {
    const data = JSON.parse(readFileSync(GENERATED, 'utf8'))
    data.apps[0].pipelines[0].stages[0].queue = 42
    expect(() => parseManifest(data, 'm.json')).toThrow(/m\.json: invalid manifest at apps\.0\.pipelines\.0\.stages\.0\.queue/)
  })

  it('refuses a missing file and broken JSON', () => {
    expect(() => loadManifest(path.join(dir, 'nope.json'))).toThrow(/cannot read the manifest/)
    expect(() => loadManifest(write('broken.json', '{'))).toThrow(/not valid JSON/)
  })

  it('names a pipeline the manifest does not have', () => {
    expect(() => findManifestPipeline(loadManifest(GENERATED), 'quickstart', 'nope')).toThrow(/no pipeline 'quickstart\.nope'/)
  })
})
