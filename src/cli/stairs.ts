// `stairs`: the commands of a project (run, produce, consume, inspect, generate, draw, explore).

import { registerCodegenCommand } from '../../codegen/command.js'
import { preloadProjectConfig } from './command-project.js'
import { registerAdmin } from './commands/admin.js'
import { registerConsumerStandalone } from './commands/consumer-standalone.js'
import { registerContracts } from './commands/contracts.js'
import { registerDlq } from './commands/dlq.js'
import { registerGraph } from './commands/graph.js'
import { registerInspect } from './commands/inspect.js'
import { registerPipelinesRun } from './commands/pipelines-run.js'
import { registerProducer } from './commands/producer.js'
import { registerShell } from './commands/shell.js'
import { createProgram, runProgram } from './program.js'
import { STAIRS_VERSION } from './version.js'

// Engines a project registers in its stairs.config.ts bring their own flags: load the config
// before the commands are built, so those flags parse. A broken config is reported by the
// command that needs it, with its file and key.
await preloadProjectConfig(process.cwd())

const program = createProgram('stairs', 'Run, feed and inspect the pipelines of a stairs project.', STAIRS_VERSION)
for (const register of [
  registerPipelinesRun,
  registerProducer,
  registerConsumerStandalone,
  registerInspect,
  registerDlq,
  registerContracts,
  registerGraph,
  registerShell,
  registerAdmin,
  registerCodegenCommand,
])
  register(program)

await runProgram(program)
