// The engine conformance kit (stairs/testing) on stairs-engine-postgres, the engine defined outside
// src (test/fixtures/engine-package) and loaded from a user-like install: every case, SIGKILL of a
// worker process mid-batch included (the kit's worker processes import the package's register
// module). Each test gets its own schema, dropped after.
import { engineConformance } from '../src/testing/index.js'
import { dropSchema, engineWorkspace, importEngine, PG_URL } from './support/engine-package.js'

const workspace = engineWorkspace()
const engine = await importEngine(workspace)
process.once('exit', () => workspace.cleanup())

engineConformance('postgres', () => engine, {
  // A short lease: what a killed worker held is claimed again within 2 s.
  settings: (testId) => ({ url: PG_URL, schema: `kit_${testId}`, pollMs: 100, leaseMs: 2_000 }),
  cleanup: (testId) => dropSchema(`kit_${testId}`),
  claims: { durable: true },
  worker: { module: workspace.registerModule },
})
