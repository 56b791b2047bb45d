/** @module reliability/fault-proxy/fault-proxy-main — runs the fault proxy standalone: `node --import tsx src/reliability/fault-proxy/fault-proxy-main.ts --port 8474 [--config proxies.json]`. */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { startFaultProxyServer } from './fault-proxy-server.ts'
import type { ProxySpec } from './fault-proxy-server.ts'

const usage = `Usage: fault-proxy-main.ts [--port 8474] [--host 127.0.0.1] [--config proxies.json]

A Toxiproxy-compatible TCP fault proxy, on loopback only.
  --port     control API port (default 8474, Toxiproxy's)
  --host     control API interface, loopback only (default 127.0.0.1)
  --config   JSON array of {name, listen, upstream} created at start (like toxiproxy-server -config)`

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8474' },
    host: { type: 'string', default: '127.0.0.1' },
    config: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (values.help) {
  console.log(usage)
  process.exit(0)
}
const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be an integer from 0 to 65535\n\n${usage}`)
  process.exit(2)
}

try {
  const server = await startFaultProxyServer({ port, host: values.host })
  if (values.config !== undefined) {
    const specs = JSON.parse(await readFile(values.config, 'utf8')) as ProxySpec[]
    for (const proxy of await server.populate(specs)) {
      console.log(`proxy ${proxy.name}: ${proxy.listen} -> ${proxy.upstream}`)
    }
  }
  console.log(`fault proxy control API on ${server.url} (Toxiproxy API)`)
  const shutdown = (signal: string): void => {
    console.log(`${signal}: closing proxies`)
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', () => shutdown('SIGINT'))
  process.once('SIGTERM', () => shutdown('SIGTERM'))
} catch (error) {
  console.error(`fault proxy failed to start: ${(error as Error).message}`)
  process.exit(1)
}
