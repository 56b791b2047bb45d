/** @module test/connectors/salesforce-cdc-subscriber.test — the CometD change-event subscriber against the Salesforce simulator over real HTTP: events in order with their replay ids, gap and overflow events, rejected events, reconnects with redelivery, resuming from a stored checkpoint, an expired replay id. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { HubError } from '../../src/errors/hub-error.ts'
import { SalesforceClient } from '../../src/connectors/salesforce/salesforce-client.ts'
import { createSalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import {
  changes,
  configFor,
  delivered,
  names,
  retained,
  simPost,
  subscribed,
  subscriberKit,
  until,
} from './salesforce-cdc-subscriber-kit.ts'

// Connects are held 400 ms, so reconnects and token expiry play out quickly.
const sim = createSalesforceSimulator({ seed: 31, cometdTimeoutMs: 400 })
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

describe('receiving Account change events', () => {
  it('delivers a create and an update in commit order, each with its replay id, EventUuid and mapped Customer', async () => {
    const run = start({ replayId: -1 })
    await subscribed(run)
    const { id } = await rest.upsertAccount('CDC-1', { Name: 'Zoë Ærøskøbing', Phone: '+45 1' })
    sim.records.put('Account', { Id: id, BillingCity: 'Aarhus', BillingCountry: 'DK' })
    await delivered(run, 2)
    await run.stop()

    const [created, updated] = changes(run)
    expect(created?.mapping).toMatchObject({
      kind: 'customers',
      change: { changeType: 'CREATE', recordIds: [id], ownEcho: true },
      customers: [{ companyName: 'Zoë Ærøskøbing', phone: '+45 1', source: { id } }],
    })
    expect(updated?.mapping).toMatchObject({
      kind: 'customers',
      change: { changeType: 'UPDATE', ownEcho: false },
      customers: [{ defaultAddress: { city: 'Aarhus', countryCode: 'DK' } }],
    })
    const truth = retained(sim)
    expect(changes(run).map((c) => c.checkpoint.replayId)).toEqual(truth.map((e) => e.replayId))
    expect(changes(run).map((c) => c.eventUuid)).toEqual(truth.map((e) => e.eventUuid))
    expect(Number(updated?.checkpoint.replayId)).toBeGreaterThan(
      Number(created?.checkpoint.replayId),
    )
    for (const c of changes(run)) {
      expect(c.checkpoint.commitTimestamp).toBe(c.mapping.change.commitTimestamp)
    }
    expect(run.subscriber.checkpoint).toEqual(updated?.checkpoint)
    expect(run.subscriber.stats).toMatchObject({
      delivered: 2,
      duplicatesDropped: 0,
      handshakes: 1,
    })
  })

  it('reports gap and overflow events as reconcile requests with their checkpoints', async () => {
    const run = start({ replayId: -1 })
    await subscribed(run)
    const { id } = await rest.upsertAccount('CDC-GAP', { Name: 'Gap Ltd' })
    await simPost(sim, '/cdc/gap', { entity: 'Account', changeType: 'GAP_UPDATE', recordIds: [id] })
    await simPost(sim, '/cdc/overflow', { entity: 'Account' })
    await delivered(run, 3)
    await run.stop()
    const [, gap, overflow] = changes(run)
    expect(gap?.mapping).toMatchObject({ kind: 'reconcile', recordIds: [id], allRecords: false })
    expect(overflow?.mapping).toMatchObject({
      kind: 'reconcile',
      recordIds: [],
      allRecords: true,
      change: { changeType: 'GAP_OVERFLOW' },
    })
    expect(changes(run).map((c) => c.checkpoint.replayId)).toEqual(
      retained(sim).map((e) => e.replayId),
    )
  })

  it('hands over an event that does not map as rejected, with its checkpoint, and goes on', async () => {
    const run = start({ replayId: -1 }, { channel: '/data/ChangeEvents' })
    await subscribed(run)
    sim.records.put('Contact', { LastName: 'Doe' })
    await rest.upsertAccount('CDC-AFTER', { Name: 'After Contact' })
    await delivered(run, 2)
    await run.stop()
    const [contact, account] = run.deliveries
    expect(contact).toMatchObject({
      kind: 'rejected',
      error: { type: 'validation', code: 'INVALID_CHANGE_EVENT' },
      checkpoint: { replayId: expect.stringMatching(/^\d+$/) },
    })
    expect(contact?.kind === 'rejected' && HubError.is(contact.error)).toBe(true)
    expect(account).toMatchObject({ kind: 'change', mapping: { kind: 'customers' } })
  })
})

describe('reconnects, redelivery and resuming', () => {
  it('handshakes again after the server drops its clients, and drops the events it redelivers', async () => {
    const run = start({ replayId: -1 })
    await subscribed(run)
    await rest.upsertAccount('R-A', { Name: 'A' })
    await rest.upsertAccount('R-B', { Name: 'B' })
    await delivered(run, 2)

    expect(await simPost(sim, '/cdc/disconnect')).toEqual({ dropped: 1 })
    await subscribed(run, 2)
    await rest.upsertAccount('R-C', { Name: 'C' })
    await delivered(run, 3)
    // The org sends every retained event again, same EventUuid and replay id.
    expect(await simPost(sim, '/cdc/redeliver', { fromReplayId: 0 })).toEqual({ queued: 3 })
    await until(() => run.subscriber.stats.duplicatesDropped === 3, 'three duplicates dropped')
    await rest.upsertAccount('R-D', { Name: 'D' })
    await delivered(run, 4)
    await run.stop()

    expect(names(run)).toEqual(['A', 'B', 'C', 'D'])
    expect(new Set(changes(run).map((c) => c.eventUuid)).size).toBe(4)
    expect(run.statuses).toContainEqual(
      expect.objectContaining({
        kind: 'reconnecting',
        delayMs: 0,
        error: expect.objectContaining({ code: 'UNKNOWN_CLIENT', type: 'retryable' }),
      }),
    )
    // The second subscription resumed after the last delivered event, not from the tip.
    const resubscribed = run.statuses.filter((s) => s.kind === 'subscribed')[1]
    expect(resubscribed).toMatchObject({ replayFrom: changes(run)[1]?.checkpoint.replayId })
    expect(run.subscriber.stats).toMatchObject({
      delivered: 4,
      duplicatesDropped: 3,
      handshakes: 2,
      tokenRefreshes: 0,
    })
  })

  it('resumes from a stored checkpoint without missing or repeating an event', async () => {
    const first = start({ replayId: -1 })
    await subscribed(first)
    await rest.upsertAccount('S-A', { Name: 'A' })
    await rest.upsertAccount('S-B', { Name: 'B' })
    await delivered(first, 2)
    await first.stop()
    // The subscriber said goodbye: the org holds no client for it.
    expect(sim.cdc.clients()).toEqual([])
    const stored = first.stored()
    expect(stored?.replayId).toBe(retained(sim)[1]?.replayId)

    // Written while nobody listens.
    await rest.upsertAccount('S-C', { Name: 'C' })
    sim.records.put('Account', { Name: 'D' })
    const second = start(stored ?? { replayId: -2 })
    await delivered(second, 2)
    await rest.upsertAccount('S-E', { Name: 'E' })
    await delivered(second, 3)
    await second.stop()

    expect(names(first)).toEqual(['A', 'B'])
    expect(names(second)).toEqual(['C', 'D', 'E'])
    expect(second.statuses[0]).toMatchObject({ kind: 'subscribed', replayFrom: stored?.replayId })
    expect([...changes(first), ...changes(second)].map((c) => c.checkpoint.replayId)).toEqual(
      retained(sim).map((e) => e.replayId),
    )
  })

  it('an expired replay id is reported once as a retention gap, and the subscription resumes from new events', async () => {
    const first = start({ replayId: -1 })
    await subscribed(first)
    await rest.upsertAccount('X-A', { Name: 'Before the outage' })
    await delivered(first, 1)
    await first.stop()
    const stored = first.stored()
    expect(stored?.commitTimestamp).toEqual(expect.any(Number))

    // Down for 73 hours on the org's clock: the stored event is gone from the bus.
    sim.clock.advance(73 * 3_600_000)
    const second = start(stored ?? { replayId: -1 })
    await subscribed(second)
    await rest.upsertAccount('X-B', { Name: 'After the outage' })
    await delivered(second, 2)
    await second.stop()

    const [gap] = second.deliveries
    expect(gap).toEqual({
      kind: 'retention_gap',
      expiredReplayId: stored?.replayId,
      since: stored?.commitTimestamp,
      allRecords: true,
      reason: expect.stringContaining(
        `reconcile every Account changed since ${new Date(stored?.commitTimestamp ?? 0).toISOString()}`,
      ),
    })
    expect(names(second)).toEqual(['After the outage'])
    expect(second.statuses.filter((s) => s.kind === 'subscribed')).toEqual([
      expect.objectContaining({ replayFrom: '-1' }),
    ])
    expect(second.subscriber.stats).toMatchObject({ retentionGaps: 1, handshakes: 1 })
    expect(second.subscriber.checkpoint.replayId).toBe(retained(sim).at(-1)?.replayId)
  })
})
