/** /templates: workflow templates as cards; "Use this template" copies one into a new draft. */
import { useState, type FormEvent } from 'react'
import { useLocation } from 'wouter'
import { api } from '../api/client.ts'
import type { Template, TemplateList, WorkflowList } from '../api/types.ts'
import { useCan } from '../app/session.ts'
import { useT } from '../i18n/index.ts'
import { nextFreeId, WORKFLOW_ID_PATTERN } from './format.ts'
import { ErrorBox, importWorkflow, Loading, useLiveRefresh, useLoad } from './shared.tsx'

export function TemplatesPage() {
  const t = useT()
  const canEdit = useCan('editWorkflow')
  const templates = useLoad(() => api<TemplateList>('GET', '/api/templates'), [])
  // The ids in use, so a new workflow gets a free one.
  const workflows = useLoad(() => api<WorkflowList>('GET', '/api/workflows'), [])
  useLiveRefresh((e) => e.type === 'workflow', workflows.reload)
  const taken = new Set((workflows.data?.items ?? []).map((w) => w.id))
  const [using, setUsing] = useState<string | null>(null)

  const items = templates.data?.items
  return (
    <div className="page-body pages">
      <div className="page-head"><h1>{t('pages.templates.title')}</h1></div>
      <p className="hint">{t('pages.templates.intro')}</p>
      {templates.error != null && <ErrorBox error={templates.error} />}
      {!items && templates.loading && <Loading />}
      {items && items.length === 0 && <p className="empty">{t('pages.templates.empty')}</p>}
      {items && items.length > 0 && (
        <div className="gallery">
          {items.map((tpl) => (
            <div className="card template-card" key={tpl.id} data-testid={`template-${tpl.id}`}>
              <h2>{tpl.name || tpl.id}</h2>
              <div className="hint"><code>{tpl.id}</code> · {t('pages.templates.nodes', { count: tpl.nodeCount })}</div>
              <p className="template-description">{tpl.description || t('pages.templates.noDescription')}</p>
              {canEdit && (using === tpl.id
                ? <UseTemplateForm template={tpl} taken={taken} ready={!workflows.loading || workflows.data !== undefined} onCancel={() => setUsing(null)} />
                : <button className="primary" onClick={() => setUsing(tpl.id)} data-testid={`use-template-${tpl.id}`}>{t('pages.templates.use')}</button>)}
            </div>
          ))}
        </div>
      )}
    </div>
  )
}

function UseTemplateForm({ template, taken, ready, onCancel }: { template: Template; taken: Set<string>; ready: boolean; onCancel(): void }) {
  const t = useT()
  const [, navigate] = useLocation()
  const base = WORKFLOW_ID_PATTERN.test(template.id) ? template.id : 'workflow'
  // What the user typed; until then the id follows the list of taken ids as it arrives.
  const [typed, setTyped] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const shownId = typed ?? nextFreeId(base, taken)
  const problem = !WORKFLOW_ID_PATTERN.test(shownId) ? t('pages.templates.idInvalid')
    : taken.has(shownId) ? t('pages.templates.idTaken', { id: shownId }) : null

  async function submit(e: FormEvent) {
    e.preventDefault()
    if (problem || busy) return
    setBusy(true)
    setError(null)
    try {
      const result = await importWorkflow({ ...template.definition, id: shownId })
      navigate(`/workflows/${encodeURIComponent(result.imported[0]?.id ?? shownId)}`)
    } catch (err) {
      setError(err)
      setBusy(false)
    }
  }

  return (
    <form className="use-template" onSubmit={submit}>
      <label>
        <span>{t('pages.templates.newId')}</span>
        <input value={shownId} autoFocus spellCheck={false} onChange={(e) => setTyped(e.target.value.trim())}
          aria-invalid={problem ? true : undefined} data-testid={`template-id-${template.id}`} />
      </label>
      <div className="hint">{t('pages.templates.idHint')}</div>
      {problem && <div className="field-error">{problem}</div>}
      <div className="row">
        <button className="primary" type="submit" disabled={Boolean(problem) || busy || !ready} data-testid={`create-from-template-${template.id}`}>
          {busy ? t('common.loading') : t('pages.templates.create')}
        </button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
      <ErrorBox error={error} />
    </form>
  )
}
