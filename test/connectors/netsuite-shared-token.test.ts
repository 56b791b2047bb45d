/** @module test/connectors/netsuite-shared-token.test — two hub processes (two stores on one PostgreSQL schema) refresh NetSuite's token once between them. */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NetSuiteClient } from '../../src/connectors/netsuite/netsuite-client.ts'
import { parseNetSuiteConnectionConfig } from '../../src/connectors/netsuite/netsuite-spec.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import { createPostgresStore } from '../../src/store-postgres/postgres-store.ts'
import type { Store } from '../../src/store/store-contract.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { sharedTokenStoreOf } from './credentials-test-kit.ts'

const url = await postgresForTests('NetSuite tokens shared across processes')
const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token'

describe.runIf(url !== undefined)('NetSuite token shared through the store', () => {
  const schema = `ns_tokens_${randomBytes(4).toString('hex')}`
  const sim = createNetSuiteSimulator({ seed: 3 })
  const stores: Store[] = []

  beforeAll(async () => {
    await sim.start()
    for (let i = 0; i < 2; i++) {
      stores.push(createPostgresStore({ connectionString: url ?? '', schema }))
    }
    await stores[0]?.migrate()
  })
  afterAll(async () => {
    for (const store of stores) await store.close()
    await sim.stop()
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`drop schema if exists ${schema} cascade`)
    await admin.end()
  })

  it('sends one token request for callers in two processes, before and after the token expires', async () => {
    const config = parseNetSuiteConnectionConfig({
      accountId: sim.accountId,
      baseUrl: sim.baseUrl,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
    })
    const clients = stores.map(
      (store) => new NetSuiteClient(config, { sharedTokens: sharedTokenStoreOf(store, 'default') }),
    )
    const tokenRequests = () =>
      sim.requests().filter((r) => r.method === 'POST' && r.path === TOKEN_PATH).length
    const readFromBoth = () =>
      Promise.all(
        clients.flatMap((client) => Array.from({ length: 5 }, () => client.getGovernanceLimits())),
      )

    await readFromBoth()
    expect(tokenRequests()).toBe(1)

    // Every issued token expires: both processes see 401s, and still only one refresh is sent.
    sim.expireTokens()
    await readFromBoth()
    expect(tokenRequests()).toBe(2)
  })
})
