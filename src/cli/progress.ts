// Progress of long work (producers, worker producers, replays, runs): a redrawn bar on a
// terminal, plain periodic lines otherwise (logs, CI, pipes).

export interface ProgressOptions {
  /** Where to draw; stderr by default, so stdout stays clean for data. */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
  /** Known total (records, batches), for the percentage and the ETA. */
  readonly total?: number
  /** What is counted: `records`, `batches`. */
  readonly unit?: string
  /** Force the bar (true) or plain lines (false); by default the stream decides. */
  readonly tty?: boolean
  /** Plain mode: at most one line per interval (ms). */
  readonly intervalMs?: number
}

export interface Progress {
  /** Reports the count so far (and the total, once known). */
  update(done: number, total?: number): void
  /** Ends the progress with a final line. */
  finish(message?: string): void
}

const BAR_WIDTH = 28
const REDRAW_MS = 80

/** A progress reporter: a bar when the stream is a terminal, else a line every `intervalMs`. */
export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr
  const tty = options.tty ?? stream.isTTY === true
  const unit = options.unit ?? 'records'
  const interval = options.intervalMs ?? 1000
  const started = Date.now()
  let total = options.total
  let done = 0
  let lastDraw = 0
  let finished = false

  const draw = (force: boolean): void => {
    const now = Date.now()
    if (!force && now - lastDraw < (tty ? REDRAW_MS : interval)) return
    lastDraw = now
    const line = tty ? barLine(label, done, total, unit, now - started) : plainLine(label, done, total, unit, now - started)
    stream.write(tty ? `\r\x1b[2K${line}` : `${line}\n`)
  }

  return {
    update(count, newTotal) {
      if (finished) return
      done = count
      if (newTotal !== undefined) total = newTotal
      draw(false)
    },
    finish(message) {
      if (finished) return
      finished = true
      if (tty) {
        draw(true)
        stream.write('\n')
      } else if (!message) draw(true)
      if (message) stream.write(`${message}\n`)
    },
  }
}

/** `label [██████░░░░] 60% 600/1000 records, 120/s, ETA 3s` */
export function barLine(label: string, done: number, total: number | undefined, unit: string, elapsedMs: number): string {
  const rate = perSecond(done, elapsedMs)
  if (total === undefined || total <= 0) return `${label} ${done} ${unit}, ${formatRate(rate)}/s`
  const ratio = Math.min(1, done / total)
  const filled = Math.round(ratio * BAR_WIDTH)
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`
  return `${label} [${bar}] ${Math.floor(ratio * 100)}% ${done}/${total} ${unit}, ${formatRate(rate)}/s, ETA ${eta(done, total, rate)}`
}

/** `label: 600/1000 records (60%), 120/s, ETA 3s` */
export function plainLine(label: string, done: number, total: number | undefined, unit: string, elapsedMs: number): string {
  const rate = perSecond(done, elapsedMs)
  if (total === undefined || total <= 0) return `${label}: ${done} ${unit}, ${formatRate(rate)}/s`
  const percent = Math.floor(Math.min(1, done / total) * 100)
  return `${label}: ${done}/${total} ${unit} (${percent}%), ${formatRate(rate)}/s, ETA ${eta(done, total, rate)}`
}

const perSecond = (done: number, elapsedMs: number): number => (elapsedMs > 0 ? (done * 1000) / elapsedMs : 0)

const formatRate = (rate: number): string => (rate >= 100 ? String(Math.round(rate)) : rate.toFixed(1))

function eta(done: number, total: number, rate: number): string {
  if (done >= total) return '0s'
  if (rate <= 0) return '?'
  const seconds = Math.ceil((total - done) / rate)
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`
}
