/**
 * Other published flows that set the same order field on the same event as this one, each named
 * with its node and what both set: shown in the Flow tab and in the notice after publishing.
 */
import { Link } from 'wouter'
import type { FieldConflict } from '../api/types.ts'
import { useT } from '../i18n/index.ts'
import { quoted } from '../pages/names.ts'
import { fieldValueText, orderEventLabel, orderFieldLabel } from '../pages/order-terms.ts'
import { useConflictsOf } from './flow-conflicts.ts'
import './flow-conflicts.css'

/** The conflicts of a list, under their title and what to do about them; nothing when there are none. */
export function ConflictList({ conflicts, testid = 'conflict-list' }: { conflicts: FieldConflict[]; testid?: string }) {
  const t = useT()
  if (conflicts.length === 0) return null
  return (
    <div className="conflicts" data-testid={testid}>
      <h3>{t('conflict.title')}</h3>
      <ul className="problems warnings">
        {conflicts.map((c, i) => {
          const params = {
            otherNode: c.otherNodeName || c.otherNodeId, node: c.nodeName || c.nodeId,
            field: orderFieldLabel(t, c.field, c.pool), event: orderEventLabel(t, c.event),
            value: fieldValueText(t, c.field, c.value), otherValue: fieldValueText(t, c.field, c.otherValue),
          }
          return (
            <li key={`${c.otherWorkflowId}-${c.event}-${c.nodeId}-${c.otherNodeId}-${i}`}>
              <Link href={`/workflows/${encodeURIComponent(c.otherWorkflowId)}`} title={c.otherWorkflowId}>{quoted(t, c.otherWorkflowName || c.otherWorkflowId)}</Link>
              {t(c.value === undefined || c.otherValue === undefined ? 'conflict.itemUnknown' : 'conflict.item', params)}
            </li>
          )
        })}
      </ul>
      <p className="hint">{t('conflict.hint')}</p>
    </div>
  )
}

/** The conflicts the last validation of flow `flowId` reported. */
export function FlowConflicts({ flowId }: { flowId: string }) {
  return <ConflictList conflicts={useConflictsOf(flowId)} />
}
