// The inventory sync config as data: defaults filled in, and every mistake reported with the fix.
import { describe, expect, it } from 'vitest'
import {
  levelKey,
  parseInventorySyncConfig,
  splitLevelKey,
} from '../../src/flows/inventory/inventory-sync-config.ts'

describe('inventory sync config', () => {
  it('fills in the defaults', () => {
    const config = parseInventorySyncConfig({
      warehouses: { 'WH-EAST': { netsuiteLocation: 'WH-EAST', shopifyLocationId: '655441491' } },
      policy: { assignee: 'ops' },
    })
    expect(config).toEqual({
      warehouses: { 'WH-EAST': { netsuiteLocation: 'WH-EAST', shopifyLocationId: '655441491' } },
      tolerance: [],
      policy: {
        assignee: 'ops',
        autoHeal: ['missing_in_target', 'field_mismatch'],
        maxAutoHealDiff: null,
      },
      pageSize: 200,
    })
  })

  it('says what to fix', () => {
    const attempt = (input: unknown) => () => parseInventorySyncConfig(input)
    expect(attempt({ warehouses: {}, policy: { assignee: 'ops' } })).toThrow(
      /map at least one 3PL warehouse/,
    )
    expect(
      attempt({ warehouses: { W: { shopifyLocationId: 'main' } }, policy: { assignee: 'ops' } }),
    ).toThrow(/warehouses\.W\.shopifyLocationId: shopifyLocationId is the numeric location id/)
    expect(
      attempt({ warehouses: { W: {} }, policy: { assignee: 'ops', autoHeal: ['duplicate'] } }),
    ).toThrow(/may list only missing_in_target and field_mismatch/)
    expect(
      attempt({ warehouses: { W: {} }, policy: {}, tolerance: [{ field: 'onHand', relative: 2 }] }),
    ).toThrow(/policy\.assignee.*tolerance\.0\.relative|tolerance\.0\.relative.*policy\.assignee/)
  })

  it('keys a level by SKU and 3PL warehouse, SKUs with @ included', () => {
    expect(splitLevelKey(levelKey('A@B', 'WH-1'))).toEqual({ sku: 'A@B', warehouse: 'WH-1' })
    expect(() => splitLevelKey('nowarehouse')).toThrow(/sku@warehouse/)
  })
})
