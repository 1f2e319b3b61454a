// The flights ETL at scale (issue 8): flights-20k replayed, end to end (producer, clean_flights,
// delay_stats, the JSONL and stats consumers), on memory and on the redis engine with 1 and 2
// worker processes per stage (a bench-owned redis-server), against a hand-written loop doing the
// same work (schema check, parse, check, enrich, bands, tallies, JSONL) in the same run.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { flightRow } from '../examples/flights/app.js'
import { loadFlights } from '../examples/flights/data.js'
import { FlightsOutput } from '../examples/flights/output.js'
import { runFlights } from '../examples/flights/run.js'
import { checkFlight, distanceBand, enrichAirports, parseDeparture } from '../examples/flights/transform.js'
import { STOP } from '../src/index.js'
import { startRedisServer } from '../test/support/redis.js'
import { type BenchResult, perSecond } from './harness.js'

const MEMORY_REPLAY = 50 // 1,000,000 records
const REDIS_REPLAY = 10 // 200,000 records: the redis runs take ~10x longer per record on 2 shared cores

/** The ETL by hand: the same functions, one loop, one process. Returns records per second. */
function handWritten(dir: string, replay: number): number {
  const rows = loadFlights()
  const output = new FlightsOutput(dir)
  const start = performance.now()
  for (let r = 0; r < replay; r++) {
    for (const raw of rows) {
      const row = flightRow.parse(raw)
      const departure = parseDeparture(row)
      if (departure === STOP || checkFlight(row) === STOP) continue
      const airports = enrichAirports(row)
      if (airports === STOP) continue
      const flight = { ...row, ...departure, ...airports }
      output.addCleanRow(flight)
      output.stats.add('origin', flight.origin, flight.originName, flight.delay)
      output.stats.add('hour', String(flight.hour), `${String(flight.hour).padStart(2, '0')}:00`, flight.delay)
      const { band } = distanceBand(flight)
      output.stats.add('band', band, band, flight.delay)
    }
  }
  output.close()
  return perSecond(rows.length * replay, performance.now() - start)
}

export default async function (): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stairs-flights-bench-'))
  const server = await startRedisServer()
  try {
    const baseline = { name: 'hand-written loop', value: handWritten(path.join(dir, 'loop'), MEMORY_REPLAY) }
    const results: BenchResult[] = [{ name: `hand-written loop, ${20 * MEMORY_REPLAY}k records`, value: baseline.value, unit: 'records/s' }]
    const memory = await runFlights({ engine: 'memory', outDir: path.join(dir, 'memory'), producerArgs: [`replay=${MEMORY_REPLAY}`] })
    const memoryRate = perSecond(memory.rowsOut, memory.etlMs)
    results.push({
      name: `memory engine, ${memory.rowsOut / 1000}k records`,
      value: memoryRate,
      unit: 'records/s',
      baseline,
      ratio: memoryRate / baseline.value,
    })
    for (const workers of [1, 2]) {
      const result = await runFlights({
        engine: 'redis',
        workers,
        flags: { 'redis-url': server.url, prefix: `bench-flights-${workers}` },
        purgeAfter: true,
        outDir: path.join(dir, `redis-${workers}`),
        producerArgs: [`replay=${REDIS_REPLAY}`],
      })
      const value = perSecond(result.rowsOut, result.etlMs)
      results.push({
        name: `redis engine, ${workers} worker process(es) per stage, ${result.rowsOut / 1000}k records`,
        value,
        unit: 'records/s',
        baseline,
        ratio: value / baseline.value,
        note: 'producer, 4 stages and both consumers; worker start-up excluded',
      })
    }
    return results
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
