/** @module sandbox/netsuite/netsuite-suiteql-tables — the SuiteQL tables the simulator serves, as columns over the stored records. */

import { storedDay } from './netsuite-suiteql-dates.ts'
import type { SqlDate } from './netsuite-suiteql-dates.ts'
import type { NetSuiteRecordStore, RecordType, StoredRecord } from './netsuite-record-store.ts'
import type { NetSuiteStock, StockLevel } from './netsuite-stock.ts'
import { LEDGER_TABLES } from './netsuite-suiteql-ledger-tables.ts'

export type SqlValue = string | number | SqlDate | null

/** One result row before projection: a column name (lower case) → its value. */
export type SqlRow = (column: string) => SqlValue

export interface ScanContext {
  readonly store: NetSuiteRecordStore
  readonly stock: NetSuiteStock
}

export interface SuiteQlTable {
  readonly name: string
  /** Column names in `SELECT *` order. */
  readonly columns: readonly string[]
  /** Whether `name` is a column (including custom fields the table accepts by prefix). */
  has(name: string): boolean
  /** Rows in internal-id order; `types` narrows `transaction` to those `type` codes. */
  scan(ctx: ScanContext, types?: ReadonlySet<string>): SqlRow[]
}

interface TableDef<T> {
  readonly name: string
  readonly columns: Readonly<Record<string, (row: T) => SqlValue>>
  /** Custom fields (`custbody_…`) read straight from the record under that name. */
  readonly customPrefix?: string
  readonly customOf?: (row: T, name: string) => SqlValue
  readonly rows: (ctx: ScanContext, types?: ReadonlySet<string>) => T[]
}

function table<T>(def: TableDef<T>): SuiteQlTable {
  const isCustom = (name: string): boolean =>
    def.customPrefix !== undefined && name.startsWith(def.customPrefix)
  return {
    name: def.name,
    columns: Object.keys(def.columns),
    has: (name) => name in def.columns || isCustom(name),
    scan: (ctx, types) =>
      def.rows(ctx, types).map((row) => (column: string) => {
        const read = def.columns[column]
        if (read) return read(row)
        return isCustom(column) && def.customOf ? def.customOf(row, column) : null
      }),
  }
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null
const flag = (value: unknown): string => (value === true ? 'T' : 'F')
const refId = (value: unknown): number | null => {
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : null
  return typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : null
}
const stamp = (ms: number): SqlDate => ({ ms, type: 'datetime' })
const scalar = (value: unknown): SqlValue =>
  typeof value === 'string' || typeof value === 'number' ? value : null

/** NetSuite's transaction type codes for the record types the simulator has. */
export const TRANSACTION_TYPES: Readonly<Record<string, RecordType>> = {
  SalesOrd: 'salesOrder',
  CustInvc: 'invoice',
  CustCred: 'creditMemo',
  ItemShip: 'itemFulfillment',
  Journal: 'journalEntry',
}
const codeOf = (type: RecordType): string =>
  Object.entries(TRANSACTION_TYPES).find(([, t]) => t === type)?.[0] ?? type

const common = {
  id: (r: StoredRecord) => Number(r.id),
  externalid: (r: StoredRecord) => r.externalId,
  lastmodifieddate: (r: StoredRecord) => stamp(r.lastModifiedDate),
}

const customer = table<StoredRecord>({
  name: 'customer',
  columns: {
    ...common,
    entityid: (r) => text(r.fields.entityId),
    companyname: (r) => text(r.fields.companyName),
    firstname: (r) => text(r.fields.firstName),
    lastname: (r) => text(r.fields.lastName),
    email: (r) => text(r.fields.email),
    phone: (r) => text(r.fields.phone),
    isperson: (r) => flag(r.fields.isPerson),
    isinactive: (r) => flag(r.fields.isInactive),
    datecreated: (r) => stamp(r.dateCreated),
  },
  customPrefix: 'custentity',
  customOf: (r, name) => scalar(r.fields[name]),
  rows: (ctx) => ctx.store.list('customer'),
})

const transaction = table<StoredRecord>({
  name: 'transaction',
  columns: {
    ...common,
    tranid: (r) => text(r.fields.tranId),
    type: (r) => codeOf(r.type),
    trandate: (r) => storedDay(r.fields.tranDate) ?? { ms: r.dateCreated, type: 'date' },
    entity: (r) => refId(r.fields.entity),
    otherrefnum: (r) => text(r.fields.otherRefNum),
    memo: (r) => text(r.fields.memo),
    createdfrom: (r) => refId(r.fields.createdFrom),
    foreigntotal: (r) => num(r.fields.total),
    createddate: (r) => stamp(r.dateCreated),
  },
  customPrefix: 'custbody',
  customOf: (r, name) => scalar(r.fields[name]),
  rows: (ctx, types) => {
    const wanted = Object.entries(TRANSACTION_TYPES)
      .filter(([code]) => types === undefined || types.has(code))
      .map(([, type]) => type)
    const rows = wanted.flatMap((type) => ctx.store.list(type))
    return wanted.length > 1 ? rows.sort((a, b) => Number(a.id) - Number(b.id)) : rows
  },
})

interface LineRow {
  readonly transaction: StoredRecord
  readonly line: Readonly<Record<string, unknown>>
  readonly index: number
}

/**
 * The item lines of the transactions with an item sublist, one row each. NetSuite's table also
 * holds a main line per transaction (`mainline = 'T'`) and signs quantities by direction; the
 * simulator serves item lines only, with the quantities as entered.
 */
const transactionLine = table<LineRow>({
  name: 'transactionline',
  columns: {
    id: (r) => r.index + 1,
    transaction: (r) => Number(r.transaction.id),
    linesequencenumber: (r) => (typeof r.line.line === 'number' ? r.line.line : r.index + 1),
    mainline: () => 'F',
    item: (r) => refId(r.line.item),
    quantity: (r) => num(r.line.quantity),
    rate: (r) => num(r.line.rate),
    netamount: (r) => num(r.line.amount),
    memo: (r) => text(r.line.description),
  },
  rows: (ctx) =>
    Object.values(TRANSACTION_TYPES)
      .flatMap((type) => ctx.store.list(type))
      .sort((a, b) => Number(a.id) - Number(b.id))
      .flatMap((transaction) => {
        const sublist = transaction.fields.item as { items?: unknown } | undefined
        const items = Array.isArray(sublist?.items) ? (sublist.items as unknown[]) : []
        return items.flatMap((line, index) =>
          typeof line === 'object' && line !== null
            ? [{ transaction, line: line as Record<string, unknown>, index }]
            : [],
        )
      }),
})

const item = table<StoredRecord>({
  name: 'item',
  columns: {
    ...common,
    itemid: (r) => text(r.fields.itemId),
    displayname: (r) => text(r.fields.displayName),
    itemtype: () => 'InvtPart',
    isinactive: (r) => flag(r.fields.isInactive),
    createddate: (r) => stamp(r.dateCreated),
    totalquantityonhand: () => null,
  },
  customPrefix: 'custitem',
  customOf: (r, name) => scalar(r.fields[name]),
  rows: (ctx) => ctx.store.list('inventoryItem'),
})

/** `item` with its stock total, which needs the locations: built per scan. */
const itemWithStock: SuiteQlTable = {
  ...item,
  scan: (ctx, types) => {
    const locations = ctx.store.list('location')
    return item.scan(ctx, types).map((row) => (column: string) => {
      if (column !== 'totalquantityonhand') return row(column)
      const id = row('id')
      if (typeof id !== 'number') return null
      return ctx.stock.levels(String(id), locations).reduce((s, l) => s + l.level.quantityOnHand, 0)
    })
  },
}

interface StockRow {
  readonly item: StoredRecord
  readonly location: StoredRecord
  readonly level: StockLevel
}

const inventoryItemLocations = table<StockRow>({
  name: 'inventoryitemlocations',
  columns: {
    item: (r) => Number(r.item.id),
    location: (r) => Number(r.location.id),
    quantityonhand: (r) => r.level.quantityOnHand,
    quantitycommitted: (r) => r.level.quantityCommitted,
    quantityavailable: (r) => r.level.quantityAvailable,
    quantitybackordered: (r) => r.level.quantityBackOrdered,
  },
  rows: (ctx) => {
    const locations = ctx.store.list('location')
    return ctx.store
      .list('inventoryItem')
      .flatMap((i) => ctx.stock.levels(i.id, locations).map((l) => ({ item: i, ...l })))
  },
})

const location = table<StoredRecord>({
  name: 'location',
  columns: {
    ...common,
    name: (r) => text(r.fields.name),
    isinactive: (r) => flag(r.fields.isInactive),
  },
  rows: (ctx) => ctx.store.list('location'),
})

export const SUITEQL_TABLES: ReadonlyMap<string, SuiteQlTable> = new Map(
  [
    customer,
    transaction,
    transactionLine,
    itemWithStock,
    inventoryItemLocations,
    location,
    ...LEDGER_TABLES,
  ].map((t) => [t.name, t]),
)
