// Every generated worker entrypoint, run as its own process on the memory engine (JSON lines in,
// JSON lines out), produces the records that running the pipeline directly produces.
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadFlights } from '../examples/flights/data.js'
import { readSample } from '../examples/hacker-news/app.js'
import type { App } from '../src/index.js'
import { importTs } from '../src/project/load-project.js'
import { loadManifest } from '../src/runtime/manifest.js'
import { runPipeline } from '../src/runtime/run-pipeline.js'
import { CODEGEN_FIXTURE, REPO, runTs } from './support/codegen-project.js'

/** Sample inputs per `app.pipeline`; a new generated worker needs an entry here. */
const SAMPLES: Record<string, unknown[]> = {
  'quickstart.word_stats': [
    { author: 'ada', text: 'Pipelines should fail at compile time.' },
    { author: 'ken', text: 'ok' },
    { author: 'bad' },
  ],
  'flights.clean_flights': [...loadFlights().slice(0, 8), { date: 'never', delay: 1, distance: 10, origin: 'XXX', destination: 'YYY' }],
  'flights.delay_stats': [
    { origin: 'SAN', originName: 'San Diego International', hour: 14, distance: 417, delay: 12 },
    { origin: 'SJC', originName: 'San Jose International', hour: 6, distance: 1500, delay: -3 },
    { origin: 'BAD', originName: 'no hour', hour: 25, distance: 1, delay: 0 },
  ],
  'spam.clean_text': [{ text: 'Buy CHEAP pills now at http://pills.example.com!' }, { text: '' }],
  'spam.emails': [
    { id: 'spam-1/00001', label: 1, split: 'train', text: 'Received: relay\nSubject: cheap pills\n\nbuy cheap pills now, only $9.99' },
    { id: 'easy-ham-1/00002', label: 0, split: 'test', text: 'Subject: meeting\n\nsee you at the meeting tomorrow' },
  ],
  'spam.email_tokens': [
    { split: 'train', tokens: ['buy', 'cheap', 'buy'] },
    { split: 'test', tokens: ['meeting'] },
  ],
  'hacker_news.cleanup_and_save_localy': readSample().slice(0, 8),
  'hacker_news.calculate_stats': [
    { score: 3, time: 1, text: 'Django is great. Slow tests are bad.', words: ['django', 'great', 'pytest'] },
  ],
  'analytics.ingest': [{ line: 'clicks=3' }, { line: '=7' }, { line: 'views=10' }],
  'analytics.sessions': [
    {
      user: 'u1',
      events: [
        { kind: 'view', at: 5 },
        { kind: 'buy', at: 150 },
      ],
    },
    { user: 'u2', events: [] },
  ],
  'audit.ingest': [
    { line: 'login=1', level: 'info' },
    { line: 'sudo=2', level: 'warn' },
  ],
  'shop.orders': [
    { orderId: 'o1', sku: ' ab ', quantity: 2 },
    { orderId: 'o2', sku: 'widget', quantity: 3, note: 'gift' },
    { orderId: 'o3', sku: 'x', quantity: 1.5 },
  ],
  'shop.pricing': [
    { sku: 'abc', quantity: 4 },
    { sku: 'z', quantity: 1 },
  ],
  'shop.restock': [{ sku: 'bolt', count: 12 }],
}

const projects = [
  { name: 'this repository', dir: path.join(REPO, 'generated') },
  { name: 'the codegen fixture', dir: path.join(CODEGEN_FIXTURE, 'expected') },
]

const sorted = (records: unknown[]): string[] => records.map((r) => JSON.stringify(r)).sort()

for (const project of projects) {
  const manifest = loadManifest(path.join(project.dir, 'manifest.json'))
  const root = path.dirname(project.dir)
  const workers = readdirSync(path.join(project.dir, 'workers')).sort()
  const entries = manifest.apps.flatMap((app) => app.pipelines.map((pl) => ({ app, pl })))

  describe(`generated workers of ${project.name}`, () => {
    it('has one worker file per pipeline of the manifest', () => {
      expect(workers).toEqual(entries.map(({ pl }) => path.basename(pl.worker)).sort())
    })

    it.each(entries.map(({ app, pl }) => ({ id: `${app.name}.${pl.name}`, app, pl })))(
      '$id on --engine memory gives the records runPipeline gives',
      async ({ id, app, pl }) => {
        const inputs = SAMPLES[id]
        if (!inputs) throw new Error(`no sample inputs for '${id}': add some to SAMPLES in test/generated-workers.test.ts`)
        const module = await importTs(path.resolve(root, app.module))
        const pipeline = (module[app.export] as App).pipelines.get(pl.name)
        if (!pipeline) throw new Error(`app '${app.name}' has no pipeline '${pl.name}'`)
        const direct = await runPipeline(pipeline, inputs)

        const input = `${inputs.map((r) => JSON.stringify(r)).join('\n')}\n`
        const result = await runTs(path.join(project.dir, pl.worker), ['--engine', 'memory'], { input })
        expect(result.code, result.stderr).toBe(0)
        const outputs = result.stdout
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as unknown)
        expect(sorted(outputs)).toEqual(sorted(direct.outputs))
        expect(outputs.length).toBeGreaterThan(0)
        // Dead letters go to stderr, one JSON line each, as many as the direct run had.
        const dead = result.stderr.split('\n').filter((line) => line.startsWith('{'))
        expect(dead.length).toBe(direct.deadLetters.length)
      },
    )
  })
}

describe('worker entrypoint flags', () => {
  it('refuses an unknown engine with a clear message and exit 2', async () => {
    const result = await runTs(path.join(REPO, 'generated/workers/quickstart.word_stats.ts'), ['--engine', 'kafka'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("unknown engine 'kafka'; registered engines: memory, redis, bullmq")
  })
})
