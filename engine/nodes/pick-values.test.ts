import { describe, expect, it } from 'vitest'
import example from '../../examples/douyin-vip-routing.workflow.json' with { type: 'json' }
import type { WorkflowDefinition } from '../../schemas/generated/workflow.ts'
import { builtinNodes } from './index.ts'
import { collectDefinitionPickValues, emptyPickValues } from './pick-values.ts'
import { pickListOf } from './schema-fragments.ts'

const manifestOf = (type: string) => builtinNodes.find((m) => m.manifest.type === type)?.manifest
const field = (type: string, ...path: string[]) => path.reduce<any>((s, k) => s?.properties?.[k] ?? s?.[k], manifestOf(type)!.configSchema)

describe('pick-list fields', () => {
  it('marks the team of an assignment, the pool of a hold and every tag a node adds or removes', () => {
    expect(pickListOf(field('order.assign', 'team'))).toBe('teams')
    expect(pickListOf(field('order.hold', 'pool'))).toBe('pools')
    expect(pickListOf(field('order.tag', 'add').items)).toBe('tags')
    expect(pickListOf(field('order.tag', 'remove').items)).toBe('tags')
    expect(pickListOf(field('rule.set', 'tags').items)).toBe('tags')
    expect(pickListOf(field('order.hold', 'reason'))).toBeNull()
    expect(pickListOf({ $comment: 'jsonlogic' })).toBeNull()
    expect(pickListOf({ $comment: 'pick:planets' })).toBeNull()
  })

  it('gathers the values a flow uses from its node configs', () => {
    const flow = structuredClone(example) as WorkflowDefinition
    flow.nodes.push({ id: 'hold', type: 'order.hold', position: { x: 0, y: 0 }, config: { pool: 'risk', reason: 'not a pool' } })
    flow.nodes.push({ id: 'ghost', type: 'no.such-type', position: { x: 0, y: 0 }, config: { team: 'ignored' } })
    const values = emptyPickValues()
    collectDefinitionPickValues(flow, manifestOf, values)
    expect([...values.teams]).toEqual(['vip-service'])
    expect([...values.pools]).toEqual(['risk'])
    expect([...values.tags].sort()).toEqual(['special-fulfillment', 'vip'])
    expect([...values.exceptionTypes]).toEqual([])
  })
})
