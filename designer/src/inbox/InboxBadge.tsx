/** The navigation's count of my open tasks, live; hidden while there are none. */
import { useT } from '../i18n/index.ts'
import { useLiveOpenCount } from './open-count.ts'
import './inbox.css'

/** A small red count beside the Inbox link; at zero it is hidden but still says its count (data-count), for tests and tools. */
export function InboxBadge() {
  const t = useT()
  const open = useLiveOpenCount()
  if (open === null) return null
  return (
    <span className="nav-count" data-testid="inbox-count" data-count={open} hidden={open === 0} title={t('inbox.badgeTitle', { n: open })}>
      {open > 99 ? '99+' : open}
    </span>
  )
}
