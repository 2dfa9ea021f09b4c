import { describe, expect, it } from 'vitest'
import { builtinNodes } from '../../../engine/nodes/index.ts'
import example from '../../../examples/douyin-vip-routing.workflow.json' with { type: 'json' }
import type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
import { sortKeys } from '../graph/convert.ts'
import { createEditorStore } from './store.ts'

const manifests = builtinNodes.map((m) => m.manifest)
const routing = example as WorkflowDefinition

function editor(def?: WorkflowDefinition) {
  const store = createEditorStore(manifests)
  if (def) store.getState().load(structuredClone(def))
  return store
}

const ids = (s: ReturnType<typeof editor>) => s.getState().nodes.map((n) => n.id)

describe('editor store: definition ⇄ canvas', () => {
  it('saves a loaded definition unchanged (after key ordering)', () => {
    const store = editor(routing)
    expect(sortKeys(store.getState().definition())).toEqual(sortKeys(routing))
  })

  it('draws an edge without sourceHandle from its source single port and saves it without one', () => {
    const store = editor(routing)
    const edge = store.getState().edges.find((e) => e.id === 'e-tag-assign')!
    expect(edge.sourceHandle).toBe('out')
    expect(store.getState().definition().edges.find((e) => e.id === 'e-tag-assign')).toEqual({ id: 'e-tag-assign', source: 'tag-vip', target: 'assign-vip' })
  })

  it('starts a new node with an empty config: its schema\'s defaults are shown by the form and applied by the engine, not written', () => {
    const store = editor(routing)
    const approval = store.getState().addNode('human.approval', { x: 0, y: 0 })
    const each = store.getState().addNode('flow.for-each', { x: 0, y: 200 })
    const split = store.getState().addNode('flow.parallel', { x: 0, y: 400 })
    const nodes = store.getState().definition().nodes
    expect(nodes.find((n) => n.id === approval)!.config).toEqual({})
    expect(nodes.find((n) => n.id === each)!.config).toEqual({})
    expect(nodes.find((n) => n.id === split)!.config).toBeUndefined()
  })

  it('keeps definition fields the canvas does not show (description, variables)', () => {
    const store = editor({ ...routing, variables: { threshold: 100000 } })
    expect(store.getState().definition().variables).toEqual({ threshold: 100000 })
    expect(store.getState().definition().description).toBe(routing.description)
  })
})

describe('editor store: undo and redo', () => {
  it('undoes and redoes adding a node', () => {
    const store = editor(routing)
    const id = store.getState().addNode('order.hold', { x: 10, y: 10 })
    expect(ids(store)).toContain(id)
    store.getState().undo()
    expect(ids(store)).not.toContain(id)
    store.getState().redo()
    expect(ids(store)).toContain(id)
  })

  it('counts a whole drag as one undo step', () => {
    const store = editor(routing)
    const start = store.getState().nodes.find((n) => n.id === 'split')!.position
    for (let i = 1; i <= 10; i++) store.getState().onNodesChange([{ type: 'position', id: 'split', position: { x: i * 10, y: 140 }, dragging: true }])
    store.getState().onNodesChange([{ type: 'position', id: 'split', dragging: false }])
    expect(store.getState().nodes.find((n) => n.id === 'split')!.position).toEqual({ x: 100, y: 140 })
    store.getState().undo()
    expect(store.getState().nodes.find((n) => n.id === 'split')!.position).toEqual(start)
    expect(store.getState().past).toHaveLength(0)
  })

  it('counts typing in one field as one undo step, and a different field as another', () => {
    const store = editor(routing)
    for (const name of ['V', 'VI', 'VIP']) store.getState().updateNode('tag-vip', { name }, 'name')
    store.getState().updateNode('tag-vip', { config: { add: ['gold'] } }, 'config')
    store.getState().undo()
    expect(store.getState().nodes.find((n) => n.id === 'tag-vip')!.data).toMatchObject({ name: 'VIP', config: { add: ['vip'] } })
    store.getState().undo()
    expect(store.getState().nodes.find((n) => n.id === 'tag-vip')!.data.name).toBe(routing.nodes.find((n) => n.id === 'tag-vip')!.name)
  })

  it('forgets the redo branch after a new change', () => {
    const store = editor(routing)
    store.getState().removeElements(['tag-special'], [])
    store.getState().undo()
    expect(store.getState().future).toHaveLength(1)
    store.getState().addNode('flow.end', { x: 0, y: 700 })
    expect(store.getState().future).toHaveLength(0)
    store.getState().redo()
    expect(ids(store)).toContain('tag-special')
  })

  it('removes a deleted node with its edges, and undo brings both back', () => {
    const store = editor(routing)
    store.getState().removeElements(['tag-vip'], [])
    expect(store.getState().edges.some((e) => e.source === 'tag-vip' || e.target === 'tag-vip')).toBe(false)
    store.getState().undo()
    expect(sortKeys(store.getState().definition())).toEqual(sortKeys(routing))
  })

  it('undoes deleting a node with the Delete key in one step, though the canvas reports its edges first', () => {
    const store = editor(routing)
    // React Flow reports the edge removals, then the node removal, then onDelete with both.
    store.getState().onEdgesChange([{ type: 'remove', id: 'e-vip-tag' }, { type: 'remove', id: 'e-tag-assign' }])
    store.getState().onNodesChange([{ type: 'remove', id: 'tag-vip' }])
    store.getState().removeElements(['tag-vip'], ['e-vip-tag', 'e-tag-assign'])
    expect(store.getState().past).toHaveLength(1)
    expect(store.getState().edges.some((e) => e.id === 'e-vip-tag')).toBe(false)
    store.getState().undo()
    expect(sortKeys(store.getState().definition())).toEqual(sortKeys(routing))
  })

  it('counts typing in the JSON view as one undo step', () => {
    const store = editor(routing)
    for (const name of ['A', 'AB', 'ABC']) store.getState().replaceDefinition({ ...routing, name })
    store.getState().undo()
    expect(store.getState().meta.name).toBe(routing.name)
  })

  it('ignores selection changes in the history', () => {
    const store = editor(routing)
    store.getState().onNodesChange([{ type: 'select', id: 'split', selected: true }])
    expect(store.getState().past).toHaveLength(0)
    expect(store.getState().selectedIds()).toEqual(['split'])
  })
})

describe('editor store: ports and connections', () => {
  it('connects only from a port the source node has', () => {
    const store = editor(routing)
    expect(store.getState().connect({ source: 'presale-check', sourceHandle: 'maybe', target: 'assign-vip', targetHandle: null })).toBe(false)
    expect(store.getState().connect({ source: 'presale-check', sourceHandle: 'false', target: 'assign-vip', targetHandle: null })).toBe(true)
    expect(store.getState().definition().edges.at(-1)).toEqual({ id: 'e-presale-check-false-assign-vip', source: 'presale-check', sourceHandle: 'false', target: 'assign-vip' })
  })

  it('refuses an edge into a trigger and an edge to itself', () => {
    const store = editor(routing)
    expect(store.getState().connect({ source: 'split', sourceHandle: 'out', target: 'start', targetHandle: null })).toBe(false)
    expect(store.getState().connect({ source: 'split', sourceHandle: 'out', target: 'split', targetHandle: null })).toBe(false)
  })

  it('moves the edge of a switch case to its new name when the case is renamed', () => {
    const store = editor()
    const sw = store.getState().addNode('rule.switch', { x: 0, y: 0 })
    const end = store.getState().addNode('flow.end', { x: 0, y: 200 })
    store.getState().updateNode(sw, { config: { cases: [{ port: 'vip', rule: true }] } })
    expect(store.getState().connect({ source: sw, sourceHandle: 'vip', target: end, targetHandle: null })).toBe(true)
    for (const port of ['vi', 'vip-gold']) store.getState().updateNode(sw, { config: { cases: [{ port, rule: true }] } }, 'config')
    expect(store.getState().edges.map((e) => e.sourceHandle)).toEqual(['vip-gold'])
  })

  it('drops the edges of a switch case that was removed', () => {
    const store = editor()
    const sw = store.getState().addNode('rule.switch', { x: 0, y: 0 })
    const end = store.getState().addNode('flow.end', { x: 0, y: 200 })
    store.getState().updateNode(sw, { config: { cases: [{ port: 'vip', rule: true }, { port: 'gold', rule: true }] } })
    store.getState().connect({ source: sw, sourceHandle: 'gold', target: end, targetHandle: null })
    store.getState().updateNode(sw, { config: { cases: [{ port: 'vip', rule: true }] } })
    expect(store.getState().edges).toHaveLength(0)
  })
})

describe('editor store: copy and paste', () => {
  it('pastes copies with fresh ids and the edges between the copied nodes', () => {
    const store = editor(routing)
    store.getState().onNodesChange([{ type: 'select', id: 'tag-vip', selected: true }, { type: 'select', id: 'assign-vip', selected: true }])
    store.getState().copy()
    const pasted = store.getState().paste()
    expect(pasted).toEqual(['tag-1', 'assign-1'])
    const copyEdge = store.getState().edges.find((e) => e.source === 'tag-1')
    expect(copyEdge?.target).toBe('assign-1')
    expect(store.getState().selectedIds()).toEqual(['tag-1', 'assign-1'])
    store.getState().undo()
    expect(ids(store)).not.toContain('tag-1')
  })
})

describe('editor store: auto-layout', () => {
  it('puts every node below the nodes it comes from, in one undo step', () => {
    const store = editor(routing)
    store.getState().autoLayout()
    const y = (id: string) => store.getState().nodes.find((n) => n.id === id)!.position.y
    expect(y('start')).toBeLessThan(y('split'))
    expect(y('split')).toBeLessThan(y('vip-check'))
    expect(y('tag-vip')).toBeLessThan(y('assign-vip'))
    store.getState().undo()
    expect(sortKeys(store.getState().definition())).toEqual(sortKeys(routing))
  })
})
