/** @module test/connectors/salesforce-cdc-subscriber-bayeux.test — the pieces under the CDC subscriber: the Bayeux refusal table (each row's example lands on its row), the server's advice, the dedupe window and the cookies a streaming server pins a client with. */
import { describe, expect, it } from 'vitest'
import {
  BAYEUX_REFUSAL_TABLE,
  DEFAULT_ADVICE,
  SalesforceCometdError,
  adviceOf,
  bayeuxRefusal,
  matchBayeuxRefusal,
} from '../../src/connectors/salesforce/salesforce-bayeux.ts'
import {
  RecentEventKeys,
  deliveryKey,
} from '../../src/connectors/salesforce/salesforce-cdc-dedupe.ts'
import { eventIdsOf } from '../../src/connectors/salesforce/salesforce-cdc-delivery.ts'
import {
  REPLAY_FROM,
  setCookies,
} from '../../src/connectors/salesforce/salesforce-cometd-client.ts'
import { HubError } from '../../src/errors/hub-error.ts'

describe('Bayeux refusal table', () => {
  for (const rule of BAYEUX_REFUSAL_TABLE) {
    it(`${rule.id}: ${rule.when} → ${rule.type}, ${rule.recovery}`, () => {
      expect(matchBayeuxRefusal(rule.example).id).toBe(rule.id)
      const error = bayeuxRefusal(rule.example)
      expect(error).toBeInstanceOf(SalesforceCometdError)
      expect(HubError.is(error)).toBe(true)
      expect(error).toMatchObject({ type: rule.type, recovery: rule.recovery, code: rule.code })
      expect(error.cause).toBeInstanceOf(Error)
      if (rule.type === 'throttled') expect(error.retryAfterMs).toBeGreaterThan(0)
    })
  }

  it('a handshake denied for an invalid session asks for a new token, not a plain handshake', () => {
    const error = bayeuxRefusal({
      channel: '/meta/handshake',
      successful: false,
      error: '403::Handshake denied',
      ext: { sfdc: { failureReason: '401::Authentication invalid' }, replay: true },
      advice: { reconnect: 'none' },
    })
    expect(error).toMatchObject({ type: 'auth', recovery: 'reauthenticate', status: 403 })
    expect(error.message).toContain('401::Authentication invalid')
  })

  it('an expired replay id is told apart from an unknown channel, both 400', () => {
    const expired = bayeuxRefusal({
      channel: '/meta/subscribe',
      successful: false,
      error:
        '400::The replayId {123} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.',
    })
    const channel = bayeuxRefusal({
      channel: '/meta/subscribe',
      successful: false,
      error: '400::The channel you requested to subscribe to does not exist {/data/X}',
    })
    expect(expired.recovery).toBe('replay_expired')
    expect(channel.recovery).toBe('none')
  })

  it('wrapping a classified error keeps its type and facts and names it as the cause', () => {
    const classified = HubError.throttled('slow down', 20_000, { status: 403, code: 'X' })
    const wrapped = SalesforceCometdError.wrap(classified, 'backoff')
    expect(wrapped).toMatchObject({
      type: 'throttled',
      retryAfterMs: 20_000,
      status: 403,
      code: 'X',
      recovery: 'backoff',
    })
    expect(wrapped.cause).toBe(classified)
  })
})

describe('advice', () => {
  it('takes what a reply advises over what was known, and ignores what it cannot read', () => {
    const advised = adviceOf({ advice: { timeout: 30_000, interval: 250 } }, DEFAULT_ADVICE)
    expect(advised).toEqual({ reconnect: 'retry', interval: 250, timeout: 30_000 })
    expect(adviceOf({ advice: { reconnect: 'handshake', timeout: -1 } }, advised)).toEqual({
      reconnect: 'handshake',
      interval: 250,
      timeout: 30_000,
    })
    expect(adviceOf({}, advised)).toBe(advised)
  })
})

describe('dedupe window', () => {
  it('remembers the last N keys and forgets the oldest', () => {
    const recent = new RecentEventKeys(2)
    recent.remember('a')
    recent.remember('b')
    expect(recent.has('a')).toBe(true)
    recent.remember('c')
    expect([recent.has('a'), recent.has('b'), recent.has('c')]).toEqual([false, true, true])
    expect(recent.size).toBe(2)
    expect(() => new RecentEventKeys(0)).toThrow(RangeError)
  })

  it('keys on EventUuid, and on channel and replay id only when an event has none', () => {
    expect(deliveryKey('/data/AccountChangeEvent', 'u-1', '5')).toBe('uuid:u-1')
    expect(deliveryKey('/data/AccountChangeEvent', undefined, '5')).toBe(
      'replay:/data/AccountChangeEvent:5',
    )
    expect(deliveryKey('/data/AccountChangeEvent', undefined, undefined)).toBeUndefined()
  })

  it('reads the ids of an event message, int64 replay ids as exact text', () => {
    expect(
      eventIdsOf({
        channel: '/data/AccountChangeEvent',
        data: {
          event: { EventUuid: 'u-1', replayId: '9007199254740993' },
          payload: { ChangeEventHeader: { commitTimestamp: 1767225600000 } },
        },
      }),
    ).toEqual({ eventUuid: 'u-1', replayId: '9007199254740993', commitTimestamp: 1767225600000 })
    expect(eventIdsOf({ data: { event: { replayId: 1.5 } } })).toEqual({
      eventUuid: undefined,
      replayId: undefined,
      commitTimestamp: undefined,
    })
  })
})

describe('replay ids and cookies', () => {
  it('accepts -1, -2 and decimal replay ids only', () => {
    for (const ok of ['-1', '-2', '0', '42', '9223372036854775807']) {
      expect(REPLAY_FROM.test(ok), ok).toBe(true)
    }
    for (const bad of ['-3', '1.5', '', 'abc', '12345678901234567890']) {
      expect(REPLAY_FROM.test(bad), bad).toBe(false)
    }
  })

  it('keeps name=value of each Set-Cookie, whatever its attributes', () => {
    expect(
      setCookies({
        'Set-Cookie': [
          'BAYEUX_BROWSER=5e1a-x; Path=/; Secure; HttpOnly',
          'sfdc-stream=!abc==; path=/',
        ],
      }),
    ).toEqual([
      ['BAYEUX_BROWSER', '5e1a-x'],
      ['sfdc-stream', '!abc=='],
    ])
    expect(setCookies({ 'set-cookie': 'a=1' })).toEqual([['a', '1']])
    expect(setCookies({})).toEqual([])
  })
})
