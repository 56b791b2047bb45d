/** @module test/gateway/oversized-upload — uploads bigger than the limit, and a memory probe. */
import { fork } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders } from 'node:http'
import { fileURLToPath } from 'node:url'

export const MiB = 1024 * 1024
export const WEBHOOK = '/webhooks/shopify/main-store'

/** A gateway in a child process, so its memory can be measured apart from the HTTP client's. */
export async function startMemoryProbe(limit: number): Promise<{
  url: string
  measure(work: () => Promise<void>): Promise<{ growth: number; accepted: number }>
  stop(): void
}> {
  const child = fork(
    fileURLToPath(new URL('./gateway-memory-child.ts', import.meta.url)),
    [String(limit)],
    {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  )
  const next = (): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      child.once('message', (m) => resolve(m as Record<string, unknown>))
      child.once('exit', (code) => reject(new Error(`memory probe exited with ${code}`)))
    })
  const { url } = (await next()) as { url: string }
  return {
    url,
    async measure(work) {
      const ready = next()
      child.send('baseline')
      await ready
      await work()
      const report = next()
      child.send('report')
      return (await report) as { growth: number; accepted: number }
    },
    stop: () => void child.send('stop'),
  }
}

/**
 * Uploads `size` bytes, with Content-Length or chunked, and resolves with the status as soon as
 * the response arrives. node:http rather than fetch: the server closes the connection mid-upload
 * on purpose, and fetch then fails on the broken write even though the 413 already arrived.
 * One 64 KiB chunk is written again and again, so the client holds no copy of the body.
 */
export function uploadOversized(
  url: string,
  size: number,
  mode: 'content-length' | 'chunked',
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(`${url}${WEBHOOK}`)
    const req = httpRequest({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(mode === 'content-length' ? { 'content-length': String(size) } : {}),
      },
    })
    let answered = false
    req.on('response', (res) => {
      answered = true
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (text: string) => (body += text))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', (error) => {
      if (!answered) reject(error)
    })
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    let sent = 0
    const pump = (): void => {
      while (sent < size && !req.destroyed) {
        sent += chunk.length
        if (!req.write(chunk)) {
          req.once('drain', pump)
          return
        }
      }
      if (!req.destroyed) req.end()
    }
    pump()
  })
}
