// The hacker-news example (issue 8): the exact CSV rows and stats of the shipped sample, on memory
// and on the redis engine with the generated worker in its own process.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type HackerNewsResult, runHackerNews } from '../examples/hacker-news/run.js'
import { exampleWorkspace } from './support/example-workspace.js'

const workspace = exampleWorkspace('hn')

// Kept: comments of 5+ words (stop words removed) that say "python". Dropped: 1002 and 1014
// (stories), 1008 (a job), 1003, 1011 and 1019 (too short), 1004, 1009 and 1015 (off topic).
const CSV = [
  'id,by,score,time,type,words,stemmed_words',
  '1001,ada,12,1700000000,comment,moved data jobs perl python pandas numpy code clean fast easy review,mov data job perl python panda numpy code clean fast easy review',
  '1005,eve,25,1700001200,comment,django admin saved months python web development feels productive simple,django admin sav month python web development feel productive simple',
  '1006,fay,2,1700001500,comment,packaging python painful broken lock files slow installs confusing tools,packag python painful broken lock file slow install confus tool',
  '1007,gus,9,1700001800,comment,serve models fastapi asyncio python type hints plus pytest caught bugs early,serve model fastapi asyncio python type hint plus pytest caught bug early',
  '1010,jon,31,1700002700,comment,flask great small services bigger python apps enjoyed django,flask great small service bigger python app enjoy django',
  '1012,lee,18,1700003300,comment,gil annoying cpu work python threads useless processes multiprocessing instead,gil annoy cpu work python thread useless process multiprocess instead',
  '1013,max,22,1700003600,comment,scientific python excellent numpy scipy pandas hard beat analysis work,scientific python excellent numpy scipy panda hard beat analysi work',
  '1016,pat,8,1700004500,comment,team loves python scripting requests pytest packages install project,team love python script request pytest package install project',
  '1017,quin,4,1700004800,comment,honestly python dependency hell worst part week,honest python dependency hell worst part week',
  '1018,ray,16,1700005100,comment,good debugger matters language pdb python simple helpful things break,good debugger matter language pdb python simple helpful thing break',
  '1020,tia,27,1700005700,comment,python notebooks great exploring terrible production code move serious modules tests,python notebook great explor terrible production code move serious module test',
]

const STATS = {
  // Per comment, the mean polarity of its sentences: 1001 +0.5, 1005 +0.5, 1006 -1, 1007 -0.5,
  // 1010 +1, 1012 -1, 1013 0, 1016 +0.5, 1017 -1, 1018 +1, 1020 0.
  sentiment: { comments: 11, mean: 0, positive: 5, negative: 4 },
  libs: {
    asyncio: { mentions: 1, totalScore: 9 },
    django: { mentions: 2, totalScore: 56 },
    fastapi: { mentions: 1, totalScore: 9 },
    flask: { mentions: 1, totalScore: 31 },
    numpy: { mentions: 2, totalScore: 34 },
    pandas: { mentions: 2, totalScore: 34 },
    pytest: { mentions: 2, totalScore: 17 },
    requests: { mentions: 1, totalScore: 8 },
    scipy: { mentions: 1, totalScore: 22 },
  },
}

function check(result: HackerNewsResult) {
  expect(result.csv).toBe(`${CSV.join('\n')}\n`)
  expect(readFileSync(result.files.csv, 'utf8')).toBe(result.csv)
  expect(result.stats).toEqual(STATS)
  expect(JSON.parse(readFileSync(result.files.stats, 'utf8'))).toEqual(STATS)
  expect(result.counters).toMatchObject({ in: 20, out: 11, filtered: 9, deadLettered: 0 })
}

describe('hacker-news example', () => {
  it('memory: the exact CSV rows and stats', async () => {
    check(await runHackerNews({ engine: 'memory', outDir: workspace.out('memory') }))
  })

  it('redis: the same CSV rows and stats with the generated worker in its own process', async () => {
    const flags = await workspace.redisFlags('ex-hn')
    check(await runHackerNews({ engine: 'redis', flags, outDir: workspace.out('redis') }))
  }, 60_000)
})
