/** @module test/connectors/salesforce-cdc-subscriber-sessions.test — the CometD change-event subscriber against the Salesforce simulator over real HTTP: a session expiring mid-stream, refused credentials, a wrong channel, a failing handler, bad replay ids, and abort while a connect is held. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SalesforceCdcSubscriber } from '../../src/connectors/salesforce/salesforce-cdc-subscriber.ts'
import { SalesforceTokenProvider } from '../../src/connectors/salesforce/salesforce-token-provider.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { SalesforceClient } from '../../src/connectors/salesforce/salesforce-client.ts'
import { createSalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import {
  configFor,
  delivered,
  names,
  simPost,
  subscribed,
  subscriberKit,
  until,
} from './salesforce-cdc-subscriber-kit.ts'

// Connects are held 400 ms, so reconnects and token expiry play out quickly.
const sim = createSalesforceSimulator({ seed: 33, cometdTimeoutMs: 400 })
const { start, stopAll } = subscriberKit(sim)
let rest: SalesforceClient

beforeAll(async () => {
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(() => {
  sim.reset()
  rest = new SalesforceClient(configFor(sim))
})
afterEach(() => stopAll())

describe('sessions, failures and stopping', () => {
  it('a session that expires mid-stream is refreshed once and the stream goes on without loss', async () => {
    const config = configFor(sim)
    const tokens = SalesforceTokenProvider.fromConfig(config)
    const run = start({ replayId: -1 }, { tokenProvider: tokens })
    await subscribed(run)
    await rest.upsertAccount('T-A', { Name: 'A' })
    await delivered(run, 1)

    expect(await simPost(sim, '/tokens/expire')).toMatchObject({ expired: expect.any(Number) })
    await rest.upsertAccount('T-B', { Name: 'B' })
    await subscribed(run, 2)
    await rest.upsertAccount('T-C', { Name: 'C' })
    await delivered(run, 3)
    await run.stop()

    expect(names(run)).toEqual(['A', 'B', 'C'])
    expect(tokens.requestCount).toBe(2)
    expect(run.subscriber.stats.tokenRefreshes).toBe(1)
    expect(run.statuses).toContainEqual(
      expect.objectContaining({
        kind: 'reconnecting',
        error: expect.objectContaining({ type: 'auth', code: 'AUTHENTICATION_INVALID' }),
      }),
    )
  })

  it('refused credentials end the run as auth after one token request, without looping', async () => {
    const tokenRequests = () =>
      sim.requests().filter((r) => r.path === '/services/oauth2/token').length
    const before = tokenRequests()
    const subscriber = new SalesforceCdcSubscriber(configFor(sim, { clientSecret: 'wrong' }), {
      from: { replayId: -1 },
    })
    const error = await subscriber
      .run({ onDelivery: () => undefined, signal: new AbortController().signal })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error).toMatchObject({ type: 'auth' })
    expect(tokenRequests() - before).toBe(1)
    expect(subscriber.stats.handshakes).toBe(0)
  })

  it('a channel the org does not have ends the run as validation after one handshake', async () => {
    const subscriber = new SalesforceCdcSubscriber(configFor(sim), {
      from: { replayId: -1 },
      channel: '/data/LeadChangeEvent',
    })
    const error = await subscriber
      .run({ onDelivery: () => undefined, signal: new AbortController().signal })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error).toMatchObject({ type: 'validation', code: 'INVALID_CHANNEL', status: 400 })
    expect(subscriber.stats.handshakes).toBe(1)
  })

  it('a handler failure ends the run with that error and the checkpoint stays before the event', async () => {
    const controller = new AbortController()
    const subscriber = new SalesforceCdcSubscriber(configFor(sim), { from: { replayId: -1 } })
    const boom = new Error('the store is down')
    let ready!: () => void
    const isReady = new Promise<void>((resolve) => (ready = resolve))
    const done = subscriber.run({
      onDelivery: () => {
        throw boom
      },
      onStatus: (s) => {
        if (s.kind === 'subscribed') ready()
      },
      signal: controller.signal,
    })
    await isReady
    await rest.upsertAccount('H-A', { Name: 'A' })
    await expect(done).rejects.toBe(boom)
    expect(subscriber.checkpoint).toEqual({ replayId: '-1' })
    expect(sim.cdc.clients()).toEqual([])
  })

  it('rejects a replay id that is neither -1, -2 nor a stored id before connecting', () => {
    expect(() => new SalesforceCdcSubscriber(configFor(sim), { from: { replayId: -3 } })).toThrow(
      expect.objectContaining({ type: 'validation', code: 'INVALID_REPLAY_ID' }),
    )
    expect(
      () => new SalesforceCdcSubscriber(configFor(sim), { from: { replayId: '12abc' } }),
    ).toThrow(HubError)
  })
})

describe('aborting', () => {
  // A server that holds each connect for 5 s: the abort must not wait for it.
  const slow = createSalesforceSimulator({ seed: 32, cometdTimeoutMs: 5_000 })
  beforeAll(async () => {
    await slow.start()
  })
  afterAll(() => slow.stop())

  it('stops within the poll timeout while a connect is held, and disconnects', async () => {
    const run = start({ replayId: -1 }, { target: slow })
    await subscribed(run)
    await until(() => slow.cdc.clients()[0]?.connected === true, 'a held connect')
    const started = performance.now()
    await run.stop()
    const elapsed = performance.now() - started
    expect(elapsed).toBeLessThan(1_000)
    expect(slow.cdc.clients()).toEqual([])
    expect(run.deliveries).toEqual([])
  })
})
