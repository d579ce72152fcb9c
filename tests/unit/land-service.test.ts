import { describe, expect, it } from 'vitest'
import { lineFileMerger } from '../../src/merge/fileMerger.ts'
import type { FileMerger } from '../../src/model/fileMerge.ts'
import type { CheckFile } from '../../src/repo/landBranches.ts'
import { createRepoService } from '../../src/services/RepoService.ts'
import { diskRepo } from './helpers.ts'

const enc = (text: string) => new TextEncoder().encode(text)
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/** A repository through the app's services (as the repository worker runs them), with three agent branches. */
async function repository() {
  const disk = diskRepo()
  const merges = { count: 0 }
  const mergeFile: FileMerger = (...args) => {
    merges.count++
    return lineFileMerger(...args)
  }
  const service = createRepoService(disk.repo, disk.storage, null, mergeFile)
  const { id } = await service.createRepository('shop')
  const { defaultBranch: main } = await service.openRepository(id)
  const commitAll = async (branch: string, message: string) => {
    const changes = await service.status(id, branch)
    await service.commit(
      id,
      branch,
      message,
      'tester',
      changes.map((c) => c.id),
    )
  }
  await service.importFiles(id, main, [{ path: 'cart.txt', bytes: enc('one\ntwo\nthree\n') }])
  await commitAll(main, 'start')
  const edits: Record<string, { path: string; text: string }> = {
    'agent/a': { path: 'cart.txt', text: 'ONE\ntwo\nthree\n' },
    'agent/b': { path: 'cart.txt', text: 'uno\ntwo\nthree\n' },
    'agent/c': { path: 'notes.txt', text: 'notes\n' },
  }
  for (const [name, edit] of Object.entries(edits)) {
    const branch = await service.createBranch(id, name, main)
    await service.importFiles(id, branch, [{ path: edit.path, bytes: enc(edit.text) }])
    await commitAll(branch, name)
  }
  return { service, id, main, merges }
}

describe("the app's landing services (HistoryService.agents, land, landings)", () => {
  it('predicts which agents would conflict, and lands with a check the window runs', async () => {
    const { service, id, main, merges } = await repository()
    const report = await service.agents(id, main)
    const by = Object.fromEntries(report.agents.map((a) => [a.branch, a]))
    expect(by['agent/a']).toMatchObject({ ahead: 1, behind: 0, uncommitted: 0, target: [] })
    expect(by['agent/a'].conflicts.map((c) => c.branch)).toEqual(['agent/b'])
    expect(by['agent/c'].conflicts).toEqual([])

    // An agent writing without committing: counted at once, nothing merged again (no head moved).
    const predicted = merges.count
    expect(predicted).toBeGreaterThan(0)
    const branchA = (await service.branches(id, main)).find((b) => b.name === 'agent/a')!.id
    await service.importFiles(id, branchA, [{ path: 'draft.txt', bytes: enc('draft\n') }])
    const writing = await service.agents(id, main)
    expect(writing.agents.find((a) => a.branch === 'agent/a')).toMatchObject({
      uncommitted: 1,
      conflicts: [{ branch: 'agent/b' }],
    })
    expect(merges.count).toBe(predicted)

    const seen: string[][] = []
    const attempt = await service.land(
      id,
      { target: main, branches: ['agent/c', 'agent/a'], check: 'node check.mjs', author: 'ada' },
      async (files: CheckFile[], command: string) => {
        seen.push([command, ...files.map((f) => `${f.path}=${dec(f.bytes)}`).sort()])
        return { exitCode: 0, output: 'ok\n' }
      },
    )
    expect(attempt).toMatchObject({
      verdict: 'landed',
      by: 'ada',
      landed: ['agent/a', 'agent/c'],
      output: 'ok\n',
    })
    // The check saw the merged files, both branches' changes in them.
    expect(seen).toEqual([['node check.mjs', 'cart.txt=ONE\ntwo\nthree\n', 'notes.txt=notes\n']])
    expect((await service.landings(id)).map((a) => a.verdict)).toEqual(['landed'])
  })

  it("takes a window's odd answer as a failed check and still records the attempt readably", async () => {
    const { service, id, main } = await repository()
    const head = (await service.branches(id, main)).find((b) => b.id === main)!.head
    const attempt = await service.land(
      id,
      { target: main, branches: ['agent/c'], check: 'node check.mjs', author: 'ada' },
      // A window that answers what it should not: a string for the code, an object for the output.
      async () =>
        ({ exitCode: '0', output: { text: 'x' } }) as unknown as { exitCode: number; output: string },
    )
    expect(attempt).toMatchObject({ verdict: 'target-fails', exitCode: null, landed: [] })
    expect((await service.branches(id, main)).find((b) => b.id === main)!.head).toBe(head)
    const [recorded] = await service.landings(id)
    expect(recorded).toMatchObject({ id: attempt.id, verdict: 'target-fails', exitCode: null, output: '' })
  })
})
