import { isValidAutomergeUrl, type AutomergeUrl } from '@automerge/automerge-repo'
import { WeftError } from '../../model/errors.ts'
import { parseRoute } from '../../sync/links.ts'
import { relaySyncAddress } from '../../sync/Relays.ts'
import type { Command } from '../io.ts'
import type { Profile } from '../Profile.ts'
import { relayProblem, validRelay } from '../relayAddress.ts'
import { withProfile } from '../session.ts'

export interface ShareLink {
  url: AutomergeUrl
  relay?: string
}

/** The repository and relay a Share link names, or why it names none usable. */
export function readShareLink(arg: string | undefined): ShareLink | { problem: string } {
  const route = arg ? parseRoute(new URL(arg, 'http://x').hash) : null
  if (route?.page !== 'open' || !isValidAutomergeUrl(route.url))
    return { problem: 'weft clone: expected a Share link (…#/open/automerge:…?branch=…&relay=…)' }
  if (route.relay !== undefined && !validRelay(route.relay))
    return { problem: `weft clone: the link's relay is not usable: ${relayProblem(route.relay)}` }
  return { url: route.url, relay: route.relay }
}

/** `weft clone LINK [--add-relay]`. */
export const clone: Command = (argv, io) =>
  withProfile(
    'clone',
    argv,
    io,
    {
      refuse: ([arg]) => {
        const link = readShareLink(arg)
        return 'problem' in link ? link.problem : undefined
      },
    },
    async ({ profile, args, opts, print }) => {
      const added = await cloneLink(profile, readShareLink(args[0]) as ShareLink, opts['add-relay'])
      print(added, () => `Cloned ${added.name} (${added.id})`)
      return 0
    },
  )

/**
 * Clones a Share link. Its relay, when it is not one of ours yet, is added only with `--add-relay`
 * (a link is a stranger's word), receives only this repository, and is removed again if the clone fails.
 */
export async function cloneLink(profile: Profile, link: ShareLink, addRelay: boolean) {
  // A link never changes where a repository this profile already has goes.
  if (!link.relay || profile.catalog.list().some((r) => r.url === link.url))
    return profile.catalog.add(link.url)
  if (!profile.relays.knows(link.relay) && !addRelay)
    throw new WeftError(
      'bad-input',
      `this link's relay ${relaySyncAddress(link.relay)} is not one of your relays; add --add-relay to add it (it will receive only this repository).`,
    )
  return profile.relays.shareFor(link.relay, link.url, async (url) => {
    await profile.waitForRelay(url)
    return profile.catalog.add(link.url)
  })
}
