/** @module flows/inventory/inventory-sync-config — where each warehouse's stock goes (NetSuite location, Shopify location) and the reconciliation knobs, as validated data. */
import { z } from 'zod'
import { HealPolicy } from '../../reconciliation/heal-policy.ts'
import { ToleranceRules } from '../../reconciliation/tolerance-rules.ts'

export const WarehouseMapping = z
  .object({
    /** The NetSuite location's external id, e.g. `WH-EAST`; absent: NetSuite is not told. */
    netsuiteLocation: z
      .string()
      .min(1, 'netsuiteLocation is the location\'s external id in NetSuite, e.g. "WH-EAST"')
      .optional(),
    /** The Shopify location's numeric id, e.g. `655441491`; absent: Shopify is not told. */
    shopifyLocationId: z
      .string()
      .regex(/^\d+$/, 'shopifyLocationId is the numeric location id, e.g. "655441491"')
      .optional(),
  })
  .strict()
export type WarehouseMapping = z.infer<typeof WarehouseMapping>

export const InventorySyncConfig = z
  .object({
    /** 3PL warehouse id → where its on-hand is mirrored. */
    warehouses: z
      .record(z.string().min(1), WarehouseMapping)
      .refine((w) => Object.keys(w).length > 0, {
        message:
          'map at least one 3PL warehouse, e.g. {"WH-EAST": {"netsuiteLocation": "WH-EAST"}}',
      }),
    /** Per-field tolerances of the periodic reconciliation; default exact. */
    tolerance: ToleranceRules.default([]),
    /** Which breaks are healed automatically and who owns the rest. */
    policy: HealPolicy.refine(
      (p) => p.autoHeal.every((c) => c === 'missing_in_target' || c === 'field_mismatch'),
      {
        message:
          'policy.autoHeal for inventory may list only missing_in_target and field_mismatch: the other classes have no 3PL level to set',
      },
    ),
    /** Rows per reconciliation request; each side caps it at its API's page limit. */
    pageSize: z.int().positive('pageSize is a positive number of rows, e.g. 200').default(200),
  })
  .strict()
export type InventorySyncConfig = z.infer<typeof InventorySyncConfig>

/** Parses the config or throws one message listing every field to fix. */
export function parseInventorySyncConfig(input: unknown): InventorySyncConfig {
  const parsed = InventorySyncConfig.safeParse(input)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map(
    (i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`,
  )
  throw new Error(`inventory sync config is invalid — ${problems.join('; ')}`)
}

/** The stock key both the sync and reconciliation use: `<sku>@<3PL warehouse>`. */
export const levelKey = (sku: string, warehouse: string): string => `${sku}@${warehouse}`

export function splitLevelKey(key: string): { sku: string; warehouse: string } {
  const at = key.lastIndexOf('@')
  if (at <= 0) throw new Error(`not a stock key (sku@warehouse): ${JSON.stringify(key)}`)
  return { sku: key.slice(0, at), warehouse: key.slice(at + 1) }
}
