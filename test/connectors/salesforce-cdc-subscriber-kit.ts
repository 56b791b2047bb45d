/** @module test/connectors/salesforce-cdc-subscriber-kit — runs CDC subscribers against a Salesforce simulator and records what they deliver, for the subscriber tests. */
import { expect } from 'vitest'
import { SalesforceCdcSubscriber } from '../../src/connectors/salesforce/salesforce-cdc-subscriber.ts'
import type { SalesforceCdcSubscriberOptions } from '../../src/connectors/salesforce/salesforce-cdc-subscriber.ts'
import type {
  SalesforceCdcCheckpoint,
  SalesforceCdcDelivery,
  SalesforceCdcStatus,
} from '../../src/connectors/salesforce/salesforce-cdc-delivery.ts'
import type { AccountChangeMapping } from '../../src/connectors/salesforce/salesforce-cdc-mapping.ts'
import { parseSalesforceConnectionConfig } from '../../src/connectors/salesforce/salesforce-spec.ts'
import type { SalesforceConnectionConfig } from '../../src/connectors/salesforce/salesforce-spec.ts'
import type { SalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'

export function configFor(
  target: SalesforceSimulator,
  overrides: Record<string, unknown> = {},
): SalesforceConnectionConfig {
  return parseSalesforceConnectionConfig({
    loginUrl: target.baseUrl,
    apiVersion: target.apiVersion,
    grantType: 'client_credentials',
    clientId: target.clientId,
    clientSecret: target.clientSecret,
    externalIdField: 'ERP_Customer_Id__c',
    requestTimeoutMs: 5_000,
    ...overrides,
  })
}

/** A running subscriber and everything it reported. */
export interface Running {
  subscriber: SalesforceCdcSubscriber
  deliveries: SalesforceCdcDelivery[]
  statuses: SalesforceCdcStatus[]
  /** The checkpoint of the last delivery, as a caller stores it after committing. */
  stored(): SalesforceCdcCheckpoint | undefined
  done: Promise<void>
  stop(): Promise<void>
}

export type StartOptions = Partial<SalesforceCdcSubscriberOptions> & {
  target?: SalesforceSimulator
}

/**
 * Starts subscribers against `sim` (or `options.target`) and remembers them, so `stopAll` in an
 * afterEach ends every one: a failed test must not leave a subscriber listening into the next.
 */
export function subscriberKit(sim: SalesforceSimulator): {
  start: (from: SalesforceCdcSubscriberOptions['from'], options?: StartOptions) => Running
  stopAll: () => Promise<void>
} {
  const running = new Set<Running>()
  const start = (
    from: SalesforceCdcSubscriberOptions['from'],
    options: StartOptions = {},
  ): Running => {
    const { target = sim, ...rest } = options
    const controller = new AbortController()
    const subscriber = new SalesforceCdcSubscriber(configFor(target), {
      from,
      reconnectDelayMs: 50,
      ...rest,
    })
    const deliveries: SalesforceCdcDelivery[] = []
    const statuses: SalesforceCdcStatus[] = []
    let stored: SalesforceCdcCheckpoint | undefined
    const done = subscriber.run({
      onDelivery: (delivery) => {
        deliveries.push(delivery)
        if (delivery.kind !== 'retention_gap') stored = delivery.checkpoint
      },
      onStatus: (status) => statuses.push(status),
      signal: controller.signal,
    })
    const run: Running = {
      subscriber,
      deliveries,
      statuses,
      stored: () => stored,
      done,
      stop: async () => {
        controller.abort()
        await done
      },
    }
    running.add(run)
    return run
  }
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled([...running].map((run) => run.stop()))
    running.clear()
  }
  return { start, stopAll }
}

export async function until(
  condition: () => boolean,
  what: string,
  timeoutMs = 8_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export const subscribed = (run: Running, times = 1): Promise<void> =>
  until(
    () => run.statuses.filter((s) => s.kind === 'subscribed').length >= times,
    `subscription #${times}`,
  )
export const delivered = (run: Running, count: number): Promise<void> =>
  until(() => run.deliveries.length >= count, `${count} deliveries`)

export function changes(run: Running): {
  checkpoint: SalesforceCdcCheckpoint
  mapping: AccountChangeMapping
  eventUuid: string | undefined
}[] {
  return run.deliveries.flatMap((d) => (d.kind === 'change' ? [d] : []))
}

/** Each change's Customer company name (or its kind and change type when it carries none). */
export const names = (run: Running): string[] =>
  changes(run).map(({ mapping }) =>
    mapping.kind === 'customers'
      ? (mapping.customers[0]?.companyName ?? mapping.change.changeType)
      : `${mapping.kind}:${mapping.change.changeType}`,
  )

/** A POST to the simulator's scenario API; the JSON answer. */
export async function simPost(
  sim: SalesforceSimulator,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${sim.scenarioUrl}${path}`, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  expect(response.status).toBeLessThan(300)
  return response.json()
}

/** The Account events the org retained, oldest first: the truth deliveries are checked against. */
export function retained(sim: SalesforceSimulator): { replayId: string; eventUuid: string }[] {
  const read = sim.cdc.events('/data/AccountChangeEvent', -2)
  if (!read.ok) throw new Error(read.message)
  return read.events.map((e) => ({ replayId: String(e.replayId), eventUuid: e.eventUuid }))
}
