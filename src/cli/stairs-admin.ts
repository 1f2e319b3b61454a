// `stairs-admin`: creates projects and apps.
import { registerAppNew } from './commands/app-new.js'
import { registerProjectNew } from './commands/project-new.js'
import { createProgram, runProgram } from './program.js'
import { STAIRS_VERSION } from './version.js'

const program = createProgram('stairs-admin', 'Create stairs projects and apps.', STAIRS_VERSION)
registerProjectNew(program)
registerAppNew(program)
await runProgram(program)
