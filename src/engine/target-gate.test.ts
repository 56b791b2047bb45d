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
})
