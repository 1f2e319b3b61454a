// Delay aggregates per group (origin airport, hour of day, distance band): flights, mean delay and
// the share of late flights, kept by the single process that runs the stats consumer.
import { DISTANCE_BANDS, LATE_AFTER } from './transform.js'

/** One row of a stats table. */
export interface DelayRow {
  readonly key: string
  readonly label: string
  readonly flights: number
  /** Mean delay in minutes, rounded to 0.01. */
  readonly meanDelay: number
  /** Share of flights more than 15 minutes late, rounded to 0.0001. */
  readonly lateShare: number
}

export type DelayGroup = 'origin' | 'hour' | 'band'

interface Tally {
  label: string
  flights: number
  totalDelay: number
  late: number
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits
const bandOrder = new Map<string, number>(DISTANCE_BANDS.map(({ band }, i) => [band, i]))

/** Running delay tallies per group and key. */
export class DelayStats {
  readonly #groups: Record<DelayGroup, Map<string, Tally>> = { origin: new Map(), hour: new Map(), band: new Map() }

  add(group: DelayGroup, key: string, label: string, delay: number): void {
    const tallies = this.#groups[group]
    let tally = tallies.get(key)
    if (!tally) {
      tally = { label, flights: 0, totalDelay: 0, late: 0 }
      tallies.set(key, tally)
    }
    tally.flights++
    tally.totalDelay += delay
    if (delay > LATE_AFTER) tally.late++
  }

  /** The rows of a group: airports busiest first, hours and bands in their natural order. */
  rows(group: DelayGroup): DelayRow[] {
    const rows = [...this.#groups[group]].map(([key, t]) => ({
      key,
      label: t.label,
      flights: t.flights,
      meanDelay: round(t.totalDelay / t.flights, 2),
      lateShare: round(t.late / t.flights, 4),
    }))
    if (group === 'origin') return rows.sort((a, b) => b.flights - a.flights || a.key.localeCompare(b.key))
    if (group === 'hour') return rows.sort((a, b) => Number(a.key) - Number(b.key))
    return rows.sort((a, b) => (bandOrder.get(a.key) ?? 0) - (bandOrder.get(b.key) ?? 0))
  }

  /** Flights counted in a group (every group sees every flight once). */
  total(group: DelayGroup): number {
    let flights = 0
    for (const tally of this.#groups[group].values()) flights += tally.flights
    return flights
  }
}

/** A stats table as CSV (header line included). */
export function delayCsv(rows: readonly DelayRow[], keyColumn: string): string {
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text)
  const lines = rows.map((r) => [quote(r.key), quote(r.label), r.flights, r.meanDelay, r.lateShare].join(','))
  return `${[`${keyColumn},label,flights,mean_delay_min,late_share`, ...lines].join('\n')}\n`
}
