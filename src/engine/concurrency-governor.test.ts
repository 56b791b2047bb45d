import { describe, expect, it } from 'vitest'
import { ConcurrencyGovernor } from './concurrency-governor.ts'

describe('concurrency governor', () => {
  it('never lets more than the limit run at once, and grants waiters in order', async () => {
    const governor = new ConcurrencyGovernor(3)
    let running = 0
    let peak = 0
    const order: number[] = []
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const release = await governor.acquire()
        running += 1
        peak = Math.max(peak, running)
        order.push(i)
        await new Promise((r) => setTimeout(r, 2))
        running -= 1
        release()
      }),
    )
    expect(peak).toBe(3)
    expect(order).toEqual([...order].sort((a, b) => a - b))
    expect(governor.inFlight).toBe(0)
  })

  it('removes an aborted waiter without taking a slot', async () => {
    const governor = new ConcurrencyGovernor(1)
    const release = await governor.acquire()
    const controller = new AbortController()
    const waiting = governor.acquire(controller.signal)
    controller.abort(new Error('lease lost'))
    await expect(waiting).rejects.toThrow('lease lost')
    release()
    expect(governor.inFlight).toBe(0)
    const again = await governor.acquire()
    expect(governor.inFlight).toBe(1)
    again()
    again() // releasing twice is harmless
    expect(governor.inFlight).toBe(0)
  })

  it('applies a lowered limit to later acquisitions', async () => {
    const governor = new ConcurrencyGovernor(4)
    governor.setLimit(2)
    const a = await governor.acquire()
    const b = await governor.acquire()
    let third = false
    const c = governor.acquire().then((r) => {
      third = true
      return r
    })
    await new Promise((r) => setTimeout(r, 5))
    expect(third).toBe(false)
    a()
    ;(await c)()
    b()
  })
})
