// The engines stairs ships, registered on first use. Each is a small descriptor (name, settings
// schema, flags); its transport loads only when a run starts.
import { bullmqEngine } from './engines/bullmq/engine.js'
import { jetstreamEngine } from './engines/jetstream/engine.js'
import { memoryEngine } from './engines/memory/engine.js'
import { redisStreamsEngine } from './engines/redis-streams/engine.js'
import type { AnyEngine } from './port.js'

export const builtinEngines = (): readonly AnyEngine[] => [memoryEngine, redisStreamsEngine, bullmqEngine, jetstreamEngine]
