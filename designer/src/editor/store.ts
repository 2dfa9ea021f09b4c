/**
 * The editor's one store: the flow on the canvas (nodes, edges, definition fields), selection,
 * clipboard, undo/redo history and what is drawn over the flow (validation, a run, a diff).
 * It is plain zustand with no React in it, so tests drive it directly.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import { useStore } from 'zustand'
import { createContext, useContext } from 'react'
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from '@xyflow/react'
import type { NodeManifest } from '../../../schemas/generated/node-manifest.ts'
import type { HeatmapNode, ProblemDetail } from '../api/types.ts'
import type { NodeRunState } from '../graph/run-overlay.ts'
import type { WorkflowDefinition } from '../../../schemas/generated/workflow.ts'
import { outputPorts } from '../../../engine/core/node-ports.ts'
import type { DefinitionMeta, OrdoEdge, OrdoNode, OrdoNodeData } from '../graph/canvas-types.ts'
import { canvasToDefinition, definitionToCanvas, nodeToCanvas } from '../graph/convert.ts'
import { layoutNodes } from '../graph/layout.ts'
import type { ChangeKind } from '../graph/diff.ts'

/** Undo steps kept. */
const HISTORY_LIMIT = 100

interface Snapshot { meta: DefinitionMeta; nodes: OrdoNode[]; edges: OrdoEdge[] }

/**
 * Text typed in one of the editor's JSON boxes that is not applied to the flow: it does not parse,
 * or it is not what that box takes. Saving then would save the flow without it, so saving refuses.
 */
export interface UnappliedText {
  where: 'definition' | 'variables' | 'rule'
  text: string
  kind: 'syntax' | 'notFlow' | 'notObject' | 'idFixed'
  /** The node whose rule it is. */
  nodeId?: string
}

export interface EditorState extends Snapshot {
  manifests: NodeManifest[]
  past: Snapshot[]
  future: Snapshot[]
  /** Consecutive edits with the same key (typing in one field) are one undo step. */
  lastEditKey: string | null
  dragging: boolean
  clipboard: { nodes: OrdoNode[]; edges: OrdoEdge[] } | null
  /** Bumped by every change to the flow, so views know the definition changed. */
  revision: number
  savedRevision: number
  problems: ProblemDetail[]
  /** The problems by node id, so each card selects only its own. */
  problemsByNode: Record<string, ProblemDetail[]>
  /** Risks validation points out without refusing the flow (branches that multiply), by node id. */
  warnings: ProblemDetail[]
  warningsByNode: Record<string, ProblemDetail[]>
  /** true while a dialog covers the canvas: shortcuts and deletes must not reach the hidden flow. */
  locked: boolean
  runStates: Record<string, NodeRunState>
  /** Time per node across recent runs, and the largest total (a card's heat is its share of it). */
  heatStats: Record<string, HeatmapNode>
  heatMax: number
  diffMarks: Record<string, ChangeKind>
  /** Unapplied JSON text by the box it is in (its Monaco model path, or `definition`, `variables`). */
  unapplied: Record<string, UnappliedText>

  setManifests(manifests: NodeManifest[]): void
  load(def: WorkflowDefinition): void
  /** Marks the flow saved as of `revision` (the revision that was sent), not whatever it is now. */
  markSaved(revision: number): void
  definition(): WorkflowDefinition
  replaceDefinition(def: WorkflowDefinition): void
  setMeta(patch: Partial<DefinitionMeta>): void

  onNodesChange(changes: NodeChange<OrdoNode>[]): void
  onEdgesChange(changes: EdgeChange<OrdoEdge>[]): void
  canConnect(c: Connection | OrdoEdge): boolean
  connect(c: Connection): boolean
  addNode(nodeType: string, position: { x: number; y: number }): string
  updateNode(id: string, patch: Partial<Omit<OrdoNodeData, 'nodeType'>>, editKey?: string): void
  /** Removes nodes (with their edges) and edges as one undo step: the canvas's Delete key. */
  removeElements(nodeIds: string[], edgeIds: string[]): void
  setLocked(locked: boolean): void
  selectOnly(id: string | null): void
  selectAll(): void
  selectedIds(): string[]
  copy(): void
  paste(offset?: { x: number; y: number }): string[]
  undo(): void
  redo(): void
  autoLayout(): void

  setProblems(problems: ProblemDetail[], warnings?: ProblemDetail[]): void
  setRunStates(states: Record<string, NodeRunState>): void
  setHeat(stats: HeatmapNode[] | null): void
  setDiffMarks(marks: Record<string, ChangeKind>): void
  setUnapplied(key: string, entry: UnappliedText | null): void
}

const EMPTY_META: DefinitionMeta = { id: 'new-flow', name: 'New flow' }

/** A fresh node id from its type, unique on this canvas (e.g. `condition-2`). */
function freshNodeId(nodeType: string, taken: ReadonlySet<string>): string {
  const base = nodeType.split('.').pop()!.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 56) || 'node'
  for (let i = 1; ; i++) {
    const id = `${base}-${i}`
    if (!taken.has(id)) return id
  }
}

function freshEdgeId(source: string, handle: string | null | undefined, target: string, taken: ReadonlySet<string>): string {
  const base = `e-${source}-${handle ? `${handle}-` : ''}${target}`.replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 120)
  if (!taken.has(base)) return base
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`
}

/**
 * The config a new node starts with: an empty one (none for a type without settings). Its schema's
 * defaults are not written: the config form shows them, the engine applies them, and the config holds
 * only what the operator sets.
 */
function initialConfig(manifest: NodeManifest | undefined): Record<string, unknown> | undefined {
  const schema = manifest?.configSchema as { properties?: Record<string, unknown> } | undefined
  return schema?.properties && Object.keys(schema.properties).length > 0 ? {} : undefined
}

export function createEditorStore(manifests: NodeManifest[] = []): StoreApi<EditorState> {
  return createStore<EditorState>((set, get) => {
    const manifestOf = (type: string) => get().manifests.find((m) => m.type === type)
    const snapshot = (): Snapshot => ({ meta: get().meta, nodes: get().nodes, edges: get().edges })

    /** Records the current flow as an undo step before a change (unless it continues the last edit). */
    const remember = (editKey: string | null = null) => {
      const s = get()
      if (editKey !== null && editKey === s.lastEditKey) return
      set({ past: [...s.past, snapshot()].slice(-HISTORY_LIMIT), future: [], lastEditKey: editKey })
    }
    const changed = (patch: Partial<EditorState>) => set((s) => ({ ...patch, revision: s.revision + 1 }))

    return {
      meta: EMPTY_META, nodes: [], edges: [], manifests,
      past: [], future: [], lastEditKey: null, dragging: false, clipboard: null,
      revision: 0, savedRevision: 0, problems: [], problemsByNode: {}, warnings: [], warningsByNode: {}, locked: false, runStates: {}, heatStats: {}, heatMax: 0, diffMarks: {}, unapplied: {},

      setManifests(list) { set({ manifests: list }) },

      load(def) {
        const { meta, nodes, edges } = definitionToCanvas(def, manifestOf)
        set((s) => ({ meta, nodes, edges, past: [], future: [], lastEditKey: null, problems: [], problemsByNode: {}, warnings: [], warningsByNode: {}, runStates: {}, heatStats: {}, heatMax: 0, diffMarks: {}, unapplied: {}, revision: s.revision + 1, savedRevision: s.revision + 1 }))
      },

      markSaved(revision) { set({ savedRevision: revision }) },

      definition() {
        const s = get()
        return canvasToDefinition(s.meta, s.nodes, s.edges)
      },

      replaceDefinition(def) {
        // Typing in the JSON view is one undo step until something else is edited.
        remember('json')
        const selected = new Set(get().selectedIds())
        const { meta, nodes, edges } = definitionToCanvas(def, manifestOf)
        // Keep what React Flow measured and selected, so editing JSON does not make the canvas jump.
        const old = new Map(get().nodes.map((n) => [n.id, n]))
        changed({ meta, edges, nodes: nodes.map((n) => ({ ...n, measured: old.get(n.id)?.measured, selected: selected.has(n.id) })) })
      },

      setMeta(patch) {
        remember(`meta:${Object.keys(patch).join(',')}`)
        changed({ meta: { ...get().meta, ...patch } })
      },

      onNodesChange(changes) {
        const s = get()
        // Removals arrive through removeElements (React Flow's onDelete), as one undo step.
        changes = changes.filter((c) => c.type !== 'remove')
        if (changes.length === 0) return
        const drags = changes.filter((c) => c.type === 'position')
        let dragging = s.dragging
        const moved = drags.some((c) => c.type === 'position' && c.position)
        if (moved && !dragging) { remember(); dragging = true }
        if (drags.some((c) => c.type === 'position' && c.dragging === false)) dragging = false
        const nodes = applyNodeChanges(changes, s.nodes)
        if (moved) changed({ nodes, dragging })
        else set({ nodes, dragging })
      },

      onEdgesChange(changes) {
        const s = get()
        // Removals arrive through removeElements (React Flow's onDelete), as one undo step.
        changes = changes.filter((c) => c.type !== 'remove')
        if (changes.length === 0) return
        const structural = changes.some((c) => c.type === 'add' || c.type === 'replace')
        if (structural) remember()
        const edges = applyEdgeChanges(changes, s.edges)
        if (structural) changed({ edges })
        else set({ edges })
      },

      canConnect(c) {
        const s = get()
        if (!c.source || !c.target || c.source === c.target) return false
        const source = s.nodes.find((n) => n.id === c.source)
        const target = s.nodes.find((n) => n.id === c.target)
        if (!source || !target) return false
        const sm = manifestOf(source.data.nodeType)
        const tm = manifestOf(target.data.nodeType)
        if (!sm || !tm || tm.inputs === 0) return false
        if (!c.sourceHandle || !outputPorts(sm, source.data.config).includes(c.sourceHandle)) return false
        return !s.edges.some((e) => e.source === c.source && e.target === c.target && e.sourceHandle === c.sourceHandle)
      },

      connect(c) {
        if (!get().canConnect(c)) return false
        remember()
        const s = get()
        const id = freshEdgeId(c.source, c.sourceHandle, c.target, new Set(s.edges.map((e) => e.id)))
        const edge: OrdoEdge = { id, source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? null }
        changed({ edges: [...s.edges, edge] })
        return true
      },

      addNode(nodeType, position) {
        remember()
        const s = get()
        const id = freshNodeId(nodeType, new Set(s.nodes.map((n) => n.id)))
        const config = initialConfig(manifestOf(nodeType))
        const node = nodeToCanvas({ id, type: nodeType, position, ...(config ? { config } : {}) })
        changed({ nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), { ...node, selected: true }] })
        return id
      },

      updateNode(id, patch, editKey) {
        remember(editKey ? `node:${id}:${editKey}` : null)
        const s = get()
        const before = s.nodes.find((n) => n.id === id)
        changed({
          nodes: s.nodes.map((n) => {
            if (n.id !== id) return n
            const data: OrdoNodeData = { ...n.data }
            for (const [k, v] of Object.entries(patch) as Array<[keyof OrdoNodeData, unknown]>) {
              if (v === undefined) delete data[k]
              else (data as Record<string, unknown>)[k] = v
            }
            return { ...n, data }
          }),
        })
        // Renaming a switch case moves its edges to the new port name; removing a case drops its edges.
        const node = get().nodes.find((n) => n.id === id)
        const manifest = node && manifestOf(node.data.nodeType)
        if (node && before && manifest?.dynamicOutputs) {
          const oldPorts = outputPorts(manifest, before.data.config)
          const newPorts = outputPorts(manifest, node.data.config)
          const renamed = new Map<string, string>()
          if (oldPorts.length === newPorts.length) oldPorts.forEach((p, i) => { if (p !== newPorts[i]) renamed.set(p, newPorts[i]) })
          const edges = get().edges
            .map((e) => (e.source === id && e.sourceHandle && renamed.has(e.sourceHandle) ? { ...e, sourceHandle: renamed.get(e.sourceHandle)! } : e))
            .filter((e) => e.source !== id || !e.sourceHandle || newPorts.includes(e.sourceHandle))
          if (edges.some((e, i) => e !== get().edges[i]) || edges.length !== get().edges.length) set({ edges })
        }
      },

      removeElements(nodeIds, edgeIds) {
        if (nodeIds.length === 0 && edgeIds.length === 0) return
        remember()
        const gone = new Set(nodeIds)
        const goneEdges = new Set(edgeIds)
        const s = get()
        changed({
          nodes: s.nodes.filter((n) => !gone.has(n.id)),
          edges: s.edges.filter((e) => !goneEdges.has(e.id) && !gone.has(e.source) && !gone.has(e.target)),
        })
      },

      setLocked(locked) { set({ locked }) },

      selectOnly(id) {
        set((s) => ({
          nodes: s.nodes.map((n) => (n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })),
          edges: s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
        }))
      },

      selectAll() {
        set((s) => ({ nodes: s.nodes.map((n) => (n.selected ? n : { ...n, selected: true })) }))
      },

      selectedIds() {
        return get().nodes.filter((n) => n.selected).map((n) => n.id)
      },

      copy() {
        const s = get()
        const ids = new Set(s.selectedIds())
        if (ids.size === 0) return
        set({
          clipboard: {
            nodes: structuredClone(s.nodes.filter((n) => ids.has(n.id)).map(({ measured: _m, ...n }) => n)),
            edges: structuredClone(s.edges.filter((e) => ids.has(e.source) && ids.has(e.target))),
          },
        })
      },

      paste(offset = { x: 40, y: 40 }) {
        const clip = get().clipboard
        if (!clip || clip.nodes.length === 0) return []
        remember()
        const s = get()
        const takenNodes = new Set(s.nodes.map((n) => n.id))
        const takenEdges = new Set(s.edges.map((e) => e.id))
        const rename = new Map<string, string>()
        const nodes = clip.nodes.map((n) => {
          const id = freshNodeId(n.data.nodeType, takenNodes)
          takenNodes.add(id)
          rename.set(n.id, id)
          return { ...structuredClone(n), id, selected: true, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } }
        })
        const edges = clip.edges.map((e) => {
          const source = rename.get(e.source)!
          const target = rename.get(e.target)!
          const id = freshEdgeId(source, e.sourceHandle, target, takenEdges)
          takenEdges.add(id)
          return { ...structuredClone(e), id, source, target, selected: false }
        })
        changed({ nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...nodes], edges: [...s.edges, ...edges] })
        return nodes.map((n) => n.id)
      },

      undo() {
        const s = get()
        const previous = s.past[s.past.length - 1]
        if (!previous) return
        changed({ ...previous, past: s.past.slice(0, -1), future: [snapshot(), ...s.future], lastEditKey: null })
      },

      redo() {
        const s = get()
        const next = s.future[0]
        if (!next) return
        changed({ ...next, past: [...s.past, snapshot()], future: s.future.slice(1), lastEditKey: null })
      },

      autoLayout() {
        const s = get()
        if (s.nodes.length === 0) return
        remember()
        const positions = layoutNodes(s.nodes, s.edges)
        changed({ nodes: s.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position })) })
      },

      setProblems(problems, warnings = []) {
        const byNode = (list: ProblemDetail[]) => {
          const out: Record<string, ProblemDetail[]> = {}
          for (const p of list) if (p.nodeId) (out[p.nodeId] ??= []).push(p)
          return out
        }
        set({ problems, problemsByNode: byNode(problems), warnings, warningsByNode: byNode(warnings) })
      },
      setRunStates(runStates) { set({ runStates }) },
      setHeat(stats) {
        set({
          heatStats: Object.fromEntries((stats ?? []).map((n) => [n.nodeId, n])),
          heatMax: Math.max(0, ...(stats ?? []).map((n) => n.totalMs)),
        })
      },
      setDiffMarks(diffMarks) { set({ diffMarks }) },
      setUnapplied(key, entry) {
        const { [key]: before, ...rest } = get().unapplied
        if (!entry && !before) return
        if (entry && before && entry.text === before.text && entry.kind === before.kind) return
        set({ unapplied: entry ? { ...rest, [key]: entry } : rest })
      },
    }
  })
}

export type EditorStore = StoreApi<EditorState>

/** The one selected node's id; null when none or several are selected (the panels show one node). */
export function singleSelectedId(s: EditorState): string | null {
  let id: string | null = null
  for (const n of s.nodes) {
    if (!n.selected) continue
    if (id !== null) return null
    id = n.id
  }
  return id
}

/** The store a canvas draws: the editor's draft, or a read-only version (a run, one side of a diff). */
export const EditorStoreContext = createContext<EditorStore | null>(null)

export function useEditorStore(): EditorStore {
  const store = useContext(EditorStoreContext)
  if (!store) throw new Error('useEditor outside an EditorStoreContext provider')
  return store
}

/** React hook over the nearest editor store. */
export function useEditor<T>(selector: (s: EditorState) => T): T {
  return useStore(useEditorStore(), selector)
}
