/** @module test/gateway/gateway-memory-child — a gateway in its own process, reporting its memory.
 *
 * The oversized-body test needs the server's memory alone: measured in the test process, the HTTP
 * client's own copy of a 10 MiB upload would hide whatever the server did or did not buffer.
 */
import { buildGateway } from '../../src/gateway/gateway-app.ts'
import { createFixture } from './gateway-deps-fixture.ts'

const limit = Number(process.argv[2])
const fixture = createFixture({ bodyLimitBytes: limit })
const app = buildGateway(fixture.deps)
const url = await app.listen({ host: '127.0.0.1', port: 0 })

const buffers = (): number => process.memoryUsage().arrayBuffers
let baseline = buffers()
let peak = baseline
// Sampled between socket reads: a buffered body shows up here while it is held.
setInterval(() => {
  peak = Math.max(peak, buffers())
}, 1).unref()

process.on('message', (message: string) => {
  if (message === 'baseline') {
    globalThis.gc?.()
    baseline = buffers()
    peak = baseline
    process.send?.({ baseline })
  } else if (message === 'report') {
    peak = Math.max(peak, buffers())
    process.send?.({ growth: peak - baseline, accepted: fixture.calls.accept })
  } else if (message === 'stop') {
    void app.close().then(() => process.exit(0))
  }
})
process.send?.({ url })
