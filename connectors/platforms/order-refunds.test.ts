import { describe, expect, it } from 'vitest'
import { withRefunds } from './order-refunds.ts'

describe('refunds on an order', () => {
  it('makes a paid order refunding while a refund is open', () => {
    expect(withRefunds('shipped', true, ['none', 'open'])).toEqual({ status: 'refunding', paymentStatus: 'paid' })
  })

  it('refunds an order whose every line was refunded', () => {
    expect(withRefunds('paid', true, ['refunded', 'refunded'])).toEqual({ status: 'refunded', paymentStatus: 'refunded' })
  })

  it('keeps the status when only some lines were refunded, and says so in the payment', () => {
    expect(withRefunds('delivered', true, ['refunded', 'none'])).toEqual({ status: 'delivered', paymentStatus: 'partially_refunded' })
  })

  it('leaves an unpaid, cancelled or refunded order as it is', () => {
    expect(withRefunds('pending_payment', false, ['open'])).toEqual({ status: 'pending_payment', paymentStatus: 'unpaid' })
    expect(withRefunds('cancelled', true, ['open'])).toEqual({ status: 'cancelled', paymentStatus: 'paid' })
    expect(withRefunds('refunded', true, ['none'])).toEqual({ status: 'refunded', paymentStatus: 'refunded' })
  })
})
