/** @module canonical — the versioned canonical model every connector maps to and from. */
export { Customer, customerDisplayName } from './customer-schema.ts'
export { Order, OrderLine, ORDER_FINANCIAL_STATUSES } from './order-schema.ts'
export { addDecimals, multiplyDecimal, CurrencyCode, DecimalString } from './money.ts'
export { Address, ExternalId, SourceRef } from './source-ref.ts'
export { Product, ProductPrice, Sku } from './product-schema.ts'
export { InventoryLevel, Quantity } from './inventory-level-schema.ts'
export { Shipment, ShipmentLine } from './shipment-schema.ts'
export { Invoice, InvoiceLine, INVOICE_STATUSES } from './invoice-schema.ts'
