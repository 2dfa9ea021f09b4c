import { describe, expect, it } from 'vitest'
import { answerRows } from './answers.ts'
import { formErrorTransformer, formSchema, formUiSchema } from './task-form.ts'

const refundForm = {
  type: 'object', required: ['refundFen', 'reason'],
  properties: {
    refundFen: { type: 'integer', minimum: 1, title: 'Refund', $comment: 'money' },
    reason: { type: 'string', enum: ['damaged', 'late'], title: 'Reason' },
    note: { type: 'string', title: 'Note' },
  },
  i18n: {
    'zh-CN': { fields: { '/refundFen': { title: '退款金额', description: '按元填写' }, '/reason': { title: '原因', enum: { damaged: '商品破损', late: '发货超时' } } } },
  },
}

describe('a task\'s form in the operator\'s language', () => {
  it('labels fields and choices from the form\'s own translations, and draws money in yuan', () => {
    const ui = formUiSchema(refundForm, 'zh-CN')
    expect(ui.refundFen).toEqual({ 'ui:title': '退款金额', 'ui:description': '按元填写', 'ui:field': 'money' })
    expect(ui.reason).toEqual({ 'ui:title': '原因', 'ui:enumNames': ['商品破损', '发货超时'] })
    expect(ui['ui:submitButtonOptions']).toEqual({ norender: true })
    // English has no translations here: the schema's own titles stand.
    expect(formUiSchema(refundForm, 'en').refundFen).toEqual({ 'ui:field': 'money' })
  })

  it('hands rjsf the schema without the translations', () => {
    expect(formSchema(refundForm)).not.toHaveProperty('i18n')
    expect(formSchema(refundForm).properties).toBe(refundForm.properties)
  })

  it('says a missing answer and a wrong type in words, and a money text that is no amount as such', () => {
    const transform = formErrorTransformer(refundForm, 'zh-CN')
    const [money, note] = transform([
      { name: 'type', property: '.refundFen', message: '应当是 integer 类型', params: { type: 'integer' }, schemaPath: '#/properties/refundFen/type', stack: '.refundFen 应当是 integer 类型' },
      { name: 'type', property: '.note', message: '应当是 string 类型', params: { type: 'string' }, schemaPath: '#/properties/note/type', stack: '' },
    ])
    expect(money.message).toBe('不是有效的金额（例如 6500 或 6,500.00）')
    expect(note.message).toBe('必须是文本')
    expect(transform([{ name: 'required', property: '.reason', message: '应当有必需属性 reason', stack: '' }])[0].message).toBe('必填')
    const other = { name: 'minimum', message: '应当 >= 1', stack: '' }
    expect(transform([other])[0]).toBe(other)
  })

  it('shows the answers by their labels, money in yuan and choices by their names', () => {
    expect(answerRows(refundForm, { refundFen: 650000, reason: 'damaged', extra: { a: 1 } }, 'zh-CN')).toEqual([
      { key: 'refundFen', label: '退款金额', value: '¥6,500.00' },
      { key: 'reason', label: '原因', value: '商品破损' },
      { key: 'extra', label: 'extra', value: '{"a":1}' },
    ])
    expect(answerRows(refundForm, { refundFen: 650000 }, 'en')).toEqual([{ key: 'refundFen', label: 'Refund', value: 'CN¥6,500.00' }])
  })
})
