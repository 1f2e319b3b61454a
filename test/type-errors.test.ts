// The compile errors a user sees for miswired pipelines name the key (tsd checks that they fail;
// this checks what they say), read from the TypeScript language service.
import { describe, expect, it } from 'vitest'
import { typeErrorCases, typeErrorHeader } from './cases/editor-cases.js'
import { diagnosticsOf } from './support/language-service.js'

// One must-not-compile call per line, after a fixed header (test/cases/editor-cases.ts, which
// test/package.test.ts also runs against the package's declarations).
const header = typeErrorHeader('../src/index.js')
const cases = typeErrorCases.map((c) => [c.title, c.line, c.message] as const)

describe('compile errors name the key', () => {
  const source = header + cases.map(([, line]) => line).join('\n')
  const firstLine = header.split('\n').length
  const diagnostics = diagnosticsOf(source)

  it('the header alone compiles', () => {
    expect(diagnosticsOf(header)).toEqual([])
  })

  it.each(cases.map(([name, line, message], i) => [name, line, message, firstLine + i] as const))(
    '%s',
    (_name, _line, message, lineNumber) => {
      const onLine = diagnostics.filter((d) => d.line === lineNumber)
      expect(onLine, `errors on line ${lineNumber}`).toHaveLength(1)
      expect(onLine[0]?.message).toMatch(message)
    },
  )

  it('reports no error anywhere else', () => {
    expect(diagnostics).toHaveLength(cases.length)
  })
})
