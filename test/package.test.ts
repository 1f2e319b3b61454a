// stairs as a user gets it (issue 22): the packed tarball, linted by publint and arethetypeswrong,
// installed into a fresh project (no link to this checkout), then used as a user would: plain
// JavaScript with node; TypeScript type-checked under a strict and a loose config, with the tsd
// suite and the editor cases run against the installed declarations; codegen, tsc, and the compiled
// generated worker run with node on memory and on Redis, with tsx removed; the two bins through npx.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completionCases, completionSource, typeErrorCases, typeErrorHeader } from './cases/editor-cases.js'
import { createImportProbe, packagesIn } from './support/import-probe.js'
import { editorFor } from './support/language-service.js'
import { installProject, type PackedTarball, packStairs, REPO, type RunResult, run, start, userEnv } from './support/packed-project.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'
import { SOURCE_CONDITION } from './support/source-condition.js'

const temp = mkdtempSync(path.join(os.tmpdir(), 'stairs-package-'))
const project = path.join(temp, 'project')
const bin = (name: string): string => path.join(project, 'node_modules/.bin', name)
const node = (args: readonly string[], input?: string): Promise<RunResult> =>
  run(process.execPath, args, { cwd: project, ...(input === undefined ? {} : { input }) })
const ok = (result: RunResult): string => `exit ${result.code}\n${result.stdout}\n${result.stderr}`
const WORKER = 'dist/generated/workers/pkg_words.word_count.js'

let tarball: PackedTarball
let redis: string
const prefix = uniquePrefix('package')

beforeAll(async () => {
  redis = await redisUrl()
  tarball = await packStairs(temp)
  await installProject(project, tarball.file)
}, 300_000)

afterAll(async () => {
  if (redis) await deletePrefix(redis, prefix)
  rmSync(temp, { recursive: true, force: true })
})

describe('the tarball', () => {
  it('holds the build, the bins and the docs; no sources, tests, benches, examples or fixtures', () => {
    const { files } = tarball
    for (const entry of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/runtime/index.js', 'dist/codegen/index.d.ts']) {
      expect(files).toContain(entry)
    }
    expect(files).toEqual(expect.arrayContaining(['bin/stairs.js', 'bin/stairs-admin.js', 'package.json', 'README.md', 'LICENSE']))
    // The admin page's own files (HTML, CSS, plain ES modules) and the docs' images ship as they are.
    const unexpected = files.filter(
      (file) =>
        !/^(dist\/(src|codegen)\/.*\.(js|d\.ts)|dist\/src\/admin\/page\/[\w-]+\.(html|css)|bin\/[\w-]+\.js|docs\/[\w-]+\.md|docs\/images\/[\w-]+\.png)$/.test(
          file,
        ),
    )
    expect(unexpected).toEqual(['LICENSE', 'README.md', 'package.json'])
    console.info(
      `stairs tarball: ${files.length} files, ${(tarball.packedBytes / 1024).toFixed(1)} kB packed, ${(tarball.unpackedBytes / 1024).toFixed(1)} kB unpacked`,
    )
  })

  it('passes publint (strict: warnings fail too)', async () => {
    const result = await run(path.join(REPO, 'node_modules/.bin/publint'), ['--strict', tarball.file], { cwd: temp })
    expect(result.code, ok(result)).toBe(0)
  })

  it('passes arethetypeswrong with the ESM-only profile', async () => {
    const result = await run(path.join(REPO, 'node_modules/.bin/attw'), [tarball.file, '--profile', 'esm-only'], { cwd: temp })
    expect(result.code, ok(result)).toBe(0)
  })
})

describe('from plain JavaScript', () => {
  it('a .mjs pipeline runs with node', async () => {
    const result = await node(['plain.mjs'])
    expect(result.code, ok(result)).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({ outputs: [{ n: 3 }, { n: 4 }], filtered: 1 })
  })

  it("importing 'stairs' loads no ioredis, bullmq, ts-morph or tsx", async () => {
    const probe = await createImportProbe(project)
    const loaded = await probe('stairs', { cwd: project, env: userEnv() })
    expect(loaded.some((url) => url.endsWith('/node_modules/stairs/dist/src/index.js'))).toBe(true)
    expect(packagesIn(loaded, ['ioredis', 'bullmq', 'ts-morph', 'tsx'])).toEqual([])
  })
})

describe('from TypeScript', () => {
  it('stairs codegen writes generated/ (the CLI and codegen from dist, the project through tsx)', async () => {
    const result = await run('npx', ['--no', '--', 'stairs', 'codegen'], { cwd: project })
    expect(result.code, ok(result)).toBe(0)
    expect(result.stdout).toContain('generated/workers/pkg_words.word_count.ts')
    const check = await run('npx', ['--no', '--', 'stairs', 'codegen', '--check'], { cwd: project })
    expect(check.code, ok(check)).toBe(0)
  }, 120_000)

  it('type-checks under strict, exactOptionalPropertyTypes and noUncheckedIndexedAccess, without skipLibCheck, and compiles to dist/', async () => {
    // One program for both: tsc -p tsconfig.json checks and emits (the deploy build of describe 'compiled with tsc').
    const result = await run(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: project })
    expect(result.code, ok(result)).toBe(0)
  }, 120_000)

  it('type-checks under a loose config (no strict flags, bundler resolution)', async () => {
    const result = await run(bin('tsc'), ['-p', 'tsconfig.loose.json'], { cwd: project })
    expect(result.code, ok(result)).toBe(0)
  }, 120_000)
})

describe('the declarations keep every type-level guarantee', () => {
  // test-d/ and the editor cases, as written for the sources, with their imports of the sources
  // turned into the package's entry points, under the repository's compiler options.
  const dir = path.join(project, 'type-tests')
  const specifiers = entrySpecifiers()

  beforeAll(() => {
    mkdirSync(dir, { recursive: true })
    const options = ts.readConfigFile(path.join(REPO, 'tsconfig.json'), ts.sys.readFile).config.compilerOptions
    delete options.customConditions
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, include: ['*.ts'] }, null, 2))
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'type-tests', private: true, type: 'module' }))
    for (const file of readdirSync(path.join(REPO, 'test-d')).filter((f) => f.endsWith('.test-d.ts'))) {
      const text = readFileSync(path.join(REPO, 'test-d', file), 'utf8')
      writeFileSync(path.join(dir, file), toPackageImports(file, text, specifiers))
    }
  })

  it('the tsd suite passes against the installed declarations', async () => {
    const result = await run(bin('tsd'), ['--typings', '../node_modules/stairs/dist/src/index.d.ts', '--files', '*.test-d.ts'], {
      cwd: dir,
    })
    expect(result.code, ok(result)).toBe(0)
  }, 120_000)

  it("completions inside .get(' list the same keys through the declarations", () => {
    const editor = editorFor(dir)
    for (const c of completionCases) {
      expect([...editor.completionsAt(completionSource(c, 'stairs'))].sort(), c.title).toEqual(c.keys)
    }
  }, 120_000)

  it('miswired calls show the same errors through the declarations', () => {
    const editor = editorFor(dir)
    const header = typeErrorHeader('stairs')
    expect(editor.diagnosticsOf(header)).toEqual([])
    const firstLine = header.split('\n').length
    const diagnostics = editor.diagnosticsOf(header + typeErrorCases.map((c) => c.line).join('\n'))
    typeErrorCases.forEach((c, i) => {
      const onLine = diagnostics.filter((d) => d.line === firstLine + i)
      expect(onLine, c.title).toHaveLength(1)
      expect(onLine[0]?.message, c.title).toMatch(c.message)
    })
    expect(diagnostics).toHaveLength(typeErrorCases.length)
  }, 120_000)
})

describe('compiled with tsc, run with node', () => {
  // A compiled project's runtime needs no tsx: with tsx taken out of node_modules, the compiled
  // worker still loads (its config is dist/stairs.config.js, imported as plain JavaScript).
  const tsx = path.join(project, 'node_modules/tsx')
  const hiddenTsx = path.join(project, 'node_modules/.tsx-hidden')
  beforeAll(() => renameSync(tsx, hiddenTsx))
  afterAll(() => renameSync(hiddenTsx, tsx))

  it('tsc wrote the workers to dist/, with the manifest and the compiled config beside them', () => {
    expect(existsSync(path.join(project, WORKER))).toBe(true)
    expect(existsSync(path.join(project, 'dist/stairs.config.js'))).toBe(true)
    expect(existsSync(tsx)).toBe(false)
    expect(existsSync(path.join(project, 'dist/generated/manifest.json'))).toBe(true)
  })

  it('the compiled generated worker runs on memory', async () => {
    const result = await node([WORKER, '--engine', 'memory'], '{"text":"a b c d"}\n{"text":"no"}\n')
    expect(result.code, ok(result)).toBe(0)
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([{ text: 'a b c d', n: 4 }])
  })

  it('the compiled generated worker runs on Redis and stops on SIGTERM', async () => {
    const worker = start(process.execPath, [WORKER, '--engine', 'redis', '--redis-url', redis, '--prefix', prefix], { cwd: project })
    try {
      const deadline = Date.now() + 30_000
      while (!worker.output().stderr.includes('on redis') && worker.child.exitCode === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect(worker.output().stderr).toContain('on redis')
      const fed = await node(['dist/feed.js', redis, prefix])
      expect(fed.code, ok(fed)).toBe(0)
      expect(JSON.parse(fed.stdout)).toMatchObject({ in: 3, out: 2, filtered: 1, deadLettered: 0 })
    } finally {
      worker.child.kill('SIGTERM')
    }
    const stopped = await worker.finished
    expect(stopped.code, ok(stopped)).toBe(0)
  }, 60_000)
})

describe('the bins through npx', () => {
  it('npx stairs shows its commands and draws the pipeline', async () => {
    const help = await run('npx', ['--no', '--', 'stairs', '--help'], { cwd: project })
    expect(help.code, ok(help)).toBe(0)
    expect(help.stdout).toContain('pipelines:run')
    const graph = await run('npx', ['--no', '--', 'stairs', 'graph', 'pkg_words.word_count'], { cwd: project })
    expect(graph.code, ok(graph)).toBe(0)
    expect(graph.stdout).toContain('word_count')
  }, 60_000)

  it('npx stairs-admin scaffolds a project depending on the published version', async () => {
    const created = await run('npx', ['--no', '--', 'stairs-admin', 'project:new', 'demo'], { cwd: project })
    expect(created.code, ok(created)).toBe(0)
    const manifest = JSON.parse(readFileSync(path.join(project, 'demo/package.json'), 'utf8'))
    expect(manifest.dependencies.stairs).toBe(`^${JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version}`)
  }, 60_000)

  it('the scaffolded project deploys as its README says: npm run build, then node runs a compiled worker', async () => {
    // demo/ is not installed (stairs is not on a registry): it resolves stairs, zod and tsc from the project around it.
    const demo = path.join(project, 'demo')
    const built = await run('npm', ['run', 'build'], { cwd: demo })
    expect(built.code, ok(built)).toBe(0)
    const input = '{"id":1,"text":"Talk is cheap."}\n'
    const result = await run(process.execPath, ['dist/generated/workers/demo.word_count.js', '--engine', 'memory'], { cwd: demo, input })
    expect(result.code, ok(result)).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 1, wordCount: 3, longest: 'cheap' })
  }, 120_000)
})

/** `'../src/index.js'` -> `'stairs'` for every entry point of package.json exports (from test-d/). */
function entrySpecifiers(): Map<string, string> {
  const exports = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).exports as Record<string, unknown>
  const map = new Map<string, string>()
  for (const [subpath, target] of Object.entries(exports)) {
    const source = (target as Record<string, string>)[SOURCE_CONDITION]
    if (source) map.set(`../${source.slice(2).replace(/\.ts$/, '.js')}`, `stairs${subpath.slice(1)}`)
  }
  return map
}

/** A test-d file importing the package's entry points; an import of anything else is an error. */
function toPackageImports(file: string, text: string, specifiers: Map<string, string>): string {
  return text.replace(/(from\s+|import\s*\(\s*)'(\.\.?\/[^']+)'/g, (_match, before: string, specifier: string) => {
    const entry = specifiers.get(specifier)
    if (!entry)
      throw new Error(
        `test-d/${file} imports '${specifier}', which is no entry point of the package (${[...specifiers.keys()].join(', ')})`,
      )
    return `${before}'${entry}'`
  })
}
