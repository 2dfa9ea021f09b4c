/**
 * A second Ordo process taking stock from the same SQLite file: opens the store, says `ready`, waits
 * for `go` on stdin, then reserves one unit of a SKU `count` times under keys of its own and prints
 * how many it got. Used by test/stock-processes.test.ts.
 */
import { openSqliteStore } from '../../engine/store/sqlite/sqlite-store.ts'

const [path, sku, name, countText] = process.argv.slice(2)
const store = openSqliteStore({ path: path! })
process.stdout.write('ready\n')
process.stdin.once('data', async () => {
  let reserved = 0
  let short = 0
  for (let i = 0; i < Number(countText); i++) {
    const outcome = await store.reserveStock({ idempotencyKey: `${name}:${i}`, orderId: `ord_${name}_${i}`, runId: `run_${name}_${i}`, source: `run:${name}`, lines: [{ sku: sku!, quantity: 1 }] }, Date.now())
    if (outcome.outcome === 'reserved') reserved += 1
    else short += 1
  }
  await store.close()
  process.stdout.write(`${JSON.stringify({ reserved, short })}\n`)
  process.exit(0)
})
