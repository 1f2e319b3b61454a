// The worker process the conformance kit starts for the SIGKILL test: it imports the module that
// registers the engine under test (STAIRS_KIT_MODULE, if any), runs every stage of the kit's
// durable pipeline on that engine with the test's settings (STAIRS_KIT_ENGINE,
// STAIRS_KIT_SETTINGS as JSON), prints `ready` once started, and stops gracefully on SIGTERM.
import { pathToFileURL } from 'node:url'
import { startRun } from '../runtime/registry.js'
import { durable } from './kit-app.js'

const engine = process.env.STAIRS_KIT_ENGINE
if (!engine) {
  console.error('kit worker: STAIRS_KIT_ENGINE names the engine to run')
  process.exit(2)
}
const module = process.env.STAIRS_KIT_MODULE
// An absolute path becomes a file URL; a package specifier is imported as it is.
if (module) await import(module.startsWith('/') ? pathToFileURL(module).href : module)
const settings = JSON.parse(process.env.STAIRS_KIT_SETTINGS ?? '{}') as object
const run = await startRun(engine, [durable], { workers: true, settings })
process.once('SIGTERM', () => {
  run.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
})
console.log('ready')
