import { describe, expect, it } from 'vitest'
import { manualClock } from '../clock/clock.ts'
import { silentObserver } from './engine-observer.ts'
import { TargetGates } from './target-gate.ts'

describe('target gates', () => {
  it('does not count a wait for a rate turn that was given up as a failure of the target', async () => {
    const clock = manualClock()
    const gates = new TargetGates(clock, silentObserver)
    gates.configure('t', {
      concurrency: 4,
      rate: { perSecond: 1 },
      circuit: { minimumCalls: 2, failureRatio: 0.5, windowMs: 60_000, openMs: 5_000 },
    })
    expect(await gates.run('t', new AbortController().signal, () => Promise.resolve('sent'))).toBe(
      'sent',
    )
    // Three runs lose their leases while waiting for their turns (1 s, 2 s, 3 s away).
    const lost = new AbortController()
    let calls = 0
    const waiting = [1, 2, 3].map(() =>
      gates.run('t', lost.signal, () => {
        calls += 1
        return Promise.resolve('sent')
      }),
    )
    lost.abort(new Error('lease lost'))
    for (const wait of waiting) await expect(wait).rejects.toThrow('lease lost')
    expect(calls).toBe(0)
    expect(gates.governor('t').inFlight).toBe(0)
    // Counted as failures they would be 3 of 4 calls and open the circuit.
    expect(gates.circuitState('t')).toBe('closed')
  })

  it('asks the breaker right before sending, so calls queued before it opened are not sent', async () => {
    const clock = manualClock()
    const gates = new TargetGates(clock, silentObserver)
    gates.configure('t', {
      concurrency: 4,
      rate: { perSecond: 1 },
      circuit: { minimumCalls: 2, failureRatio: 0.5, windowMs: 60_000, openMs: 30_000 },
    })
    const sent: number[] = []
    const down = (): Promise<never> => Promise.reject(new Error('503'))
    // Four calls queue at once while the circuit is closed; their turns are 0, 1, 2 and 3 s away.
    const calls = [0, 1, 2, 3].map((i) =>
      gates.run('t', new AbortController().signal, () => {
        sent.push(i)
        return down()
      }),
    )
    const outcomes = Promise.allSettled(calls)
    for (let t = 0; t < 4; t++) {
      await new Promise((resolve) => setImmediate(resolve))
      clock.advance(1_000)
    }
    const settled = await outcomes
    // The first two failures open the circuit; the two still waiting for their turn are refused.
    expect(sent).toEqual([0, 1])
    expect(gates.circuitState('t')).toBe('open')
    expect(settled.map((o) => (o.status === 'rejected' ? (o.reason as Error).name : 'ok'))).toEqual(
      ['Error', 'Error', 'CircuitOpenError', 'CircuitOpenError'],
    )
  })
})
