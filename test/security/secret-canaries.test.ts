/** Campaign test 17: credential canaries never leave the hub — not in logs, API answers or database rows, in any encoding. */
import { readFile } from 'node:fs/promises'
import { format, inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Secret } from '../../src/secrets/secret-value.ts'
import { waitFor } from '../support/hub-harness.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { startCanaryHub, urlWithPassword, type CanaryHub, type Canaries } from './canary-hub.ts'
import { findCanaries, makeCanary, type Haystack } from './secret-canary-scan.ts'
import { freshOrderId, orderBody, shopifyHeaders, type WebhookTarget } from './webhook-client.ts'

const pgUrl = await postgresForTests('secret canaries in PostgreSQL rows')
const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token'

describe('secret canaries never leak', () => {
  const canaries: Canaries = {
    shopifyAccessToken: makeCanary(),
    shopifyWebhookSecret: makeCanary(),
    netsuiteClientSecret: makeCanary(),
  }
  let c: CanaryHub
  const haystacks: Haystack[] = []

  const salesOrders = () => c.sandbox.netsuite.records.list('salesOrder').length
  const deadLetters = async () =>
    (
      JSON.parse((await c.call('/api/v1/dlq?includeReplayed=true')).text) as {
        deadLetters: unknown[]
      }
    ).deadLetters.length
  const tokenRequests = () =>
    c.sandbox.netsuite.requests().filter((r) => r.path === TOKEN_PATH).length

  beforeAll(async () => {
    const password = makeCanary()
    const databaseUrl = pgUrl === undefined ? undefined : await urlWithPassword(pgUrl, password)
    if (databaseUrl !== undefined) canaries.databasePassword = password
    c = await startCanaryHub(canaries, databaseUrl ?? pgUrl)
  })
  afterAll(async () => {
    await c?.stop()
    await c?.cleanUp()
  })

  it('keeps every credential a Secret in the parsed config', () => {
    const text = `${JSON.stringify(c.config)}\n${inspect(c.config, { depth: Infinity })}\n${format('%o', c.config)}`
    expect(findCanaries([{ where: 'config', text }], { ...canaries })).toEqual([])
  })

  it('drives orders, a token refresh, a dead letter, 5xx faults and a forged webhook', async () => {
    // Successful orders.
    const { orderIds } = c.sandbox.shopify.generateOrders({ count: 3 })
    expect(await waitFor(() => salesOrders() === 3, 20_000)).toBe(true)

    // NetSuite answers 401 to the cached token: the hub must fetch a new one.
    const tokensBefore = tokenRequests()
    expect(c.sandbox.netsuite.expireTokens()).toBeGreaterThan(0)
    c.sandbox.shopify.generateOrders({ count: 1 })
    expect(await waitFor(() => salesOrders() === 4, 20_000)).toBe(true)
    expect(tokenRequests()).toBeGreaterThan(tokensBefore)

    // A validation error: an item NetSuite does not know → dead letter.
    c.sandbox.netsuite.records.remove('inventoryItem', 'eid:SKU-13')
    c.sandbox.shopify.generateOrders({ count: 1, skus: ['SKU-13'] })
    expect(await waitFor(async () => (await deadLetters()) === 1, 20_000)).toBe(true)

    // Server faults, then success on retry.
    c.sandbox.netsuite.setScenario({ sequence: ['http5xx', 'http5xx', 'http5xx', 'malformed'] })
    c.sandbox.shopify.generateOrders({ count: 1, skus: ['SKU-1'] })
    const completed = async () =>
      (JSON.parse((await c.call('/api/v1/stats')).text) as { runsByState: { completed: number } })
        .runsByState.completed === 5
    expect(await waitFor(completed, 30_000)).toBe(true)
    expect(salesOrders()).toBe(5)
    const injected = c.sandbox.netsuite.ledger().faultsInjected
    expect({ http5xx: injected.http5xx, malformed: injected.malformed }).toEqual({
      http5xx: 3,
      malformed: 1,
    })

    // A forged webhook: signed with the wrong secret.
    const target: WebhookTarget = {
      url: c.hub.url,
      secret: 'not-the-secret',
      shopDomain: c.sandbox.shopify.shopDomain,
    }
    const template = c.sandbox.shopify.orderJson(orderIds[0] ?? '')
    expect(template).toBeDefined()
    const body = orderBody(template ?? '', freshOrderId())
    const forged = await c.call('/webhooks/shopify/demo', {
      method: 'POST',
      headers: shopifyHeaders(body, target),
      body,
    })
    expect(forged.status).toBe(401)
  }, 90_000)

  it('reads every API answer: runs with steps, dead letters, stats, cross-references, sandbox, metrics', async () => {
    const runs = JSON.parse((await c.call('/api/v1/runs?limit=500')).text) as {
      runs: Array<{ id: string }>
    }
    expect(runs.runs.length).toBeGreaterThanOrEqual(6)
    for (const run of runs.runs) expect((await c.call(`/api/v1/runs/${run.id}`)).status).toBe(200)
    for (const path of [
      '/api/v1/dlq?includeReplayed=true',
      '/api/v1/stats',
      '/api/v1/cross-references?limit=500',
      '/api/v1/sandbox',
      '/metrics',
      '/healthz',
      '/readyz',
      '/api/v1/runs?limit=0',
      '/api/v1/nowhere',
    ]) {
      expect((await c.call(path)).status).toBeLessThan(500)
    }
    expect(c.responses.length).toBeGreaterThan(15)
  })

  it('finds 0 canaries in any form in the log, stdout, API answers or database rows', async () => {
    await c.stop()
    // pino writes asynchronously: read once the file has stopped growing.
    let log = ''
    for (let previous = -1; log.length !== previous; await new Promise((r) => setTimeout(r, 100))) {
      previous = log.length
      log = await readFile(c.logFile, 'utf8')
    }
    // The log really is at debug, and really covers the scenarios above.
    expect(log).toMatch(/"level":"debug"/)
    expect(log).toMatch(/"level":"warn"/)
    haystacks.push(
      { where: 'hub.log', text: log },
      { where: 'stdout', text: c.printed.join('\n') },
      ...c.responses,
      ...(await c.databaseRows()),
    )
    if (pgUrl !== undefined) {
      expect(haystacks.map((h) => h.where)).toEqual(
        expect.arrayContaining(['table inbox_messages', 'table flow_runs', 'table dead_letters']),
      )
    }
    expect(findCanaries(haystacks, { ...canaries })).toEqual([])
  })

  it('scans for real: a planted canary is found in every encoding', () => {
    const planted = makeCanary()
    const encoded = [
      planted,
      Buffer.from(`client:${planted}`).toString('base64'),
      Buffer.from(`ab${planted}`).toString('base64url'),
      Buffer.from(planted).toString('hex'),
      JSON.stringify({ s: planted }),
    ]
    for (const text of encoded) {
      expect(findCanaries([{ where: 'planted', text }], { planted }).length).toBeGreaterThan(0)
    }
  })

  it('prints a Secret as [REDACTED] through JSON.stringify, String, template literals and util.inspect', () => {
    const value = makeCanary()
    const secret = new Secret(value)
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- the point of the test
    const templated = `${secret}`
    const renderings = [
      JSON.stringify(secret),
      JSON.stringify({ nested: { secret } }),
      String(secret),
      templated,
      inspect(secret),
      inspect({ deep: { deeper: { secret } } }, { depth: Infinity }),
      format('%s %o %O %j', secret, secret, secret, secret),
      // `+` with a string goes through Symbol.toPrimitive.
      'x' + (secret as unknown as string),
    ]
    expect(JSON.stringify(secret)).toBe('"[REDACTED]"')
    expect(String(secret)).toBe('[REDACTED]')
    expect(templated).toBe('[REDACTED]')
    expect(inspect(secret)).toBe('[REDACTED]')
    expect(findCanaries([{ where: 'renderings', text: renderings.join('\n') }], { value })).toEqual(
      [],
    )
    expect(secret.reveal()).toBe(value)
  })
})
