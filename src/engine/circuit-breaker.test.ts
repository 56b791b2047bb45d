import { describe, expect, it } from 'vitest'
import { manualClock } from '../clock/clock.ts'
import { CircuitBreaker } from './circuit-breaker.ts'

const options = { failureRatio: 0.5, minimumCalls: 4, windowMs: 10_000, openMs: 5_000 }

describe('circuit breaker', () => {
  it('opens on a run of failures, lets one probe through after openMs, closes on success', () => {
    const clock = manualClock()
    const changes: string[] = []
    const breaker = new CircuitBreaker(clock, options, (s) => changes.push(s))
    for (let i = 0; i < 4; i++) {
      expect(breaker.permit()).toEqual({ allowed: true, probe: false })
      breaker.failure(false)
    }
    expect(breaker.state).toBe('open')
    expect(breaker.permit()).toEqual({ allowed: false, retryAfterMs: 5_000 })
    clock.advance(4_000)
    expect(breaker.permit()).toEqual({ allowed: false, retryAfterMs: 1_000 })
    clock.advance(1_000)
    expect(breaker.permit()).toEqual({ allowed: true, probe: true })
    // Only one probe at a time.
    expect(breaker.permit().allowed).toBe(false)
    breaker.success(true)
    expect(breaker.state).toBe('closed')
    expect(changes).toEqual(['open', 'half_open', 'closed'])
  })

  it('re-opens when the probe fails', () => {
    const clock = manualClock()
    const breaker = new CircuitBreaker(clock, options, () => {})
    for (let i = 0; i < 4; i++) breaker.failure(false)
    clock.advance(5_000)
    const permit = breaker.permit()
    expect(permit).toEqual({ allowed: true, probe: true })
    breaker.failure(true)
    expect(breaker.state).toBe('open')
    expect(breaker.permit()).toEqual({ allowed: false, retryAfterMs: 5_000 })
  })

  it('opens at the failure ratio, and forgets failures outside the window', () => {
    const clock = manualClock()
    const breaker = new CircuitBreaker(clock, options, () => {})
    breaker.failure(false)
    breaker.success(false)
    breaker.success(false)
    breaker.failure(false)
    expect(breaker.state).toBe('open') // 2 of 4 = 50%
    const fresh = new CircuitBreaker(clock, options, () => {})
    fresh.failure(false)
    fresh.failure(false)
    fresh.failure(false)
    clock.advance(11_000)
    fresh.failure(false)
    expect(fresh.state).toBe('closed')
  })
})
