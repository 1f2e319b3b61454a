// `stairs`: the commands of a project (run, produce, consume, inspect, generate, draw, explore).
import { hasCodegenCommand, registerCodegen, registerCodegenFromPackage } from './commands/codegen.js'
import { registerConsumerStandalone } from './commands/consumer-standalone.js'
import { registerDlq } from './commands/dlq.js'
import { registerGraph } from './commands/graph.js'
import { registerInspect } from './commands/inspect.js'
import { registerPipelinesRun } from './commands/pipelines-run.js'
import { registerProducer } from './commands/producer.js'
import { registerShell } from './commands/shell.js'
import { reportFailure } from './handle-error.js'
import { createProgram, runProgram } from './program.js'
import { STAIRS_VERSION } from './version.js'

const program = createProgram('stairs', 'Run, feed and inspect the pipelines of a stairs project.', STAIRS_VERSION)
for (const register of [
  registerPipelinesRun,
  registerProducer,
  registerConsumerStandalone,
  registerInspect,
  registerDlq,
  registerGraph,
  registerShell,
])
  register(program)

try {
  // The codegen package's command loads ts-morph: mount it only when codegen is what runs.
  if (process.argv[2] === 'codegen' && hasCodegenCommand()) await registerCodegenFromPackage(program)
  else registerCodegen(program)
  await runProgram(program)
} catch (error) {
  process.exitCode = reportFailure(error, process.argv.includes('--verbose'))
}
