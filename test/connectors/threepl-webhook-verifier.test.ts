/** @module test/connectors/threepl-webhook-verifier.test — our Standard Webhooks verifier agrees with the `standardwebhooks` reference library on valid, tampered, stale and rotated deliveries, synthetic and from the simulator. */
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { verifyStandardWebhook } from '../../src/connectors/threepl/threepl-webhook-verifier.ts'
import { Secret } from '../../src/secrets/secret-value.ts'
import { FAST_RETRIES, startHookReceiver, startThreePl } from '../sandbox/threepl-test-kit.ts'
import type { Hook } from '../sandbox/threepl-test-kit.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const newSecret = (bytes = 32): string => `whsec_${randomBytes(bytes).toString('base64')}`

interface Delivery {
  body: Buffer
  id: string
  timestamp: string
  signature: string
}

/** The reference library's verdict: any of the secrets verifies. */
function library(secrets: readonly string[], d: Delivery): boolean {
  return secrets.some((secret) => {
    try {
      // Signature only: the arbitrary bodies below are not JSON.
      new Webhook(secret).verify(
        d.body,
        {
          'webhook-id': d.id,
          'webhook-timestamp': d.timestamp,
          'webhook-signature': d.signature,
        },
        { jsonParse: false },
      )
      return true
    } catch (error) {
      if (error instanceof WebhookVerificationError) return false
      throw error
    }
  })
}

function ours(secrets: readonly string[], d: Delivery, now = Date.now()) {
  return verifyStandardWebhook({
    rawBody: d.body,
    webhookId: d.id,
    webhookTimestamp: d.timestamp,
    webhookSignature: d.signature,
    secrets: secrets.map((s) => new Secret(s)),
    now,
  })
}

/** A delivery signed by the library itself, `offsetSeconds` from now. */
function signed(
  secrets: readonly string[],
  body: string,
  offsetSeconds = 0,
  id = 'msg_2a1b',
): Delivery {
  const at = new Date((Math.floor(Date.now() / 1000) + offsetSeconds) * 1000)
  const signature = secrets.map((s) => new Webhook(s).sign(id, at, body)).join(' ')
  return { body: Buffer.from(body, 'utf8'), id, timestamp: String(at.getTime() / 1000), signature }
}

const BODY = JSON.stringify({
  type: 'shipment.confirmed',
  timestamp: '2026-01-01T10:40:00.000Z',
  sequence: 17,
  data: { external_reference: '1001', ship_to: { name: 'Zoë Ærøskøbing' } },
})

describe('Standard Webhooks verification, against the reference library', () => {
  it('accepts what the library accepts: a valid delivery, and a rotation with two signatures', () => {
    const [oldSecret, current] = [newSecret(), newSecret(24)]
    const single = signed([current], BODY)
    expect(library([current], single)).toBe(true)
    expect(ours([current], single)).toMatchObject({
      ok: true,
      secretIndex: 0,
      webhookId: 'msg_2a1b',
    })
    const rotating = signed([current, oldSecret], BODY)
    for (const configured of [[oldSecret], [current], [newSecret(), oldSecret]]) {
      expect(library(configured, rotating)).toBe(true)
      expect(ours(configured, rotating).ok).toBe(true)
    }
    expect(ours([newSecret(), oldSecret], rotating)).toMatchObject({ ok: true, secretIndex: 1 })
  })

  it('refuses what the library refuses: tampered body, id, timestamp, signature, or another secret', () => {
    const secret = newSecret()
    const good = signed([secret], BODY)
    const tampered: [string, Delivery, string[]][] = [
      ['body', { ...good, body: Buffer.from(BODY.replace('1001', '1002')) }, [secret]],
      ['id', { ...good, id: 'msg_forged' }, [secret]],
      ['timestamp', { ...good, timestamp: String(Number(good.timestamp) + 1) }, [secret]],
      ['signature', { ...good, signature: `v1,${randomBytes(32).toString('base64')}` }, [secret]],
      ['secret', good, [newSecret()]],
    ]
    for (const [what, delivery, secrets] of tampered) {
      expect(library(secrets, delivery), what).toBe(false)
      expect(ours(secrets, delivery), what).toEqual({ ok: false, reason: 'mismatch' })
    }
  })

  it('refuses stale and future timestamps beyond 5 minutes, as the library does, even when correctly signed', () => {
    const secret = newSecret()
    for (const [offset, expected] of [
      [-310, 'too_old'],
      [310, 'too_new'],
      [-3600, 'too_old'],
    ] as const) {
      const delivery = signed([secret], BODY, offset)
      expect(library([secret], delivery), String(offset)).toBe(false)
      expect(ours([secret], delivery)).toEqual({ ok: false, reason: expected })
    }
    for (const offset of [-290, 290]) {
      expect(library([secret], signed([secret], BODY, offset))).toBe(true)
      expect(ours([secret], signed([secret], BODY, offset)).ok).toBe(true)
    }
  })

  it('judges time by the injected clock, not the machine clock', () => {
    const secret = newSecret()
    const delivery = signed([secret], BODY)
    const sent = Number(delivery.timestamp) * 1000
    expect(ours([secret], delivery, sent + 4 * 60_000).ok).toBe(true)
    expect(ours([secret], delivery, sent + 6 * 60_000)).toEqual({ ok: false, reason: 'too_old' })
    expect(ours([secret], delivery, sent - 6 * 60_000)).toEqual({ ok: false, reason: 'too_new' })
  })

  it('skips other signature versions and refuses malformed or missing headers', () => {
    const secret = newSecret()
    const good = signed([secret], BODY)
    const withV2 = {
      ...good,
      signature: `v1a,${randomBytes(64).toString('base64')} ${good.signature}`,
    }
    expect(library([secret], withV2)).toBe(true)
    expect(ours([secret], withV2).ok).toBe(true)
    const cases: [Delivery, string][] = [
      [{ ...good, signature: 'v1,not base64!' }, 'malformed'],
      [{ ...good, signature: `v1,${randomBytes(20).toString('base64')}` }, 'malformed'],
      [{ ...good, timestamp: 'soon' }, 'malformed'],
      [{ ...good, signature: '' }, 'missing'],
      [{ ...good, id: '' }, 'missing'],
    ]
    for (const [delivery, reason] of cases) {
      expect(library([secret], delivery), reason).toBe(false)
      expect(ours([secret], delivery)).toEqual({ ok: false, reason })
    }
    expect(ours([], good)).toEqual({ ok: false, reason: 'no_valid_secret' })
  })

  it('agrees with the library on arbitrary bodies, ids, clock offsets and single-byte tampering', () => {
    const secrets = [newSecret(), newSecret(48)]
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.stringMatching(/^msg_[0-9a-f]{1,32}$/),
        fc.integer({ min: -400, max: 400 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.constantFrom(0, 1),
        (body, id, offset, flipAt, signer) => {
          const delivery = signed([secrets[signer] ?? ''], body, offset, id)
          if (flipAt !== undefined && delivery.body.length > 0) {
            const at = flipAt % delivery.body.length
            delivery.body[at] = (delivery.body[at] ?? 0) ^ 0x01
          }
          // Avoid the exact 300 s edge, where a second ticking between the two calls decides.
          fc.pre(Math.abs(Math.abs(offset) - 300) > 2)
          // The library hashes the body decoded as UTF-8, so only compare on valid UTF-8.
          fc.pre(Buffer.from(delivery.body.toString('utf8'), 'utf8').equals(delivery.body))
          expect(ours(secrets, delivery).ok).toBe(library(secrets, delivery))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('agrees with the library on real deliveries from the simulator: forged, valid, and mid-rotation', async () => {
    const secret = newSecret()
    const hook = await startHookReceiver(
      (_n, h) => ({ status: library([secret], fromHook(h)) ? 204 : 401 }),
      cleanups,
    )
    const sim = await startThreePl(
      { webhookRetryScheduleMs: FAST_RETRIES, webhookSubscribers: [{ url: hook.url, secret }] },
      cleanups,
    )
    sim.setWebhookFaults({ sequence: ['badSignature'] })
    sim.adjustInventory({ sku: 'SKU-5', warehouse: 'WH-EAST', reason: 'cycle_count', counted: 100 })
    await sim.deliveriesSettled(5000)
    // A rotation: the new (unknown) secret signs beside ours until the window ends.
    sim.rotateWebhookSecret(sim.webhookEndpoints()[0]?.id ?? '')
    sim.adjustInventory({ sku: 'SKU-5', warehouse: 'WH-EAST', reason: 'receipt', quantity: 3 })
    await sim.deliveriesSettled(5000)
    const verdicts = hook.received.map((h) => [
      library([secret], fromHook(h)),
      ours([secret], fromHook(h)).ok,
    ])
    expect(verdicts).toEqual([
      [false, false],
      [true, true],
      [true, true],
    ])
    expect(String(hook.received[2]?.headers['webhook-signature']).split(' ')).toHaveLength(2)
  })
})

function fromHook(hook: Hook): Delivery {
  const header = (name: string): string => {
    const value = hook.headers[name]
    if (typeof value !== 'string') throw new Error(`missing ${name}`)
    return value
  }
  return {
    body: hook.body,
    id: header('webhook-id'),
    timestamp: header('webhook-timestamp'),
    signature: header('webhook-signature'),
  }
}
