// Trains the spam classifier end to end and prints its held-out accuracy:
//   npx tsx examples/spam/run.ts                              (memory engine, one process)
//   npx tsx examples/spam/run.ts --engine redis --workers 2   (generated workers in 2 processes)
// Flags: --out DIR (default out/spam), the engine's flags (--redis-url URL, --prefix P, ...); producer args after `--`: every=N.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { consumeIter, type PipelineStats, runProducer, runStandaloneConsumer } from '../../src/runtime/index.js'
import { type ExampleOptions, parseExampleFlags, REPO_ROOT, startExample } from '../support/example-run.js'
import { emailSource, emails, type TrainingRow, trainingRows, useVocabulary, vocabulary, vocabularyCounts } from './app.js'
import { LogisticRegression } from './logistic-regression.js'

/** Features kept: the most frequent tokens of the training emails. */
export const VOCABULARY_SIZE = 3000

export interface SpamResult {
  readonly emails: number
  readonly train: number
  readonly test: number
  readonly vocabularySize: number
  /** Records the fan-out flow sent to the vocabulary consumer. */
  readonly tokenRecords: number
  readonly trainAccuracy: number
  readonly testAccuracy: number
  readonly stats: PipelineStats
  readonly files: { readonly vocabulary: string; readonly model: string }
  readonly elapsedMs: number
}

/** Runs the pipelines, builds the vocabulary, trains on the train split and scores the test split. */
export async function runSpam(options: ExampleOptions & { producerArgs?: readonly string[]; seed?: number } = {}): Promise<SpamResult> {
  const started = performance.now()
  vocabularyCounts.reset()
  const example = await startExample([emails], [emails], options)
  try {
    const produced = await runProducer(emailSource, example.run, { args: options.producerArgs ?? [], batchSize: 200 })
    const [stats] = (await example.settle()) as [PipelineStats]
    options.log?.(`${produced.rows} emails through the pipelines; building the vocabulary`)
    const tokenRecords = await runStandaloneConsumer(vocabulary, example.consumerSource, { stopWhenEmpty: true, batchSize: 2000 })
    const vocab = vocabularyCounts.freeze(VOCABULARY_SIZE)
    useVocabulary(vocab)
    const train: TrainingRow[] = []
    const test: TrainingRow[] = []
    for await (const row of consumeIter(trainingRows, example.consumerSource, { stopWhenEmpty: true, batchSize: 500 }))
      (row.split === 'train' ? train : test).push(row)
    // The queue's order depends on the workers; the model must not: train in id order.
    train.sort((a, b) => (a.id < b.id ? -1 : 1))
    options.log?.(`training on ${train.length} emails, ${vocab.size} features`)
    const model = new LogisticRegression(vocab.size)
    model.train(train, { epochs: 8, learningRate: 0.2, seed: options.seed ?? 42 })
    const outDir = options.outDir ?? path.join(REPO_ROOT, 'out/spam')
    mkdirSync(outDir, { recursive: true })
    const files = { vocabulary: path.join(outDir, 'vocabulary.json'), model: path.join(outDir, 'model.json') }
    writeFileSync(files.vocabulary, `${JSON.stringify(vocab.tokens)}\n`)
    writeFileSync(files.model, `${JSON.stringify({ bias: model.bias, weights: model.weights })}\n`)
    return {
      emails: produced.rows,
      train: train.length,
      test: test.length,
      vocabularySize: vocab.size,
      tokenRecords,
      trainAccuracy: model.accuracy(train),
      testAccuracy: model.accuracy(test),
      stats,
      files,
      elapsedMs: performance.now() - started,
    }
  } finally {
    await example.stop()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const separator = process.argv.indexOf('--')
  const flags = parseExampleFlags(process.argv.slice(2, separator < 0 ? undefined : separator), path.join(REPO_ROOT, 'out/spam'))
  const r = await runSpam({ ...flags, producerArgs: separator < 0 ? [] : process.argv.slice(separator + 1) })
  const pct = (share: number) => `${(share * 100).toFixed(1)}%`
  console.log(
    `spam classifier on ${flags.engine}: ${r.emails} emails (${r.train} train, ${r.test} held out), ${r.tokenRecords} token records`,
  )
  console.log(`vocabulary ${r.vocabularySize} tokens; accuracy: train ${pct(r.trainAccuracy)}, held out ${pct(r.testAccuracy)}`)
  console.log(
    `(${(r.elapsedMs / 1000).toFixed(1)} s) files: ${path.relative(process.cwd(), r.files.vocabulary)}, ${path.relative(process.cwd(), r.files.model)}`,
  )
}
