// The steps of the flights ETL as plain functions: the pipelines wire them, the benchmark's
// hand-written loop calls them directly.
import { STOP } from '../../src/index.js'
import { loadAirports } from './data.js'

const DATE = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})$/

/** Parses `2001/01/01 00:47` into its parts; an unreadable date drops the row. */
export function parseDeparture({ date }: { date: string }) {
  const m = DATE.exec(date)
  if (!m) return STOP
  const [month, day, hour, minute] = [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])]
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return STOP
  return { month, day, hour }
}

/** The longest delay (minutes) believed: a day either way. */
export const MAX_DELAY = 24 * 60

/** Drops rows that cannot be a flight: no distance, a round trip to itself, an absurd delay. */
export function checkFlight({
  delay,
  distance,
  origin,
  destination,
}: {
  delay: number
  distance: number
  origin: string
  destination: string
}) {
  if (!(distance > 0) || origin === destination || !Number.isFinite(delay) || Math.abs(delay) > MAX_DELAY) return STOP
  return undefined
}

/** Adds the names and states of both airports; an unknown airport drops the row. */
export function enrichAirports({ origin, destination }: { origin: string; destination: string }) {
  const airports = loadAirports()
  const from = airports.get(origin)
  const to = airports.get(destination)
  if (!from || !to) return STOP
  return { originName: from.name, originState: from.state, destinationName: to.name, destinationState: to.state }
}

/** Distance bands, shortest first (upper bounds in miles, exclusive). */
export const DISTANCE_BANDS = [
  { band: '0-499 mi', below: 500 },
  { band: '500-999 mi', below: 1000 },
  { band: '1000-1499 mi', below: 1500 },
  { band: '1500-1999 mi', below: 2000 },
  { band: '2000+ mi', below: Number.POSITIVE_INFINITY },
] as const

/** The distance band of a flight. */
export function distanceBand({ distance }: { distance: number }) {
  const found = DISTANCE_BANDS.find(({ below }) => distance < below) as (typeof DISTANCE_BANDS)[number]
  return { band: found.band }
}

/** A flight is late when it arrives more than 15 minutes behind schedule (the FAA's definition). */
export const LATE_AFTER = 15
