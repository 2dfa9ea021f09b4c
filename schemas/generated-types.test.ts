import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateTypes } from './generate-types.ts'

describe('schemas/generated', () => {
  it('matches the schemas (run `npm run gen:types` after changing a schema)', async () => {
    const files = await generateTypes()
    for (const [file, source] of Object.entries(files)) {
      expect(readFileSync(join(import.meta.dirname, 'generated', file), 'utf8'), file).toBe(source)
    }
  })
})
