/**
 * Validators for the parts of a request that arrive as text (query string, path parameters,
 * headers), which ajv coerces. Coercion reads "Infinity", "1e400" or a 400-digit number as
 * Infinity, and ajv then skips minimum and maximum, which it checks on finite numbers only:
 * ?limit=Infinity passed validation and failed in the store with a 500.
 */
import type { Ajv, ErrorObject } from 'ajv'
import { escapePointer } from '../../schemas/index.ts'

type Validator = ((data: unknown, context?: object) => boolean) & { errors?: ErrorObject[] | null; schemaEnv?: unknown }

/** Compiles `schema` with the coercing `ajv`, refusing a value coerced to a number that is not finite. */
export function compileTextValidator(ajv: Ajv, schema: object): Validator {
  const validate = ajv.compile(schema)
  const check: Validator = (data, context) => {
    if (!validate(data, context as never)) {
      check.errors = validate.errors
      return false
    }
    const errors = nonFinite(data)
    check.errors = errors.length > 0 ? errors : null
    return errors.length === 0
  }
  // Fastify passes the parent (so ajv may coerce the root value) only to functions that have this.
  check.schemaEnv = validate.schemaEnv
  return check
}

/** Errors for the numbers of a flat text part (values or arrays of values) that are not finite. */
function nonFinite(data: unknown): ErrorObject[] {
  if (typeof data !== 'object' || data === null) return []
  const errors: ErrorObject[] = []
  for (const [key, value] of Object.entries(data)) {
    const values: unknown[] = Array.isArray(value) ? value : [value]
    if (values.some((v) => typeof v === 'number' && !Number.isFinite(v))) {
      errors.push({ instancePath: `/${escapePointer(key)}`, schemaPath: '', keyword: 'finite', params: {}, message: 'must be a finite number' })
    }
  }
  return errors
}
