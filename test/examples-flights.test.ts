// The flights example (issue 8) on memory and on the redis engine with its generated worker in a
// separate process: row counts in and out, and aggregates recomputed here from the raw JSON.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cleanFlights } from '../examples/flights/app.js'
import { runFlights } from '../examples/flights/run.js'
import { runPipeline } from '../src/runtime/index.js'
import { exampleWorkspace } from './support/example-workspace.js'

interface Raw {
  date: string
  delay: number
  distance: number
  origin: string
  destination: string
}
const RAW = JSON.parse(readFileSync(path.join(import.meta.dirname, '../node_modules/vega-datasets/data/flights-20k.json'), 'utf8')) as Raw[]

const workspace = exampleWorkspace('flights')

/** Flights, mean delay and late share of the raw rows matching `pick`, computed without the example's code. */
function expected(rows: readonly Raw[], pick: (row: Raw) => boolean) {
  const chosen = rows.filter(pick)
  const total = chosen.reduce((sum, r) => sum + r.delay, 0)
  const late = chosen.filter((r) => r.delay > 15).length
  return {
    flights: chosen.length,
    meanDelay: Math.round((total / chosen.length) * 100) / 100,
    lateShare: Math.round((late / chosen.length) * 10000) / 10000,
  }
}

function csvRow(file: string, key: string) {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key},`))
  if (!line) throw new Error(`${file} has no row for ${key}`)
  const cells = line.split(',')
  return { flights: Number(cells.at(-3)), meanDelay: Number(cells.at(-2)), lateShare: Number(cells.at(-1)) }
}

function checkAggregates(files: Awaited<ReturnType<typeof runFlights>>['files'], rows: readonly Raw[]) {
  expect(readFileSync(files.cleanJsonl, 'utf8').trim().split('\n')).toHaveLength(rows.length)
  for (const airport of ['ORD', 'DFW', 'SFO'])
    expect(csvRow(files.byOriginCsv, airport)).toEqual(expected(rows, (r) => r.origin === airport))
  for (const hour of [7, 12, 18])
    expect(csvRow(files.byHourCsv, String(hour))).toEqual(expected(rows, (r) => Number(r.date.slice(11, 13)) === hour))
  expect(csvRow(files.byDistanceCsv, '0-499 mi')).toEqual(expected(rows, (r) => r.distance < 500))
  expect(csvRow(files.byDistanceCsv, '2000+ mi')).toEqual(expected(rows, (r) => r.distance >= 2000))
  const svg = readFileSync(files.chartSvg, 'utf8')
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  expect(svg).toContain(`(${rows.length.toLocaleString('en-US')} flights)`)
  for (const label of ['Mean arrival delay by hour of departure', 'hour of departure (local time)', 'mean delay (minutes)'])
    expect(svg).toContain(label)
  expect(svg.match(/<rect [^>]*class="bar( few)?"/g)).toHaveLength(24 + 15)
  // Every hour bar lies inside its plot area (y 90 to 350): the value axis covers the largest mean.
  const hourBars = [...svg.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" class="bar(?: few)?"/g)].slice(0, 24)
  expect(hourBars).toHaveLength(24)
  for (const [, y, height] of hourBars) {
    expect(Number(y)).toBeGreaterThanOrEqual(90)
    expect(Number(y) + Number(height)).toBeLessThanOrEqual(350.05)
  }
}

describe('flights example', () => {
  it('memory: all 20,000 rows in and out, aggregates match the raw data', async () => {
    const result = await runFlights({ engine: 'memory', outDir: workspace.out('memory') })
    expect(result.rowsIn).toBe(20_000)
    expect(result.rowsOut).toBe(20_000)
    expect(result.stats.counters).toMatchObject({ in: 20_000, out: 20_000, filtered: 0, deadLettered: 0 })
    checkAggregates(result.files, RAW)
  })

  it('memory: bad rows are filtered (date, distance, airport) or dead-lettered (schema)', async () => {
    const good = RAW[0] as Raw
    const { stats, deadLetters } = await runPipeline(cleanFlights, [
      good,
      { ...good, date: '2001/13/01 00:47' },
      { ...good, distance: 0 },
      { ...good, destination: 'ZZZ' },
      { ...good, destination: good.origin },
      { ...good, delay: 'late' } as unknown as Raw,
    ])
    expect(stats.counters).toMatchObject({ in: 5, out: 1, filtered: 4, rejected: 1 })
    expect(deadLetters.map((d) => d.stage)).toEqual(['input'])
  })

  it('redis: the generated worker in its own process, 5,000 rows', async () => {
    const flags = await workspace.redisFlags('ex-flights')
    const result = await runFlights({
      engine: 'redis',
      flags,
      outDir: workspace.out('redis'),
      producerArgs: ['rows=5000'],
    })
    expect(result.rowsIn).toBe(5000)
    expect(result.rowsOut).toBe(5000)
    expect(result.stats.counters).toMatchObject({ in: 5000, out: 5000, filtered: 0, deadLettered: 0 })
    checkAggregates(result.files, RAW.slice(0, 5000))
  }, 60_000)
})
