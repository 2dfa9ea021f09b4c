import { describe, expect, it } from 'vitest'
import { formatMoney } from './message.ts'

describe('amounts in messages', () => {
  it('writes minor units with the currency\'s own ISO 4217 digits', () => {
    expect(formatMoney(129900, 'CNY', 'zh-CN')).toBe('¥1,299.00')
    expect(formatMoney(5, 'USD', 'en')).toBe('USD 0.05')
    expect(formatMoney(1234, 'JPY', 'en')).toBe('JPY 1,234')
    expect(formatMoney(1234, 'KWD', 'en')).toBe('KWD 1.234')
    expect(formatMoney(1500, 'XOF', 'zh-CN')).toBe('1,500 XOF')
    expect(formatMoney(-250, 'CNY', 'en')).toBe('-¥2.50')
  })
})
