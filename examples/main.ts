// `npm start`: the flights ETL (examples/flights) end to end on the embedded memory engine, in one
// process and without Redis; prints the counts and where its files are.
import path from 'node:path'
import { describeFlights, runFlights } from './flights/run.js'
import { REPO_ROOT } from './support/example-run.js'

const result = await runFlights({ engine: 'memory', outDir: path.join(REPO_ROOT, 'out/flights') })
for (const line of describeFlights(result, 'memory')) console.log(line)
console.log('\nMore examples: examples/README.md (spam classifier, hacker-news comments, the same runs on Redis).')
