import * as A from '@automerge/automerge/slim'
import { ChangeSet } from '@codemirror/state'

/** The text field of a live file document. */
export const CONTENT: A.Prop[] = ['content']

/** Applies an editor change set to the Automerge text at `path`, inside a change callback. */
export function spliceChanges(doc: A.Doc<unknown>, path: A.Prop[], changes: ChangeSet): void {
  // iterChanges reports each change with its start in the new document (fromB), which already
  // accounts for the earlier changes applied in this loop.
  changes.iterChanges((fromA, toA, fromB, _toB, inserted) => {
    A.splice(doc, path, fromB, toA - fromA, inserted.toString())
  })
}

/** Turns Automerge patches on the text at `path` into one editor change set over a `length`-long text. */
export function patchesToChanges(patches: A.Patch[], path: A.Prop[], length: number): ChangeSet {
  let changes = ChangeSet.empty(length)
  const depth = path.length
  const onText = (p: A.Patch) => p.path.length >= depth && path.every((key, i) => p.path[i] === key)
  for (const patch of patches) {
    if (!onText(patch)) continue
    const at = patch.path.length > depth ? (patch.path[depth] as number) : 0
    let step: ChangeSet | null = null
    if (patch.action === 'splice') step = ChangeSet.of({ from: at, insert: patch.value }, changes.newLength)
    else if (patch.action === 'del')
      step = ChangeSet.of({ from: at, to: at + (patch.length ?? 1) }, changes.newLength)
    else if (patch.action === 'put' && patch.path.length === depth)
      step = ChangeSet.of({ from: 0, to: changes.newLength, insert: String(patch.value) }, changes.newLength)
    if (step) changes = changes.compose(step)
  }
  return changes
}
