// The project config of this repository: its examples are the apps `stairs codegen` reads.
import { defineConfig } from './src/project/config.js'

export default defineConfig({
  apps: ['examples/quickstart/word-stats.ts', 'examples/flights/app.ts', 'examples/spam/app.ts', 'examples/hacker-news/app.ts'],
  engine: 'memory',
})
