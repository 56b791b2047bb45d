import { describe, expect, it } from 'vitest'
import { manualClock } from '../clock/clock.ts'
import { silentObserver } from './engine-observer.ts'
import { TargetGates } from './target-gate.ts'

/** Calls that stay in flight until released, counting how many of each group are out at once. */
function callsInFlight() {
  const now = new Map<string, number>()
  const peak = new Map<string, number>()
  const pending: Array<() => void> = []
  return {
    call(group: string) {
      return () => {
        const n = (now.get(group) ?? 0) + 1
        now.set(group, n)
        peak.set(group, Math.max(peak.get(group) ?? 0, n))
        return new Promise<string>((resolve) =>
          pending.push(() => {
            now.set(group, (now.get(group) ?? 1) - 1)
            resolve(group)
          }),
        )
      }
    },
    now: (group: string) => now.get(group) ?? 0,
    peak: (group: string) => peak.get(group) ?? 0,
    /** Releases every call out now. */
    releaseAll() {
      for (const release of pending.splice(0)) release()
    },
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
}

describe('budget gates', () => {
  it("cap a budget's calls at a target while other flows use the rest of the target's slots", async () => {
    const gates = new TargetGates(manualClock(), silentObserver)
    gates.configure('erp', { concurrency: 4 })
    gates.budgets.configure('erp', 'orderLifecycle', { concurrency: 1 })
    gates.budgets.assign('order-flow', 'orderLifecycle')
    const calls = callsInFlight()
    const signal = new AbortController().signal
    const all = [
      ...[1, 2, 3].map(() => gates.run('erp', signal, calls.call('orders'), 'order-flow')),
      ...[1, 2, 3].map(() => gates.run('erp', signal, calls.call('others'), 'customer-flow')),
    ]
    await settle()
    // The orders wait for their budget's one slot without holding the target's: the other
    // flow's three calls go out beside the one order call (4, the target's cap).
    expect(calls.now('orders')).toBe(1)
    expect(calls.now('others')).toBe(3)
    expect(gates.budgets.inFlight('erp', 'orderLifecycle')).toBe(1)
    while (calls.now('orders') + calls.now('others') > 0) {
      calls.releaseAll()
      await settle()
    }
    expect(await Promise.all(all)).toHaveLength(6)
    expect(calls.peak('orders')).toBe(1)
    expect(gates.governor('erp').inFlight).toBe(0)
    expect(gates.budgets.inFlight('erp', 'orderLifecycle')).toBe(0)
  })

  it("give a budget without a rate no rate of its own: another budget's rate does not slow it", async () => {
    const clock = manualClock()
    const gates = new TargetGates(clock, silentObserver)
    gates.configure('erp', { concurrency: 8 })
    gates.budgets.configure('erp', 'customerMaster', { concurrency: 4, rate: { perSecond: 1 } })
    gates.budgets.configure('erp', 'orderLifecycle', { concurrency: 8 })
    gates.budgets.assign('account-flow', 'customerMaster')
    gates.budgets.assign('order-flow', 'orderLifecycle')
    const calls = callsInFlight()
    const signal = new AbortController().signal
    const customers = [1, 2, 3].map(() =>
      gates.run('erp', signal, calls.call('customers'), 'account-flow'),
    )
    const orders = [1, 2, 3, 4, 5].map(() =>
      gates.run('erp', signal, calls.call('orders'), 'order-flow'),
    )
    await settle()
    expect(calls.now('orders')).toBe(5)
    expect(calls.now('customers')).toBe(1)
    clock.advance(1_000)
    await settle()
    expect(calls.now('customers')).toBe(2)
    clock.advance(1_000)
    await settle()
    expect(calls.now('customers')).toBe(3)
    calls.releaseAll()
    expect(await Promise.all([...customers, ...orders])).toHaveLength(8)
  })

  it('apply per target: a budget with a gate at one target leaves its calls to another alone', async () => {
    const gates = new TargetGates(manualClock(), silentObserver)
    gates.budgets.configure('erp', 'orderLifecycle', { concurrency: 1 })
    gates.budgets.assign('order-flow', 'orderLifecycle')
    const calls = callsInFlight()
    const signal = new AbortController().signal
    const all = [1, 2, 3].map(() => gates.run('wms', signal, calls.call('wms'), 'order-flow'))
    await settle()
    expect(calls.now('wms')).toBe(3)
    calls.releaseAll()
    await Promise.all(all)
    expect(gates.budgets.limits('erp', 'orderLifecycle')).toEqual({ concurrency: 1 })
    expect(gates.budgets.limits('wms', 'orderLifecycle')).toBeUndefined()
  })

  it("free the budget's slot when the call fails or its wait is given up", async () => {
    const clock = manualClock()
    const gates = new TargetGates(clock, silentObserver)
    gates.budgets.configure('erp', 'orderLifecycle', { concurrency: 1, rate: { perSecond: 1 } })
    gates.budgets.assign('order-flow', 'orderLifecycle')
    await expect(
      gates.run(
        'erp',
        new AbortController().signal,
        () => Promise.reject(new Error('503')),
        'order-flow',
      ),
    ).rejects.toThrow('503')
    expect(gates.budgets.inFlight('erp', 'orderLifecycle')).toBe(0)
    // The next call waits a second for the budget's turn; its lease is lost meanwhile.
    const lost = new AbortController()
    const waiting = gates.run('erp', lost.signal, () => Promise.resolve('sent'), 'order-flow')
    await settle()
    expect(gates.budgets.inFlight('erp', 'orderLifecycle')).toBe(1)
    lost.abort(new Error('lease lost'))
    await expect(waiting).rejects.toThrow('lease lost')
    expect(gates.budgets.inFlight('erp', 'orderLifecycle')).toBe(0)
    expect(gates.governor('erp').inFlight).toBe(0)
  })
})
