#!/usr/bin/env node
// `stairs-admin`: creates projects and apps. The package ships TypeScript sources, so tsx compiles them on load.
import { register } from 'tsx/esm/api'

register()
globalThis[Symbol.for('stairs.tsxRegistered')] = true
await import('../src/cli/stairs-admin.ts')
