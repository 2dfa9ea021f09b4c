/** How a run was started: "Order event: created" or "Manual (by alice)". */
import type { RunSummary } from '../api/types.ts'
import { useT } from '../i18n/index.ts'

export function TriggerText({ trigger }: { trigger: RunSummary['trigger'] }) {
  const t = useT()
  if (trigger.kind === 'manual') return <>{trigger.by ? t('pages.trigger.manualBy', { by: trigger.by }) : t('pages.trigger.manual')}</>
  return <>{trigger.event ? t('pages.trigger.orderEventNamed', { event: trigger.event }) : t('pages.trigger.orderEvent')}</>
}
