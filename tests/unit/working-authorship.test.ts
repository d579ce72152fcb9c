import '@automerge/automerge-repo'
import * as A from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { Repo, type AutomergeUrl, type StorageAdapterInterface } from '@automerge/automerge-repo'
import { VersionControl } from '../../src/repo/VersionControl.ts'
import { Workspace } from '../../src/repo/Workspace.ts'
import { WorkingLedger, noteChange, ownership } from '../../src/repo/authorship.ts'
import { snapshotAt } from '../../src/repo/history.ts'
import type { LiveFileDoc } from '../../src/model/types.ts'

const text = (s: string) => new TextEncoder().encode(s)

/**
 * Two people on one branch of one repository document: each has their own workspace (their own
 * author and ledger) over the same document, as two profiles synced through a relay would.
 */
async function twoPeople(files: Record<string, string> = { 'README.md': 'hello\n' }) {
  const repo = new Repo({ network: [] })
  const setup = Workspace.create(repo, 'shared')
  const main = setup.branches()[0].id
  await setup.importFiles(
    main,
    Object.entries(files).map(([path, c]) => ({ path, bytes: text(c) })),
  )
  await new VersionControl(setup).commit(main, 'base', 'setup')
  const person = async (id: string, name: string) => {
    const author = { id, name }
    const ws = new Workspace(repo, setup.handle, {
      author,
      ledger: await WorkingLedger.load(null, setup.handle.documentId, author),
    })
    return { ws, vc: new VersionControl(ws) }
  }
  const ada = await person('ada-profile', 'Ada')
  const bea = await person('bea-profile', 'Bea')
  const idOf = (path: string) => setup.entries(main).find((e) => e.path === path)!.id
  const committed = (commit: string) =>
    Object.values(snapshotAt(setup.handle.doc().commits, commit))
      .map((f) => f.path)
      .sort()
  return { repo, main, ada, bea, idOf, committed, doc: setup.handle }
}

/** Types into a live file as the live-file server does for a window: one change, then the edit noted. */
/** The live document of a file (it must have one). */
const liveOf = (ws: Workspace, branch: string, id: string) => {
  const entry = ws.handle.doc().branches[branch].tree[id]
  if (entry.type !== 'file' || !entry.live) throw new Error('no live document')
  return ws.repo.find<LiveFileDoc>(String(entry.live) as AutomergeUrl)
}

async function typeInto(ws: Workspace, branch: string, id: string, insert: string) {
  const url = await ws.openLive(branch, id)
  const live = await ws.repo.find<LiveFileDoc>(url as AutomergeUrl)
  const before = A.getHeads(live.doc())
  live.change((d) => A.splice(d, ['content'], d.content.length, 0, insert))
  await ws.noteLiveEdit(url, before, A.getHeads(live.doc()))
}

describe('whose an uncommitted change is', () => {
  it('the rule: yours only while nobody else wrote the entry since the head', () => {
    const head = 'a.txt\0h1'
    const fresh = noteChange(undefined, head, { state: 's0', version: head }, 's1')
    expect(ownership(fresh, head, 's1')).toBe('yours')
    // Someone wrote after you: shared.
    expect(ownership(fresh, head, 's2')).toBe('shared')
    // Someone wrote before your first change (the content was not the head's): shared for good.
    const late = noteChange(undefined, head, { state: 's0', version: 'a.txt\0other' }, 's1')
    expect(ownership(late, head, 's1')).toBe('shared')
    // Someone wrote between two of your changes: shared, even once your last change is on top.
    const between = noteChange(fresh, head, { state: 'someone', version: '' }, 's3')
    expect(ownership(between, head, 's3')).toBe('shared')
    // The head moved under your record: shared (it must be picked).
    expect(ownership(fresh, 'a.txt\0h9', 's1')).toBe('shared')
    expect(ownership(undefined, head, 's1')).toBe('others')
  })

  it("B's uncommitted file is B's: Ada's commit leaves it out, and it stays uncommitted for Bea", async () => {
    const { main, ada, bea, idOf, committed } = await twoPeople()
    await bea.ws.createFile(main, 'wip.txt', text('half done'))
    await ada.ws.importFiles(main, [{ path: 'ada.txt', bytes: text('finished') }])

    const seenByAda = await ada.vc.status(main)
    expect(seenByAda.map((c) => [c.path, c.owner, c.others])).toEqual([
      ['ada.txt', 'yours', []],
      ['wip.txt', 'others', ['Bea']],
    ])
    const commit = await ada.vc.commit(main, 'mine only', 'Ada')
    expect(committed(commit)).toEqual(['README.md', 'ada.txt'])
    expect((await bea.vc.status(main)).map((c) => [c.path, c.owner])).toEqual([['wip.txt', 'yours']])
    await expect(ada.vc.commit(main, 'again', 'Ada')).rejects.toThrow(
      "Nothing of yours to commit: 1 uncommitted change is someone else's",
    )
    // Picked explicitly, it is committed.
    const picked = await ada.vc.commit(main, 'with Bea', 'Ada', { include: [idOf('wip.txt')] })
    expect(committed(picked)).toEqual(['README.md', 'ada.txt', 'wip.txt'])
    expect(await bea.vc.status(main)).toEqual([])
  })

  it('live edits: typed by one person is theirs; co-edited is shared and needs a pick', async () => {
    const { main, ada, bea, idOf, committed } = await twoPeople({ 'a.txt': 'a\n', 'b.txt': 'b\n' })
    await typeInto(ada.ws, main, idOf('a.txt'), 'ada\n')
    await typeInto(bea.ws, main, idOf('b.txt'), 'bea\n')
    expect((await ada.vc.status(main)).map((c) => [c.path, c.owner])).toEqual([
      ['a.txt', 'yours'],
      ['b.txt', 'others'],
    ])
    // Bea types into Ada's file too: it is now both of theirs, and Ada's commit takes it only if picked.
    await typeInto(bea.ws, main, idOf('a.txt'), 'bea too\n')
    expect((await ada.vc.status(main)).map((c) => [c.path, c.owner, c.others])).toEqual([
      ['a.txt', 'shared', ['Bea']],
      ['b.txt', 'others', ['Bea']],
    ])
    expect((await bea.vc.status(main)).map((c) => [c.path, c.owner])).toEqual([
      ['a.txt', 'shared'],
      ['b.txt', 'yours'],
    ])
    await expect(ada.vc.commit(main, 'nothing alone', 'Ada')).rejects.toThrow('Nothing of yours')
    const commit = await bea.vc.commit(main, "Bea's file", 'Bea')
    expect(committed(commit)).toEqual(['a.txt', 'b.txt'])
    expect((await ada.vc.status(main)).map((c) => c.path)).toEqual(['a.txt'])
  })

  it('a peer cannot make its change yours: naming you on its file, or editing yours silently', async () => {
    const { main, ada, bea, idOf, doc, committed } = await twoPeople({ 'a.txt': 'a\n' })
    await bea.ws.createFile(main, 'evil.txt', text('payload'))
    // Bea forges the shared attribution: Ada's author id and name on her file, and removes her own.
    doc.change((d) => {
      d.branches[main].changedBy![idOf('evil.txt')] = { 'ada-profile': 'Ada' }
    })
    expect((await ada.vc.status(main)).map((c) => [c.path, c.owner])).toEqual([['evil.txt', 'others']])

    // Ada edits a.txt; Bea then rewrites it behind the live editor, naming nobody.
    await typeInto(ada.ws, main, idOf('a.txt'), 'ada\n')
    const live = await liveOf(ada.ws, main, idOf('a.txt'))
    live.change((d) => A.splice(d, ['content'], 0, 0, 'sneaky\n'))
    expect((await ada.vc.status(main)).map((c) => [c.path, c.owner])).toEqual([
      ['a.txt', 'shared'],
      ['evil.txt', 'others'],
    ])
    await expect(ada.vc.commit(main, 'nothing of mine alone', 'Ada')).rejects.toThrow('Nothing of yours')
    expect(committed(doc.doc().branches[main].head!)).toEqual(['a.txt'])
  })

  it("a merge is not blocked by another's unfinished work, keeps it uncommitted, and carries it onto the merged files", async () => {
    const { main, ada, bea, idOf } = await twoPeople({
      'shared.txt': 'one\ntwo\nthree\n',
      'other.txt': 'x\n',
    })
    const base = ada.ws.handle.doc().branches[main].head
    const feature = ada.vc.createBranch('feature', base)
    await ada.ws.importFiles(feature, [
      { path: 'shared.txt', bytes: text('one\ntwo\nthree\nfour from feature\n') },
      { path: 'new.txt', bytes: text('from feature\n') },
    ])
    await ada.vc.commit(feature, 'feature work', 'Ada')
    // On main, Bea has unfinished work: a new file and an edit of a file the merge changes too.
    await bea.ws.createFile(main, 'wip.txt', text('wip'))
    await typeInto(bea.ws, main, idOf('shared.txt'), '')
    const live = await liveOf(bea.ws, main, idOf('shared.txt'))
    const before = A.getHeads(live.doc())
    live.change((d) => A.splice(d, ['content'], 0, 0, 'zero by Bea\n'))
    await bea.ws.noteLiveEdit(live.url, before, A.getHeads(live.doc()))

    // Ada has her own uncommitted change: that still asks her to commit first.
    await ada.ws.createFile(main, 'ada.txt', text('mine'))
    await expect(ada.vc.merge(main, feature, 'Ada')).rejects.toThrow(
      '"main" has uncommitted changes of yours (ada.txt)',
    )
    await ada.vc.commit(main, 'ada first', 'Ada')
    const outcome = await ada.vc.merge(main, feature, 'Ada')
    expect(outcome.kind).toBe('merged')

    const read = async (path: string) =>
      new TextDecoder().decode(
        await ada.ws.readBytes(main, ada.ws.entries(main).find((e) => e.path === path)!.id),
      )
    expect(await read('shared.txt')).toBe('zero by Bea\none\ntwo\nthree\nfour from feature\n')
    expect(await read('wip.txt')).toBe('wip')
    expect(await read('new.txt')).toBe('from feature\n')
    // Against the merge, Bea's work is still all that is uncommitted, and still named as hers.
    expect((await ada.vc.status(main)).map((c) => [c.path, c.kind, c.owner, c.others])).toEqual([
      ['shared.txt', 'modified', 'others', ['Bea']],
      ['wip.txt', 'added', 'others', ['Bea']],
    ])
  })

  it('the ledger survives a restart of the profile (the CLI runs one process per command)', async () => {
    const saved = new Map<string, Uint8Array>()
    const storage = {
      load: async (key: string[]) => saved.get(key.join('/')),
      save: async (key: string[], data: Uint8Array) => void saved.set(key.join('/'), data),
    } as unknown as StorageAdapterInterface
    const author = { id: 'agent', name: 'agent' }
    const first = await WorkingLedger.load(storage, 'doc', author)
    first.set('main', 'e1', { base: '', after: 's', mixed: false })
    await first.flush()
    const again = await WorkingLedger.load(storage, 'doc', author)
    expect(again.get('main', 'e1')).toEqual({ base: '', after: 's', mixed: false })
    // Another author's ledger is apart.
    expect((await WorkingLedger.load(storage, 'doc', { id: 'other', name: 'agent' })).get('main', 'e1')).toBe(
      undefined,
    )
  })
})
