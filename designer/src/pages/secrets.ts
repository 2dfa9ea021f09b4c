/**
 * Pure helpers of the secrets page and the config forms' secret fields: a name and a value checked
 * the way the API checks them, where a secret is used, and what a field naming one should say.
 * A secret's value never passes through here: only names, dates and uses.
 */
import { secretNameField } from '../../../connectors/sdk/schema.ts'
import type { MessageKey } from '../i18n/messages.ts'
import type { SecretInfo, SecretUse } from '../api/types.ts'

/** A secret's name: what a config field or {{secret.<name>}} calls it (connectors/sdk/schema.ts). */
export const SECRET_NAME = new RegExp(secretNameField('', '').pattern)
/** The shortest value the API keeps (engine/runtime/secret-vault.ts MIN_SECRET_LENGTH): shorter ones could not be told apart in logs. */
export const MIN_SECRET_LENGTH = 4
export const MAX_SECRET_LENGTH = 64 * 1024

/** Why a typed name would be refused, or null. */
export function secretNameProblem(name: string): MessageKey | null {
  if (!name) return 'secrets.problem.nameEmpty'
  return SECRET_NAME.test(name) ? null : 'secrets.problem.name'
}

/** Why a typed value would be refused, or null. */
export function secretValueProblem(value: string): MessageKey | null {
  if (value.length < MIN_SECRET_LENGTH) return 'secrets.problem.valueShort'
  if (value.length > MAX_SECRET_LENGTH) return 'secrets.problem.valueLong'
  return null
}

/** The uses a delete would break: nodes of published versions (a draft is only warned about). */
export function publishedUses(secret: Pick<SecretInfo, 'usedBy'> | undefined): SecretUse[] {
  return (secret?.usedBy ?? []).filter((u) => u.published)
}

/** The uses grouped by workflow: one entry per workflow with its node names, published ones first. */
export function usesByWorkflow(uses: readonly SecretUse[]): Array<{ workflowId: string; workflowName: string; published: boolean; draftOnly: boolean; nodes: string[] }> {
  const groups = new Map<string, { workflowId: string; workflowName: string; published: boolean; draftOnly: boolean; nodes: string[] }>()
  for (const u of uses) {
    const g = groups.get(u.workflowId) ?? { workflowId: u.workflowId, workflowName: u.workflowName || u.workflowId, published: false, draftOnly: true, nodes: [] }
    if (u.published) { g.published = true; g.draftOnly = false }
    const node = u.nodeName?.trim() || u.nodeId
    if (!g.nodes.includes(node)) g.nodes.push(node)
    groups.set(u.workflowId, g)
  }
  return [...groups.values()].sort((a, b) => Number(b.published) - Number(a.published) || a.workflowName.localeCompare(b.workflowName))
}

/**
 * What a field naming a secret says about the name typed: nothing typed, a secret that is set, one
 * nobody set yet (the call would fail until an administrator sets it), or unknown (the list could
 * not be read: an operator's view).
 */
export type SecretFieldState = { kind: 'empty' } | { kind: 'unknown' } | { kind: 'set'; secret: SecretInfo } | { kind: 'notSet'; name: string }

export function secretFieldState(value: unknown, secrets: readonly SecretInfo[] | null): SecretFieldState {
  const name = typeof value === 'string' ? value.trim() : ''
  if (!name) return { kind: 'empty' }
  if (!secrets) return { kind: 'unknown' }
  const secret = secrets.find((s) => s.name === name)
  return secret ? { kind: 'set', secret } : { kind: 'notSet', name }
}

/** The secret names matching typed text (case-insensitive, names starting with it first). */
export function matchingSecretNames(secrets: readonly SecretInfo[], typed: string): string[] {
  const needle = typed.trim().toLowerCase()
  const names = secrets.map((s) => s.name).sort((a, b) => a.localeCompare(b))
  if (!needle) return names
  const starts = names.filter((n) => n.toLowerCase().startsWith(needle))
  return [...starts, ...names.filter((n) => !starts.includes(n) && n.toLowerCase().includes(needle))]
}
