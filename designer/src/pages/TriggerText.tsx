/** How a run was started: "订单新建" / "Order created", or "手动（alice）" / "Manual (by alice)". */
import type { RunSummary } from '../api/types.ts'
import { useT } from '../i18n/index.ts'
import { orderEventLabel } from './order-terms.ts'

/** The trigger of a run in words; an event kind without a label still reads as "Order event: <kind>". */
export function TriggerText({ trigger }: { trigger: RunSummary['trigger'] }) {
  const t = useT()
  if (trigger.kind === 'manual') return <>{trigger.by ? t('pages.trigger.manualBy', { by: trigger.by }) : t('pages.trigger.manual')}</>
  if (!trigger.event) return <>{t('pages.trigger.orderEvent')}</>
  const label = orderEventLabel(t, trigger.event)
  return <>{label !== trigger.event ? label : t('pages.trigger.orderEventNamed', { event: trigger.event })}</>
}
