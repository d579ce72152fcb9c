import { WeftError } from '../../model/errors.ts'
import { relaySyncAddress } from '../../sync/Relays.ts'
import type { Command } from '../io.ts'
import { relayProblem } from '../relayAddress.ts'
import { withProfile } from '../session.ts'

/** `weft relay list|add|remove`: the relays this profile syncs through and what each receives. */
export const relay: Command = (argv, io) =>
  withProfile(
    'relay',
    argv,
    io,
    {
      connect: false,
      refuse: ([, address]) => {
        const problem = address ? relayProblem(address) : ''
        return problem ? `weft relay: ${problem}` : undefined
      },
    },
    async ({ profile, args, opts, print }) => {
      const [action, address] = args
      const names = new Map(profile.catalog.list().map((r) => [r.url, r.name]))
      if (action === 'list') {
        const list = profile.relays.statuses().map(({ url, own, repositories }) => ({
          url,
          own,
          repositories: repositories.map((r) => names.get(r) ?? r),
        }))
        print(
          list,
          () =>
            list
              .map(
                (r) =>
                  `${r.url}\t${r.own ? 'own: your repository list and every repository' : r.repositories.length ? `only: ${r.repositories.join(', ')}` : 'nothing'}`,
              )
              .join('\n') || 'No relays; this profile works alone.',
        )
        return 0
      }
      if (!address)
        throw new WeftError(
          'bad-input',
          `Say which relay: weft relay ${action ?? 'list|add|remove'} URL; see \`weft help\`.`,
        )
      if (action === 'add') {
        if (!opts.own && !opts.repo)
          throw new WeftError(
            'bad-input',
            'Say what the relay receives: --own (your repository list and every repository) or --repo NAME (that repository only).',
          )
        const { url } = await profile.relays.add(
          address,
          opts.own ? { own: true } : { repository: profile.pick(opts.repo).url },
        )
        print({ url }, () => `Added ${url}`)
        return 0
      }
      if (action === 'remove') {
        if (!profile.relays.knows(address))
          throw new WeftError(
            'not-found',
            `${relaySyncAddress(address)} is not one of your relays; see \`weft relay list\`.`,
          )
        if (opts.repo) await profile.relays.unshare(address, profile.pick(opts.repo).url)
        else await profile.relays.remove(address)
        print(
          { url: relaySyncAddress(address) },
          () => `${opts.repo ? 'Stopped sharing to' : 'Removed'} ${relaySyncAddress(address)}`,
        )
        return 0
      }
      throw new WeftError('bad-input', `Unknown action "${action}"; weft relay list|add|remove.`)
    },
  )
