import { describe, expect, it } from 'vitest'
import example from '../../../examples/douyin-vip-routing.workflow.json' with { type: 'json' }
import type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
import { diffDefinitions } from './diff.ts'

const v1 = example as WorkflowDefinition

describe('version diff', () => {
  it('finds nodes added, removed and changed, and the edges that went with them', () => {
    const v2: WorkflowDefinition = structuredClone(v1)
    v2.nodes = v2.nodes.filter((n) => n.id !== 'tag-special')
    v2.edges = v2.edges.filter((e) => e.target !== 'tag-special')
    v2.nodes.find((n) => n.id === 'assign-vip')!.config = { team: 'gold-service' }
    v2.nodes.push({ id: 'hold-1', type: 'order.hold', position: { x: 0, y: 700 }, config: { pool: 'review' } })
    const diff = diffDefinitions(v1, v2)
    const kind = (id: string) => diff.nodes.find((n) => n.nodeId === id)
    expect(kind('tag-special')).toMatchObject({ kind: 'removed' })
    expect(kind('hold-1')).toMatchObject({ kind: 'added' })
    expect(kind('assign-vip')).toEqual({ nodeId: 'assign-vip', kind: 'changed', fields: ['config'] })
    expect(kind('start')).toMatchObject({ kind: 'unchanged' })
    expect(diff.edges.find((e) => e.edgeId === 'e-presale-tag')).toEqual({ edgeId: 'e-presale-tag', kind: 'removed' })
    expect(diff.sameBehaviour).toBe(false)
  })

  it('calls a version that only moved nodes the same behaviour', () => {
    const moved: WorkflowDefinition = structuredClone(v1)
    moved.nodes[0].position = { x: 500, y: 500 }
    const diff = diffDefinitions(v1, moved)
    expect(diff.nodes.find((n) => n.nodeId === 'start')).toEqual({ nodeId: 'start', kind: 'changed', fields: ['position'] })
    expect(diff.sameBehaviour).toBe(true)
  })

  it('ignores key order inside configs', () => {
    const reordered: WorkflowDefinition = structuredClone(v1)
    const rule = reordered.nodes.find((n) => n.id === 'vip-check')!.config!
    reordered.nodes.find((n) => n.id === 'vip-check')!.config = Object.fromEntries(Object.entries(rule).reverse())
    expect(diffDefinitions(v1, reordered).nodes.every((n) => n.kind === 'unchanged')).toBe(true)
  })
})
