import { describe, expect, it } from 'vitest'
import { secretReferences } from './secret-references.ts'
import { builtinNodeTypes } from '../runtime/node-catalog.ts'
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'

const manifestOf = (type: string) => builtinNodeTypes.find((m) => m.manifest.type === type)?.manifest

describe('secret references', () => {
  it('finds secret-name fields and {{secret.x}} in templates, with their pointers', () => {
    const def: WorkflowDefinition = {
      id: 'w', name: 'w', edges: [],
      nodes: [{ id: 'call', type: 'http.request', position: { x: 0, y: 0 }, config: { url: 'https://wms.example.com/x', headers: { Authorization: 'Bearer {{secret.wms-token}}' } } }],
    }
    expect(secretReferences(def, manifestOf)).toEqual([{ nodeId: 'call', name: 'wms-token', pointer: '/config/headers/Authorization' }])
  })

  it('reads a channel\'s config through the schema of the connector it goes through', () => {
    const def: WorkflowDefinition = {
      id: 'w', name: 'w', edges: [],
      nodes: [{
        id: 'ask', type: 'human.approval', position: { x: 0, y: 0 },
        config: { title: 'OK?', assignees: { roles: ['approver'] }, channels: [{ via: 'notify.im', config: { platform: 'dingtalk', webhook: 'dingtalk-robot', signingSecret: 'dingtalk-sign' } }] },
      }],
    }
    const refs = secretReferences(def, manifestOf).map((r) => `${r.name} ${r.pointer}`)
    expect(refs).toEqual(['dingtalk-robot /config/channels/0/config/webhook', 'dingtalk-sign /config/channels/0/config/signingSecret'])
  })
})
