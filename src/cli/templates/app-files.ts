// Files of a new app (project:new and app:new): app, flows, pipelines, producers, consumers and the
// index the config loads. They use the producer API when this stairs version has it.

export interface AppTemplateInput {
  readonly appName: string
  /** `app.producer` exists in this stairs version (else producers.ts exports a plain generator). */
  readonly hasProducers: boolean
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

export const flowsModule = (): string => `// The steps that change records. Each takes the keys it needs and returns the keys it adds.
import { STOP } from 'stairs'
import { app } from './app.js'

/** Splits the text into lower-case words. */
export const tokenize = ({ text }: { text: string }) => ({ words: text.toLowerCase().match(/[a-z']+/g) ?? [] })

/** Drops records with too few words (counted as filtered, not as errors). */
export const longEnough = ({ words }: { words: string[] }) => (words.length >= app.config.minWords ? undefined : STOP)

/** Counts the words and finds the longest. */
export const countWords = ({ words }: { words: string[] }) => ({
  wordCount: words.length,
  longest: words.reduce((a, w) => (w.length > a.length ? w : a), ''),
})
`

export const pipelinesModule =
  (): string => `// How records travel: \`asWorker\` puts a step behind its own queue (a stage of its own on Redis).
import { z } from 'zod'
import { app } from './app.js'
import { saveCounts } from './consumers.js'
import { countWords, longEnough, tokenize } from './flows.js'

export const wordCount = app.pipeline('word_count', { input: z.object({ id: z.number(), text: z.string() }) }, (_p, sentence) =>
  sentence
    .subscribeFunc(tokenize)
    .subscribeFunc(longEnough)
    .subscribeFunc(countWords, { asWorker: true })
    .make({ id: 'id', wordCount: 'wordCount', longest: 'longest' })
    .subscribeConsumer(saveCounts),
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

export function producersModule(input: AppTemplateInput): string {
  const reader = `const dataFile = fileURLToPath(new URL('../../data/${input.appName}.jsonl', import.meta.url))

/** Reads data/${input.appName}.jsonl, one record per line. */
async function* readSentences(): AsyncGenerator<{ id: number; text: string }> {
  const lines = createInterface({ input: createReadStream(dataFile), crlfDelay: Number.POSITIVE_INFINITY })
  for await (const line of lines) if (line.trim()) yield JSON.parse(line)
}`
  const imports = `import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'`
  if (!input.hasProducers) {
    return `// Where records come from. Feed them with: stairs pipelines:run ${input.appName}.word_count --input data/${input.appName}.jsonl
${imports}

${reader}

export { readSentences }
`
  }
  return `// Where records come from: \`stairs producer:process ${input.appName}.sentences\` (or pipelines:run on memory).
${imports}
import { app } from './app.js'
import { wordCount } from './pipelines.js'

${reader}

export const sentences = app.producer('sentences', { pipelines: [wordCount] }, readSentences)
`
}

export const indexModule = (): string => `// What stairs.config.ts loads: the app, with its pipelines, producers and consumers declared.
export { app } from './app.js'
export * from './consumers.js'
export * from './pipelines.js'
export * from './producers.js'
`
