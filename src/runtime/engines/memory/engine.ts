// The memory engine's entry in the registry: every stage in this process, nothing to configure.
import { z } from 'zod'
import type { Engine } from '../../port.js'
import { MemoryRun } from './memory-run.js'

export const memoryEngine: Engine<Record<string, never>> = {
  name: 'memory',
  description: 'every stage in this process, bounded queues, records copied at stage boundaries as JSON carries them',
  settings: z.object({}).strict(),
  capabilities: { durable: false, distributed: false },
  start: async (pipelines, _settings, options) => new MemoryRun(pipelines, options),
}
