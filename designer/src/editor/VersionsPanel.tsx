/** Published versions of the flow, and a side-by-side visual diff of any two (or a version and the draft). */
import { useEffect, useState } from 'react'
import { api, type ApiError } from '../api/client.ts'
import { describeApiError } from './describe-problem.ts'
import type { VersionInfo } from '../api/types.ts'
import { useLiveEvents } from '../api/events.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { DiffOverlay, type DiffSide } from './DiffOverlay.tsx'
import { Time } from '../pages/shared.tsx'
import { useEditorStore } from './store.ts'

export function VersionsPanel({ workflowId, latestVersion }: { workflowId: string | null; latestVersion: number | null }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const store = useEditorStore()
  const [versions, setVersions] = useState<VersionInfo[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [left, setLeft] = useState<string>('')
  const [right, setRight] = useState<string>('draft')
  const [diff, setDiff] = useState<{ left: DiffSide; right: DiffSide } | null>(null)

  const load = () => {
    if (!workflowId) return
    api<{ items: VersionInfo[] }>('GET', `/api/workflows/${encodeURIComponent(workflowId)}/versions`)
      .then((r) => {
        setVersions(r.items)
        setLeft((l) => l || (r.items[0] ? String(r.items[0].version) : ''))
      })
      .catch((e) => setError(describeApiError(e as ApiError, locale, () => undefined)))
  }
  useEffect(load, [workflowId, latestVersion])
  // While the diff is open it covers the canvas: lock the draft so its shortcuts do not edit it unseen.
  useEffect(() => {
    store.getState().setLocked(diff !== null)
    return () => store.getState().setLocked(false)
  }, [diff, store])
  useLiveEvents((e) => { if (e.type === 'workflow' && e.data.workflowId === workflowId && e.data.action === 'published') load() })

  async function side(choice: string): Promise<DiffSide> {
    if (choice === 'draft') return { label: t('editor.draft'), definition: store.getState().definition() }
    const v = await api<VersionInfo>('GET', `/api/workflows/${encodeURIComponent(workflowId!)}/versions/${choice}`)
    return { label: t('editor.versionN', { version: v.version }), definition: v.definition! }
  }

  async function compare() {
    try {
      setDiff({ left: await side(left), right: await side(right) })
    } catch (e) {
      setError(describeApiError(e as ApiError, locale, () => undefined))
    }
  }

  if (!workflowId) return <p className="hint">{t('editor.saveFirst')}</p>
  if (error) return <p className="field-error">{error}</p>
  if (!versions) return <p className="hint">{t('common.loading')}</p>
  const choices = [['draft', t('editor.draft')] as const, ...versions.map((v) => [String(v.version), t('editor.versionN', { version: v.version })] as const)]

  return (
    <div className="versions" data-testid="versions-panel">
      {versions.length === 0 ? <p className="hint">{t('editor.noVersions')}</p> : (
        <table className="list compact">
          <thead><tr><th>{t('editor.version')}</th><th>{t('editor.publishedAt')}</th><th>{t('editor.publishedBy')}</th></tr></thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} data-testid={`version-${v.version}`}>
                <td>v{v.version}</td>
                <td><Time iso={v.publishedAt} /></td>
                <td>{v.publishedBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('editor.compare')}</h3>
      <div className="row">
        <select value={left} onChange={(e) => setLeft(e.target.value)} aria-label={t('editor.compareLeft')} data-testid="diff-left">
          {choices.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
        </select>
        <span>⇄</span>
        <select value={right} onChange={(e) => setRight(e.target.value)} aria-label={t('editor.compareRight')} data-testid="diff-right">
          {choices.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
        </select>
        <button onClick={() => void compare()} disabled={!left || !right || left === right} data-testid="diff-open">{t('editor.compare')}</button>
      </div>
      {diff && <DiffOverlay left={diff.left} right={diff.right} onClose={() => setDiff(null)} />}
    </div>
  )
}
