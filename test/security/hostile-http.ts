/** @module test/security/hostile-http — raw-socket clients for oversized uploads and slow headers, plus an RSS sampler. */
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'

export interface UploadResult {
  status: number | undefined
  body: string
  /** Body bytes the client handed to its socket before the answer came (kernel buffers included). */
  bytesWritten: number
  /** Whether the server closed the connection within `closeWithinMs` of answering. */
  closed: boolean
  error: string | undefined
}

/**
 * Streams `totalBytes` of spaces to `url` in 64 KiB writes that respect backpressure, with a
 * Content-Length header (or chunked when `chunked`), and stops writing once the server answers.
 * The same chunk buffer is reused for every write, so the client itself allocates nothing.
 */
export function streamUpload(
  url: string,
  headers: Record<string, string>,
  totalBytes: number,
  options: { chunked?: boolean; closeWithinMs?: number } = {},
): Promise<UploadResult> {
  const chunk = Buffer.alloc(64 * 1024, 0x20)
  const closeWithinMs = options.closeWithinMs ?? 5_000
  return new Promise((resolve) => {
    const result: UploadResult = {
      status: undefined,
      body: '',
      bytesWritten: 0,
      closed: false,
      error: undefined,
    }
    let answered = false
    let settled = false
    const finish = (): void => {
      if (settled) return
      settled = true
      req.destroy()
      resolve(result)
    }
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: options.chunked
        ? { ...headers, 'transfer-encoding': 'chunked' }
        : { ...headers, 'content-length': String(totalBytes) },
    })
    req.on('response', (response) => {
      answered = true
      result.status = response.statusCode
      response.setEncoding('utf8')
      response.on('data', (text: string) => (result.body += text))
      const socket = response.socket
      const timer = setTimeout(finish, closeWithinMs)
      socket.once('close', () => {
        result.closed = true
        clearTimeout(timer)
        finish()
      })
      // The response also ends when the server half-closes (FIN): that is a close for our purpose.
      socket.once('end', () => {
        result.closed = true
        clearTimeout(timer)
        setImmediate(finish)
      })
    })
    req.on('error', (error) => {
      result.error = error.message
      if (!answered) finish()
    })
    const pump = (): void => {
      while (!answered && !settled && result.bytesWritten < totalBytes) {
        const size = Math.min(chunk.length, totalBytes - result.bytesWritten)
        result.bytesWritten += size
        const more = req.write(size === chunk.length ? chunk : chunk.subarray(0, size))
        if (!more) {
          req.once('drain', pump)
          return
        }
      }
      if (!answered && !settled && result.bytesWritten >= totalBytes) req.end()
    }
    req.flushHeaders()
    pump()
  })
}

/** Samples this process' RSS every `everyMs` until stopped; reports the peak growth over the start. */
export function rssSampler(everyMs = 2): { stop(): number } {
  const baseline = process.memoryUsage.rss()
  let peak = baseline
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, everyMs)
  return {
    stop() {
      clearInterval(timer)
      peak = Math.max(peak, process.memoryUsage.rss())
      return peak - baseline
    },
  }
}

export interface SlowHeaderClient {
  socket: Socket
  startedAt: number
  /** ms after start when the server closed the socket; undefined while open. */
  closedAfterMs: number | undefined
  stop(): void
}

/** Opens a connection that sends an HTTP request head one byte per `everyMs`, never finishing it. */
export function slowHeaders(url: string, path: string, everyMs = 1_000): SlowHeaderClient {
  const { hostname, port } = new URL(url)
  const head = `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nX-Slow: ${'a'.repeat(4_096)}`
  const socket = connect(Number(port), hostname)
  socket.on('error', () => undefined)
  socket.on('data', () => undefined)
  const client: SlowHeaderClient = {
    socket,
    startedAt: Date.now(),
    closedAfterMs: undefined,
    stop: () => {
      clearInterval(timer)
      socket.destroy()
    },
  }
  let sent = 0
  const timer = setInterval(() => {
    if (!socket.destroyed && sent < head.length) socket.write(head.charAt(sent++))
  }, everyMs)
  socket.once('close', () => {
    clearInterval(timer)
    client.closedAfterMs ??= Date.now() - client.startedAt
  })
  socket.once('end', () => {
    client.closedAfterMs ??= Date.now() - client.startedAt
  })
  return client
}

/**
 * Opens a slow-header client now and a second one 3 s later, and runs `probe` (normal traffic)
 * every 500 ms until both are closed or `windowMs` passes. Two clients 3 s apart matter: a headers
 * timeout enforced on a coarse timer cannot close both within 2 s of its deadline.
 * Returns every status `probe` saw; `clients` receives the slow clients (the caller stops them).
 */
export async function slowHeaderWindow(
  url: string,
  path: string,
  clients: SlowHeaderClient[],
  probe: () => Promise<number[]>,
  windowMs = 15_500,
): Promise<number[]> {
  clients.push(slowHeaders(url, path))
  const statuses: number[] = []
  const deadline = Date.now() + windowMs
  while (Date.now() < deadline && clients.some((c) => c.closedAfterMs === undefined)) {
    if (clients.length === 1 && Date.now() - (clients[0]?.startedAt ?? 0) >= 3_000) {
      clients.push(slowHeaders(url, path))
    }
    statuses.push(...(await probe()))
    await new Promise((r) => setTimeout(r, 500))
  }
  return statuses
}
