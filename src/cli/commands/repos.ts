import type { Command } from '../io.ts'
import { withProfile } from '../session.ts'

/** `weft repos`: the profile's repositories. */
export const repos: Command = (argv, io) =>
  withProfile('repos', argv, io, { readsOnly: true }, async ({ profile, print }) => {
    const list = profile.catalog.list()
    print(list, () => list.map((r) => `${r.name}\t${r.id}`).join('\n'))
    return 0
  })
