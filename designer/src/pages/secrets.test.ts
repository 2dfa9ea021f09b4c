import { describe, expect, it } from 'vitest'
import { MIN_SECRET_LENGTH as ENGINE_MIN, MAX_SECRET_LENGTH as ENGINE_MAX, SECRET_NAME_PATTERN } from '../../../engine/runtime/secret-vault.ts'
import type { SecretInfo, SecretUse } from '../api/types.ts'
import {
  matchingSecretNames, MAX_SECRET_LENGTH, MIN_SECRET_LENGTH, publishedUses, SECRET_NAME, secretFieldState, secretNameProblem, secretValueProblem, usesByWorkflow,
} from './secrets.ts'

const use = (over: Partial<SecretUse>): SecretUse => ({ workflowId: 'ship', workflowName: '发货通知 WMS', nodeId: 'call', nodeName: '通知仓库', published: true, ...over })
const secret = (name: string, usedBy: SecretUse[] = []): SecretInfo => ({ name, createdAt: '2026-12-01T00:00:00Z', updatedAt: '2026-12-01T00:00:00Z', updatedBy: 'admin', usedBy })

describe('secret names and values', () => {
  it('checks them as the API does', () => {
    expect(SECRET_NAME.source).toBe(SECRET_NAME_PATTERN)
    expect([MIN_SECRET_LENGTH, MAX_SECRET_LENGTH]).toEqual([ENGINE_MIN, ENGINE_MAX])
    expect(secretNameProblem('wms-token')).toBeNull()
    expect(secretNameProblem('')).toBe('secrets.problem.nameEmpty')
    expect(secretNameProblem('has space')).toBe('secrets.problem.name')
    expect(secretNameProblem('-leading')).toBe('secrets.problem.name')
    expect(secretValueProblem('abc')).toBe('secrets.problem.valueShort')
    expect(secretValueProblem('abcd')).toBeNull()
  })
})

describe('where a secret is used', () => {
  it('warns of a delete only for published versions, and lists each workflow once with its nodes', () => {
    const uses = [use({}), use({ nodeId: 'retry', nodeName: null }), use({ workflowId: 'draft', workflowName: '新流程', published: false }), use({ workflowId: 'ship', nodeId: 'call', published: false })]
    expect(publishedUses({ usedBy: uses }).map((u) => u.nodeId)).toEqual(['call', 'retry'])
    expect(usesByWorkflow(uses)).toEqual([
      { workflowId: 'ship', workflowName: '发货通知 WMS', published: true, draftOnly: false, nodes: ['通知仓库', 'retry'] },
      { workflowId: 'draft', workflowName: '新流程', published: false, draftOnly: true, nodes: ['通知仓库'] },
    ])
  })
})

describe('a field naming a secret', () => {
  it('says whether the name is set, not set yet, or cannot be known', () => {
    const list = [secret('wms-token'), secret('dingtalk-robot')]
    expect(secretFieldState('', list)).toEqual({ kind: 'empty' })
    expect(secretFieldState('wms-token', list)).toMatchObject({ kind: 'set', secret: { name: 'wms-token' } })
    expect(secretFieldState(' feishu-bot ', list)).toEqual({ kind: 'notSet', name: 'feishu-bot' })
    expect(secretFieldState('wms-token', null)).toEqual({ kind: 'unknown' })
  })

  it('offers the names matching what is typed, those starting with it first', () => {
    const list = [secret('wms-token'), secret('dingtalk-token'), secret('token-b')]
    expect(matchingSecretNames(list, '')).toEqual(['dingtalk-token', 'token-b', 'wms-token'])
    expect(matchingSecretNames(list, 'TOK')).toEqual(['token-b', 'dingtalk-token', 'wms-token'])
    expect(matchingSecretNames(list, 'sms')).toEqual([])
  })
})
