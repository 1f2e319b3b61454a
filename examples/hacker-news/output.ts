// Where the hacker-news consumers write: the topic-related comments as CSV (sorted by id, so a run
// on any engine gives the same file) and the aggregated stats as JSON.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { LibMention } from './flows.js'

/** A kept comment, as the CSV consumer receives it. */
export interface TopicComment {
  id: number
  by: string
  score: number
  time: number
  type: string
  words: string[]
  stemmed_words: string[]
}

/** The aggregates of `calculate_stats`. */
export interface HackerNewsStats {
  sentiment: { comments: number; mean: number; positive: number; negative: number }
  libs: Record<string, { mentions: number; totalScore: number }>
}

const quote = (cell: string | number): string => {
  const text = String(cell)
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export const CSV_HEADER = 'id,by,score,time,type,words,stemmed_words'

export class HackerNewsOutput {
  readonly #rows: TopicComment[] = []
  readonly #sentiments: number[] = []
  readonly #libs: Record<string, { mentions: number; totalScore: number }> = {}
  readonly files: { readonly csv: string; readonly stats: string }

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true })
    this.files = { csv: path.join(dir, 'topic-comments.csv'), stats: path.join(dir, 'stats.json') }
  }

  addComment(row: TopicComment): void {
    this.#rows.push(row)
  }

  addSentiment(value: number): void {
    this.#sentiments.push(value)
  }

  addLibs(mentions: readonly LibMention[]): void {
    for (const { lib, score } of mentions) {
      const entry = (this.#libs[lib] ??= { mentions: 0, totalScore: 0 })
      entry.mentions++
      entry.totalScore += score
    }
  }

  /** The CSV text (header, then rows by id; words joined by spaces). */
  csv(): string {
    const rows = [...this.#rows].sort((a, b) => a.id - b.id)
    const lines = rows.map((r) => [r.id, r.by, r.score, r.time, r.type, r.words.join(' '), r.stemmed_words.join(' ')].map(quote).join(','))
    return `${[CSV_HEADER, ...lines].join('\n')}\n`
  }

  stats(): HackerNewsStats {
    const n = this.#sentiments.length
    const mean = n === 0 ? 0 : Math.round((this.#sentiments.reduce((a, b) => a + b, 0) / n) * 10_000) / 10_000
    const libs = Object.fromEntries(Object.entries(this.#libs).sort(([a], [b]) => (a < b ? -1 : 1)))
    return {
      sentiment: {
        comments: n,
        mean,
        positive: this.#sentiments.filter((s) => s > 0).length,
        negative: this.#sentiments.filter((s) => s < 0).length,
      },
      libs,
    }
  }

  /** Writes both files; returns the stats. */
  close(): HackerNewsStats {
    const stats = this.stats()
    writeFileSync(this.files.csv, this.csv())
    writeFileSync(this.files.stats, `${JSON.stringify(stats, null, 2)}\n`)
    return stats
  }
}

let current: HackerNewsOutput | undefined

export function openHackerNewsOutput(dir: string): HackerNewsOutput {
  current = new HackerNewsOutput(dir)
  return current
}

/** The open output; a consumer running without one is a wiring mistake worth a clear error. */
export function hackerNewsOutput(): HackerNewsOutput {
  if (!current) throw new Error('hacker-news output is not open: call openHackerNewsOutput(dir) in the process that runs the consumers')
  return current
}
