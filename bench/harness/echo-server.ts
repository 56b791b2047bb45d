/** @module bench/harness/echo-server — a bare node:http server that answers every POST with its
 * body, in its own process as the hub runs in its own: the HTTP round trip with no work behind
 * it, the floor under any webhook endpoint's latency and the ceiling over its rate.
 */
import { spawn } from 'node:child_process'
import { freePort } from './hub-process.ts'

export interface EchoServer {
  readonly url: string
  stop(): void
}

const SERVER = (port: number): string =>
  `require('node:http').createServer((q,s)=>{const c=[];q.on('data',d=>c.push(d));q.on('end',()=>{s.writeHead(200,{'content-type':'application/json'});s.end(Buffer.concat(c))})}).listen(${port},'127.0.0.1',()=>process.stdout.write('up\\n'))`

export async function startEchoServer(): Promise<EchoServer> {
  const port = await freePort()
  const child = spawn(process.execPath, ['-e', SERVER(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve())
    child.once('exit', (code) => reject(new Error(`the echo server exited with ${code}`)))
  })
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') }
}
