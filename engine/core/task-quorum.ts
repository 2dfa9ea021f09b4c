/**
 * When a task is decided: its quorum over the votes cast so far. Any: the first vote decides. All:
 * every named user must approve; one rejection rejects. At least N: N approvals approve; rejections
 * reject once too few named users are left to reach N (a role's members are not known, so with
 * roles a rejection only counts against the approvals still possible among named users).
 */
import type { Assignees, Quorum } from '../../connectors/sdk/define-node.ts'

/** A vote as the quorum sees it. */
export interface QuorumVote { by: string; decision: 'approve' | 'reject' }

/** The decision the votes reach, or null while the task stays open. */
export function decideTask(quorum: Quorum, assignees: Assignees, votes: readonly QuorumVote[]): 'approve' | 'reject' | null {
  const approvals = votes.filter((v) => v.decision === 'approve').length
  const rejections = votes.length - approvals
  switch (quorum.kind) {
    case 'any':
      return votes.length > 0 ? votes[0].decision : null
    case 'all': {
      if (rejections > 0) return 'reject'
      const approvedBy = new Set(votes.map((v) => v.by))
      return assignees.users.every((u) => approvedBy.has(u)) ? 'approve' : null
    }
    case 'at-least': {
      if (approvals >= quorum.count) return 'approve'
      if (assignees.roles.length === 0 && assignees.users.length - rejections < quorum.count) return 'reject'
      return null
    }
  }
}
