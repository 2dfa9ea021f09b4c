import { describe, expect, it } from 'vitest'
import { toErrorDetails, validators } from '../../../schemas/index.ts'
import { SAMPLE_ORDER } from '../rules/sample-order.ts'
import { orderAsInput } from './RecentOrderPicker.tsx'

describe('a recent order as the dry run\'s sample', () => {
  it('is the stored order without what Ordo owns, a valid order input', () => {
    const stored = { ...SAMPLE_ORDER, assignedTeam: 'vip-service', holds: [{ pool: 'risk', at: '2025-03-08T02:21:40.000Z' }], healthScore: { score: 80, band: 'healthy' as const, facts: [] } }
    const input = orderAsInput(stored)
    expect(validators.orderInput(input), JSON.stringify(toErrorDetails(validators.orderInput.errors))).toBe(true)
    expect(input).toMatchObject({ platform: 'douyin', platformOrderId: SAMPLE_ORDER.platformOrderId, totalAmount: 200000, tags: ['new_customer'] })
    expect(input).not.toHaveProperty('assignedTeam')
    expect(input).not.toHaveProperty('holds')
  })
})
