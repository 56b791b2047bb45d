/** @module reliability/history/history-recorder — appends history events as NDJSON, one file per process, and merges the files back into one ordered history. */

import {
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  writeSync,
} from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Clock } from '../../clock/clock.ts'
import type { JsonValue } from '../../store/store-contract.ts'
import { compareHistoryEvents, parseHistoryLine } from './history-event.ts'
import type { HistoryEvent, HistoryEventType, HistoryOp } from './history-event.ts'

export interface HistoryRecorderOptions {
  /** The NDJSON file to append to (created with its folder). Give each process its own file. */
  readonly path: string
  /** The process name, `<role>` or `<role>:<instance>` (e.g. `producer`, `hub:worker-1`). */
  readonly process: string
  /** Where `at` comes from; the system clock by default. */
  readonly clock?: Pick<Clock, 'now'>
  /** Write the buffer once it holds this many records (default 256). 1 writes every record at once. */
  readonly flushEveryRecords?: number
  /** Write the buffer at most this long after its first record (default 100 ms). */
  readonly flushIntervalMs?: number
}

/** What a caller supplies; `seq`, `process` and (unless given) `at` are filled in. */
export interface HistoryRecordInput {
  readonly type: HistoryEventType
  readonly op: HistoryOp
  readonly key: string
  readonly version?: string | number
  readonly value?: JsonValue
  readonly detail?: JsonValue
  /** Overrides the clock, e.g. to log the time a request was scheduled rather than recorded. */
  readonly at?: number
}

/** Optional fields of the `invoke`/`ok`/`fail`/`info` shorthands. */
export type HistoryRecordExtra = Omit<HistoryRecordInput, 'type' | 'op' | 'key'>

/**
 * Buffers records and writes them with synchronous appends. Synchronous on purpose: a batch is
 * one `write(2)` on an `O_APPEND` descriptor, so it lands whole at the end of the file, and
 * `flush()` works from a `process.on('exit')` handler or just before a test-build crash point
 * SIGKILLs the process. A SIGKILL loses at most the unflushed buffer; processes with crash points
 * should use `flushEveryRecords: 1` so a committed transition is on disk before the kill strikes.
 * One file per process keeps `seq` meaningful and avoids any interleaving between writers.
 */
export class HistoryRecorder {
  readonly path: string
  readonly process: string
  readonly #clock: Pick<Clock, 'now'>
  readonly #flushEvery: number
  readonly #flushIntervalMs: number
  #fd: number | null
  #seq: number
  #buffer: string[] = []
  #timer: NodeJS.Timeout | null = null

  constructor(options: HistoryRecorderOptions) {
    this.path = options.path
    this.process = options.process
    this.#clock = options.clock ?? { now: () => Date.now() }
    this.#flushEvery = Math.max(1, options.flushEveryRecords ?? 256)
    this.#flushIntervalMs = Math.max(0, options.flushIntervalMs ?? 100)
    mkdirSync(dirname(options.path), { recursive: true })
    this.#fd = openSync(options.path, 'a+')
    // A restarted process appending to its old file continues the sequence instead of reusing it.
    this.#seq = prepareAppend(this.#fd) + 1
  }

  /** Records one event and returns it as written. */
  record(input: HistoryRecordInput): HistoryEvent {
    if (this.#fd === null) throw new Error(`history recorder for ${this.path} is closed`)
    const event: HistoryEvent = {
      seq: this.#seq++,
      at: input.at ?? this.#clock.now(),
      process: this.process,
      type: input.type,
      op: input.op,
      key: input.key,
      ...(input.version === undefined ? {} : { version: input.version }),
      ...(input.value === undefined ? {} : { value: input.value }),
      ...(input.detail === undefined ? {} : { detail: input.detail }),
    }
    this.#buffer.push(JSON.stringify(event))
    if (this.#buffer.length >= this.#flushEvery) this.flush()
    else if (this.#timer === null) {
      this.#timer = setTimeout(() => this.flush(), this.#flushIntervalMs)
      // Recording must never keep a finished test process alive.
      this.#timer.unref()
    }
    return event
  }

  invoke(op: HistoryOp, key: string, extra: HistoryRecordExtra = {}): HistoryEvent {
    return this.record({ ...extra, type: 'invoke', op, key })
  }

  ok(op: HistoryOp, key: string, extra: HistoryRecordExtra = {}): HistoryEvent {
    return this.record({ ...extra, type: 'ok', op, key })
  }

  fail(op: HistoryOp, key: string, extra: HistoryRecordExtra = {}): HistoryEvent {
    return this.record({ ...extra, type: 'fail', op, key })
  }

  info(op: HistoryOp, key: string, extra: HistoryRecordExtra = {}): HistoryEvent {
    return this.record({ ...extra, type: 'info', op, key })
  }

  /** Writes the buffered records now. */
  flush(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer)
      this.#timer = null
    }
    if (this.#fd === null || this.#buffer.length === 0) return
    const chunk = Buffer.from(this.#buffer.join('\n') + '\n', 'utf8')
    this.#buffer = []
    let written = 0
    while (written < chunk.length) {
      written += writeSync(this.#fd, chunk, written, chunk.length - written)
    }
  }

  /** Flushes and closes the file; later `record` calls throw. Safe to call twice. */
  close(): void {
    this.flush()
    if (this.#fd !== null) closeSync(this.#fd)
    this.#fd = null
  }
}

/**
 * Reads history files written by any number of processes and merges them into one history ordered
 * by `at`, then `seq`. A final line without its newline is a record torn by a SIGKILL mid-write and
 * is dropped; any other malformed line throws with its file and line number.
 */
export async function readHistory(paths: readonly string[]): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = []
  for (const path of paths) {
    const text = await readFile(path, 'utf8')
    const lines = text.split('\n')
    const torn = !text.endsWith('\n') ? lines.length - 1 : -1
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]
      if (line === undefined || line.trim() === '') continue
      try {
        events.push(parseHistoryLine(line))
      } catch (error) {
        if (i === torn) continue
        throw new Error(`${path}:${i + 1}: ${(error as Error).message}`, { cause: error })
      }
    }
  }
  return events.sort(compareHistoryEvents)
}

/**
 * Readies an existing file for appending and returns the `seq` of its last complete record (-1 for
 * an empty file). A torn final line (the writer was SIGKILLed mid-write) is cut off, so the next
 * record does not glue onto it and turn into a malformed line in the middle of the file.
 */
function prepareAppend(fd: number): number {
  const size = fstatSync(fd).size
  if (size === 0) return -1
  // Records are small; the tail holds the last complete line unless a value is enormous.
  const length = Math.min(size, 64 * 1024)
  const tail = Buffer.alloc(length)
  readSync(fd, tail, 0, length, size - length)
  if (tail[length - 1] !== NEWLINE) {
    const lastNewline = tail.lastIndexOf(NEWLINE)
    if (lastNewline !== -1) ftruncateSync(fd, size - length + lastNewline + 1)
    else if (length === size) ftruncateSync(fd, 0)
    else writeSync(fd, '\n')
  }
  const lines = tail.toString('utf8').split('\n')
  for (let i = lines.length - 2; i >= 0; i--) {
    const match = /^\{"seq":(\d+)/.exec(lines[i] ?? '')
    if (match?.[1] !== undefined) return Number(match[1])
  }
  return -1
}

const NEWLINE = 0x0a
