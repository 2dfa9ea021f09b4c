/**
 * The JSON Schemas, loaded once, and an ajv instance that knows them all.
 * Bodies are validated without type coercion, with every error reported (docs/http-api.md).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import orderSchema from './order.schema.json' with { type: 'json' }
import orderInputSchema from './order-input.schema.json' with { type: 'json' }
import workflowSchema from './workflow.schema.json' with { type: 'json' }
import nodeManifestSchema from './node-manifest.schema.json' with { type: 'json' }
import runSchema from './run.schema.json' with { type: 'json' }
import stepSchema from './step.schema.json' with { type: 'json' }
import shopSchema from './shop.schema.json' with { type: 'json' }
import { isDateTime, parseInstant } from './date-time.ts'

export { orderSchema, orderInputSchema, workflowSchema, nodeManifestSchema, runSchema, stepSchema, shopSchema }
export const allSchemas = [orderSchema, orderInputSchema, workflowSchema, nodeManifestSchema, runSchema, stepSchema, shopSchema]

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv

/** A strict ajv: no coercion, all errors, unknown keywords refused. `coerce` is for query strings only. */
export function createAjv(options: { coerce?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: options.coerce ? 'array' : false,
    useDefaults: Boolean(options.coerce), // query strings get their documented defaults (limit=50)
    removeAdditional: false,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    messages: true,
  })
  addFormats(ajv)
  // date-time is what parseInstant reads, so an accepted timestamp always has an instant.
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime, compare: (a: string, b: string) => (parseInstant(a) ?? NaN) - (parseInstant(b) ?? NaN) })
  for (const s of allSchemas) ajv.addSchema(s)
  return ajv
}

/** One problem with an input: where (JSON pointer) and why. */
export interface ErrorDetail { pointer: string; reason: string }

/** Turns ajv errors into `{ pointer, reason }` pairs that name the exact field. */
export function toErrorDetails(errors: ErrorObject[] | null | undefined, prefix = ''): ErrorDetail[] {
  if (!errors) return []
  const out: ErrorDetail[] = []
  const seen = new Set<string>()
  for (const e of errors) {
    let pointer = prefix + e.instancePath
    let reason = e.message ?? 'is invalid'
    if (e.keyword === 'additionalProperties') {
      const name = (e.params as { additionalProperty: string }).additionalProperty
      pointer += '/' + escapePointer(name)
      reason = 'is not a known field'
    } else if (e.keyword === 'required') {
      pointer += '/' + escapePointer((e.params as { missingProperty: string }).missingProperty)
      reason = 'is required'
    } else if (e.keyword === 'enum') {
      reason = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
    } else if (e.keyword === 'type') {
      reason = `must be ${(e.params as { type: string | string[] }).type}`
    } else if (e.keyword === 'oneOf' || e.keyword === 'if') {
      continue // the branch errors beside it say more
    }
    const key = pointer + '\u0000' + reason
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ pointer: pointer || '/', reason })
  }
  if (out.length === 0 && errors.length > 0) out.push({ pointer: prefix + errors[0].instancePath || '/', reason: errors[0].message ?? 'is invalid' })
  return out
}

/** RFC 6901 escaping of one reference token. */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1')
}

const shared = createAjv()
/** Compiled validators for the main documents, built once. */
export const validators: { order: ValidateFunction; orderInput: ValidateFunction; workflow: ValidateFunction; nodeManifest: ValidateFunction } = {
  order: shared.getSchema(orderSchema.$id)!,
  orderInput: shared.getSchema(orderInputSchema.$id)!,
  workflow: shared.getSchema(workflowSchema.$id)!,
  nodeManifest: shared.getSchema(nodeManifestSchema.$id)!,
}
/** The shared strict ajv, for node config schemas and the like. */
export const ajv = shared

/**
 * An ajv for schemas people write into workflows (an approval's form): lenient about keywords it
 * does not know, and never registering a schema's $id, so two forms with the same $id do not clash.
 */
export const formAjv = new Ajv({ allErrors: true, strict: false, addUsedSchema: false, coerceTypes: false })
addFormats(formAjv)
