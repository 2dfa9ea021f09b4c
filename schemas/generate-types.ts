/**
 * Derives TypeScript types from the JSON Schemas (the single source of truth).
 * `npm run gen:types` writes schemas/generated/*.ts; a test fails when they are stale.
 */
import { compile } from 'json-schema-to-typescript'
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const schemaFiles = ['order', 'order-input', 'workflow', 'node-manifest', 'run', 'step', 'shop'] as const

/** Returns the generated source of each schema's types, keyed by output file name. */
export async function generateTypes(): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const name of schemaFiles) {
    const schema = JSON.parse(readFileSync(join(here, `${name}.schema.json`), 'utf8'))
    const ts = await compile(schema, schema.title, {
      cwd: here,
      bannerComment: `/* Generated from schemas/${name}.schema.json by \`npm run gen:types\`. Do not edit. */`,
      additionalProperties: true,
      ignoreMinAndMaxItems: true,
      declareExternallyReferenced: true,
      format: false,
      unreachableDefinitions: false,
      strictIndexSignatures: false,
    })
    out[`${name}.ts`] = ts
  }
  return out
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await generateTypes()
  mkdirSync(join(here, 'generated'), { recursive: true })
  for (const [file, src] of Object.entries(files)) writeFileSync(join(here, 'generated', file), src)
  console.log(`wrote ${Object.keys(files).length} files to schemas/generated/`)
}
