// The test support for Redis (test/support/redis.ts): finding the shared server, cleaning a prefix,
// and owned servers that restart with their AOF data.
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { deletePrefix, redisUrl, startRedisServer, uniquePrefix } from './support/redis.js'

describe('test support: redis', () => {
  const prefix = uniquePrefix('support')
  afterAll(async () => deletePrefix(await redisUrl(), prefix))

  it('finds a redis that answers and cleans a prefix', async () => {
    const url = await redisUrl()
    const client = new Redis(url)
    await client.set(`${prefix}:a`, '1')
    await deletePrefix(url, prefix)
    expect(await client.exists(`${prefix}:a`)).toBe(0)
    client.disconnect()
  })

  it('starts and restarts an owned server keeping AOF data', async () => {
    const server = await startRedisServer({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] })
    try {
      const client = new Redis(server.url, { maxRetriesPerRequest: null })
      client.on('error', () => {})
      await client.set('k', 'v')
      await server.restart()
      expect(await client.get('k')).toBe('v')
      client.disconnect()
    } finally {
      await server.stop()
    }
  })
})
