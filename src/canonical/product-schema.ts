/** @module canonical/product-schema — the canonical Product (a sellable, stockable item), version 1. */
import { z } from 'zod'
import { CurrencyCode, DecimalString } from './money.ts'
import { SourceRef } from './source-ref.ts'

/** The key every system shares for an item: storefront variant, ERP item and warehouse SKU. */
export const Sku = z
  .string({ error: 'expected the SKU as a string, e.g. "SKU-1"' })
  .min(1, 'a SKU must not be empty: items are matched across systems by it')
  .max(255, 'a SKU is at most 255 characters')
  .refine((sku) => sku.trim() === sku, {
    error: 'a SKU must not start or end with whitespace (" SKU-1" and "SKU-1" would be two items)',
  })

export const ProductPrice = z.strictObject({
  amount: DecimalString,
  currency: CurrencyCode,
})
export type ProductPrice = z.infer<typeof ProductPrice>

export const Product = z.object({
  kind: z.literal('product'),
  schemaVersion: z.literal(1),
  source: SourceRef,
  sku: Sku,
  title: z.string().min(1, 'a product needs a title, as shown to buyers and pickers'),
  /** GTIN / UPC / EAN as printed, kept as text: leading zeros matter. */
  barcode: z
    .string()
    .regex(/^[0-9A-Za-z\-. ]{1,64}$/, {
      error: 'expected a barcode as printed, e.g. "00012345678905" (digits kept as text)',
    })
    .optional(),
  /** The unit stock is counted in, e.g. `EA`, `CS` (case), `KG`. Quantities elsewhere are in it. */
  unitOfMeasure: z
    .string({ error: 'expected the unit of measure, e.g. "EA"' })
    .regex(/^[A-Za-z0-9_-]{1,16}$/, {
      error: 'expected a unit-of-measure code of 1–16 letters or digits, e.g. "EA" or "CS"',
    }),
  price: ProductPrice.optional(),
  /** False when the item may no longer be sold or shipped. */
  active: z.boolean({ error: 'expected `active` as true or false' }),
})
export type Product = z.infer<typeof Product>
