/** Order fixtures for the engine's tests: a complete, schema-valid normalized order with overrides. */
import type { Order } from '../../schemas/generated/order.ts'

/** A paid Douyin order of 1,500.00 CNY; override any field. */
export function makeOrder(overrides: Partial<Order> = {}): Order {
  return {
    id: 'ord_1',
    platform: 'douyin',
    platformOrderId: '6920000000000000001',
    status: 'paid',
    totalAmount: 150000,
    currency: 'CNY',
    customer: { id: 'c1', name: '张三', phone: '13800000000' },
    shippingAddress: { country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 1 号' },
    items: [{ sku: 'SKU-1', title: '茶叶礼盒', quantity: 1, unitPrice: 150000 }],
    payment: { channel: 'douyin_pay', status: 'paid', paidAt: '2025-01-01T10:00:00.000Z' },
    presale: false,
    tags: [],
    assignedTeam: null,
    holds: [],
    exception: null,
    healthScore: null,
    createdAt: '2025-01-01T09:59:00.000Z',
    updatedAt: '2025-01-01T10:00:00.000Z',
    ...overrides,
  }
}
