// The README's quick start (examples/quickstart/word-stats.ts): outputs, counters and what the
// consumer saw, on the memory engine.
import { describe, expect, it } from 'vitest'
import { seen, wordStats } from '../examples/quickstart/word-stats.js'
import { runPipeline } from '../src/runtime/index.js'

describe('quickstart example', () => {
  it('counts words, drops short comments and feeds the consumer', async () => {
    seen.length = 0
    const { outputs, stats, deadLetters } = await runPipeline(wordStats, [
      { author: 'a', text: 'one two three four' },
      { author: 'b', text: 'too short' },
    ])
    expect(outputs).toEqual([{ author: 'a', wordCount: 4, longest: 'three' }])
    expect(seen).toEqual([{ author: 'a', wordCount: 4 }])
    expect(stats.counters).toMatchObject({ in: 2, out: 1, filtered: 1, deadLettered: 0 })
    expect(deadLetters).toEqual([])
  })
})
