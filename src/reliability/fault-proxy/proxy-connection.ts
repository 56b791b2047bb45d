/** @module reliability/fault-proxy/proxy-connection — one accepted client and its upstream socket: two pumps carry the bytes each way through the toxics that apply to this connection. */
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { HostPort } from './loopback-policy.ts'
import type { Toxic, ToxicAttributes, ToxicStream, ToxicType } from './toxic-schema.ts'

// Timing uses real timers and performance.now(), not the injected Clock (src/clock): the delays act
// on kernel sockets that peers in other processes measure in wall time, which a manual clock
// cannot advance.

/** Bytes queued per direction before the proxy stops reading, so a held or throttled stream pushes
 * back on its sender through TCP flow control instead of growing in memory. */
const HIGH_WATER = 256 * 1024
/** How long a graceful close waits for a peer to take the last bytes before dropping it. */
const CLOSE_GRACE_MS = 1_000

export interface ConnectionInfo {
  readonly id: number
  readonly client: string
  readonly openedAt: number
  readonly bytesUpstream: number
  readonly bytesDownstream: number
}

export interface ConnectionOptions {
  readonly id: number
  readonly client: Socket
  readonly upstream: HostPort
  readonly toxics: readonly Toxic[]
  readonly onBytes: (stream: ToxicStream, bytes: number) => void
  readonly onClose: () => void
}

interface Chunk {
  readonly data: Buffer
  /** performance.now() when the proxy read it: latency is measured from here. */
  readonly at: number
}

/** Wakes whoever waits at the next `fire()`. Each waiter leaves once woken or timed out, so a
 * long-lived connection that waits millions of times does not pile up callbacks. */
class Signal {
  readonly #waiters = new Set<() => void>()

  wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer)
        this.#waiters.delete(wake)
        resolve()
      }
      const timer = timeoutMs === undefined ? undefined : setTimeout(wake, timeoutMs)
      this.#waiters.add(wake)
    })
  }

  fire(): void {
    for (const wake of [...this.#waiters]) wake()
  }
}

export class ProxyConnection {
  readonly id: number
  readonly openedAt = Date.now()
  readonly #client: Socket
  readonly #server: Socket
  readonly #clientAddress: string
  readonly #onBytes: (stream: ToxicStream, bytes: number) => void
  readonly #bytes = { upstream: 0, downstream: 0 }
  /** Toxicity is rolled once per connection and toxic, as Toxiproxy does per link: a connection
   * suffers a toxic for its whole life or not at all. */
  readonly #applies = new Map<Toxic, boolean>()
  readonly #timers = new Map<Toxic, NodeJS.Timeout>()
  /** Bytes let through per limit_data toxic, by name, so updating the limit keeps the count. */
  readonly #limitSent = new Map<string, number>()
  /** When the bandwidth toxic next allows a write (performance.now() ms), per direction. */
  readonly #nextSendAt = { upstream: 0, downstream: 0 }
  /** Fired when bytes arrive, the toxics change or the connection closes; every waiting pump
   * re-checks its condition. */
  readonly #changed = new Signal()
  #toxics: readonly Toxic[] = []
  #closed = false

  constructor(options: ConnectionOptions) {
    this.id = options.id
    this.#client = options.client
    this.#clientAddress = `${options.client.remoteAddress}:${options.client.remotePort}`
    this.#onBytes = options.onBytes
    const { host, port } = options.upstream
    this.#server = connect({ host, port, allowHalfOpen: true })
    let open = 2
    for (const [socket, peer] of [
      [this.#client, this.#server],
      [this.#server, this.#client],
    ] as const) {
      // Small slices and delayed chunks must leave as written, not coalesced by Nagle.
      socket.setNoDelay(true)
      socket.on('error', (error: NodeJS.ErrnoException) => {
        // A reset stays a reset on the other side, as it would without the proxy in between.
        if (error.code === 'ECONNRESET') resetSocket(peer)
        else peer.destroy()
        this.#shutdown()
      })
      socket.on('close', () => {
        if (--open > 0) return
        this.#shutdown()
        options.onClose()
      })
    }
    this.setToxics(options.toxics)
    for (const [stream, source, dest] of [
      ['upstream', this.#client, this.#server],
      ['downstream', this.#server, this.#client],
    ] as const) {
      this.#pump(stream, source, dest).catch((error: unknown) => {
        process.emitWarning(`fault proxy connection ${this.id} failed: ${String(error)}`)
        this.destroy()
      })
    }
  }

  get info(): ConnectionInfo {
    return {
      id: this.id,
      client: this.#clientAddress,
      openedAt: this.openedAt,
      bytesUpstream: this.#bytes.upstream,
      bytesDownstream: this.#bytes.downstream,
    }
  }

  /** Rolls toxicity for toxics this connection has not seen and starts their timers. */
  setToxics(toxics: readonly Toxic[]): void {
    for (const [toxic, timer] of this.#timers) {
      if (!toxics.includes(toxic)) {
        clearTimeout(timer)
        this.#timers.delete(toxic)
      }
    }
    for (const toxic of this.#applies.keys()) {
      if (!toxics.includes(toxic)) this.#applies.delete(toxic)
    }
    this.#toxics = toxics
    for (const toxic of toxics) {
      if (this.#closed || this.#applies.has(toxic)) continue
      const applies = Math.random() < toxic.toxicity
      this.#applies.set(toxic, applies)
      if (!applies) continue
      if (toxic.type === 'timeout' && toxic.attributes.timeout > 0) {
        this.#timers.set(
          toxic,
          setTimeout(() => this.close(), toxic.attributes.timeout),
        )
      } else if (
        toxic.type === 'limit_data' &&
        (this.#limitSent.get(toxic.name) ?? 0) >= toxic.attributes.bytes
      ) {
        // Already spent (or a limit of 0): Toxiproxy closes at once rather than on the next byte.
        this.close()
      }
    }
    this.#changed.fire()
  }

  /** Ends both sides after flushing what was written (limit_data, timeout). */
  close(): void {
    this.#shutdown()
    for (const socket of [this.#client, this.#server]) {
      socket.end()
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref()
    }
  }

  /** Drops both sides at once (proxy disabled or deleted). */
  destroy(): void {
    this.#shutdown()
    this.#client.destroy()
    this.#server.destroy()
  }

  /** RST to both sides: Toxiproxy's reset_peer. */
  reset(): void {
    this.#shutdown()
    resetSocket(this.#client)
    resetSocket(this.#server)
  }

  #shutdown(): void {
    this.#closed = true
    for (const timer of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
    this.#changed.fire()
  }

  #active<T extends ToxicType>(stream: ToxicStream, type: T): Extract<Toxic, { type: T }>[] {
    return this.#toxics.filter(
      (toxic): toxic is Extract<Toxic, { type: T }> =>
        toxic.type === type && toxic.stream === stream && this.#applies.get(toxic) === true,
    )
  }

  /** Reads eagerly (stamping arrival times, as Toxiproxy's link does) and delivers in order. */
  async #pump(stream: ToxicStream, source: Socket, dest: Socket): Promise<void> {
    const queue: (Chunk | null)[] = []
    let queued = 0
    source.on('data', (data: Buffer) => {
      queue.push({ data, at: performance.now() })
      queued += data.length
      if (queued >= HIGH_WATER) source.pause()
      this.#changed.fire()
    })
    source.on('end', () => {
      queue.push(null)
      this.#changed.fire()
    })
    while (!this.#closed) {
      const chunk = queue.shift()
      if (chunk === undefined) {
        await this.#changed.wait()
      } else if (chunk === null) {
        // The FIN is held behind a blackhole like the bytes before it.
        await this.#holdWhileBlackholed(stream)
        if (!dest.destroyed) dest.end()
        return
      } else {
        queued -= chunk.data.length
        if (queued < HIGH_WATER && source.isPaused()) source.resume()
        await this.#deliver(stream, chunk, dest)
      }
    }
  }

  async #deliver(stream: ToxicStream, chunk: Chunk, dest: Socket): Promise<void> {
    await this.#holdWhileBlackholed(stream)
    if (this.#closed) return

    // reset_peer fires on the first bytes after it applies, as in Toxiproxy; they die with it.
    const reset = this.#active(stream, 'reset_peer')[0]
    if (reset) {
      await sleep(reset.attributes.timeout)
      this.reset()
      return
    }

    // Each chunk leaves `latency ± jitter` after it arrived, so delays do not add up along a
    // stream; removing the toxic releases waiting chunks at once.
    const delays = new Map<Toxic, number>()
    while (!this.#closed) {
      let total = 0
      for (const toxic of this.#active(stream, 'latency')) {
        const { latency, jitter } = toxic.attributes
        const delay = delays.get(toxic) ?? Math.max(0, latency + randomBetween(-jitter, jitter))
        delays.set(toxic, delay)
        total += delay
      }
      const wait = chunk.at + total - performance.now()
      if (wait <= 0) break
      await this.#changed.wait(wait)
    }

    let data = chunk.data
    const limits = this.#active(stream, 'limit_data')
    for (const toxic of limits) {
      const room = toxic.attributes.bytes - (this.#limitSent.get(toxic.name) ?? 0)
      data = data.subarray(0, Math.max(0, room))
    }
    await this.#write(stream, data, dest)
    let spent = false
    for (const toxic of limits) {
      const sent = (this.#limitSent.get(toxic.name) ?? 0) + data.length
      this.#limitSent.set(toxic.name, sent)
      spent ||= sent >= toxic.attributes.bytes
    }
    if (spent) this.close()
  }

  async #write(stream: ToxicStream, data: Buffer, dest: Socket): Promise<void> {
    const slicer = this.#active(stream, 'slicer')[0]
    for (const piece of slicer ? slices(data, slicer.attributes) : [data]) {
      // Toxiproxy waits `delay` µs before every slice; timers round that up to whole ms.
      if (slicer && slicer.attributes.delay > 0) await sleep(slicer.attributes.delay / 1000)
      if (this.#closed) return
      await this.#throttled(stream, piece, dest)
    }
  }

  async #throttled(stream: ToxicStream, data: Buffer, dest: Socket): Promise<void> {
    let rest = data
    while (rest.length > 0 && !this.#closed) {
      const rates = this.#active(stream, 'bandwidth').map((toxic) => toxic.attributes.rate)
      // KB/s with 1 KB = 1000 bytes, i.e. bytes per ms. 0 means unlimited, as in Toxiproxy.
      const rate = Math.min(...rates.filter((r) => r > 0))
      // At most 100 ms worth per write, as Toxiproxy does, so a slow link trickles, not bursts.
      const piece = Number.isFinite(rate) ? rest.subarray(0, rate * 100) : rest
      rest = rest.subarray(piece.length)
      if (Number.isFinite(rate)) {
        // An absolute schedule, so timer overshoot does not accumulate into lower throughput.
        const sendAt = Math.max(performance.now(), this.#nextSendAt[stream]) + piece.length / rate
        this.#nextSendAt[stream] = sendAt
        await sleep(Math.max(0, sendAt - performance.now()))
      }
      await this.#send(stream, piece, dest)
    }
  }

  /** timeout holds the bytes while it applies. Toxiproxy drops them, but a real partition only
   * delays bytes (TCP retransmits), and a gap in the stream would corrupt the protocol on top. */
  async #holdWhileBlackholed(stream: ToxicStream): Promise<void> {
    while (!this.#closed && this.#active(stream, 'timeout').length > 0) await this.#changed.wait()
  }

  async #send(stream: ToxicStream, piece: Buffer, dest: Socket): Promise<void> {
    // Checked again per piece, so a blackhole also stops a throttled or sliced chunk midway.
    await this.#holdWhileBlackholed(stream)
    if (this.#closed || dest.destroyed || dest.writableEnded || piece.length === 0) return
    this.#bytes[stream] += piece.length
    this.#onBytes(stream, piece.length)
    if (dest.write(piece)) return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        dest.off('drain', done)
        dest.off('close', done)
        resolve()
      }
      dest.on('drain', done)
      dest.on('close', done)
    })
  }
}

function randomBetween(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1))
}

function slices(data: Buffer, attributes: ToxicAttributes<'slicer'>): Buffer[] {
  const { average_size: size, size_variation: variation } = attributes
  const out: Buffer[] = []
  for (let at = 0; at < data.length;) {
    const length = Math.max(1, size + randomBetween(-variation, variation))
    out.push(data.subarray(at, at + length))
    at += length
  }
  return out
}

/** RST rather than FIN where the runtime can (Node ≥ 18.3); a plain destroy otherwise. */
function resetSocket(socket: Socket): void {
  if (socket.destroyed) return
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy()
  else socket.destroy()
}
