/** @module canonical/source-ref — where a canonical object came from, and which version of it. */
import { z } from 'zod'

/** Identifiers stay strings: int64 ids from sources (Shopify's) must never pass through a JS number. */
export const ExternalId = z.string().min(1).max(255)

export const SourceRef = z.object({
  /** The system of record the object was read from, e.g. `shopify`. */
  system: z.string().min(1),
  /** The object's id in that system, exact. */
  id: ExternalId,
  /** The source's version marker: `updated_at`, a version number or an ETag. Orders stale updates. */
  version: z.string().min(1).optional(),
})
export type SourceRef = z.infer<typeof SourceRef>

export const Address = z.object({
  name: z.string().optional(),
  company: z.string().optional(),
  line1: z.string().optional(),
  line2: z.string().optional(),
  city: z.string().optional(),
  region: z.string().optional(),
  postalCode: z.string().optional(),
  countryCode: z.string().length(2).optional(),
  phone: z.string().optional(),
})
export type Address = z.infer<typeof Address>
