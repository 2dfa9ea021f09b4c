import { describe, expect, it } from 'vitest'
import { createEditorStore } from './store.ts'
import { firstUnapplied, refusalToSave } from './unapplied.ts'

describe('JSON text the flow does not have yet', () => {
  it('is kept per box until it parses, and forgotten when another flow is loaded', () => {
    const store = createEditorStore()
    store.getState().setUnapplied('definition', { where: 'definition', text: '{ "id": ', kind: 'syntax' })
    store.getState().setUnapplied('ordo://rules/x.json', { where: 'rule', nodeId: 'vip-check', text: '{', kind: 'syntax' })
    expect(firstUnapplied(store.getState().unapplied)?.where).toBe('definition')
    store.getState().setUnapplied('definition', null)
    expect(firstUnapplied(store.getState().unapplied)).toMatchObject({ where: 'rule', nodeId: 'vip-check' })
    store.getState().load({ id: 'f', name: 'F', nodes: [], edges: [] })
    expect(firstUnapplied(store.getState().unapplied)).toBeNull()
  })

  it('is why a save refuses, said where and what in the operator\'s language', () => {
    const entry = { where: 'definition' as const, text: '{ "nodes": [ { "id": "a" ', kind: 'syntax' as const }
    const zh = refusalToSave(entry, 'zh-CN')
    expect(zh).toMatch(/^没有保存：JSON 页中的修改尚未生效。JSON 语法错误（第 1 行第 \d+ 列）：.+。请改正/)
    expect(zh).not.toMatch(/Expected|position/)
    expect(refusalToSave({ where: 'rule', nodeId: 'vip-check', text: '{}', kind: 'notObject' }, 'en')).toContain('the rule of node vip-check')
  })
})
