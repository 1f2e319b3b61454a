// `stairs/codegen`: generate (or check) a project's generated/ directory from its sources.

export { registerCodegenCommand } from './command.js'
export { CodegenError, type CodegenErrorCode } from './errors.js'
export { type CodegenOptions, type CodegenResult, runCodegen } from './run-codegen.js'
export { watchCodegen } from './watch.js'
