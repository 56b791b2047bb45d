/** @module test/connectors/shared-sessions.test — Salesforce sessions and SAP security sessions shared by two hub processes (two stores on one PostgreSQL schema): one token request or logon between them, before and after the vendor drops it. */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SalesforceClient } from '../../src/connectors/salesforce/salesforce-client.ts'
import { SapClient } from '../../src/connectors/sap/sap-client.ts'
import { canonicalOrderToSapSalesOrder } from '../../src/connectors/sap/sap-mapping.ts'
import { BUSINESS_PARTNER_SERVICE, entityPath } from '../../src/connectors/sap/sap-odata-path.ts'
import { createSalesOrderOnce } from '../../src/connectors/sap/sap-operations.ts'
import { createSalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import { createPostgresStore } from '../../src/store-postgres/postgres-store.ts'
import type { Store } from '../../src/store/store-contract.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { salesforceConfigFor, tokenRequestsAt } from './conformance/salesforce-estate.ts'
import { SOLD_TO, sampleOrder, sapTestConfig } from './conformance/sap-subject.ts'
import { sharedTokenStoreOf } from './credentials-test-kit.ts'

const url = await postgresForTests('Salesforce and SAP sessions shared across processes')

describe.runIf(url !== undefined)('sessions shared through the store', () => {
  const schema = `shared_sessions_${randomBytes(4).toString('hex')}`
  const stores: Store[] = []
  const salesforce = createSalesforceSimulator({ seed: 5 })
  const sap = createSapSimulator({ seed: 6 })

  beforeAll(async () => {
    await Promise.all([salesforce.start(), sap.start()])
    for (let i = 0; i < 2; i++) {
      stores.push(createPostgresStore({ connectionString: url ?? '', schema }))
    }
    await stores[0]?.migrate()
  })
  afterAll(async () => {
    for (const store of stores) await store.close()
    await Promise.all([salesforce.stop(), sap.stop()])
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`drop schema if exists ${schema} cascade`)
    await admin.end()
  })

  it('Salesforce: one token request for callers in two processes, and one after the session dies', async () => {
    const config = salesforceConfigFor(salesforce)
    const clients = stores.map(
      (store) =>
        new SalesforceClient(config, { sharedTokens: sharedTokenStoreOf(store, 'default') }),
    )
    const readFromBoth = () =>
      Promise.all(clients.flatMap((client) => Array.from({ length: 5 }, () => client.getLimits())))

    await readFromBoth()
    expect(tokenRequestsAt(salesforce)).toBe(1)
    // Whichever process got the refresh lock asked; the other took the sealed copy it left.
    expect(clients.map((c) => c.tokens.requestCount).sort()).toEqual([0, 1])

    // Every session ends: both processes get INVALID_SESSION_ID, one new token is requested.
    salesforce.expireTokens()
    await readFromBoth()
    expect(tokenRequestsAt(salesforce)).toBe(2)
  })

  it('SAP: one logon for two processes, one CSRF re-fetch after a rotation, one logon after a timeout, no order twice', async () => {
    const config = sapTestConfig(sap)
    const clients = stores.map(
      (store) => new SapClient(config, { sharedTokens: sharedTokenStoreOf(store, 'default') }),
    )
    const ordersFor = (key: string) => {
      const reference = canonicalOrderToSapSalesOrder(
        sampleOrder(key),
        SOLD_TO,
        config,
      ).PurchaseOrderByCustomer
      return (sap.entities('A_SalesOrder') ?? []).filter(
        (o) => (o as Record<string, unknown>).PurchaseOrderByCustomer === reference,
      ).length
    }
    const createFromBoth = (prefix: string) =>
      Promise.all(
        clients.flatMap((client, p) =>
          Array.from({ length: 3 }, (_, i) =>
            createSalesOrderOnce(
              client,
              canonicalOrderToSapSalesOrder(
                sampleOrder(`${prefix}-${p}-${i}`),
                SOLD_TO,
                client.config,
              ),
            ),
          ),
        ),
      )

    await Promise.all(
      clients.map((client) =>
        client.read(BUSINESS_PARTNER_SERVICE, entityPath('A_BusinessPartner', SOLD_TO)),
      ),
    )
    expect(sap.sessions()).toMatchObject({ opened: 1, tokensIssued: 1 })

    await createFromBoth('warm')
    expect(sap.sessions()).toMatchObject({ opened: 1, tokensIssued: 1, csrfRejected: 0 })

    // A new token in the same session: both processes are refused, one re-fetch serves both.
    sap.rotateCsrfTokens()
    await createFromBoth('rotated')
    expect(sap.sessions()).toMatchObject({ opened: 1, tokensIssued: 2 })

    // The session times out: one logon between the two processes.
    sap.advanceClock(31 * 60 * 1000)
    await createFromBoth('expired')
    expect(sap.sessions().opened).toBe(2)

    for (const prefix of ['warm', 'rotated', 'expired']) {
      for (const p of [0, 1]) {
        for (const i of [0, 1, 2]) expect(ordersFor(`${prefix}-${p}-${i}`)).toBe(1)
      }
    }
  })
})
