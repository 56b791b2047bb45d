/** @module canonical/customer-schema — the canonical Customer, version 1. */
import { z } from 'zod'
import { Address, SourceRef } from './source-ref.ts'

export const Customer = z.object({
  kind: z.literal('customer'),
  schemaVersion: z.literal(1),
  source: SourceRef,
  email: z.email().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  companyName: z.string().optional(),
  phone: z.string().optional(),
  defaultAddress: Address.optional(),
})
export type Customer = z.infer<typeof Customer>

/** Display name for systems that require one (NetSuite's `companyName` / person names). */
export function customerDisplayName(customer: Customer): string {
  const person = [customer.firstName, customer.lastName].filter(Boolean).join(' ')
  return customer.companyName ?? (person || customer.email || `Customer ${customer.source.id}`)
}
