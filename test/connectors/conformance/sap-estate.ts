/** @module test/connectors/conformance/sap-estate — a started SAP simulator and the connector wired to it (client, order port, governor), for the conformance suite and the fault checks. */
import { expect } from 'vitest'
import { Order } from '../../../src/canonical/index.ts'
import { systemClock } from '../../../src/clock/clock.ts'
import { SapClient } from '../../../src/connectors/sap/sap-client.ts'
import { sapConnectorSpec } from '../../../src/connectors/sap/sap-connector-spec.ts'
import { sapSalesOrderReference } from '../../../src/connectors/sap/sap-mapping.ts'
import { BUSINESS_PARTNER_SERVICE, entityPath } from '../../../src/connectors/sap/sap-odata-path.ts'
import { parseSapConnectionConfig } from '../../../src/connectors/sap/sap-spec.ts'
import type { SapConnectionConfig } from '../../../src/connectors/sap/sap-spec.ts'
import { silentObserver } from '../../../src/engine/engine-observer.ts'
import { TargetGates } from '../../../src/engine/target-gate.ts'
import { createSapOrderPort } from '../../../src/flows/order-to-erp/sap-order-port.ts'
import type { ErpOrderPort } from '../../../src/flows/order-to-erp/erp-order-port.ts'
import { createSapSimulator } from '../../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator } from '../../../src/sandbox/sap/sap-simulator.ts'
import type { ConformanceEstate, WriteOptions } from './conformance-subject.ts'

/** The path of the connector's logon: the GET with `X-CSRF-Token: Fetch` on the service root. */
const LOGON_PATH = '/sap/opu/odata/sap/API_SALES_ORDER_SRV/'
/** A seeded customer in sales area 1710/10/00. */
export const SOLD_TO = '17100001'

/** A connection config for `sim`: small timeouts for tests, concurrency below the probe's 24. */
export function sapTestConfig(
  sim: SapSimulator,
  overrides: Record<string, unknown> = {},
): SapConnectionConfig {
  return parseSapConnectionConfig({
    baseUrl: sim.baseUrl,
    username: sim.username,
    password: sim.password,
    requestTimeoutMs: 5_000,
    concurrencyLimit: 4,
    ...overrides,
  })
}

/** A canonical Shopify order with source id `id`: SKU-1 (9.99 in the simulator's catalogue). */
export function sampleOrder(
  id: string,
  lines: { sku: string; quantity: number }[] = [{ sku: 'SKU-1', quantity: 2 }],
): Order {
  return Order.parse({
    kind: 'order',
    schemaVersion: 1,
    source: { system: 'shopify', id, version: '2026-01-10T15:00:00Z' },
    orderName: `#${id}`,
    currency: 'USD',
    customer: {
      kind: 'customer',
      schemaVersion: 1,
      source: { system: 'shopify', id: `cust-${id}` },
      email: 'zoe@example.com',
      firstName: 'Zoë',
      lastName: 'Ærøskøbing',
    },
    lines: lines.map((line, index) => ({
      sourceLineId: String(index + 1),
      sku: line.sku,
      title: `Item ${line.sku}`,
      quantity: line.quantity,
      unitPrice: '9.99',
    })),
    subtotal: '19.98',
    tax: '0.00',
    total: '19.98',
    placedAt: '2026-01-10T09:59:00-05:00',
  })
}

/** What the SAP fault checks reach beyond the shared estate: the simulator, the client, the port. */
export interface SapEstate extends ConformanceEstate {
  sim(): SapSimulator
  readonly client: SapClient
  readonly config: SapConnectionConfig
  readonly port: ErpOrderPort
  /** Sales orders the simulator holds for the order with source id `key`. */
  ordersAt(key: string): string[]
}

export function asSapEstate(estate: ConformanceEstate): SapEstate {
  if (!('client' in estate) || !(estate.client instanceof SapClient)) {
    throw new Error('not an SAP estate')
  }
  return estate as SapEstate
}

/** Starts a simulator and the connector against it. */
export async function startSapEstate(): Promise<SapEstate> {
  let sim = createSapSimulator({ seed: 17 })
  await sim.start()
  const config = sapTestConfig(sim)
  const client = new SapClient(config)
  const port = createSapOrderPort(client, config)
  const ordersAt = (key: string): string[] => {
    const reference = sapSalesOrderReference(sampleOrder(key))
    return (sim.entities('A_SalesOrder') ?? [])
      .map((e) => e as Record<string, unknown>)
      .filter((e) => e.PurchaseOrderByCustomer === reference)
      .map((e) => String(e.SalesOrder))
  }
  const write = async (key: string, options: WriteOptions): Promise<{ id: string }> => {
    const signal = options.signal ?? new AbortController().signal
    const { id } = await port.upsertSalesOrder(sampleOrder(key), SOLD_TO, {
      idempotencyKey: options.idempotencyKey,
      signal,
    })
    return { id }
  }
  return {
    sim: () => sim,
    client,
    config,
    port,
    ordersAt,
    async authenticatedRead() {
      const read = await client.read(
        BUSINESS_PARTNER_SERVICE,
        entityPath('A_BusinessPartner', SOLD_TO),
      )
      expect(read?.entity.BusinessPartner).toBe(SOLD_TO)
    },
    expireCredentials: () => {
      sim.expireSessions()
      return Promise.resolve()
    },
    credentialRequests: () =>
      sim.requests().filter((r) => r.method === 'GET' && r.path === LOGON_PATH).length,
    // The communication user's password is changed in SAP: the same system, on the same port,
    // now refuses the connector's logon (and knows none of its sessions).
    async revokeCredentials() {
      const port = Number(new URL(sim.baseUrl).port)
      await sim.stop()
      sim = createSapSimulator({ seed: 17, port, password: 'Changed-By-Admin-2' })
      await sim.start()
    },
    write,
    async lookup(key) {
      const found = await port.findSalesOrder(
        sampleOrder(key),
        undefined,
        AbortSignal.timeout(10_000),
      )
      return found === null ? null : { id: found.id }
    },
    countAtTarget: (key) => ordersAt(key).length,
    commitThenDropNextWrite: () => {
      sim.setScenario({ sequence: ['commitThenDrop'] })
      return Promise.resolve()
    },
    throttleNextWrite: () => {
      sim.setScenario({ sequence: ['rateLimit'], retryAfterSeconds: { min: 2, max: 2 } })
      return Promise.resolve()
    },
    async governorProbe(count) {
      const gates = new TargetGates(systemClock, silentObserver)
      const governance = sapConnectorSpec.governance(config)
      gates.configure(governance.target, {
        concurrency: governance.concurrency,
        ...(governance.rate === undefined ? {} : { rate: governance.rate }),
      })
      await Promise.all(
        Array.from({ length: count }, (_, i) => {
          // One signal per delivery, as the engine gives each run its own lease.
          const signal = new AbortController().signal
          return gates.run(governance.target, signal, () =>
            write(`probe-${i}`, { idempotencyKey: `idem-probe-${i}`, signal }),
          )
        }),
      )
      return {
        maxInFlightAtSimulator: sim.ledger().concurrency.max,
        limit: governance.concurrency,
      }
    },
    stop: () => sim.stop(),
  }
}
