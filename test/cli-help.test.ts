// Acceptance 5 of the CLI: `--help` of both programs and of every command describes its arguments
// and options, with an example.
import { afterAll, describe, expect, it } from 'vitest'
import { runCli, tempDir } from './support/cli.js'

const temp = tempDir('help')
afterAll(() => temp.cleanup())

/** Each command with the arguments and options its help must describe. */
const COMMANDS = {
  stairs: {
    'pipelines:run': ['[pipelines...]', '--engine <engine>', '--concurrency <n>', '--input <file.jsonl>'],
    'producer:init': ['<producer>', '[args...]', '--engine <engine>'],
    'producer:process': ['<producer>', '[args...]', '--engine <engine>'],
    'consumer:standalone': ['<consumer>', '--engine <engine>', '--until-empty'],
    'inspect:status': ['[apps...]', '--engine <engine>', '--interval <ms>'],
    'inspect:monitor': ['[apps...]', '--engine <engine>', '--interval <ms>', '--once', '--iterations <n>'],
    'dlq:list': ['[pipelines...]', '--engine <engine>', '--limit <n>', '--json'],
    'dlq:replay': ['[pipelines...]', '--engine <engine>', '--id <id...>'],
    codegen: ['--check'],
    graph: ['[pipelines...]'],
    shell: [],
  },
  'stairs-admin': {
    'project:new': ['<name>', '--stairs <path-or-version>'],
    'app:new': ['<name>'],
  },
} as const

describe.each(Object.entries(COMMANDS))('%s', (bin, commands) => {
  it('--help lists every command with a description', async () => {
    const { code, stdout } = await runCli(bin as keyof typeof COMMANDS, ['--help'], { cwd: temp.dir })
    expect(code).toBe(0)
    expect(stdout).toContain(`Usage: ${bin} [options] [command]`)
    for (const name of Object.keys(commands)) expect(stdout).toMatch(new RegExp(`^  ${name}\\b.*\\S+ \\S+`, 'm'))
    expect(stdout).toContain('--verbose')
  })

  it.each(Object.entries(commands))('%s --help describes its arguments and options', async (command, parts) => {
    const { code, stdout } = await runCli(bin as keyof typeof COMMANDS, [command, '--help'], { cwd: temp.dir })
    expect(code).toBe(0)
    expect(stdout).toContain(`Usage: ${bin} ${command}`)
    for (const part of parts as readonly string[]) {
      const name = part.replace(/^[[<]|[\]>]$/g, '').replace('...', '')
      // Each argument and option is on a line of its own, followed by a description.
      const line = part.startsWith('-') ? part : name
      expect(stdout).toMatch(new RegExp(`^  ${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s{2,}\\S+`, 'm'))
    }
    expect(stdout).toMatch(/Examples?:\n {2}\$ /)
  })
})
