/** @module gateway/lingering-close — close a rejected upload without destroying our own answer.
 *
 * When the gateway answers 413 or 415 mid-upload it closes the connection so the client cannot keep
 * streaming. Closing a socket that still has unread input makes the kernel send a TCP reset, and a
 * reset that reaches the client before it read the response discards the response: the sender sees
 * "connection reset" (and retries) instead of a 413 it can act on. So, like nginx's lingering
 * close, we send the response and our FIN, stop reading, and destroy the socket only after a grace
 * period. Reading stops, so nothing more is buffered meanwhile: the unread bytes stay in the kernel.
 */
import type { Socket } from 'node:net'

const lingering = new WeakSet<Socket>()

export function lingerBeforeClose(socket: Socket, lingerMs: number): void {
  if (lingering.has(socket) || socket.destroyed) return
  lingering.add(socket)
  // Node's HTTP server calls destroySoon() once a `Connection: close` response is written.
  socket.destroySoon = function lingeringDestroySoon(this: Socket): void {
    this.pause()
    // The HTTP server resumes the socket asynchronously to discard the unread request body
    // (`req._dump()`): stay paused, so that body is neither read nor buffered.
    this.on('resume', () => this.pause())
    this.end()
    const timer = setTimeout(() => this.destroy(), lingerMs)
    timer.unref()
    this.once('close', () => clearTimeout(timer))
  }
}
