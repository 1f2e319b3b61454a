// Files of a new app (project:new and app:new): app, flows, pipelines, producers, consumers and the
// index the config loads.

export interface AppTemplateInput {
  readonly appName: string
}

export const SAMPLE_SENTENCES: readonly string[] = [
  'Pipelines should fail at compile time, not at three in the morning.',
  'Talk is cheap.',
  'It is easier to ask forgiveness than it is to get permission.',
  'Simple things should be simple.',
  'Data flows down the stairs one step at a time.',
  'Measure twice and cut once.',
  'Every record arrives exactly where it should.',
  'Queues are buffers, not databases.',
  'Types are documentation the compiler reads.',
  'Small steps make long pipelines.',
]

/** `data/<app>.jsonl`: the records the producer reads. */
export const sampleData = (): string => SAMPLE_SENTENCES.map((text, i) => `${JSON.stringify({ id: i + 1, text })}\n`).join('')

export const appModule = (
  input: AppTemplateInput,
): string => `// The app: its name is the namespace of its queues; its config is typed and read at build time.
import { App } from 'stairs'

export const app = new App('${input.appName}', { config: { minWords: 1 } })
`

export const flowsModule = (): string => `// The steps that change records: a Flow runs its steps one after another inside one worker;
// each step takes the keys it needs and returns the keys it adds (the compiler checks both).
import { Flow, STOP } from 'stairs'
import { app } from './app.js'

export class CountWords extends Flow<{ text: string }> {
  /** Splits the text into lower-case words. */
  tokenize = this.step(({ text }: { text: string }) => ({ words: text.toLowerCase().match(/[a-z']+/g) ?? [] }), { next: ['longEnough'] })

  /** Drops records with too few words (counted as filtered, not as errors). */
  longEnough = this.step(({ words }: { words: string[] }) => (words.length >= app.config.minWords ? undefined : STOP), { next: ['count'] })

  /** Counts the words and finds the longest. */
  count = this.step(({ words }: { words: string[] }) => ({
    wordCount: words.length,
    longest: words.reduce((a, w) => (w.length > a.length ? w : a), ''),
  }))
}
`

export const pipelinesModule =
  (): string => `// How records travel: \`asWorker\` puts a step behind its own queue (a stage of its own on Redis).
import { z } from 'zod'
import { app } from './app.js'
import { saveCounts } from './consumers.js'
import { CountWords } from './flows.js'

export const wordCount = app.pipeline('word_count', { input: z.object({ id: z.number(), text: z.string() }) }, (_p, sentence) =>
  sentence
    .subscribeFlow(new CountWords())
    .make({ id: 'id', wordCount: 'wordCount', longest: 'longest' })
    .subscribeConsumer(saveCounts, { asWorker: true }),
)
`

export const consumersModule = (
  input: AppTemplateInput,
): string => `// Where records end up: one JSON line per record in out/${input.appName}.jsonl.
import { appendFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { app } from './app.js'

const outDir = fileURLToPath(new URL('../../out/', import.meta.url))
export const outFile = \`\${outDir}${input.appName}.jsonl\`

export const saveCounts = app.consumer('save_counts', (record: { id: number; wordCount: number; longest: string }) => {
  mkdirSync(outDir, { recursive: true })
  appendFileSync(outFile, \`\${JSON.stringify(record)}\\n\`)
})
`

export const producersModule = (input: AppTemplateInput): string => `// Where records come from.
//   stairs producer:process ${input.appName}.sentences        one process reads the file
//   stairs producer:init ${input.appName}.sentence_pages      then any number of
//   stairs producer:process ${input.appName}.sentence_pages   processes share its batches (Redis engines)
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { app } from './app.js'
import { wordCount } from './pipelines.js'

const dataFile = fileURLToPath(new URL('../../data/${input.appName}.jsonl', import.meta.url))
const BATCH_SIZE = 4

/** data/${input.appName}.jsonl, one record per line. */
async function readSentences(): Promise<{ id: number; text: string }[]> {
  const lines = (await readFile(dataFile, 'utf8')).split('\\n').filter((line) => line.trim() !== '')
  return lines.map((line) => JSON.parse(line))
}

export const sentences = app.producer('sentences', { pipelines: [wordCount] }, async function* () {
  yield* await readSentences()
})

export const sentencePages = app.workerProducer(
  'sentence_pages',
  { pipeline: wordCount },
  {
    batches: async function* () {
      const count = (await readSentences()).length
      for (let start = 0; start < count; start += BATCH_SIZE) yield start
    },
    read: async function* (start: number) {
      yield* (await readSentences()).slice(start, start + BATCH_SIZE)
    },
  },
)
`

export const indexModule = (): string => `// What stairs.config.ts loads: the app, with its pipelines, producers and consumers declared.
export { app } from './app.js'
export * from './consumers.js'
export * from './pipelines.js'
export * from './producers.js'
`
