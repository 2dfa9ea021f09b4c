import { describe, expect, it } from 'vitest'
import { defineNode, type NodeManifest } from '../../connectors/sdk/define-node.ts'
import { builtinNodes } from '../nodes/index.ts'
import { defaultPort, errorPorts, outputPorts } from './node-ports.ts'
import { createRegistry } from './registry.ts'

const manifest = (overrides: Partial<NodeManifest> = {}): NodeManifest => ({
  type: 'test.thing', title: 'Thing', description: 'A thing', category: 'flow', inputs: 1,
  outputs: [{ name: 'out' }], configSchema: { type: 'object', additionalProperties: false, properties: {} }, ...overrides,
})
const module = (m: NodeManifest) => defineNode({ manifest: m, run: () => ({ next: {} }) })

describe('createRegistry', () => {
  it('registers every built-in node and lists manifests by type', () => {
    const registry = createRegistry(builtinNodes)
    expect(registry.has('rule.condition')).toBe(true)
    expect(registry.has('rule.nope')).toBe(false)
    expect(registry.get('order.hold')?.manifest.category).toBe('order')
    const types = registry.manifests().map((m) => m.type)
    expect(types).toEqual([...types].sort())
    expect(types).toHaveLength(builtinNodes.length)
  })

  it('compiles each config schema once and validates configs with it', () => {
    const hold = createRegistry(builtinNodes).get('order.hold')
    expect(hold?.validateConfig({ pool: 'risk' })).toBe(true)
    expect(hold?.validateConfig({ pool: 'risk', extra: 1 })).toBe(false)
  })

  it('refuses an invalid manifest, naming the type and the field', () => {
    expect(() => createRegistry([module(manifest({ category: 'magic' as NodeManifest['category'] }))]))
      .toThrow(/node type test.thing has an invalid manifest: \/category must be one of/)
  })

  it('refuses a config schema ajv cannot compile', () => {
    expect(() => createRegistry([module(manifest({ configSchema: { type: 'object', properties: { a: { type: 'strang' } } } }))]))
      .toThrow(/node type test.thing has an invalid configSchema/)
  })

  it('refuses the same type twice', () => {
    expect(() => createRegistry([module(manifest()), module(manifest())])).toThrow('node type test.thing is registered twice')
  })
})

describe('outputPorts', () => {
  const switchManifest = manifest({
    outputs: [{ name: 'default' }, { name: 'error', errorPort: true }],
    dynamicOutputs: { from: '/cases', nameKey: 'port' },
  })

  it('puts the ports a config declares before the fixed ones', () => {
    expect(outputPorts(switchManifest, { cases: [{ port: 'vip' }, { port: 'presale' }] })).toEqual(['vip', 'presale', 'default', 'error'])
  })

  it('ignores dynamic entries without a name and a missing list', () => {
    expect(outputPorts(switchManifest, { cases: [{ rule: true }, 'x', { port: '' }] })).toEqual(['default', 'error'])
    expect(outputPorts(switchManifest, {})).toEqual(['default', 'error'])
  })

  it('has a default port only when one non-error port exists', () => {
    expect(defaultPort(switchManifest, {})).toBe('default')
    expect(defaultPort(switchManifest, { cases: [{ port: 'vip' }] })).toBeNull()
    expect(defaultPort(manifest({ outputs: [] }), {})).toBeNull()
    expect(errorPorts(switchManifest)).toEqual(['error'])
  })
})
