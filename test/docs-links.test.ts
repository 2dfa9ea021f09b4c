/** The project's docs stand alone: every file they point at is in the repository. */
import { describe, expect, it } from 'vitest'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = join(import.meta.dirname, '..')
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]

/** Relative markdown link targets of a file (no URLs, no in-page anchors), without their #anchor. */
function linkTargets(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/.test(t) && !t.startsWith('#')).map((t) => t.split('#')[0])
}

describe('the documentation', () => {
  it.each(docs)('%s links only to files of the repository', (file) => {
    const text = readFileSync(join(root, file), 'utf8')
    for (const target of linkTargets(text)) {
      const path = resolve(dirname(join(root, file)), target)
      expect(relative(root, path).startsWith('..'), `${file} → ${target} leaves the repository`).toBe(false)
      expect(existsSync(path), `${file} → ${target} does not exist`).toBe(true)
    }
  })

  it.each(docs)('%s names no design file that is not in the repository', (file) => {
    const text = readFileSync(join(root, file), 'utf8')
    for (const name of text.match(/\b[\w./-]*DESIGN\.md\b/g) ?? []) expect(existsSync(join(root, name)), `${file} names ${name}`).toBe(true)
    expect(text).not.toMatch(/\.\.\/shared/)
  })
})
