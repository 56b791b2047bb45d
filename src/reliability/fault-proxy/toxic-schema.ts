/** @module reliability/fault-proxy/toxic-schema — the Toxiproxy toxic types we implement, their attribute defaults, and validation of what a client sends. */
import { FaultProxyError } from './fault-proxy-error.ts'

/** Every attribute of every type, with Toxiproxy's names, units and defaults: latency/jitter and
 * timeouts in ms, rate in KB/s (1 KB = 1000 bytes), slicer delay in µs, limit in bytes. */
export const TOXIC_ATTRIBUTES = {
  latency: { latency: 0, jitter: 0 },
  bandwidth: { rate: 0 },
  timeout: { timeout: 0 },
  reset_peer: { timeout: 0 },
  slicer: { average_size: 0, size_variation: 0, delay: 0 },
  limit_data: { bytes: 0 },
} as const

export type ToxicType = keyof typeof TOXIC_ATTRIBUTES
/** upstream = client → server bytes; downstream = server → client bytes. */
export type ToxicStream = 'upstream' | 'downstream'
export type ToxicAttributes<T extends ToxicType> = {
  readonly [K in keyof (typeof TOXIC_ATTRIBUTES)[T]]: number
}

/** A validated toxic, exactly as the API returns it; `type` narrows `attributes`. */
export type Toxic = {
  [T in ToxicType]: {
    readonly name: string
    readonly type: T
    readonly stream: ToxicStream
    readonly toxicity: number
    readonly attributes: ToxicAttributes<T>
  }
}[ToxicType]

/** What a caller asks for; omitted fields take Toxiproxy's defaults (downstream, toxicity 1,
 * name `<type>_<stream>`, attributes 0). */
export type ToxicSpec = {
  [T in ToxicType]: {
    readonly type: T
    readonly name?: string
    readonly stream?: ToxicStream
    readonly toxicity?: number
    readonly attributes?: Partial<ToxicAttributes<T>>
  }
}[ToxicType]

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function parseToxic(body: unknown): Toxic {
  if (!isRecord(body)) throw new FaultProxyError('bad request body: expected a JSON object', 400)
  const { type, stream = 'downstream' } = body
  if (typeof type !== 'string' || !Object.hasOwn(TOXIC_ATTRIBUTES, type)) {
    throw new FaultProxyError('invalid toxic type', 400)
  }
  const direction = typeof stream === 'string' ? stream.toLowerCase() : ''
  if (direction !== 'upstream' && direction !== 'downstream') {
    throw new FaultProxyError('stream was invalid, can be either upstream or downstream', 400)
  }
  const name = body.name ?? `${type}_${direction}`
  if (typeof name !== 'string' || name === '') {
    throw new FaultProxyError('toxic name must be a non-empty string', 400)
  }
  const base = TOXIC_ATTRIBUTES[type as ToxicType]
  return build(name, type as ToxicType, direction, body.toxicity ?? 1, body.attributes, base)
}

/** Toxiproxy's update changes only attributes (merged over the current ones) and toxicity; name,
 * type and stream are fixed when the toxic is created. */
export function patchToxic(current: Toxic, body: unknown): Toxic {
  if (!isRecord(body)) throw new FaultProxyError('bad request body: expected a JSON object', 400)
  const { name, type, stream, attributes } = current
  return build(name, type, stream, body.toxicity ?? current.toxicity, body.attributes, attributes)
}

function build(
  name: string,
  type: ToxicType,
  stream: ToxicStream,
  toxicity: unknown,
  attributes: unknown,
  base: Readonly<Record<string, number>>,
): Toxic {
  if (typeof toxicity !== 'number' || !(toxicity >= 0 && toxicity <= 1)) {
    throw new FaultProxyError('toxicity must be a number from 0 to 1', 400)
  }
  if (attributes !== undefined && !isRecord(attributes)) {
    throw new FaultProxyError('attributes must be a JSON object', 400)
  }
  const merged: Record<string, number> = { ...base }
  for (const [key, value] of Object.entries(attributes ?? {})) {
    // Toxiproxy ignores unknown attributes; we refuse them, since a misspelt attribute would
    // otherwise leave a test running against a toxic that silently does nothing.
    if (!Object.hasOwn(base, key)) {
      const known = Object.keys(base).join(', ')
      throw new FaultProxyError(`unknown attribute "${key}" for ${type} (known: ${known})`, 400)
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new FaultProxyError(`attribute "${key}" must be a non-negative integer`, 400)
    }
    merged[key] = value
  }
  if (type === 'slicer' && (merged.average_size ?? 0) < 1) {
    throw new FaultProxyError('slicer needs average_size of at least 1 byte', 400)
  }
  return { name, type, stream, toxicity, attributes: merged } as Toxic
}
