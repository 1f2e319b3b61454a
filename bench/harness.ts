// What every benchmark file shares: the result shape, a timer (warm-up, several runs, median)
// and a table printer. Benchmarks measure the framework AND a baseline in the same run.

/** One measured figure, optionally compared with a baseline measured in the same run. */
export interface BenchResult {
  name: string
  value: number
  unit: string
  baseline?: { name: string; value: number }
  /** `value / baseline.value` (for rates: above 1 means faster than the baseline). */
  ratio?: number
  note?: string
}

/** A benchmark file's default export. */
export type Bench = () => Promise<BenchResult[]>

export interface TimeOptions {
  /** Untimed runs first, so the JIT has compiled the hot path (default 1). */
  warmup?: number
  /** Timed runs; the median is reported (default 3). */
  runs?: number
}

export interface Timing {
  /** Median duration of the timed runs, in milliseconds. */
  medianMs: number
  /** Every timed run, in milliseconds, in the order they ran. */
  runsMs: number[]
  /** Median CPU time (user + system, all threads) of the timed runs: less skewed by other load. */
  cpuMedianMs: number
}

/** Times `fn` (sync or async): `warmup` untimed runs, then `runs` timed ones; reports the median. */
export async function time(fn: () => unknown, options: TimeOptions = {}): Promise<Timing> {
  const { warmup = 1, runs = 3 } = options
  for (let i = 0; i < warmup; i++) await fn()
  const runsMs: number[] = []
  const cpuMs: number[] = []
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage()
    const start = process.hrtime.bigint()
    await fn()
    runsMs.push(Number(process.hrtime.bigint() - start) / 1e6)
    const used = process.cpuUsage(cpu)
    cpuMs.push((used.user + used.system) / 1e3)
  }
  return { medianMs: median(runsMs), runsMs, cpuMedianMs: median(cpuMs) }
}

/** Items per second for `count` items processed in a run of `ms` milliseconds. */
export const perSecond = (count: number, ms: number): number => (count * 1000) / ms

/** Times `fn` processing `count` items and returns the median rate in items per second. */
export async function rate(count: number, fn: () => unknown, options?: TimeOptions): Promise<number> {
  return perSecond(count, (await time(fn, options)).medianMs)
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** A result compared with a baseline; the ratio is computed here so every bench computes it alike. */
export function compared(name: string, value: number, unit: string, baseline: { name: string; value: number }, note?: string): BenchResult {
  return { name, value, unit, baseline, ratio: value / baseline.value, ...(note ? { note } : {}) }
}

/** Samples `process.memoryUsage().rss` every `everyMs` until `stop()`; returns the peak in bytes. */
export function sampleRss(everyMs = 10): { peak(): number; stop(): number } {
  let peak = process.memoryUsage().rss
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss
    if (rss > peak) peak = rss
  }, everyMs)
  return {
    peak: () => peak,
    stop: () => {
      clearInterval(timer)
      peak = Math.max(peak, process.memoryUsage().rss)
      return peak
    },
  }
}

const formatNumber = (value: number): string =>
  Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(Math.abs(value) >= 10 ? 1 : 2)

/** Renders results as an aligned text table (name, value, baseline, ratio, note). */
export function formatTable(title: string, results: readonly BenchResult[]): string {
  const header = ['benchmark', 'value', 'baseline', 'ratio', 'note']
  const rows = results.map((r) => [
    r.name,
    `${formatNumber(r.value)} ${r.unit}`,
    r.baseline ? `${r.baseline.name}: ${formatNumber(r.baseline.value)} ${r.unit}` : '',
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
    r.note ?? '',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 1 || i === 3 ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd()
  return [`== ${title}`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}
