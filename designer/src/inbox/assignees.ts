/** Who a task is for, as text: users by name, roles by their label in the reader's language. */
import type { Translate } from '../i18n/index.ts'
import type { Assignees } from './types.ts'

/** "lead-li、审批人" / "lead-li, Approver"; "—" for nobody. */
export function assigneesText(a: Assignees, t: Translate): string {
  return [...a.users, ...a.roles.map((r) => t(`role.${r}`))].join(t('inbox.list.separator')) || '—'
}
