// Where the flights consumers write: the clean rows as JSONL, then (on close) the stats as CSV and
// JSON and the SVG chart. One process runs the standalone consumers, so one writer per file.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { delayChartSvg } from './chart.js'
import { DelayStats, delayCsv } from './delay-stats.js'

/** The files a finished run leaves in its output folder. */
export interface FlightsFiles {
  readonly cleanJsonl: string
  readonly byOriginCsv: string
  readonly byHourCsv: string
  readonly byDistanceCsv: string
  readonly statsJson: string
  readonly chartSvg: string
}

const FLUSH_EVERY = 2000

/** The open output of one run: consumers add to it, `close` writes the summaries. */
export class FlightsOutput {
  readonly stats = new DelayStats()
  readonly files: FlightsFiles
  #lines: string[] = []
  cleanRows = 0

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true })
    const file = (name: string) => path.join(dir, name)
    this.files = {
      cleanJsonl: file('flights-clean.jsonl'),
      byOriginCsv: file('delay-by-origin.csv'),
      byHourCsv: file('delay-by-hour.csv'),
      byDistanceCsv: file('delay-by-distance.csv'),
      statsJson: file('stats.json'),
      chartSvg: file('delays.svg'),
    }
    writeFileSync(this.files.cleanJsonl, '')
  }

  /** Appends a clean row (buffered; written every few thousand rows and on close). */
  addCleanRow(row: object): void {
    this.#lines.push(JSON.stringify(row))
    this.cleanRows++
    if (this.#lines.length >= FLUSH_EVERY) this.#flush()
  }

  #flush(): void {
    if (this.#lines.length === 0) return
    appendFileSync(this.files.cleanJsonl, `${this.#lines.join('\n')}\n`)
    this.#lines = []
  }

  /** Flushes the rows and writes the CSVs, the stats JSON and the chart. */
  close(): FlightsFiles {
    this.#flush()
    const byOrigin = this.stats.rows('origin')
    const byHour = this.stats.rows('hour')
    const byBand = this.stats.rows('band')
    writeFileSync(this.files.byOriginCsv, delayCsv(byOrigin, 'origin'))
    writeFileSync(this.files.byHourCsv, delayCsv(byHour, 'hour'))
    writeFileSync(this.files.byDistanceCsv, delayCsv(byBand, 'distance_band'))
    writeFileSync(this.files.statsJson, `${JSON.stringify({ cleanRows: this.cleanRows, byOrigin, byHour, byBand }, null, 2)}\n`)
    writeFileSync(this.files.chartSvg, delayChartSvg(byHour, byOrigin, this.stats.total('hour')))
    return this.files
  }
}

let current: FlightsOutput | undefined

/** Opens the output the consumers write to (this process runs them). */
export function openFlightsOutput(dir: string): FlightsOutput {
  current = new FlightsOutput(dir)
  return current
}

/** The open output; a consumer running without one is a wiring mistake worth a clear error. */
export function flightsOutput(): FlightsOutput {
  if (!current) throw new Error('flights output is not open: call openFlightsOutput(dir) in the process that runs the consumers')
  return current
}
