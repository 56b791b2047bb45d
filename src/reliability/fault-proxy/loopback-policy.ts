/** @module reliability/fault-proxy/loopback-policy — parses `host:port` and refuses anything off loopback, because the project's rules forbid harness traffic to any other address. */
import { BlockList, isIP } from 'node:net'
import { FaultProxyError } from './fault-proxy-error.ts'

export interface HostPort {
  readonly host: string
  readonly port: number
}

const loopback = new BlockList()
loopback.addSubnet('127.0.0.0', 8, 'ipv4')
loopback.addAddress('::1', 'ipv6')

/** 127.0.0.0/8, ::1 (any spelling) or `localhost`; names other than `localhost` are refused, since
 * what they resolve to is outside our control. */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true
  const family = isIP(host)
  if (family === 4) return loopback.check(host, 'ipv4')
  if (family === 6) return loopback.check(host, 'ipv6')
  return false
}

/** Parses `127.0.0.1:5432`, `[::1]:5432` or `localhost:5432`. Port 0 ("any free port") only makes
 * sense for a listen address. */
export function parseLoopbackAddress(
  value: unknown,
  field: string,
  allowPortZero = false,
): HostPort {
  if (typeof value !== 'string') {
    throw new FaultProxyError(`${field} must be a "host:port" string`, 400)
  }
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value)
  const host = match?.[1] ?? match?.[2]
  const port = Number(match?.[3])
  if (host === undefined || port > 65_535 || (port === 0 && !allowPortZero)) {
    throw new FaultProxyError(`${field} "${value}" is not a valid host:port`, 400)
  }
  if (!isLoopbackHost(host)) {
    throw new FaultProxyError(
      `${field} "${value}" is not a loopback address (only 127.0.0.0/8, ::1 and localhost are allowed)`,
      400,
    )
  }
  return { host, port }
}

export function formatAddress({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}
