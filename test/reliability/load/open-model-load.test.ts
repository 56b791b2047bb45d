/** @module test/reliability/load/open-model-load.test — the open-model generator against local HTTP servers: steady rate, a one-off stall that must show in the tail, the in-flight cap, error outcomes. */

import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent, request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import {
  DROPPED_BY_GENERATOR,
  outcomeOfError,
  runOpenModel,
  statusOutcome,
} from '../../../src/reliability/load/open-model-load.ts'
import { formatLoadLine, formatLoadMarkdown } from '../../../src/reliability/load/load-report.ts'

type Handler = (req: IncomingMessage, res: ServerResponse) => void
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** A loopback server plus an undici agent; `send` GETs it and labels the status. */
async function serve(handler: Handler) {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  const agent = new Agent({ connections: 128 })
  cleanups.push(async () => {
    await agent.close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  const send = async (): Promise<string> => {
    const res = await request(url, { dispatcher: agent })
    await res.body.dump()
    return statusOutcome(res.statusCode)
  }
  return { send }
}

const answerAfter =
  (ms: number): Handler =>
  (_req, res) => {
    setTimeout(() => res.end('ok'), ms)
  }

describe('runOpenModel', () => {
  it('holds 200/s for 1 s against a 20 ms server', async () => {
    const { send } = await serve(answerAfter(20))

    const result = await runOpenModel({ ratePerSecond: 200, durationMs: 1000, send })

    expect(result).toMatchObject({ scheduled: 200, sent: 200, completed: 200, dropped: 0 })
    expect(result.byOutcome).toEqual({ '2xx': 200 })
    expect(Math.abs(result.achievedRate - 200) / 200).toBeLessThanOrEqual(0.05)
    expect(result.latency.percentile(50)).toBeGreaterThanOrEqual(20)
    expect(result.latency.percentile(50)).toBeLessThan(100)
    expect(formatLoadLine(result)).toMatch(/^open-model: 200\/s for 1000 ms \| sent 200\/200/)
  })

  it('a 300 ms stall shows in p99: requests scheduled during it are sent on time and wait', async () => {
    let arrivals = 0
    let stallUntil = 0
    const { send } = await serve((_req, res) => {
      arrivals += 1
      // The 60th request (~300 ms in) freezes the server for 300 ms; everything then is held.
      if (arrivals === 60) stallUntil = Date.now() + 300
      setTimeout(() => res.end('ok'), Math.max(0, stallUntil - Date.now()))
    })
    let sentDuringStall = 0
    const result = await runOpenModel({
      ratePerSecond: 200,
      durationMs: 1500,
      send: () => {
        if (Date.now() < stallUntil) sentDuringStall += 1
        return send()
      },
    })

    expect(result).toMatchObject({ scheduled: 300, sent: 300, completed: 300 })
    // Open model: the generator kept sending through the stall instead of waiting for answers.
    expect(sentDuringStall).toBeGreaterThanOrEqual(45)
    // ~60 of 300 requests waited 0..300 ms; the 10 scheduled first in the stall waited >= 250 ms.
    expect(result.latency.percentile(99)).toBeGreaterThanOrEqual(250)
    expect(result.latency.max).toBeGreaterThanOrEqual(280)
    expect(result.latency.percentile(50)).toBeLessThan(50)
  })

  it('counts requests over maxInFlight as dropped_by_generator instead of delaying them', async () => {
    const { send } = await serve(answerAfter(200))

    const result = await runOpenModel({
      ratePerSecond: 100,
      durationMs: 500,
      maxInFlight: 5,
      send,
    })

    expect(result.scheduled).toBe(50)
    expect(result.sent).toBeGreaterThanOrEqual(5)
    expect(result.dropped).toBeGreaterThan(20)
    expect(result.sent + result.dropped).toBe(50)
    expect(result.byOutcome[DROPPED_BY_GENERATOR]).toBe(result.dropped)
    expect(result.completed).toBe(result.sent)
    expect(formatLoadMarkdown([{ label: 'capped', result }])).toMatch(
      /^\| run \| rate\/s \|.*\n\| --- \| ---: \|.*\n\| capped \| 100 \|/,
    )
  })

  it('labels failures by error code, including a synchronous throw, and reports unfinished sends', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    const result = await runOpenModel({
      ratePerSecond: 400,
      durationMs: 50,
      drainTimeoutMs: 50,
      send: (i) => {
        if (i % 4 === 0) return Promise.reject(new TypeError('fetch failed', { cause: reset }))
        if (i % 4 === 1) throw new RangeError('bad request index')
        if (i % 4 === 2) return new Promise<string>(() => {})
        return Promise.resolve('2xx')
      },
    })

    expect(result.byOutcome).toEqual({
      'error:ECONNRESET': 5,
      'error:RangeError': 5,
      '2xx': 5,
    })
    expect(result).toMatchObject({ sent: 20, completed: 15, unfinished: 5 })
    expect(outcomeOfError('boom')).toBe('error:string')
    expect(statusOutcome(503)).toBe('503')
    expect(statusOutcome(404)).toBe('4xx')
  })
})
