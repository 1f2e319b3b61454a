// Runs the hacker-news sample through cleanup_and_save_localy and calculate_stats:
//   npx tsx examples/hacker-news/run.ts                          (memory engine, one process)
//   npx tsx examples/hacker-news/run.ts --engine redis           (generated worker in its own process)
// Flags: --out DIR (default out/hacker-news), the engine's flags (--redis-url URL, --prefix P, ...), --workers N.
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { type PipelineStats, runProducer, runStandaloneConsumer } from '../../src/runtime/index.js'
import { type ExampleOptions, parseExampleFlags, REPO_ROOT, startExample } from '../support/example-run.js'
import { aggregateValue, cleanupAndSaveLocaly, sampleComments, saveTopicRelatedData } from './app.js'
import { type HackerNewsStats, openHackerNewsOutput } from './output.js'

export interface HackerNewsResult {
  readonly files: { readonly csv: string; readonly stats: string }
  readonly csv: string
  readonly stats: HackerNewsStats
  readonly counters: PipelineStats['counters']
}

export async function runHackerNews(options: ExampleOptions = {}): Promise<HackerNewsResult> {
  const output = openHackerNewsOutput(options.outDir ?? path.join(REPO_ROOT, 'out/hacker-news'))
  const example = await startExample([cleanupAndSaveLocaly], [cleanupAndSaveLocaly], options)
  try {
    await runProducer(sampleComments, example.run)
    const [stats] = (await example.settle()) as [PipelineStats]
    await runStandaloneConsumer(saveTopicRelatedData, example.consumerSource, { stopWhenEmpty: true })
    await runStandaloneConsumer(aggregateValue, example.consumerSource, { stopWhenEmpty: true })
    return { files: output.files, csv: output.csv(), stats: output.close(), counters: stats.counters }
  } finally {
    await example.stop()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const flags = parseExampleFlags(process.argv.slice(2), path.join(REPO_ROOT, 'out/hacker-news'))
  const result = await runHackerNews(flags)
  const { in: received, out, filtered } = result.counters
  console.log(`hacker-news on ${flags.engine}: ${received} items in, ${out} topic comments kept, ${filtered} filtered`)
  console.log(result.csv)
  console.log(JSON.stringify(result.stats, null, 2))
  console.log(`files: ${path.relative(process.cwd(), result.files.csv)}, ${path.relative(process.cwd(), result.files.stats)}`)
}
