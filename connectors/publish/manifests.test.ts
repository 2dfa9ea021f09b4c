/**
 * The publish connectors' manifests keep the rules engine/nodes/manifests.test.ts holds the engine's
 * nodes to (that test covers engine/nodes only): valid, a strict schema with labelled fields, every
 * field, port and enum value labelled in Chinese, and the connector's own conventions.
 */
import { describe, expect, it } from 'vitest'
import { escapePointer, toErrorDetails, validators } from '../../schemas/index.ts'
import { createRegistry } from '../../engine/core/registry.ts'
import { builtinConnectors } from '../index.ts'

type FieldSchema = { title?: string; description?: string; enum?: unknown[]; properties?: Record<string, FieldSchema>; items?: FieldSchema | FieldSchema[]; additionalProperties?: FieldSchema | boolean }

function configFields(schema: FieldSchema, path = '', named = false, out: Array<{ path: string; schema: FieldSchema; named: boolean }> = []) {
  if (path) out.push({ path, schema, named })
  for (const [name, property] of Object.entries(schema.properties ?? {})) configFields(property, `${path}/${escapePointer(name)}`, true, out)
  if (schema.items && !Array.isArray(schema.items)) configFields(schema.items, `${path}/*`, false, out)
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') configFields(schema.additionalProperties, `${path}/*`, false, out)
  return out
}

const CHINESE = /[\u4e00-\u9fff]/
const publish = builtinConnectors.filter((m) => m.manifest.type.startsWith('publish.'))

describe('publish connector manifests', () => {
  it('registers both publish connectors among the built-in connectors', () => {
    expect(publish.map((m) => m.manifest.type).sort()).toEqual(['publish.rabbitmq', 'publish.webhook'])
    expect(createRegistry(builtinConnectors).manifests().map((m) => m.type)).toEqual(expect.arrayContaining(['publish.rabbitmq', 'publish.webhook']))
  })

  it.each(publish.map((m) => [m.manifest.type, m.manifest] as const))('%s passes the manifest schema, waits, and has ok and an error port', (_, manifest) => {
    const valid = validators.nodeManifest(manifest)
    expect(toErrorDetails(validators.nodeManifest.errors)).toEqual([])
    expect(valid).toBe(true)
    expect(manifest).toMatchObject({ category: 'connector', inputs: 1, waits: true })
    expect(manifest.outputs).toEqual([{ name: 'ok', title: expect.any(String) }, { name: 'error', title: 'Error', errorPort: true }])
    expect(Object.keys(manifest.activity ?? {}).sort()).toEqual(['concurrency', 'retry', 'timeoutMs'])
  })

  it.each(publish.map((m) => [m.manifest.type, m.manifest] as const))('%s has a strict config schema with every field titled and described', (_, manifest) => {
    const schema = manifest.configSchema as { type?: string; additionalProperties?: unknown; properties?: Record<string, { title?: string; description?: string }> }
    expect(schema.type).toBe('object')
    expect(schema.additionalProperties).toBe(false)
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      expect(property.title, `${name} title`).toBeTruthy()
      expect(property.description, `${name} description`).toBeTruthy()
    }
  })

  it.each(publish.map((m) => [m.manifest.type, m.manifest] as const))('%s is labelled in Chinese: title, description, ports, every field', (_, manifest) => {
    const zh = manifest.i18n?.['zh-CN']
    expect(zh?.title).toMatch(CHINESE)
    expect(zh?.description).toMatch(CHINESE)
    for (const port of manifest.outputs) expect(zh?.ports?.[port.name], port.name).toMatch(CHINESE)
    const fields = configFields(manifest.configSchema as FieldSchema)
    for (const field of fields) {
      const text = zh?.fields?.[field.path]
      if (field.named || field.schema.title) expect(text?.title, `${field.path} title`).toMatch(CHINESE)
      if (field.named || field.schema.description) expect(text?.description, `${field.path} description`).toMatch(CHINESE)
      for (const value of field.schema.enum ?? []) expect(text?.enum?.[String(value)], `${field.path} enum ${String(value)}`).toMatch(CHINESE)
    }
    for (const key of Object.keys(zh?.fields ?? {})) expect(fields.map((f) => f.path), key).toContain(key)
  })
})
