/** A node's output ports: the manifest's fixed ones plus those its config declares (switch cases). */
import type { NodeManifest } from '../../schemas/generated/node-manifest.ts'

/** Every output port of a node with this config: dynamic ports first (in config order), then fixed ones. */
export function outputPorts(manifest: NodeManifest, config: unknown): string[] {
  const names: string[] = []
  for (const name of dynamicPorts(manifest, config)) if (!names.includes(name)) names.push(name)
  for (const port of manifest.outputs) {
    // A port `when` a config value is set: a timeout port exists only with a timeout.
    if (port.when !== undefined && readPointer(config, port.when) === undefined) continue
    if (!names.includes(port.name)) names.push(port.name)
  }
  return names
}

/** The ports taken when the node fails after its retries (`errorPort: true`). */
export function errorPorts(manifest: NodeManifest): string[] {
  return manifest.outputs.filter((p) => p.errorPort === true).map((p) => p.name)
}

/** The port a result without `port` takes: the node's only non-error port, or null if it has 0 or several. */
export function defaultPort(manifest: NodeManifest, config: unknown): string | null {
  const errors = errorPorts(manifest)
  const normal = outputPorts(manifest, config).filter((name) => !errors.includes(name))
  return normal.length === 1 ? normal[0] : null
}

function dynamicPorts(manifest: NodeManifest, config: unknown): string[] {
  if (!manifest.dynamicOutputs) return []
  const list = readPointer(config, manifest.dynamicOutputs.from)
  if (!Array.isArray(list)) return []
  const key = manifest.dynamicOutputs.nameKey
  const names: string[] = []
  for (const item of list) {
    const name = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[key] : undefined
    if (typeof name === 'string' && name.length > 0) names.push(name)
  }
  return names
}

/** Resolves an RFC 6901 JSON pointer in a JSON value; undefined when the path does not exist. */
export function readPointer(value: unknown, pointer: string): unknown {
  if (pointer === '') return value
  let current = value
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[token]
  }
  return current
}
