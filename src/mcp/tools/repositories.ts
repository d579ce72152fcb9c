/** Repositories: list them, create one, import a folder as one, and the Share link that hands one on. */
import { z } from 'zod'
import { cloneLink, readShareLink } from '../../cli/commands/clone.ts'
import { createRepository, importFolder, repositoryLink } from '../../cli/repositories.ts'
import { WeftError } from '../../model/errors.ts'
import { TARGET, tool } from './tool.ts'

export const repositoryTools = [
  tool({
    name: 'repositories_list',
    description: "The profile's repositories: name, id and document URL of each.",
    input: {},
    readOnly: true,
    run: async (_args, { profile }) => profile.catalog.list(),
  }),
  tool({
    name: 'repository_init',
    description:
      'Create an empty repository (branch main) in this profile, as `weft init NAME`. Returns its id and its Share link, or, when no relay receives it, how to share it.',
    input: { name: z.string().min(1).describe('The new repository name; not one already in the profile.') },
    run: async ({ name }, { profile }) => createRepository(profile, name),
  }),
  tool({
    name: 'repository_import',
    description:
      "Create a repository holding a local folder's files and commit them, as `weft import DIR`: the app's import rules (path rule, size limit, case clashes), symbolic links not followed, .git/.weft/node_modules left out. Returns the files added, every refused entry by path with why, and the Share link.",
    input: {
      dir: z
        .string()
        .min(1)
        .describe('The folder to import (absolute, or relative to where the server runs).'),
      name: z.string().min(1).optional().describe("The repository's name; default: the folder's name."),
    },
    run: async ({ dir, name }, { profile, author }) =>
      importFolder(profile, dir, { ...(name !== undefined ? { name } : {}), author }),
  }),
  tool({
    name: 'repository_clone',
    description:
      'Add a shared repository (a Share link someone gave you) to this profile, as `weft clone LINK`. A link through a relay that is not yet yours needs addRelay: that relay then receives only this repository.',
    input: {
      link: z.string().min(1).describe('The Share link: …#/open/automerge:…?branch=…&relay=…'),
      addRelay: z
        .boolean()
        .optional()
        .describe("Add the link's relay (for this repository only) if it is not yours yet."),
    },
    run: async ({ link, addRelay }, { profile }) => {
      const read = readShareLink(link)
      if ('problem' in read) throw new WeftError('bad-input', read.problem.replace(/^weft clone: /, ''))
      return cloneLink(profile, read, addRelay ?? false)
    },
  }),
  tool({
    name: 'repository_link',
    description:
      "The repository's Share link for a branch (what `weft link` prints), or, when no relay receives it, how to share it.",
    input: TARGET,
    readOnly: true,
    run: async (target, { profile, repository }) => {
      const { summary, ws, branch } = await repository(target)
      return repositoryLink(profile, summary, ws.branches().find((b) => b.id === branch)!.name)
    },
  }),
]
