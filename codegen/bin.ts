// `npm run codegen` / `tsx codegen/bin.ts [--check] [--watch] [--project DIR]`.
import { Command } from 'commander'
import { registerCodegenCommand } from './command.js'

const program = new Command('stairs')
registerCodegenCommand(program)
await program.parseAsync(['codegen', ...process.argv.slice(2)], { from: 'user' })
