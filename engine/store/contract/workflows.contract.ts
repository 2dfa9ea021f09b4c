/**
 * Contract: workflow drafts (optimistic concurrency) and immutable published versions.
 */
import { describe, expect, it } from 'vitest'
import { ConflictError, NotFoundError } from '../store.ts'
import { T0, workflowDef, type StoreRef } from './contract-fixtures.ts'

/** Registers the workflow specifications against the store `store()` returns. */
export function describeWorkflowContract(store: StoreRef): void {
  describe('workflows', () => {
    it('creates a draft at revision 1 with no published version', async () => {
      const def = workflowDef('address-exception')
      const row = await store().createWorkflow(def, T0)
      const expected = { id: def.id, name: def.name, draft: def, draftRevision: 1, latestVersion: null, createdAt: T0, updatedAt: T0 }
      expect(row).toEqual(expected)
      expect(await store().getWorkflow(def.id)).toEqual(expected)
      expect(await store().getWorkflow('missing')).toBeNull()
    })

    it('refuses a second workflow with the same id', async () => {
      await store().createWorkflow(workflowDef('wf'), T0)
      await expect(store().createWorkflow(workflowDef('wf', 'Other'), T0 + 1)).rejects.toBeInstanceOf(ConflictError)
      expect((await store().getWorkflow('wf'))?.name).toBe('Workflow wf')
    })

    it('lists workflows by id', async () => {
      for (const id of ['b', 'c', 'a']) await store().createWorkflow(workflowDef(id), T0)
      expect((await store().listWorkflows()).map((w) => w.id)).toEqual(['a', 'b', 'c'])
    })

    it('saves a draft and bumps its revision', async () => {
      await store().createWorkflow(workflowDef('wf'), T0)
      const edited = { ...workflowDef('wf', 'Renamed'), description: 'v2' }
      const row = await store().updateDraft('wf', edited, T0 + 5, 1)
      expect(row).toMatchObject({ name: 'Renamed', draft: edited, draftRevision: 2, createdAt: T0, updatedAt: T0 + 5 })
      expect(await store().getWorkflow('wf')).toEqual(row)
      expect((await store().updateDraft('wf', edited, T0 + 6)).draftRevision).toBe(3)
    })

    it('refuses a draft saved over a newer revision', async () => {
      await store().createWorkflow(workflowDef('wf'), T0)
      await store().updateDraft('wf', workflowDef('wf', 'First editor'), T0 + 1, 1)
      await expect(store().updateDraft('wf', workflowDef('wf', 'Second editor'), T0 + 2, 1)).rejects.toBeInstanceOf(ConflictError)
      expect(await store().getWorkflow('wf')).toMatchObject({ name: 'First editor', draftRevision: 2 })
    })

    it('reports a missing workflow when saving or publishing', async () => {
      await expect(store().updateDraft('missing', workflowDef('missing'), T0)).rejects.toBeInstanceOf(NotFoundError)
      await expect(store().publishVersion('missing', workflowDef('missing'), T0, 'ann')).rejects.toBeInstanceOf(NotFoundError)
    })

    it('publishes version N+1 that later edits do not change', async () => {
      await store().createWorkflow(workflowDef('wf'), T0)
      const v1 = await store().publishVersion('wf', workflowDef('wf', 'One'), T0 + 1, 'ann')
      await store().updateDraft('wf', workflowDef('wf', 'Two'), T0 + 2)
      const v2 = await store().publishVersion('wf', workflowDef('wf', 'Two'), T0 + 3, 'bob')
      expect(v1).toEqual({ workflowId: 'wf', version: 1, definition: { ...workflowDef('wf', 'One'), version: 1 }, publishedAt: T0 + 1, publishedBy: 'ann' })
      expect(v2).toMatchObject({ version: 2, definition: { name: 'Two', version: 2 }, publishedBy: 'bob' })
      await store().updateDraft('wf', workflowDef('wf', 'Three'), T0 + 4)
      expect(await store().getVersion('wf', 1)).toEqual(v1)
      expect(await store().getVersion('wf', 3)).toBeNull()
      expect(await store().listVersions('wf')).toEqual([v1, v2])
      expect(await store().getWorkflow('wf')).toMatchObject({ latestVersion: 2, name: 'Three' })
    })

    it('lists the latest published version of each workflow', async () => {
      for (const id of ['a', 'b', 'c']) await store().createWorkflow(workflowDef(id), T0)
      await store().publishVersion('a', workflowDef('a'), T0, 'ann')
      await store().publishVersion('a', workflowDef('a', 'A2'), T0 + 1, 'ann')
      await store().publishVersion('b', workflowDef('b'), T0, 'ann')
      expect((await store().latestVersions()).map((v) => [v.workflowId, v.version, v.definition.name]).sort())
        .toEqual([['a', 2, 'A2'], ['b', 1, 'Workflow b']])
    })
  })
}
