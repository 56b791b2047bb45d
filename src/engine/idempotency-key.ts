/** @module engine/idempotency-key — the stable key of one intended effect. */
import { createHash } from 'node:crypto'

/**
 * hash(tenant, target, operation, business key, version[, replay scope]): the same intended effect
 * always gets the same key, so a retry or a redrive can never look like a new request to the target.
 */
export function idempotencyKeyFor(parts: {
  tenantId: string
  target: string
  operation: string
  businessKey: string
  version?: string | undefined
  /** A forced replay's scope: the same effect on purpose once more, so a key the target has not seen. */
  scope?: string | null | undefined
}): string {
  const material = [
    parts.tenantId,
    parts.target,
    parts.operation,
    parts.businessKey,
    parts.version ?? '',
  ]
  // Appended only when set, so every key made before scopes existed stays the same.
  if (parts.scope !== undefined && parts.scope !== null) material.push(`scope:${parts.scope}`)
  return createHash('sha256').update(material.join('\u0000')).digest('hex').slice(0, 40)
}
