import { readdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { toErrorDetails, validators } from '../../schemas/index.ts'
import { createRegistry } from '../core/registry.ts'
import { builtinNodes } from './index.ts'

const here = dirname(fileURLToPath(import.meta.url))

describe('built-in node manifests', () => {
  it('registers every *.node.ts file under the type its file is named after', () => {
    const files = readdirSync(here).filter((f) => f.endsWith('.node.ts')).map((f) => f.replace(/\.node\.ts$/, '')).sort()
    expect(builtinNodes.map((m) => m.manifest.type).sort()).toEqual(files)
  })

  it.each(builtinNodes.map((m) => [m.manifest.type, m] as const))('%s has a manifest that passes the manifest schema', (_, module) => {
    const valid = validators.nodeManifest(module.manifest)
    expect(toErrorDetails(validators.nodeManifest.errors)).toEqual([])
    expect(valid).toBe(true)
  })

  it.each(builtinNodes.map((m) => [m.manifest.type, m.manifest] as const))('%s has a strict config schema a form can be built from', (_, manifest) => {
    const schema = manifest.configSchema as { type?: string; additionalProperties?: unknown; properties?: Record<string, { title?: string; description?: string }> }
    expect(schema.type).toBe('object')
    expect(schema.additionalProperties).toBe(false)
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      expect(property.title, `${name} title`).toBeTruthy()
      expect(property.description, `${name} description`).toBeTruthy()
    }
  })

  it.each(builtinNodes.map((m) => [m.manifest.type, m.manifest] as const))('%s is labelled in Chinese, ports included', (_, manifest) => {
    const zh = manifest.i18n?.['zh-CN']
    expect(zh?.title).toMatch(/[\u4e00-\u9fff]/)
    expect(zh?.description).toMatch(/[\u4e00-\u9fff]/)
    for (const port of manifest.outputs) expect(zh?.ports?.[port.name], port.name).toBeTruthy()
  })

  it('gives triggers no input and every other node one', () => {
    for (const { manifest } of builtinNodes) expect(manifest.inputs).toBe(manifest.category === 'trigger' ? 0 : 1)
  })

  it('gives the nodes that can fail an optional error port named error', () => {
    for (const type of ['rule.condition', 'rule.switch', 'rule.set', 'order.update-status']) {
      const manifest = builtinNodes.find((m) => m.manifest.type === type)?.manifest
      expect(manifest?.outputs.filter((p) => p.errorPort), type).toEqual([{ name: 'error', title: 'Error', errorPort: true }])
    }
  })

  it('builds a registry from all of them', () => {
    expect(createRegistry(builtinNodes).manifests()).toHaveLength(builtinNodes.length)
  })
})
