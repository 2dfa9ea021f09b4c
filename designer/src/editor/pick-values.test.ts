import { describe, expect, it } from 'vitest'
import example from '../../../examples/douyin-vip-routing.workflow.json' with { type: 'json' }
import { builtinNodes } from '../../../engine/nodes/index.ts'
import type { WorkflowDefinition } from '../api/types.ts'
import { matchingValues, mergeWithDefinition } from './pick-values.ts'

const manifests = builtinNodes.map((m) => m.manifest)

describe('values offered in a pick list', () => {
  it('are those in use on the server and on the canvas, each once, sorted', () => {
    const flow = structuredClone(example) as WorkflowDefinition
    flow.nodes.push({ id: 'a2', type: 'order.assign', position: { x: 0, y: 0 }, config: { team: 'after-sales' } })
    expect(mergeWithDefinition(['vip-service', 'gold-service'], 'teams', flow, manifests)).toEqual(['after-sales', 'gold-service', 'vip-service'])
    expect(mergeWithDefinition([], 'tags', flow, manifests)).toEqual(['special-fulfillment', 'vip'])
  })
})

describe('values matching what was typed', () => {
  const teams = ['after-sales', 'gold-service', 'vip-service']

  it('offers those containing the text first, then those a typo away', () => {
    expect(matchingValues(teams, 'service')).toEqual(['gold-service', 'vip-service'])
    expect(matchingValues(teams, 'vip-servcie')).toEqual(['vip-service'])
    expect(matchingValues(teams, 'VIP')).toEqual(['vip-service'])
  })

  it('offers every value for no text, and none for text far from all', () => {
    expect(matchingValues(teams, ' ')).toEqual(teams)
    expect(matchingValues(teams, 'night-shift')).toEqual([])
  })
})
