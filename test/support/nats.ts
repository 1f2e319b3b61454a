// Real nats-server processes for the jetstream tests: a single server with JetStream on a free
// loopback port and its own storage directory, or a 3-node cluster with routes (for R3 streams),
// started from the binary and stopped by the test. Servers can be killed (SIGKILL) and started
// again on the same port and storage, to test restarts and leader failover.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { connect } from '@nats-io/transport-node'
import { freePort } from './redis.js'

export interface NatsServerOptions {
  /** Extra lines of the server's config file (authorization, tls, ...). */
  readonly config?: string
  /** Scheme of the URL the test connects with (tls:// for a TLS server). */
  readonly scheme?: string
}

export interface TestNatsServer {
  readonly url: string
  readonly port: number
  readonly storeDir: string
  /** The server's output so far (for failures). */
  output(): string
  /** SIGKILL, waits for the exit. */
  kill(): Promise<void>
  /** Starts it again on the same port and storage. */
  restart(): Promise<void>
  /** SIGTERM and removes its storage. */
  stop(): Promise<void>
}

const serverStarted = /Server is ready|Listening for client connections/

/** A stream prefix of the test's own. */
export const uniqueNatsPrefix = (name: string): string =>
  `t${name.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}${randomBytes(3).toString('hex')}`

function requireBinary(): void {
  if (spawnSync('nats-server', ['--version']).status !== 0)
    throw new Error('nats-server is not installed (apt-get install nats-server; .ci/run installs it)')
}

interface Node {
  child: ChildProcess | undefined
  output: string
}

async function launch(configFile: string, node: Node): Promise<void> {
  const child = spawn('nats-server', ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
  node.child = child
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      node.output += chunk
      if (serverStarted.test(node.output.slice(-4000))) resolve()
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => reject(new Error(`nats-server exited (${code}): ${node.output.slice(-2000)}`)))
  })
}

function handle(url: string, port: number, storeDir: string, configFile: string, node: Node, keep: string[]): TestNatsServer {
  const exited = () =>
    new Promise<void>((resolve) => {
      const child = node.child
      if (!child || child.exitCode !== null || child.signalCode !== null) resolve()
      else child.once('exit', () => resolve())
    })
  return {
    url,
    port,
    storeDir,
    output: () => node.output,
    kill: async () => {
      node.child?.kill('SIGKILL')
      await exited()
    },
    restart: async () => {
      node.output = ''
      await launch(configFile, node)
    },
    stop: async () => {
      node.child?.kill('SIGTERM')
      await exited()
      for (const dir of keep) rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A single nats-server with JetStream (file storage in a temporary directory) on a free port. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<TestNatsServer> {
  requireBinary()
  const port = await freePort()
  const dir = mkdtempSync(path.join(tmpdir(), 'stairs-nats-'))
  const storeDir = path.join(dir, 'js')
  const configFile = path.join(dir, 'server.conf')
  writeFileSync(configFile, [`host: 127.0.0.1`, `port: ${port}`, `jetstream { store_dir: "${storeDir}" }`, options.config ?? ''].join('\n'))
  const node: Node = { child: undefined, output: '' }
  await launch(configFile, node)
  return handle(`${options.scheme ?? 'nats'}://127.0.0.1:${port}`, port, storeDir, configFile, node, [dir])
}

export interface TestNatsCluster {
  readonly nodes: readonly TestNatsServer[]
  /** Every node's URL, comma-separated (what --nats-url takes). */
  readonly urls: readonly string[]
  stop(): Promise<void>
}

/** Three nats-servers with JetStream, routed into one cluster, each on free ports with its own storage. */
export async function startNatsCluster(): Promise<TestNatsCluster> {
  requireBinary()
  const clientPorts = [await freePort(), await freePort(), await freePort()]
  const routePorts = [await freePort(), await freePort(), await freePort()]
  const dir = mkdtempSync(path.join(tmpdir(), 'stairs-nats-cluster-'))
  const routes = routePorts.map((p) => `nats-route://127.0.0.1:${p}`).join(', ')
  const nodes: TestNatsServer[] = []
  const launched: Promise<void>[] = []
  for (let i = 0; i < 3; i++) {
    const storeDir = path.join(dir, `n${i}`)
    const configFile = path.join(dir, `n${i}.conf`)
    writeFileSync(
      configFile,
      [
        `server_name: n${i}`,
        `host: 127.0.0.1`,
        `port: ${clientPorts[i]}`,
        `jetstream { store_dir: "${storeDir}" }`,
        `cluster { name: stairs-test, host: 127.0.0.1, port: ${routePorts[i]}, routes: [${routes}] }`,
      ].join('\n'),
    )
    const node: Node = { child: undefined, output: '' }
    launched.push(launch(configFile, node))
    nodes.push(handle(`nats://127.0.0.1:${clientPorts[i]}`, clientPorts[i] as number, storeDir, configFile, node, []))
  }
  await Promise.all(launched)
  const urls = nodes.map((n) => n.url)
  await waitForJetStream(urls)
  return {
    nodes,
    urls,
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Waits until the cluster's JetStream meta leader is elected (account info answers). */
async function waitForJetStream(urls: readonly string[]): Promise<void> {
  const { jetstreamManager } = await import('@nats-io/jetstream')
  const nc = await connect({ servers: [...urls] })
  try {
    for (let tries = 0; ; tries++) {
      try {
        await jetstreamManager(nc)
        return
      } catch (error) {
        if (tries > 100) throw error
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  } finally {
    await nc.close()
  }
}
