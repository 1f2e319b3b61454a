// Which stairs a new project depends on: the checkout that made it (a file: link), the version
// it was installed at, or what --stairs says.
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { stairsDependency } from '../src/cli/scaffold.js'
import { STAIRS_ROOT, STAIRS_VERSION } from '../src/cli/version.js'

describe('the stairs dependency of a new project', () => {
  it('links the checkout that runs project:new', () => {
    expect(stairsDependency(undefined, '/tmp', '/home/me/src/stairs')).toBe('file:/home/me/src/stairs')
    expect(stairsDependency(undefined, '/tmp')).toBe(`file:${STAIRS_ROOT}`)
  })

  it('asks for its own version when it was installed from a registry', () => {
    expect(stairsDependency(undefined, '/tmp', '/home/me/app/node_modules/stairs')).toBe(`^${STAIRS_VERSION}`)
  })

  it('takes --stairs as a folder (relative to the working folder) or a version range', () => {
    expect(stairsDependency(path.basename(STAIRS_ROOT), path.dirname(STAIRS_ROOT))).toBe(`file:${STAIRS_ROOT}`)
    expect(stairsDependency('^0.2.0', '/tmp')).toBe('^0.2.0')
    expect(() => stairsDependency('nonsense', '/tmp')).toThrow(/--stairs nonsense: neither a folder/)
  })
})
