/** @module test/reliability/history/history-recorder.test — NDJSON files from two processes merged back in order, torn lines after a kill, and the checker run over the merged history. */

import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { manualClock } from '../../../src/clock/clock.ts'
import { checkHistory } from '../../../src/reliability/history/history-checker.ts'
import { HistoryRecorder, readHistory } from '../../../src/reliability/history/history-recorder.ts'
import { T0 } from './history-builder.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-history-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean)

describe('HistoryRecorder and readHistory', () => {
  it('merges two processes by time, then sequence, and the checker accepts the result', async () => {
    const clock = manualClock(T0)
    const producer = new HistoryRecorder({
      path: join(dir, 'producer.ndjson'),
      process: 'producer',
      clock,
    })
    const hub = new HistoryRecorder({
      path: join(dir, 'hub', 'worker-1.ndjson'),
      process: 'hub:worker-1',
      clock,
    })

    for (let v = 1; v <= 3; v++) {
      producer.invoke('ingest', 'ORD-1', { version: v })
      clock.advance(2)
      hub.ok('ingest', 'ORD-1', { version: v })
      // Same millisecond in both processes: each keeps its own order by seq; across processes the
      // order within a millisecond is arbitrary but stable (seq, then process name).
      producer.ok('ingest', 'ORD-1', { version: v, value: { status: 200 } })
      hub.ok('state', 'ORD-1', { version: v, value: 'running' })
      clock.advance(5)
      hub.ok('terminal', 'ORD-1', { version: v, value: 'completed', detail: { run: `r${v}` } })
    }
    producer.close()
    hub.close()

    const events = await readHistory([
      join(dir, 'hub', 'worker-1.ndjson'),
      join(dir, 'producer.ndjson'),
    ])

    expect(events).toHaveLength(15)
    expect(events.map((e) => e.at)).toEqual([...events.map((e) => e.at)].sort((a, b) => a - b))
    expect(events.slice(0, 5).map((e) => `${e.process} ${e.type} ${e.op}`)).toEqual([
      'producer invoke ingest',
      'hub:worker-1 ok ingest',
      'hub:worker-1 ok state',
      'producer ok ingest',
      'hub:worker-1 ok terminal',
    ])
    expect(events[3]).toEqual({
      seq: 1,
      at: T0 + 2,
      process: 'producer',
      type: 'ok',
      op: 'ingest',
      key: 'ORD-1',
      version: 1,
      value: { status: 200 },
    })
    const result = checkHistory(events)
    expect(result.ok).toBe(true)
    expect(result.counts).toMatchObject({ events: 15, keys: 1, items: 3 })
  })

  it('buffers until the batch size, the interval or close()', async () => {
    const path = join(dir, 'p.ndjson')
    const rec = new HistoryRecorder({
      path,
      process: 'producer',
      flushEveryRecords: 3,
      flushIntervalMs: 20,
    })
    rec.invoke('ingest', 'A')
    rec.ok('ingest', 'A')
    expect(readFileSync(path, 'utf8')).toBe('')
    rec.invoke('ingest', 'B')
    expect(lines(path)).toHaveLength(3)
    rec.fail('ingest', 'B')
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(lines(path)).toHaveLength(4)
    rec.info('ingest', 'C')
    rec.close()
    expect(lines(path)).toHaveLength(5)
    expect(() => rec.ok('ingest', 'C')).toThrow(/closed/)
  })

  it('after a SIGKILL mid-write: drops the torn line, and a restarted process continues the sequence', async () => {
    const path = join(dir, 'hub.ndjson')
    const first = new HistoryRecorder({ path, process: 'hub', flushEveryRecords: 1 })
    first.ok('ingest', 'A')
    first.ok('ingest', 'B')
    first.close()
    appendFileSync(path, '{"seq":2,"at":17,"process":"hub","ty')

    expect((await readHistory([path])).map((e) => e.key)).toEqual(['A', 'B'])

    const second = new HistoryRecorder({ path, process: 'hub' })
    second.ok('ingest', 'C')
    second.close()
    const events = await readHistory([path])
    expect(events.map((e) => [e.key, e.seq])).toEqual([
      ['A', 0],
      ['B', 1],
      ['C', 2],
    ])
  })

  it('rejects a malformed record in the middle of a file, naming the file and line', async () => {
    const path = join(dir, 'bad.ndjson')
    writeFileSync(
      path,
      '{"seq":0,"at":1,"process":"hub","type":"ok","op":"ingest","key":"A"}\n' +
        '{"seq":1,"at":2,"process":"hub","type":"done","op":"ingest","key":"B"}\n',
    )
    await expect(readHistory([path])).rejects.toThrow(/bad\.ndjson:2: invalid history record/)
  })
})
