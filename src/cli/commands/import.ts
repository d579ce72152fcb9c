/** `weft import DIR [--name NAME]`: a new repository holding a folder's files, by the app's import rules. */
import type { Command } from '../io.ts'
import { importFolder, linkLines } from '../repositories.ts'
import { authorOf, withProfile } from '../session.ts'

export const importCommand: Command = (argv, io) =>
  withProfile('import', argv, io, {}, async ({ profile, args, opts, need, print }) => {
    need(1)
    const imported = await importFolder(profile, args[0], {
      ...(opts.name !== undefined ? { name: opts.name } : {}),
      author: authorOf(opts),
    })
    print(imported, () =>
      [
        `Imported ${imported.added} file(s) from ${args[0]} into ${imported.name} (${imported.id})${imported.commit ? `, committed as ${imported.commit.slice(0, 8)}` : ''}.`,
        ...imported.refused.map((r) => `✗ ${r.path}: ${r.reason}`),
        ...(imported.ignored.length ? [`Left out: ${imported.ignored.join(', ')}`] : []),
        ...(imported.gitignored.length
          ? [
              `Left out by .gitignore: ${imported.gitignored.length} (${imported.gitignored.slice(0, 5).join(', ')}${imported.gitignored.length > 5 ? ', …' : ''})`,
            ]
          : []),
        ...(imported.gitignored.length
          ? [`${imported.gitignored.length} file(s) left out by .gitignore.`]
          : []),
        ...linkLines(imported.share),
      ].join('\n'),
    )
    return 0
  })
