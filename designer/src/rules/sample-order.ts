/** The order the "Try it" tab starts from: a valid normalized Douyin order of 2,000.00 CNY. */
import type { Order } from '../../../schemas/generated/order.ts'
import type { OrderInput } from '../../../schemas/generated/order-input.ts'

/** A paid, in-stock Douyin order of 2,000.00 CNY (200000 fen), not a presale, tagged `new_customer`. */
export const SAMPLE_ORDER: Order = {
  id: 'ord_01JSAMPLE0000000000000001',
  platform: 'douyin',
  platformOrderId: '6937154102938475621',
  status: 'paid',
  totalAmount: 200000,
  currency: 'CNY',
  customer: { id: 'dy_u_88231907', name: '李娜', phone: '13912345678', email: 'lina@example.com' },
  shippingAddress: {
    country: 'CN', province: '广东省', city: '深圳市', district: '南山区',
    street: '粤海街道', detail: '科技园南区 8 栋 1203', postalCode: '518057',
  },
  items: [
    { sku: 'TEA-LJ-250', platformSkuId: '1782233409', title: '西湖龙井 明前特级 250g 礼盒', quantity: 2, unitPrice: 68000 },
    { sku: 'CUP-GLS-01', platformSkuId: '1782233517', title: '双层玻璃茶杯', quantity: 1, unitPrice: 64000 },
  ],
  payment: { channel: 'douyin_pay', status: 'paid', paidAt: '2025-03-08T10:21:37+08:00' },
  presale: false,
  tags: ['new_customer'],
  assignedTeam: null,
  holds: [],
  exception: null,
  healthScore: null,
  createdAt: '2025-03-08T10:20:05+08:00',
  updatedAt: '2025-03-08T10:21:40+08:00',
}

/** The same order as a platform would send it to Ordo (POST /api/orders, a dry run): without the fields Ordo owns. */
export function sampleOrderInput(order: Order = SAMPLE_ORDER): OrderInput {
  const { id: _id, assignedTeam: _team, holds: _holds, healthScore: _health, ...input } = order
  return input as OrderInput
}
