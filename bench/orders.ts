/** Order generation for the benchmarks: valid OrderInputs (order-input.schema.json), each with a unique platformOrderId. */
import type { OrderInput } from '../schemas/generated/order-input.ts'

const SKUS = ['CUP-500-WHT', 'TEA-GIFT-BOX', 'PHONE-CASE-X', 'RICE-COOKER-3L', 'SCARF-WOOL-GRY', 'LAMP-DESK-LED']
/** Platform mix by position in a cycle of six: 1/3 Douyin above 1,000.00 CNY, 1/6 Douyin below, 1/3 JD, 1/6 Shopify. */
const MIX = ['douyin-vip', 'jd', 'shopify', 'douyin-vip', 'douyin', 'jd'] as const

let counter = 0
/** A prefix that keeps platformOrderIds unique across processes and runs. */
const runTag = `${process.pid.toString(36)}${Date.now().toString(36)}`

/** One valid order with a unique platformOrderId; timestamps 1–10 minutes before `now`. */
export function makeOrder(now = Date.now()): OrderInput {
  const seq = counter++
  const kind = MIX[seq % MIX.length]
  const platform = kind === 'douyin-vip' ? 'douyin' : kind
  const currency = platform === 'shopify' ? 'USD' : 'CNY'
  const lines = 1 + (seq % 3)
  const items: OrderInput['items'] = []
  for (let i = 0; i < lines; i++) {
    const quantity = 1 + ((seq + i) % 4)
    // Douyin VIP orders: every line at least 1,000.00 CNY, so the total is above 100000 fen.
    const unitPrice = kind === 'douyin-vip' ? 100_100 + ((seq * 7 + i) % 50) * 1000 : 990 + ((seq * 13 + i * 31) % 200) * 50
    items.push({ sku: SKUS[(seq + i) % SKUS.length], quantity, unitPrice })
  }
  const totalAmount = items.reduce((sum, it) => sum + it.quantity * it.unitPrice, 0)
  const created = now - 60_000 - (seq % 540) * 1000
  return {
    platform,
    platformOrderId: `${platform === 'shopify' ? 'SH' : platform === 'jd' ? 'JD' : 'DY'}-${runTag}-${seq}`,
    status: 'paid',
    totalAmount,
    currency,
    customer: { id: `c-${seq % 997}`, name: '张三' },
    items,
    payment: { channel: platform === 'shopify' ? 'card' : 'wechat', status: 'paid', paidAt: new Date(created + 5_000).toISOString() },
    presale: seq % 10 === 7,
    createdAt: new Date(created).toISOString(),
    updatedAt: new Date(created + 30_000).toISOString(),
  }
}

/** `n` fresh orders. */
export function makeOrders(n: number, now = Date.now()): OrderInput[] {
  const out: OrderInput[] = []
  for (let i = 0; i < n; i++) out.push(makeOrder(now))
  return out
}
