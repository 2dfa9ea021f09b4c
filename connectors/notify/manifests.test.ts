/**
 * The notify connectors' manifests, held to the rules engine/nodes/manifests.test.ts holds the
 * engine's own nodes to (that test reads engine/nodes only): a valid manifest, a strict config
 * schema with an English title and description on every field, and Chinese for everything a
 * person reads — title, description, ports, every field, array items and enum values.
 */
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { escapePointer, toErrorDetails, validators } from '../../schemas/index.ts'
import { createRegistry } from '../../engine/core/registry.ts'
import { builtinNodeTypes } from '../../engine/runtime/node-catalog.ts'
import { builtinConnectors } from '../index.ts'
import email from './notify.email.node.ts'
import im from './notify.im.node.ts'
import sms from './notify.sms.node.ts'

type FieldSchema = {
  title?: string
  description?: string
  enum?: unknown[]
  properties?: Record<string, FieldSchema>
  items?: FieldSchema | FieldSchema[]
  additionalProperties?: FieldSchema | boolean
}

function configFields(schema: FieldSchema, path = '', named = false, out: Array<{ path: string; schema: FieldSchema; named: boolean }> = []) {
  if (path) out.push({ path, schema, named })
  for (const [name, property] of Object.entries(schema.properties ?? {})) configFields(property, `${path}/${escapePointer(name)}`, true, out)
  if (schema.items && !Array.isArray(schema.items)) configFields(schema.items, `${path}/*`, false, out)
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') configFields(schema.additionalProperties, `${path}/*`, false, out)
  return out
}

const CHINESE = /[\u4e00-\u9fff]/
const modules = [email, im, sms]
const cases = modules.map((m) => [m.manifest.type, m.manifest] as const)

describe('the notify connectors\' manifests', () => {
  it('are registered as built-in connectors, one per *.node.ts file, under the type the file is named after', () => {
    const files = readdirSync(import.meta.dirname).filter((f) => f.endsWith('.node.ts')).map((f) => f.replace(/\.node\.ts$/, '')).sort()
    expect(modules.map((m) => m.manifest.type).sort()).toEqual(files)
    for (const m of modules) expect(builtinConnectors).toContain(m)
    const registry = createRegistry(builtinNodeTypes)
    for (const type of files) expect(registry.get(type)?.manifest.category, type).toBe('connector')
  })

  it.each(cases)('%s passes the manifest schema and waits for its call, with ok and error ports', (_, manifest) => {
    const valid = validators.nodeManifest(manifest)
    expect(toErrorDetails(validators.nodeManifest.errors)).toEqual([])
    expect(valid).toBe(true)
    expect(manifest).toMatchObject({ category: 'connector', inputs: 1, waits: true })
    expect(manifest.outputs.map((p) => [p.name, Boolean(p.errorPort), Boolean(p.title)])).toEqual([['ok', false, true], ['error', true, true]])
    expect(manifest.activity).toMatchObject({ timeoutMs: expect.any(Number), concurrency: expect.any(Number), retry: { maxAttempts: expect.any(Number) } })
  })

  it.each(cases)('%s has a strict config schema with an English title and description on every field', (_, manifest) => {
    const schema = manifest.configSchema as FieldSchema & { type?: string; additionalProperties?: unknown }
    expect(schema.type).toBe('object')
    expect(schema.additionalProperties).toBe(false)
    for (const field of configFields(schema)) {
      if (field.named) {
        expect(field.schema.title, `${field.path} title`).toBeTruthy()
        expect(field.schema.description, `${field.path} description`).toBeTruthy()
      }
      const nested = field.schema as { type?: string; additionalProperties?: unknown; properties?: unknown }
      if (nested.type === 'object' && nested.properties) expect(nested.additionalProperties, field.path).toBe(false)
    }
  })

  it.each(cases)('%s is labelled in Chinese: title, description, ports, every field, item and enum value', (_, manifest) => {
    const zh = manifest.i18n?.['zh-CN']
    expect(zh?.title).toMatch(CHINESE)
    expect(zh?.description).toMatch(CHINESE)
    for (const port of manifest.outputs) expect(zh?.ports?.[port.name], port.name).toMatch(CHINESE)
    const fields = zh?.fields ?? {}
    for (const field of configFields(manifest.configSchema as FieldSchema)) {
      const text = fields[field.path]
      if (field.named || field.schema.title) expect(text?.title, `${field.path} title`).toMatch(CHINESE)
      if (field.named || field.schema.description) expect(text?.description, `${field.path} description`).toMatch(CHINESE)
      for (const value of field.schema.enum ?? []) expect(text?.enum?.[String(value)], `${field.path} enum ${String(value)}`).toMatch(CHINESE)
    }
  })

  it.each(cases)('%s translates no field its config schema lacks', (_, manifest) => {
    const fields = configFields(manifest.configSchema as FieldSchema)
    for (const [locale, tr] of Object.entries(manifest.i18n ?? {})) {
      for (const [key, text] of Object.entries(tr.fields ?? {})) {
        const field = fields.find((f) => f.path === key)
        expect(field, `${locale} ${key}`).toBeDefined()
        for (const value of Object.keys(text.enum ?? {})) expect((field?.schema.enum ?? []).map(String), `${locale} ${key} enum ${value}`).toContain(value)
      }
    }
  })
})
