/** @module test/reliability/fault-proxy/fault-proxy-fixtures — an echo server, an HTTP server and a byte-collecting client, so the toxics are measured on real loopback sockets. */
import { createServer as createHttpServer } from 'node:http'
import { connect, createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'

export interface TestServer {
  /** `127.0.0.1:port`, ready to be a proxy's upstream. */
  readonly address: string
  close(): Promise<void>
}

async function serve(server: Server, sockets: Set<Socket>): Promise<TestServer> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    // Resets are what these tests provoke; the server side just lets them go.
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** Sends every byte straight back; closes its side when the client does. */
export function startEchoServer(): Promise<TestServer> {
  return serve(
    createServer((socket) => socket.pipe(socket)),
    new Set(),
  )
}

/** Answers every request with `pong <path>`. */
export function startHttpServer(): Promise<TestServer> {
  const server = createHttpServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' }).end(`pong ${request.url}`)
  })
  return serve(server, new Set())
}

export interface Probe {
  readonly socket: Socket
  received(): Buffer
  /** How many reads delivered data: slicing shows up as many small ones. */
  dataEvents(): number
  /** Resolves once at least `bytes` bytes in total have arrived. */
  waitForBytes(bytes: number, timeoutMs?: number): Promise<Buffer>
  /** Writes and waits for the echo: the round trip in ms. */
  roundTrip(payload: string): Promise<number>
  /** Settles when the socket closes: the error code (e.g. ECONNRESET), or 'closed'. */
  readonly closed: Promise<string>
}

/** Connects to a proxy's `listen` address; rejects (e.g. ECONNREFUSED) if that fails. */
export function connectProbe(listen: string): Promise<Probe> {
  const port = Number(listen.slice(listen.lastIndexOf(':') + 1))
  const socket = connect({ host: '127.0.0.1', port })
  const chunks: Buffer[] = []
  let size = 0
  let reads = 0
  let waiters: (() => void)[] = []
  let failure: string | undefined
  socket.on('data', (data: Buffer) => {
    chunks.push(data)
    size += data.length
    reads += 1
    for (const wake of waiters) wake()
  })
  const closed = new Promise<string>((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => (failure = error.code ?? error.message))
    socket.on('close', () => {
      resolve(failure ?? 'closed')
      for (const wake of waiters) wake()
    })
  })
  const received = (): Buffer => Buffer.concat(chunks)
  const waitForBytes = (bytes: number, timeoutMs = 3_000): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`only ${size} of ${bytes} bytes after ${timeoutMs} ms`))
      }, timeoutMs)
      const check = (): void => {
        if (size >= bytes) resolve(received())
        else if (socket.destroyed) reject(new Error(`closed after ${size} of ${bytes} bytes`))
        else return
        clearTimeout(timer)
        waiters = waiters.filter((w) => w !== check)
      }
      waiters.push(check)
      check()
    })
  const probe: Probe = {
    socket,
    received,
    dataEvents: () => reads,
    waitForBytes,
    async roundTrip(payload) {
      const started = performance.now()
      const target = size + Buffer.byteLength(payload)
      socket.write(payload)
      await waitForBytes(target)
      return performance.now() - started
    },
    closed,
  }
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(probe))
    socket.once('error', reject)
  })
}
