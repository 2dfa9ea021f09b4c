import { describe, expect, it } from 'vitest'
import { changedVariables, draftFromVariables, readJsonObject, variablesFromDraft } from './retry-variables.ts'

describe('the retry variables form', () => {
  it('starts from the run\'s values: one input per text, number or true/false variable, JSON for the rest', () => {
    const draft = draftFromVariables({ divisor: 0, note: '按件分摊', urgent: false, skus: ['A', 'B'], missing: null })
    expect(draft.fields).toEqual([
      { name: 'divisor', kind: 'number', text: '0' },
      { name: 'note', kind: 'text', text: '按件分摊' },
      { name: 'urgent', kind: 'boolean', text: 'false' },
    ])
    expect(JSON.parse(draft.rest)).toEqual({ skus: ['A', 'B'], missing: null })
    expect(draftFromVariables({ divisor: 0 }).rest).toBe('')
  })

  it('reads the form back with each value keeping its type', () => {
    const draft = draftFromVariables({ divisor: 0, note: 'x', urgent: false, skus: ['A'] })
    draft.fields[0].text = '2'
    draft.fields[2].text = 'true'
    expect(variablesFromDraft(draft)).toEqual({ ok: true, value: { divisor: 2, note: 'x', urgent: true, skus: ['A'] } })
  })

  it('names a number field that holds no number, and JSON that is no object', () => {
    expect(variablesFromDraft({ fields: [{ name: 'divisor', kind: 'number', text: 'two' }], rest: '' })).toEqual({ ok: false, error: { kind: 'notNumber', name: 'divisor' } })
    expect(variablesFromDraft({ fields: [{ name: 'divisor', kind: 'number', text: ' ' }], rest: '' })).toEqual({ ok: false, error: { kind: 'notNumber', name: 'divisor' } })
    expect(readJsonObject('[1]')).toEqual({ ok: false, error: { kind: 'notObject' } })
    expect(readJsonObject('{')).toMatchObject({ ok: false, error: { kind: 'notJson' } })
    expect(readJsonObject('')).toEqual({ ok: true, value: {} })
  })

  it('sends only what changed, new variables included', () => {
    expect(changedVariables({ divisor: 0, note: 'x', skus: ['A'] }, { divisor: 2, note: 'x', skus: ['A'], extra: true })).toEqual({ divisor: 2, extra: true })
    expect(changedVariables({ divisor: 0 }, { divisor: 0 })).toEqual({})
  })
})
