/** `weft init NAME` and `weft link`: a new repository without a browser, and the Share link that hands one on. */
import type { Command } from '../io.ts'
import { createRepository, linkLines, repositoryLink } from '../repositories.ts'
import { openRepository, withProfile } from '../session.ts'

export const init: Command = (argv, io) =>
  withProfile('init', argv, io, {}, async ({ profile, args, need, print }) => {
    need(1)
    const created = await createRepository(profile, args.join(' '))
    print(created, () =>
      [
        `Created ${created.name} (${created.id}) on branch ${created.branch}.`,
        ...linkLines(created.share),
      ].join('\n'),
    )
    return 0
  })

export const link: Command = (argv, io) =>
  withProfile('link', argv, io, { readsOnly: true }, async ({ profile, opts, print }) => {
    const { summary, ws, branch } = await openRepository(profile, {
      repo: opts.repo,
      branch: opts.branch,
      author: 'link',
    })
    const share = repositoryLink(profile, summary, ws.branches().find((b) => b.id === branch)!.name)
    print(share, () => linkLines(share).join('\n'))
    // No link to print is an answer the caller must act on, as a usage problem is.
    return share.link ? 0 : 2
  })
