/** @module engine/idempotency-key — the stable key of one intended effect. */
import { createHash } from 'node:crypto'

/**
 * hash(tenant, target, operation, business key, version): the same intended effect always gets
 * the same key, so a retry or a replay can never look like a new request to the target.
 */
export function idempotencyKeyFor(parts: {
  tenantId: string
  target: string
  operation: string
  businessKey: string
  version?: string | undefined
}): string {
  const material = [
    parts.tenantId,
    parts.target,
    parts.operation,
    parts.businessKey,
    parts.version ?? '',
  ]
  return createHash('sha256').update(material.join('\u0000')).digest('hex').slice(0, 40)
}
