/** Why a step or a run failed, as the engine said it (English), put in the reader's language. */
import { describeReason } from '../editor/describe-problem.ts'
import { useLocale } from '../i18n/index.ts'

/**
 * The engine's `reason` translated as the editor translates it (a rule's division by zero, its
 * budget, a status move the order may not make...), as given when there are no words for it; the
 * engine's own text on hover, for a ticket or a developer. `block`: a boxed paragraph, else inline.
 */
export function EngineReason({ reason, block = false, testid }: { reason: string; block?: boolean; testid?: string }) {
  const locale = useLocale((s) => s.locale)
  const text = describeReason(reason, locale)
  return block
    ? <pre className="json error-text" title={reason} data-testid={testid}>{text}</pre>
    : <span title={reason} data-testid={testid}>{text}</span>
}
