import type { WorkingChange } from '../../repo/VersionControl.ts'

/**
 * Whose an uncommitted change is, in words: "you", "you and Bea", "Bea". Others' names are what
 * they gave (a peer can write any): shown as text, never used to decide what a commit takes.
 */
export function whose(change: Pick<WorkingChange, 'owner' | 'others'>): string {
  const others = change.others.length ? change.others.join(', ') : 'someone else'
  if (change.owner === 'yours') return 'you'
  return change.owner === 'shared' ? `you and ${others}` : others
}
