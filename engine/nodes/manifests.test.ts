import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { escapePointer, toErrorDetails, validators } from '../../schemas/index.ts'
import { createRegistry, type AnyNodeModule } from '../core/registry.ts'
import { builtinNodes } from './index.ts'
import { builtinConnectors } from '../../connectors/index.ts'
import { builtinNodeTypes } from '../runtime/node-catalog.ts'

const here = dirname(fileURLToPath(import.meta.url))
const connectorsDir = join(here, '..', '..', 'connectors')
const examplesDir = join(here, '..', '..', 'examples', 'nodes')
/** The engine's own nodes and the built-in connectors: every manifest an operator meets. */
const allNodes = builtinNodeTypes
/** The example custom nodes (examples/nodes), which operators copy: their choices need labels too. */
const exampleNodes: AnyNodeModule[] = await Promise.all(readdirSync(examplesDir).filter((f) => f.endsWith('.node.ts')).sort()
  .map(async (f) => (await import(join(examplesDir, f))).default as AnyNodeModule))

type FieldSchema = {
  title?: string
  description?: string
  enum?: unknown[]
  properties?: Record<string, FieldSchema>
  items?: FieldSchema | FieldSchema[]
  additionalProperties?: FieldSchema | boolean
}

/** Every field of a config schema under the key `i18n.fields` uses: its config path, array items and map values as `*`. */
function configFields(schema: FieldSchema, path = '', named = false, out: Array<{ path: string; schema: FieldSchema; named: boolean }> = []) {
  if (path) out.push({ path, schema, named })
  for (const [name, property] of Object.entries(schema.properties ?? {})) configFields(property, `${path}/${escapePointer(name)}`, true, out)
  if (schema.items && !Array.isArray(schema.items)) configFields(schema.items, `${path}/*`, false, out)
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') configFields(schema.additionalProperties, `${path}/*`, false, out)
  return out
}

const CHINESE = /[\u4e00-\u9fff]/

describe('built-in node manifests', () => {
  it('registers every *.node.ts file under the type its file is named after', () => {
    const files = readdirSync(here).filter((f) => f.endsWith('.node.ts')).map((f) => f.replace(/\.node\.ts$/, '')).sort()
    expect(builtinNodes.map((m) => m.manifest.type).sort()).toEqual(files)
  })

  it('registers every connector module (connectors/<area>/<type>.node.ts) as a built-in connector', () => {
    const files = readdirSync(connectorsDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.node.ts') && !f.startsWith('sdk')).map((f) => f.split('/').at(-1)!.replace(/\.node\.ts$/, '')).sort()
    expect(builtinConnectors.map((m) => m.manifest.type).sort()).toEqual(files)
  })

  it.each(builtinConnectors.map((m) => [m.manifest.type, m] as const))('%s is a connector that performs its call, with ok and error ports and a policy for its calls', (_, module) => {
    expect(module.manifest).toMatchObject({ category: 'connector', inputs: 1, waits: true })
    expect(typeof module.perform).toBe('function')
    expect(module.manifest.outputs.slice(0, 2).map((p) => [p.name, Boolean(p.errorPort)])).toEqual([['ok', false], ['error', true]])
    expect(module.manifest.activity).toMatchObject({ timeoutMs: expect.any(Number), concurrency: expect.any(Number), retry: { maxAttempts: expect.any(Number) } })
  })

  it.each(allNodes.map((m) => [m.manifest.type, m] as const))('%s has a manifest that passes the manifest schema', (_, module) => {
    const valid = validators.nodeManifest(module.manifest)
    expect(toErrorDetails(validators.nodeManifest.errors)).toEqual([])
    expect(valid).toBe(true)
  })

  it.each(allNodes.map((m) => [m.manifest.type, m.manifest] as const))('%s has a strict config schema a form can be built from', (_, manifest) => {
    const schema = manifest.configSchema as { type?: string; additionalProperties?: unknown; properties?: Record<string, { title?: string; description?: string }> }
    expect(schema.type).toBe('object')
    expect(schema.additionalProperties).toBe(false)
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      expect(property.title, `${name} title`).toBeTruthy()
      expect(property.description, `${name} description`).toBeTruthy()
    }
  })

  it.each(allNodes.map((m) => [m.manifest.type, m.manifest] as const))('%s is labelled in Chinese, ports included', (_, manifest) => {
    const zh = manifest.i18n?.['zh-CN']
    expect(zh?.title).toMatch(/[\u4e00-\u9fff]/)
    expect(zh?.description).toMatch(/[\u4e00-\u9fff]/)
    for (const port of manifest.outputs) expect(zh?.ports?.[port.name], port.name).toBeTruthy()
  })

  it.each(allNodes.map((m) => [m.manifest.type, m.manifest] as const))('%s labels every config field in Chinese, array items and enum values included', (_, manifest) => {
    const zh = manifest.i18n?.['zh-CN']?.fields ?? {}
    for (const field of configFields(manifest.configSchema as FieldSchema)) {
      const text = zh[field.path]
      // Named properties are form fields with a label; an item or map value needs one where the English has one.
      if (field.named || field.schema.title) expect(text?.title, `${field.path} title`).toMatch(CHINESE)
      if (field.named || field.schema.description) expect(text?.description, `${field.path} description`).toMatch(CHINESE)
      for (const value of field.schema.enum ?? []) expect(text?.enum?.[String(value)], `${field.path} enum ${String(value)}`).toMatch(CHINESE)
    }
  })

  it.each([...allNodes, ...exampleNodes].map((m) => [m.manifest.type, m.manifest] as const))('%s labels every enum value in English, for the select boxes and card summaries', (_, manifest) => {
    // The schema's titles and descriptions are the English ones; a value has no label there, so i18n.en.fields holds them.
    const en = manifest.i18n?.en?.fields ?? {}
    for (const field of configFields(manifest.configSchema as FieldSchema)) {
      for (const value of field.schema.enum ?? []) expect(en[field.path]?.enum?.[String(value)], `${field.path} enum ${String(value)}`).toMatch(/[A-Za-z]/)
    }
  })

  it.each([...allNodes, ...exampleNodes].map((m) => [m.manifest.type, m.manifest] as const))('%s has no translated field the config schema lacks', (_, manifest) => {
    const fields = configFields(manifest.configSchema as FieldSchema)
    for (const [locale, tr] of Object.entries(manifest.i18n ?? {})) {
      for (const [key, text] of Object.entries(tr.fields ?? {})) {
        const field = fields.find((f) => f.path === key)
        expect(field, `${locale} ${key}`).toBeDefined()
        const values = (field?.schema.enum ?? []).map(String)
        for (const value of Object.keys(text.enum ?? {})) expect(values, `${locale} ${key} enum ${value}`).toContain(value)
      }
    }
  })

  it('keys array items by * in the field paths', () => {
    const manifest = builtinNodes.find((m) => m.manifest.type === 'rule.switch')!.manifest
    expect(configFields(manifest.configSchema as FieldSchema).map((f) => f.path)).toEqual(['/cases', '/cases/*', '/cases/*/port', '/cases/*/title', '/cases/*/rule'])
  })

  it('gives triggers no input and every other node one', () => {
    for (const { manifest } of allNodes) expect(manifest.inputs).toBe(manifest.category === 'trigger' ? 0 : 1)
  })

  it('gives the nodes that can fail an optional error port named error', () => {
    for (const type of ['rule.condition', 'rule.switch', 'rule.set', 'order.update-status']) {
      const manifest = builtinNodes.find((m) => m.manifest.type === type)?.manifest
      expect(manifest?.outputs.filter((p) => p.errorPort), type).toEqual([{ name: 'error', title: 'Error', errorPort: true }])
    }
  })

  it('builds a registry from all of them', () => {
    expect(createRegistry(allNodes).manifests()).toHaveLength(allNodes.length)
  })
})
