/** @module test/sandbox/sandbox-stop.test — stopping the sandbox (and its webhook dispatcher) is safe to repeat. */

import { describe, expect, it } from 'vitest'
import { startSandbox } from '../../src/sandbox/sandbox-host.ts'
import { WebhookDispatcher } from '../../src/sandbox/shopify/shopify-webhook-dispatcher.ts'

function dispatcher(): WebhookDispatcher {
  return new WebhookDispatcher({
    now: Date.now,
    shopDomain: 'demo-shop.myshopify.com',
    secret: () => 'secret',
    retryScheduleMs: [10],
    maxRetries: 0,
    concurrency: 1,
    connectTimeoutMs: 100,
    totalTimeoutMs: 100,
    onAbandoned: () => undefined,
  })
}

describe('stopping is idempotent', () => {
  it('closes a webhook dispatcher twice, one after the other and at once', async () => {
    // undici's Agent rejects a second close() with ClientDestroyedError.
    const sequential = dispatcher()
    await sequential.close()
    await expect(sequential.close()).resolves.toBeUndefined()
    const concurrent = dispatcher()
    await expect(Promise.all([concurrent.close(), concurrent.close()])).resolves.toHaveLength(2)
  })

  it('stops a started sandbox twice without an error', async () => {
    const sandbox = await startSandbox({ seed: 3 })
    await sandbox.stop()
    await expect(sandbox.stop()).resolves.toBeUndefined()
    await expect(fetch(sandbox.shopify.scenarioUrl)).rejects.toThrow()
  })
})
