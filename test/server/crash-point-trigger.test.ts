// Proves the crash-point test setting is validated with messages that print the fix, and fires
// only at armed points, with the armed probability.
import { describe, expect, it } from 'vitest'
import { createCrashPointTrigger, parseCrashPoints } from '../../src/server/crash-point-trigger.ts'

describe('crash point trigger', () => {
  it('parses names and probabilities', () => {
    expect([
      ...parseCrashPoints('after_claim_before_call:0.5, after_ingest_commit_before_ack:1'),
    ]).toEqual([
      ['after_claim_before_call', 0.5],
      ['after_ingest_commit_before_ack', 1],
    ])
  })

  it('rejects an unknown point, naming the valid ones', () => {
    expect(() => parseCrashPoints('after_lunch:0.1')).toThrow(
      /unknown crash point "after_lunch".*after_claim_before_call/,
    )
  })

  it('rejects a probability outside 0..1 with an example of a right one', () => {
    expect(() => parseCrashPoints('after_claim_before_call:2')).toThrow(
      /from 0 to 1, e\.g\. after_claim_before_call:0\.005/,
    )
    expect(() => parseCrashPoints('after_claim_before_call:')).toThrow(/from 0 to 1/)
  })

  it('kills only at armed points, when the draw is below the probability', () => {
    const kills: string[] = []
    const draws = [0.4, 0.6]
    const trigger = createCrashPointTrigger(
      'after_claim_before_call:0.5',
      () => draws.shift() ?? 1,
      () => kills.push('kill'),
    )
    trigger.hit('after_target_2xx_before_commit')
    expect(kills).toEqual([])
    trigger.hit('after_claim_before_call')
    expect(kills).toEqual(['kill'])
    trigger.hit('after_claim_before_call')
    expect(kills).toEqual(['kill'])
  })
})
