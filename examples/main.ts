// `npm start`: runs the quickstart pipeline end to end on the embedded memory engine.
import { runPipeline } from '../src/runtime/index.js'
import { wordStats } from './quickstart/word-stats.js'

const comments = [
  { author: 'ada', text: 'Pipelines should fail at compile time, not at three in the morning.' },
  { author: 'linus', text: 'Talk is cheap.' },
  { author: 'grace', text: 'It is easier to ask forgiveness than it is to get permission.' },
  { author: 'ken', text: 'ok' },
]

const { outputs, stats, deadLetters } = await runPipeline(wordStats, comments)
for (const row of outputs) console.log(`${row.author.padEnd(6)} ${String(row.wordCount).padStart(3)} words, longest: ${row.longest}`)
const { in: received, out, filtered } = stats.counters
console.log(`\n${received} comments in, ${out} out, ${filtered} filtered (fewer than 3 words), ${deadLetters.length} dead-lettered`)
console.log(`stages: ${stats.stages.map((s) => `${s.stage} (${s.counters.processed} processed)`).join(' -> ')}`)
