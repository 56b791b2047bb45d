/** @module test/connectors/sap-events-test-kit — an SAP simulator pushing business events to a hub endpoint that runs SapEventReceiver, over real HTTP. */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SapClient } from '../../src/connectors/sap/sap-client.ts'
import type {
  SapEventAcceptance,
  SapEventResolution,
} from '../../src/connectors/sap/sap-event-receiver.ts'
import { SapEventReceiver } from '../../src/connectors/sap/sap-event-receiver.ts'
import { parseSapConnectionConfig } from '../../src/connectors/sap/sap-spec.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator, SapSimulatorOptions } from '../../src/sandbox/sap/sap-simulator.ts'

/** What the hub endpoint did with one delivery. */
export interface HubDelivery {
  status: number
  acceptance?: SapEventAcceptance
  resolution?: SapEventResolution
  error?: HubError
}

export interface SapEventsEstate {
  sim: SapSimulator
  client: SapClient
  receiver: SapEventReceiver
  /** Every delivery the endpoint got, in arrival order. */
  deliveries: HubDelivery[]
  endpointUrl: string
  /** POST to a `/__sim` route; throws unless 2xx. */
  simPost(path: string, body?: unknown): Promise<unknown>
  /** Waits until the simulator has nothing pending or on the wire. */
  settled(): Promise<void>
  close(): Promise<void>
}

export interface EstateOptions {
  sim?: Partial<SapSimulatorOptions>
  /** Milliseconds the endpoint waits before answering the n-th delivery (0-based), after handling it. */
  answerDelayMs?: (n: number) => number
}

/**
 * The endpoint does what a hub's webhook route would: accept (400 on a malformed event), answer
 * 200 at once for a duplicate, else resolve, then mark the id handled, then answer 200.
 */
export async function startSapEventsEstate(options: EstateOptions = {}): Promise<SapEventsEstate> {
  const sim = createSapSimulator({
    seed: 41,
    eventRetryScheduleMs: [50, 100, 200],
    eventMaxRetries: 3,
    eventTimeoutMs: 300,
    ...options.sim,
  })
  await sim.start()
  const client = new SapClient(
    parseSapConnectionConfig({
      baseUrl: sim.baseUrl,
      username: sim.username,
      password: sim.password,
      requestTimeoutMs: 5_000,
      concurrencyLimit: 4,
    }),
  )
  const receiver = new SapEventReceiver(client)
  const deliveries: HubDelivery[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const n = deliveries.length
      const entry: HubDelivery = { status: 0 }
      deliveries.push(entry)
      void handle(Buffer.concat(chunks), req.headers['content-type'], entry).then(() =>
        setTimeout(
          () => {
            if (res.destroyed) return
            res.statusCode = entry.status
            res.end()
          },
          options.answerDelayMs?.(n) ?? 0,
        ),
      )
    })
  })
  const handle = async (body: Buffer, contentType: string | undefined, entry: HubDelivery) => {
    try {
      const acceptance = receiver.accept({
        body,
        ...(contentType === undefined ? {} : { contentType }),
      })
      entry.acceptance = acceptance
      if (!acceptance.duplicate) {
        entry.resolution = await receiver.resolve(acceptance.event)
        receiver.markHandled(acceptance.dedupeKey)
      }
      entry.status = 200
    } catch (error) {
      if (!HubError.is(error)) {
        entry.status = 500
        return
      }
      entry.error = error
      entry.status = error.type === 'validation' ? 400 : 503
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const endpointUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sap/events`
  const simPost = async (path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${sim.scenarioUrl}${path}`, {
      method: 'POST',
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    })
    const text = await response.text()
    if (response.status >= 300) throw new Error(`POST /__sim${path}: ${response.status} ${text}`)
    return text === '' ? null : JSON.parse(text)
  }
  await simPost('/event-subscriptions', { url: endpointUrl })
  return {
    sim,
    client,
    receiver,
    deliveries,
    endpointUrl,
    simPost,
    settled: () => sim.deliveriesSettled(5_000),
    close: async () => {
      await sim.stop()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The ETag the simulator holds for an entity right now, read past the API (no auth, no faults). */
export function storedEtag(sim: SapSimulator, set: string, key: string): string {
  const entity = sim.entity(set, key) as { __metadata?: { etag?: string } } | undefined
  const etag = entity?.__metadata?.etag
  if (etag === undefined) throw new Error(`${set}('${key}') has no ETag in the simulator`)
  return etag
}
