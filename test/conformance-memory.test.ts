// The engine conformance kit (stairs/testing) on the memory engine: every case but those memory
// does not claim (durability under SIGKILL, contracts across processes), named so in their titles.
import { findEngine } from '../src/runtime/index.js'
import { engineConformance } from '../src/testing/index.js'

engineConformance('memory', () => findEngine('memory'), {
  settings: () => ({}),
  claims: { durable: false },
})
