// Runs the flights ETL end to end and writes its files:
//   npx tsx examples/flights/run.ts                                   (memory engine, one process)
//   npx tsx examples/flights/run.ts --engine redis --workers 2        (generated workers in 2 processes)
// Flags: --out DIR (default out/flights), --workers N, and the engine's flags (--redis-url URL, --prefix P, ...);
// producer args after `--`: rows=N replay=K.
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { type PipelineStats, runProducer, runStandaloneConsumer } from '../../src/runtime/index.js'
import { type ExampleOptions, parseExampleFlags, REPO_ROOT, startExample } from '../support/example-run.js'
import { cleanFlights, cleanRows, delayTallies, flightRows } from './app.js'
import { type FlightsFiles, openFlightsOutput } from './output.js'

export interface FlightsResult {
  readonly files: FlightsFiles
  /** Rows the producer read. */
  readonly rowsIn: number
  /** Clean rows written (and counted in every stats table). */
  readonly rowsOut: number
  readonly stats: PipelineStats
  readonly elapsedMs: number
  /** From the first row sent to the last record consumed (no worker start-up, no summary files). */
  readonly etlMs: number
}

/** Runs the flights ETL on an engine; returns where the files are and the counts. */
export async function runFlights(options: ExampleOptions & { producerArgs?: readonly string[] } = {}): Promise<FlightsResult> {
  const started = performance.now()
  const output = openFlightsOutput(options.outDir ?? path.join(REPO_ROOT, 'out/flights'))
  const example = await startExample([cleanFlights], [cleanFlights], options)
  try {
    const consumers = () =>
      Promise.all([
        runStandaloneConsumer(cleanRows, example.consumerSource, { stopWhenEmpty: true, batchSize: 1000 }),
        runStandaloneConsumer(delayTallies, example.consumerSource, { stopWhenEmpty: true, batchSize: 1000 }),
      ])
    // On memory the consumers read while the producer sends (they end once the run is empty); on
    // Redis they run once the workers have settled every record.
    const etlStart = performance.now()
    const reading = example.inProcess ? consumers() : undefined
    const produced = await runProducer(flightRows, example.run, { args: options.producerArgs ?? [], batchSize: 1000 })
    const [stats] = (await example.settle()) as [PipelineStats]
    await (reading ?? consumers())
    const etlMs = performance.now() - etlStart
    const files = output.close()
    return { files, rowsIn: produced.rows, rowsOut: output.cleanRows, stats, elapsedMs: performance.now() - started, etlMs }
  } finally {
    await example.stop()
  }
}

/** The lines `npm start` prints: counts, timing and where each file is. */
export function describeFlights(result: FlightsResult, engine: string): string[] {
  const { in: accepted, filtered, deadLettered } = result.stats.counters
  const rel = (file: string) => path.relative(process.cwd(), file) || file
  return [
    `flights ETL on ${engine}: ${result.rowsIn} rows read, ${accepted} accepted, ${result.rowsOut} clean, ${filtered} filtered, ${deadLettered} dead-lettered (${(result.elapsedMs / 1000).toFixed(1)} s)`,
    'outputs:',
    `  clean rows (JSONL)        ${rel(result.files.cleanJsonl)}`,
    `  delay by origin (CSV)     ${rel(result.files.byOriginCsv)}`,
    `  delay by hour (CSV)       ${rel(result.files.byHourCsv)}`,
    `  delay by distance (CSV)   ${rel(result.files.byDistanceCsv)}`,
    `  all stats (JSON)          ${rel(result.files.statsJson)}`,
    `  chart (SVG, open it)      ${rel(result.files.chartSvg)}`,
  ]
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const separator = process.argv.indexOf('--')
  const flags = parseExampleFlags(process.argv.slice(2, separator < 0 ? undefined : separator), path.join(REPO_ROOT, 'out/flights'))
  const producerArgs = separator < 0 ? [] : process.argv.slice(separator + 1)
  const result = await runFlights({ ...flags, producerArgs })
  for (const line of describeFlights(result, flags.engine)) console.log(line)
}
