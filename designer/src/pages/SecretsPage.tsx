/**
 * /secrets: the API keys, robot tokens and passwords connectors read by name. Admins set, replace
 * and delete them (a delete a published flow would feel asks again and says which flows); designers
 * see the list. A value is typed into a password box, sent once in a request body and forgotten:
 * no page, URL, log or audit entry ever shows it.
 */
import { Fragment, useImperativeHandle, useRef, useState, type FormEvent, type Ref } from 'react'
import { Link } from 'wouter'
import { api, ApiError } from '../api/client.ts'
import { secretsChanged } from '../api/secrets.ts'
import type { MissingSecret, SecretInfo, SecretUse } from '../api/types.ts'
import { useCan } from '../app/session.ts'
import { useT } from '../i18n/index.ts'
import { publishedUses, secretNameProblem, secretValueProblem, usesByWorkflow } from './secrets.ts'
import { ErrorBox, Loading, Time, useLoad, Notice } from './shared.tsx'

type Pending = { name: string; stage: 'confirm' | 'inUse'; uses: SecretUse[] }
interface SecretFormHandle { replace(name: string): void }

export function SecretsPage() {
  const t = useT()
  const canManage = useCan('manageSecrets')
  const list = useLoad(() => api<{ secrets: SecretInfo[]; missing?: MissingSecret[] }>('GET', '/api/secrets'), [])
  const [notice, setNotice] = useState<string | null>(null)
  const [pending, setPending] = useState<Pending | null>(null)
  const [deleting, setDeleting] = useState(false)
  const [deleteError, setDeleteError] = useState<unknown>(null)
  const formRef = useRef<SecretFormHandle>(null)
  const secrets = list.data?.secrets ?? []
  const missing = list.data?.missing ?? []

  function changed(text: string) {
    setNotice(text)
    secretsChanged()
    list.reload()
  }

  async function remove(name: string, force: boolean) {
    setDeleting(true)
    setDeleteError(null)
    try {
      await api('DELETE', `/api/secrets/${encodeURIComponent(name)}${force ? '?force=true' : ''}`)
      setPending(null)
      changed(t('secrets.deleted', { name }))
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        // Published flows use it: say which (as the list says now) and offer to delete anyway.
        const fresh = await api<{ secrets: SecretInfo[] }>('GET', '/api/secrets').catch(() => null)
        const uses = publishedUses(fresh?.secrets.find((s) => s.name === name) ?? secrets.find((s) => s.name === name))
        setPending({ name, stage: 'inUse', uses })
      } else if (e instanceof ApiError && e.status === 404) {
        setPending(null)
        changed(t('secrets.alreadyGone', { name }))
      } else {
        setDeleteError(e)
      }
    } finally {
      setDeleting(false)
    }
  }

  // Asked under the secret's own row: delete? and, when published flows use it, which ones, and delete anyway?
  const deleteConfirm = pending && (
    <div className="card confirm" role="alertdialog" aria-labelledby="secret-delete-question" data-testid="secret-delete-confirm">
      {pending.stage === 'confirm' ? (
        <p id="secret-delete-question">{t('secrets.deleteQuestion', { name: pending.name })}</p>
      ) : (
        <>
          <p id="secret-delete-question" data-testid="secret-in-use">{t('secrets.inUse', { name: pending.name })}</p>
          <UseList uses={pending.uses} />
          <p className="hint">{t('secrets.inUseHint')}</p>
        </>
      )}
      <ErrorBox error={deleteError} />
      <div className="row">
        <button className="danger" disabled={deleting} data-testid={pending.stage === 'confirm' ? 'secret-delete-yes' : 'secret-delete-force'}
          onClick={() => void remove(pending.name, pending.stage === 'inUse')}>
          {pending.stage === 'confirm' ? t('secrets.deleteYes') : t('secrets.deleteAnyway')}
        </button>
        <button onClick={() => { setPending(null); setDeleteError(null) }} data-testid="secret-delete-cancel">{t('common.cancel')}</button>
      </div>
    </div>
  )

  return (
    <div className="page-body pages secrets" data-testid="secrets-page">
      <div className="page-head">
        <h1>{t('secrets.title')}</h1>
        <span className="spacer" />
        <button onClick={list.reload} data-testid="refresh">{t('common.refresh')}</button>
      </div>
      <p className="hint intro">{t('secrets.intro')}</p>
      {!canManage && <p className="notice" role="note" data-testid="secrets-read-only">{t('secrets.readOnly')}</p>}
      {notice && (
        <Notice testid="secret-notice" onClose={() => setNotice(null)}><span>{notice}</span></Notice>
      )}
      {canManage && <SecretForm ref={formRef} known={secrets.map((s) => s.name)} onSaved={(name, created) => changed(t(created ? 'secrets.created' : 'secrets.replaced', { name }))} />}

      {missing.length > 0 && (
        <section className="missing-secrets" data-testid="secrets-missing">
          <h2 className="section-title">{t('secrets.missingTitle')}</h2>
          <p className="hint">{t('secrets.missingHint')}</p>
          <table className="list secrets-list">
            <thead><tr><th>{t('pages.col.name')}</th><th>{t('secrets.col.usedBy')}</th>{canManage && <th><span className="sr-only">{t('pages.col.actions')}</span></th>}</tr></thead>
            <tbody>
              {missing.map((m) => (
                <tr key={m.name} data-testid={`secret-missing-${m.name}`}>
                  <td className="nowrap"><code className="secret-name">{m.name}</code></td>
                  <td><UseList uses={m.usedBy} /></td>
                  {canManage && <td className="actions"><button className="link" onClick={() => formRef.current?.replace(m.name)} data-testid={`secret-set-${m.name}`}>{t('secrets.setMissing')}</button></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <h2 className="section-title">{t('secrets.list')}</h2>
      {list.error != null && <ErrorBox error={list.error} />}
      {!list.data && list.loading && <Loading />}
      {list.data && secrets.length === 0 && <p className="empty">{canManage ? t('secrets.emptyAdmin') : t('secrets.empty')}</p>}
      {secrets.length > 0 && (
        <table className="list secrets-list" data-testid="secrets-list">
          <thead>
            <tr>
              <th>{t('pages.col.name')}</th>
              <th>{t('secrets.col.usedBy')}</th>
              <th>{t('pages.col.updated')}</th>
              <th>{t('secrets.col.created')}</th>
              {canManage && <th><span className="sr-only">{t('pages.col.actions')}</span></th>}
            </tr>
          </thead>
          <tbody>
            {secrets.map((s) => (
              <Fragment key={s.name}>
                <tr data-testid={`secret-${s.name}`}>
                  <td className="nowrap"><code className="secret-name">{s.name}</code></td>
                  <td>{(s.usedBy ?? []).length ? <UseList uses={s.usedBy ?? []} /> : <span className="muted">{t('secrets.unused')}</span>}</td>
                  <td className="nowrap"><Time iso={s.updatedAt} /><div className="hint">{t('secrets.by', { name: s.updatedBy })}</div></td>
                  <td className="nowrap"><Time iso={s.createdAt} /></td>
                  {canManage && (
                    <td className="actions">
                      <button className="link" onClick={() => formRef.current?.replace(s.name)} data-testid={`secret-replace-${s.name}`}>{t('secrets.replace')}</button>
                      <button className="link danger" onClick={() => { setDeleteError(null); setNotice(null); setPending({ name: s.name, stage: 'confirm', uses: [] }) }} data-testid={`secret-delete-${s.name}`}>{t('secrets.delete')}</button>
                    </td>
                  )}
                </tr>
                {pending?.name === s.name && (
                  <tr className="confirm-row"><td colSpan={canManage ? 5 : 4}>{deleteConfirm}</td></tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

/** Where a secret is used: per workflow (linked to its editor), its nodes by name; a draft's use marked as such. */
function UseList({ uses }: { uses: readonly SecretUse[] }) {
  const t = useT()
  return (
    <ul className="plain uses">
      {usesByWorkflow(uses).map((g) => (
        <li key={g.workflowId}>
          <Link href={`/workflows/${encodeURIComponent(g.workflowId)}`} title={g.workflowId}>{g.workflowName}</Link>
          <span className="muted"> · {g.nodes.join(t('integrations.listSeparator'))}</span>
          {g.draftOnly && <span className="badge" title={t('secrets.draftOnlyHint')}>{t('secrets.draftOnly')}</span>}
        </li>
      ))}
    </ul>
  )
}

/** Set or replace a secret: its name and its value (a password box, cleared once sent). */
function SecretForm({ ref, known, onSaved }: { ref: Ref<SecretFormHandle>; known: string[]; onSaved(name: string, created: boolean): void }) {
  const t = useT()
  const [name, setName] = useState('')
  const [value, setValue] = useState('')
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const valueRef = useRef<HTMLInputElement>(null)
  const nameRef = useRef<HTMLInputElement>(null)

  // The list's "replace" puts the name in and the cursor in the value box.
  useImperativeHandle(ref, () => ({
    replace(n) { setName(n); setValue(''); setError(null); setTouched(false); nameRef.current?.scrollIntoView({ block: 'nearest' }); valueRef.current?.focus() },
  }), [])

  const trimmed = name.trim()
  const replacing = known.includes(trimmed)
  const nameProblem = secretNameProblem(trimmed)
  const valueProblem = secretValueProblem(value)

  async function submit(e: FormEvent) {
    e.preventDefault()
    setTouched(true)
    if (nameProblem || valueProblem) return
    setBusy(true)
    setError(null)
    const sent = value
    // The value leaves the page's state as it is sent: nothing keeps it after this.
    setValue('')
    try {
      const answer = await api<SecretInfo>('POST', '/api/secrets', { name: trimmed, value: sent })
      setName('')
      setTouched(false)
      // 201 and 200 answer alike: a secret set just now was created when it was last updated.
      onSaved(trimmed, answer.createdAt === answer.updatedAt)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="card secret-form" onSubmit={(e) => void submit(e)} data-testid="secret-form" autoComplete="off">
      <h2>{replacing ? t('secrets.form.replaceTitle', { name: trimmed }) : t('secrets.form.title')}</h2>
      <div className="form-row">
        <label className="form-field">
          <span>{t('secrets.form.name')}</span>
          <input ref={nameRef} value={name} onChange={(e) => setName(e.target.value)} list="secret-names" maxLength={128} spellCheck={false}
            placeholder={t('secrets.form.namePlaceholder')} data-testid="secret-name" aria-invalid={touched && Boolean(nameProblem)} />
          <datalist id="secret-names">{known.map((n) => <option key={n} value={n} />)}</datalist>
          {touched && nameProblem ? <span className="field-error">{t(nameProblem)}</span> : <span className="hint">{t('secrets.form.nameHint')}</span>}
        </label>
        <label className="form-field">
          <span>{t('secrets.form.value')}</span>
          {/* A password box: shown as dots, never autofilled or remembered by the browser. */}
          <input ref={valueRef} type="password" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="new-password" spellCheck={false}
            data-testid="secret-value" aria-invalid={touched && Boolean(valueProblem)} />
          {touched && valueProblem ? <span className="field-error">{t(valueProblem)}</span> : <span className="hint">{t('secrets.form.valueHint')}</span>}
        </label>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy} data-testid="secret-save">
            {busy ? t('secrets.form.saving') : replacing ? t('secrets.form.replace') : t('secrets.form.save')}
          </button>
        </div>
      </div>
      {replacing && <p className="hint" data-testid="secret-replacing">{t('secrets.form.replacing', { name: trimmed })}</p>}
      <ErrorBox error={error} />
    </form>
  )
}
