// The flights ETL: a producer of raw rows -> `clean_flights` (parse, check, enrich with airports,
// drop bad rows) -> `delay_stats` (three branches joined by concatenate) -> standalone consumers
// writing the clean rows (JSONL) and the delay tables (CSV) with the chart (SVG).
import { z } from 'zod'
import { App, concatenate } from '../../src/index.js'
import { loadFlights } from './data.js'
import { flightsOutput } from './output.js'
import { checkFlight, distanceBand, enrichAirports, parseDeparture } from './transform.js'

export const app = new App('flights')

/** What a row of the stats pipeline carries. */
const statsInput = z.object({
  origin: z.string(),
  originName: z.string(),
  hour: z.number().int().min(0).max(23),
  distance: z.number(),
  delay: z.number(),
})
type DelayRecord = {
  byOrigin: { origin: string; originName: string; delay: number }
  byHour: { hour: number; delay: number }
  byDistance: { band: string; delay: number }
}

/** Single writer of the clean rows (`flights-clean.jsonl`). */
export const cleanRows = app.standaloneConsumer('clean_rows', (row: z.infer<typeof statsInput> & { destination: string }) => {
  flightsOutput().addCleanRow(row)
})

/** Single holder of the delay tallies (written as CSV, JSON and SVG when the run ends). */
export const delayTallies = app.standaloneConsumer('delay_tallies', ({ byOrigin, byHour, byDistance }: DelayRecord) => {
  const { stats } = flightsOutput()
  stats.add('origin', byOrigin.origin, byOrigin.originName, byOrigin.delay)
  stats.add('hour', String(byHour.hour), `${String(byHour.hour).padStart(2, '0')}:00`, byHour.delay)
  stats.add('band', byDistance.band, byDistance.band, byDistance.delay)
})

/** One record per flight with its delay keyed three ways: by origin airport, hour of day, distance band. */
export const delayStats = app.pipeline('delay_stats', { input: statsInput }, (_p, flight) => {
  const byOrigin = flight.make({ origin: 'origin', originName: 'originName', delay: 'delay' })
  const byHour = flight.make({ hour: 'hour', delay: 'delay' })
  const byDistance = flight.subscribeFunc(distanceBand).make({ band: 'band', delay: 'delay' })
  return concatenate({ byOrigin, byHour, byDistance }).subscribeConsumer(delayTallies)
})

/** A raw row of flights-20k.json. */
export const flightRow = z.object({
  date: z.string(),
  delay: z.number(),
  distance: z.number(),
  origin: z.string().length(3),
  destination: z.string().length(3),
})

export const cleanFlights = app.pipeline('clean_flights', { input: flightRow }, (_p, row) =>
  row
    .subscribeFunc(parseDeparture, { name: 'parse' })
    .subscribeFunc(checkFlight, { name: 'check' })
    .subscribeFunc(enrichAirports, { name: 'enrich', asWorker: true })
    .subscribeConsumer(cleanRows)
    .subscribePipeline(delayStats),
)

/** Producer args: `rows=N` sends the first N rows only, `replay=K` sends the file K times. */
export function producerArgs(args: readonly string[]): { rows: number; replay: number } {
  const value = (name: string, fallback: number) => {
    const arg = args.find((a) => a.startsWith(`${name}=`))
    const n = arg === undefined ? fallback : Number(arg.slice(name.length + 1))
    if (!(Number.isInteger(n) && n > 0)) throw new Error(`flights producer: '${arg}' must be ${name}=<positive integer>`)
    return n
  }
  return { rows: value('rows', Number.MAX_SAFE_INTEGER), replay: value('replay', 1) }
}

/** The rows of flights-20k.json (the first `rows=N`, `replay=K` times); waits while 10,000 are queued. */
export const flightRows = app.producer('flight_rows', { pipelines: [cleanFlights], limit: 10_000 }, function* ({ args }) {
  const { rows, replay } = producerArgs(args)
  const flights = loadFlights().slice(0, rows)
  for (let i = 0; i < replay; i++) yield* flights
})
