/**
 * The workflow editor: palette, canvas and side panels over the draft of one workflow.
 * Saves drafts (with If-Match so a stale save is refused), validates as you edit, publishes,
 * lists versions and diffs them, exports, and watches runs or a dry run on the canvas.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { ReactFlowProvider, useReactFlow } from '@xyflow/react'
import { useLocation, useSearch } from 'wouter'
import { api, ApiError } from '../api/client.ts'
import type { DefinitionCheck, FieldConflict, WorkflowDefinition, WorkflowWithDraft } from '../api/types.ts'
import { useCan } from '../app/session.ts'
import { clearStash, readStash, registerUnsaved, stashDraft } from '../app/unsaved.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { format, type Locale } from '../i18n/messages.ts'
import { sameJson } from '../graph/convert.ts'
import { formatTime } from '../pages/format.ts'
import { describeApiError } from './describe-problem.ts'
import { firstUnapplied, refusalToSave } from './unapplied.ts'
import { Canvas } from './Canvas.tsx'
import { ConfigPanel } from './ConfigPanel.tsx'
import { DefinitionPanel } from './DefinitionPanel.tsx'
import { FlowSettings } from './FlowSettings.tsx'
import { Palette } from './Palette.tsx'
import { RunPanel } from './RunPanel.tsx'
import { VersionsPanel } from './VersionsPanel.tsx'
import { useManifests } from './manifests.ts'
import { createEditorStore, EditorStoreContext, singleSelectedId, useEditor, type EditorStore } from './store.ts'
import { downloadJson } from '../app/download.ts'
import { ConflictList } from './FlowConflicts.tsx'
import { useFlowConflicts } from './flow-conflicts.ts'
import './editor.css'

type Tab = 'node' | 'flow' | 'json' | 'versions' | 'run'

/** Starting point of a new workflow: an empty canvas (the Flow tab says to drag a trigger in), named in the operator's language. */
function newDefinition(locale: Locale): WorkflowDefinition {
  return { id: 'new-flow', name: format(locale, 'editor.newFlowName'), nodes: [], edges: [] }
}

type WorkflowInfo = Omit<WorkflowWithDraft, 'draft'>
type Notice = { kind: 'ok' | 'bad'; text: string; conflicts?: FieldConflict[] }

/**
 * A new flow's first save moves the editor from /workflows/new to /workflows/<id>: the editor there
 * takes over this store (undo history, selection), the saved row, the message and the tab, instead
 * of starting again from the server.
 */
const handoff = new Map<string, { store: EditorStore; info: WorkflowInfo; message: Notice; tab: Tab }>()

export function EditorPage({ workflowId }: { workflowId: string }) {
  const store = useMemo(() => handoff.get(workflowId)?.store ?? createEditorStore(), [workflowId])
  return (
    <EditorStoreContext.Provider value={store}>
      <ReactFlowProvider>
        <Editor key={workflowId} workflowId={workflowId} store={store} />
      </ReactFlowProvider>
    </EditorStoreContext.Provider>
  )
}

function Editor({ workflowId, store }: { workflowId: string; store: EditorStore }) {
  const t = useT()
  const [, navigate] = useLocation()
  const search = useSearch()
  const runParam = new URLSearchParams(search).get('run')
  const isNew = workflowId === 'new'
  const locale = useLocale((s) => s.locale)
  const canEdit = useCan('editWorkflow')
  const canPublish = useCan('publishWorkflow')
  const { manifests, error: manifestError } = useManifests()
  const [info, setInfo] = useState<WorkflowInfo | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [message, setMessage] = useState<Notice | null>(null)
  const [busy, setBusy] = useState(false)
  const [tab, setTab] = useState<Tab>(runParam ? 'run' : 'flow')
  const selected = useEditor(singleSelectedId)
  const [loadedKey, setLoadedKey] = useState(0)
  const [stash, setStash] = useState<{ at: number; definition: unknown } | null>(null)
  // Someone else saved since this draft was loaded: the user picks theirs or mine.
  const [conflict, setConflict] = useState(false)
  // Unsaved: the canvas changed, or a JSON box holds text that is not applied yet.
  const dirty = useEditor((s) => s.revision !== s.savedRevision || Object.keys(s.unapplied).length > 0)
  const problemCount = useEditor((s) => s.problems.length)
  const selectedHasProblems = useEditor((s) => Boolean(selected && s.problemsByNode[selected]))
  const canUndo = useEditor((s) => s.past.length > 0)
  const canRedo = useEditor((s) => s.future.length > 0)
  const meta = useEditor((s) => s.meta)
  const flow = useReactFlow()
  const busyRef = useRef(false)

  // Load the manifests, then the draft (or a fresh flow).
  useEffect(() => {
    if (!manifests) return
    store.getState().setManifests(manifests)
    const handed = handoff.get(workflowId)
    if (handed) {
      handoff.delete(workflowId)
      setInfo(handed.info)
      setMessage(handed.message)
      setTab(handed.tab)
      setLoadedKey((k) => k + 1)
      return
    }
    if (isNew) {
      store.getState().load(newDefinition(useLocale.getState().locale))
      setInfo(null)
      setLoadedKey((k) => k + 1)
      const found = readStash(workflowId)
      if (found) setStash(found)
      return
    }
    let live = true
    api<WorkflowWithDraft>('GET', `/api/workflows/${encodeURIComponent(workflowId)}`)
      .then((w) => {
        if (!live) return
        const { draft, ...rest } = w
        store.getState().load(draft)
        setInfo(rest)
        setLoadedKey((k) => k + 1)
        const found = readStash(workflowId)
        if (found && !sameJson(found.definition, draft)) setStash(found)
        else clearStash(workflowId)
      })
      .catch((e) => live && setLoadError((e as Error).message))
    return () => { live = false }
  }, [manifests, workflowId, isNew, store])

  // Validate the canvas as it changes (debounced): node cards show their problems at once.
  const validateSeq = useRef(0)
  const validate = useCallback(async (): Promise<DefinitionCheck | null> => {
    const seq = ++validateSeq.current
    const def = store.getState().definition()
    try {
      const check = await api<DefinitionCheck & { conflicts?: FieldConflict[] }>('POST', `/api/workflows/${encodeURIComponent(def.id || 'new-flow')}/validate`, def)
      if (seq === validateSeq.current) {
        store.getState().setProblems(check.errors, check.warnings)
        useFlowConflicts.getState().set(def.id, check.conflicts ?? [])
      }
      return check
    } catch (e) {
      if (seq === validateSeq.current && e instanceof ApiError) store.getState().setProblems(e.details)
      return null
    }
  }, [store])
  // Subscribed outside React so a drag does not re-render the whole editor on every frame.
  useEffect(() => {
    if (!manifests || loadedKey === 0) return
    let timer = setTimeout(() => void validate(), 0)
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.revision === prev.revision) return
      clearTimeout(timer)
      timer = setTimeout(() => {
        void validate()
        const now = store.getState()
        // Keep a copy of unsaved work in the tab: a reload or an expired sign-in does not lose it.
        if (now.revision !== now.savedRevision) stashDraft(workflowId, now.definition())
      }, 400)
    })
    return () => { clearTimeout(timer); unsubscribe() }
  }, [manifests, loadedKey, validate, store, workflowId])

  // Selecting a node shows its settings, unless the user is looking at versions, runs or JSON.
  useEffect(() => {
    if (selected) setTab((current) => (current === 'flow' || current === 'node' ? 'node' : current))
  }, [selected])

  const manifestOfNode = useCallback((nodeId: string) => {
    const s = store.getState()
    return s.manifests.find((m) => m.type === s.nodes.find((n) => n.id === nodeId)?.data.nodeType)
  }, [store])

  useEffect(() => {
    registerUnsaved(() => store.getState().revision !== store.getState().savedRevision)
    return () => registerUnsaved(null)
  }, [store])

  /** Saves the draft; `ifMatch` is the revision this tab's copy is based on (a newer one on the server is a 409). */
  const save = useCallback(async (ifMatch = info?.draftRevision): Promise<boolean> => {
    if (busyRef.current) return false
    // The canvas is not what the operator typed: saving it would save something else. Nothing is sent.
    const unapplied = firstUnapplied(store.getState().unapplied)
    if (unapplied) {
      setMessage({ kind: 'bad', text: refusalToSave(unapplied, locale) })
      if (unapplied.where === 'definition') setTab('json')
      else if (unapplied.where === 'variables') setTab('flow')
      return false
    }
    // What is sent is what is saved: edits made while the request is out stay unsaved.
    const def = store.getState().definition()
    const sentRevision = store.getState().revision
    busyRef.current = true
    setBusy(true)
    setMessage(null)
    try {
      const row = isNew || ifMatch === undefined
        ? await api<WorkflowWithDraft>('POST', '/api/workflows', def)
        : await api<WorkflowWithDraft>('PUT', `/api/workflows/${encodeURIComponent(workflowId)}`, def, { 'if-match': `"${ifMatch}"` })
      const { draft: _draft, ...rest } = row
      const saved: Notice = { kind: 'ok', text: t('editor.saved', { revision: row.draftRevision }) }
      store.getState().markSaved(sentRevision)
      clearStash(workflowId)
      setStash(null)
      if (isNew) {
        handoff.set(row.id, { store, info: rest, message: saved, tab })
        navigate(`/workflows/${encodeURIComponent(row.id)}`, { replace: true })
        return true
      }
      setInfo(rest)
      setMessage(saved)
      return true
    } catch (e) {
      const err = e as ApiError
      if (err.status === 409 && !isNew) { setConflict(true); setMessage(null) }
      else if (err.status === 409) setMessage({ kind: 'bad', text: t('editor.idTaken', { id: def.id }) })
      else setMessage({ kind: 'bad', text: describeApiError(err, locale, manifestOfNode, def) })
      if (err.details?.length) store.getState().setProblems(err.details)
      return false
    } finally {
      busyRef.current = false
      setBusy(false)
    }
  }, [info, isNew, navigate, store, t, workflowId, tab, locale, manifestOfNode])

  /** After a conflict: load the draft as it is on the server now (this tab's copy stays in the stash). */
  async function loadTheirs() {
    const mine = store.getState().definition()
    stashDraft(workflowId, mine)
    const w = await api<WorkflowWithDraft>('GET', `/api/workflows/${encodeURIComponent(workflowId)}`)
    const { draft, ...rest } = w
    store.getState().load(draft)
    setInfo(rest)
    setConflict(false)
    setStash({ at: Date.now(), definition: mine })
    setLoadedKey((k) => k + 1)
  }

  /** After a conflict: save this tab's flow over the newer draft, knowingly. */
  async function overwrite() {
    const w = await api<WorkflowWithDraft>('GET', `/api/workflows/${encodeURIComponent(workflowId)}`)
    setConflict(false)
    await save(w.draftRevision)
  }

  const publish = useCallback(async () => {
    if (busyRef.current) return
    const s = store.getState()
    if ((s.revision !== s.savedRevision || isNew || Object.keys(s.unapplied).length > 0) && !(await save())) return
    busyRef.current = true
    setBusy(true)
    try {
      const id = store.getState().meta.id
      const v = await api<{ version: number; changed: boolean; conflicts: FieldConflict[] }>('POST', `/api/workflows/${encodeURIComponent(id)}/publish`)
      setInfo((i) => (i ? { ...i, latestVersion: v.version } : i))
      // An unchanged draft makes no new version: say so, rather than announce the old one as new.
      setMessage({ kind: 'ok', text: v.changed ? t('editor.published', { version: v.version }) : t('publish.unchanged', { version: v.version }), conflicts: v.conflicts })
    } catch (e) {
      // The server checks the draft again: its problems go on the canvas.
      const err = e as ApiError
      if (err.status === 400 && err.details?.length) {
        store.getState().setProblems(err.details)
        setMessage({ kind: 'bad', text: t('editor.publishInvalid', { n: err.details.length }) })
      } else setMessage({ kind: 'bad', text: describeApiError(err, locale, manifestOfNode, store.getState().definition()) })
    } finally {
      busyRef.current = false
      setBusy(false)
    }
  }, [isNew, save, store, t, locale, manifestOfNode])

  // Ctrl+S saves the draft.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault()
        const s = store.getState()
        if (canEdit && (s.revision !== s.savedRevision || isNew || Object.keys(s.unapplied).length > 0)) void save()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [canEdit, save, store, isNew])

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    if (!dirty) return
    const onBeforeUnload = (e: BeforeUnloadEvent) => { e.preventDefault() }
    window.addEventListener('beforeunload', onBeforeUnload)
    return () => window.removeEventListener('beforeunload', onBeforeUnload)
  }, [dirty])

  function addInView(type: string) {
    const rect = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect()
    const center = rect ? flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }) : { x: 0, y: 0 }
    store.getState().addNode(type, { x: center.x - 110, y: center.y - 40 })
  }

  function exportFile() {
    const def = store.getState().definition()
    downloadJson(`${def.id}.workflow.json`, { format: 'ordo.workflow/v1', exportedAt: new Date().toISOString(), workflow: def })
  }

  if (manifestError || loadError) return <p className="field-error page-body">{t('common.error', { message: (manifestError?.message ?? loadError)! })}</p>
  if (!manifests || loadedKey === 0) return <p className="empty">{t('common.loading')}</p>

  const tabs: Array<[Tab, string]> = [
    ['node', t('editor.tab.node')], ['flow', t('editor.tab.flow')], ['json', t('editor.tab.json')],
    ['versions', t('editor.tab.versions')], ['run', t('editor.tab.run')],
  ]

  return (
    <div className="editor">
      <div className="toolbar" role="toolbar">
        <strong className="flow-name" title={meta.id}>{meta.name}</strong>
        <span className="muted">{meta.id}</span>
        <span className={`badge ${dirty ? 'waiting' : 'ok'}`} data-testid="save-state">
          {dirty ? t('editor.unsaved') : info ? t('editor.draftRevision', { revision: info.draftRevision }) : t('editor.notSaved')}
        </span>
        {info?.latestVersion != null && <span className="badge">{t('editor.latestVersion', { version: info.latestVersion })}</span>}
        <span className={`badge ${problemCount ? 'bad' : 'ok'}`} data-testid="validation-state" onClick={() => problemCount && setTab(selected ? 'node' : 'flow')}>
          {problemCount ? t('editor.problems', { n: problemCount }) : t('editor.valid')}
        </span>
        <span className="spacer" />
        {canEdit && (
          <>
            <button onClick={() => store.getState().undo()} disabled={!canUndo} title="Ctrl+Z" data-testid="undo">{t('editor.undo')}</button>
            <button onClick={() => store.getState().redo()} disabled={!canRedo} title="Ctrl+Shift+Z" data-testid="redo">{t('editor.redo')}</button>
            <button onClick={() => store.getState().autoLayout()} data-testid="auto-layout">{t('editor.autoLayout')}</button>
          </>
        )}
        <button onClick={() => void validate().then((c) => c && setMessage(c.valid ? { kind: 'ok', text: t('editor.valid') } : { kind: 'bad', text: t('editor.problems', { n: c.errors.length }) }))} data-testid="validate">{t('editor.validate')}</button>
        <button onClick={exportFile} data-testid="export">{t('editor.export')}</button>
        {canEdit && <button onClick={() => void save()} disabled={busy || (!dirty && !isNew)} title="Ctrl+S" data-testid="save">{t('editor.save')}</button>}
        {canPublish && <button className="primary" onClick={() => void publish()} disabled={busy} data-testid="publish">{t('editor.publish')}</button>}
      </div>
      {message && (
        <div className={`notice ${message.kind}`} role={message.kind === 'bad' ? 'alert' : 'status'} data-testid="editor-message">
          {message.text}
          <button className="link" onClick={() => setMessage(null)}>{t('common.close')}</button>
          {message.conflicts && <ConflictList conflicts={message.conflicts} testid="publish-conflicts" />}
        </div>
      )}
      {conflict && (
        <div className="notice bad" role="alert" data-testid="conflict-notice">
          {t('editor.conflict')}
          <button onClick={() => void loadTheirs()} data-testid="conflict-theirs">{t('editor.conflictTheirs')}</button>
          <button onClick={() => void overwrite()} data-testid="conflict-mine">{t('editor.conflictMine')}</button>
        </div>
      )}
      {stash && (
        <div className="notice bad" role="alert" data-testid="restore-notice">
          {t('editor.restoreFound', { time: formatTime(new Date(stash.at).toISOString(), locale) })}
          <button onClick={() => { store.getState().replaceDefinition(stash.definition as WorkflowDefinition); setStash(null) }} data-testid="restore-unsaved">{t('editor.restore')}</button>
          <button className="link" onClick={() => { clearStash(workflowId); setStash(null) }}>{t('editor.discard')}</button>
        </div>
      )}
      <div className="editor-body">
        {canEdit && <Palette manifests={manifests} onAdd={addInView} />}
        <Canvas readOnly={!canEdit} fitKey={loadedKey} />
        <aside className="side">
          <div className="tabs" role="tablist">
            {tabs.map(([key, label]) => (
              <button key={key} role="tab" aria-selected={tab === key} className={tab === key ? 'active' : ''} onClick={() => setTab(key)} data-testid={`tab-${key}`}>
                {label}{key === 'node' && selectedHasProblems ? ' •' : ''}
              </button>
            ))}
          </div>
          <div className="side-body">
            {tab === 'node' && (selected ? <ConfigPanel nodeId={selected} readOnly={!canEdit} /> : <p className="hint">{t('editor.selectNode')}</p>)}
            {tab === 'flow' && <FlowSettings isNew={isNew} readOnly={!canEdit} onSelectNode={(id) => { store.getState().selectOnly(id); flow.fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.2 }) }} />}
            {tab === 'json' && <DefinitionPanel readOnly={!canEdit} idFixed={!isNew} />}
            {tab === 'versions' && <VersionsPanel workflowId={isNew ? null : workflowId} latestVersion={info?.latestVersion ?? null} />}
            {tab === 'run' && <RunPanel workflowId={isNew ? null : meta.id} runId={runParam} />}
          </div>
        </aside>
      </div>
    </div>
  )
}
