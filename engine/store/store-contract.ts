/**
 * The contract every Store implementation must pass (SQLite now, PostgreSQL later): call
 * `describeStoreContract` from the implementation's test file. Each test gets a fresh, empty store.
 */
import { afterEach, beforeEach, describe } from 'vitest'
import type { Store } from './store.ts'
import { describeAccessAndUpkeepContract } from './contract/access-upkeep.contract.ts'
import { describeOrderListingContract } from './contract/order-listing.contract.ts'
import { describeOrderValuesContract } from './contract/order-values.contract.ts'
import { describeOrderIngestContract } from './contract/orders.contract.ts'
import { describeRunContract } from './contract/runs.contract.ts'
import { describeWorkflowContract } from './contract/workflows.contract.ts'
import { describeShopContract } from './contract/shops.contract.ts'

/** Registers the Store contract suite; `makeStore` must return an empty store, `cleanup` disposes of it (default: close). */
export function describeStoreContract(
  name: string,
  makeStore: () => Promise<Store>,
  cleanup?: (s: Store) => Promise<void>,
): void {
  describe(`Store contract: ${name}`, () => {
    let current: Store | null = null
    const store = (): Store => {
      if (!current) throw new Error('the store is only available inside a test')
      return current
    }

    beforeEach(async () => {
      current = await makeStore()
    })
    afterEach(async () => {
      const s = current
      current = null
      if (s) await (cleanup ? cleanup(s) : s.close())
    })

    describeOrderIngestContract(store)
    describeOrderListingContract(store)
    describeOrderValuesContract(store)
    describeRunContract(store)
    describeWorkflowContract(store)
    describeShopContract(store)
    describeAccessAndUpkeepContract(store)
  })
}
