/**
 * Every `weft` command: its name, its lines of help, and how to load it. A command's module (and
 * what it pulls in: the merge engine, SQLite, tree-sitter, WebSockets) is imported only when that
 * command runs.
 */
import type { Command } from './io.ts'

export interface CommandEntry {
  name: string
  /** Synopsis → what it does, one pair per line of `weft help` (a command with actions has several). */
  help: Record<string, string>
  load: () => Promise<Command>
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'clone',
    help: {
      'clone LINK [--add-relay]':
        'add a shared repository (a Share link) to this profile; a link whose relay\nis not yet yours needs --add-relay, and that relay then receives only this\nrepository (it is not kept if the clone fails)',
    },
    load: async () => (await import('./commands/clone.ts')).clone,
  },
  {
    name: 'relay',
    help: {
      'relay list': 'your relays and what each receives',
      'relay add URL --own': 'your own relay: it receives your repository list and every repository',
      'relay add URL --repo NAME': 'share one repository to a relay',
      'relay remove URL [--repo NAME]': 'forget a relay (or stop sharing one repository to it)',
      // Run by bin/weft.js, which sends `weft relay` without list|add|remove to relay/main.ts.
      'relay [options]': 'run a relay (weft relay --help)',
    },
    load: async () => (await import('./commands/relay.ts')).relay,
  },
  {
    name: 'repos',
    help: { repos: 'list repositories' },
    load: async () => (await import('./commands/repos.ts')).repos,
  },
  { name: 'ls', help: { ls: 'list files' }, load: async () => (await import('./commands/files.ts')).ls },
  {
    name: 'cat',
    help: { 'cat PATH': 'print a file' },
    load: async () => (await import('./commands/files.ts')).cat,
  },
  {
    name: 'write',
    help: { 'write PATH': 'write stdin to PATH' },
    load: async () => (await import('./commands/files.ts')).write,
  },
  {
    name: 'rm',
    help: { 'rm PATH': 'delete a file' },
    load: async () => (await import('./commands/files.ts')).rm,
  },
  {
    name: 'mv',
    help: { 'mv FROM TO': 'move a file' },
    load: async () => (await import('./commands/files.ts')).mv,
  },
  {
    name: 'status',
    help: { status: 'changes since the last commit, each with whose it is (working files are shared)' },
    load: async () => (await import('./commands/history.ts')).status,
  },
  {
    name: 'commit',
    help: {
      'commit -m MESSAGE':
        "record your changes (an agent's: those made under its --author name);\n--include PATH adds someone else's change to the commit; after a merge\nwith conflicts, refused until all are settled (-m optional then)",
    },
    load: async () => (await import('./commands/history.ts')).commit,
  },
  {
    name: 'log',
    help: { log: 'history of the branch' },
    load: async () => (await import('./commands/history.ts')).log,
  },
  {
    name: 'diff',
    help: { 'diff [FROM [TO]]': 'files changed between commits (default: head and working files)' },
    load: async () => (await import('./commands/history.ts')).diff,
  },
  {
    name: 'branch',
    help: { 'branch [list|create NAME [--from COMMIT]|switch NAME|rename NAME NEW|delete NAME]': '' },
    load: async () => (await import('./commands/branch.ts')).branch,
  },
  {
    name: 'merge',
    help: {
      'merge BRANCH [--keep-conflicts]':
        'merge BRANCH into the current branch (exit 1 on conflicts); --keep-conflicts\nrecords the merge with its conflicts, for `weft resolve` and `weft commit`',
    },
    load: async () => (await import('./commands/merge.ts')).merge,
  },
  {
    name: 'conflicts',
    help: {
      'conflicts [--json]':
        "the branch's recorded conflicts: file, region, declaration (exit 1 if any is unsettled)",
    },
    load: async () => (await import('./commands/conflicts.ts')).conflicts,
  },
  {
    name: 'resolve',
    help: {
      'resolve PATH --ours|--theirs|--base|--both|--file F [--region N]':
        'settle a recorded conflict (one region with --region; F - reads stdin);\n`weft commit` completes the merge once all are settled',
    },
    load: async () => (await import('./commands/conflicts.ts')).resolve,
  },
  {
    name: 'revert',
    help: { 'revert COMMIT': 'undo a commit with a new commit (exit 1 on conflicts)' },
    load: async () => (await import('./commands/merge.ts')).revert,
  },
  {
    name: 'restore',
    help: { 'restore PATH --from COMMIT': 'put a file back as it was in a commit' },
    load: async () => (await import('./commands/history.ts')).restore,
  },
  {
    name: 'checkout',
    help: { 'checkout DIR': "write the branch's files into a folder (new, empty, or an earlier checkout)" },
    load: async () => (await import('./commands/folder.ts')).checkout,
  },
  {
    name: 'sync',
    help: {
      'sync DIR': "send a checkout's changes to its branch and bring the branch's in (exit 1 on conflicts)",
    },
    load: async () => (await import('./commands/folder.ts')).sync,
  },
  {
    name: 'merge-file',
    help: { 'merge-file BASE LEFT RIGHT': 'syntax-aware three-way merge of one file to stdout' },
    load: async () => {
      const { mergeFile } = await import('./commands/mergeFile.ts')
      return (argv, io) => mergeFile(argv, io.out, io.err)
    },
  },
  {
    name: 'merge-driver',
    help: { 'merge-driver %O %A %B %P': 'git merge driver: merges into %A, %P picks the language' },
    load: async () => {
      const { mergeDriver } = await import('./commands/mergeFile.ts')
      return (argv, io) => mergeDriver(argv, io.err)
    },
  },
  {
    name: 'languages',
    help: { 'languages [--json]': 'every language: its extensions, merged by syntax tree or by lines' },
    load: async () => (await import('./commands/languages.ts')).languages,
  },
  {
    name: 'run',
    help: {
      'run [--relay URL] -- CMD':
        "run CMD over the branch's files on a relay's local runner (weft run --help)",
    },
    load: async () => {
      const { runCommand } = await import('./commands/run.ts')
      return (argv, io) => runCommand(argv, io)
    },
  },
  {
    name: 'search',
    help: {
      'search QUERY [--semantic] [--symbols] [--all-branches]':
        "ranked search of the branch's files, by meaning too, across branches (weft search --help)",
    },
    load: async () => (await import('./commands/search.ts')).search,
  },
  {
    name: 'repl',
    help: {
      'repl list|log|eval|append|serve|key': 'live REPL sessions into tabs and workers (weft repl --help)',
    },
    load: async () => (await import('./commands/repl.ts')).replCommand,
  },
  {
    name: 'init',
    help: { 'init NAME': 'create an empty repository here; prints its Share link' },
    load: async () => (await import('./commands/init.ts')).init,
  },
  {
    name: 'import',
    help: {
      'import DIR [--name NAME]':
        "create a repository holding DIR's files (the app's import rules; refused\nentries named) and commit them; prints its Share link",
    },
    load: async () => (await import('./commands/import.ts')).importCommand,
  },
  {
    name: 'import-git',
    help: {
      'import-git DIR [--branches all|NAME,…] [--name NAME | --repo NAME]':
        "a git repository's history as a new repository (every commit, merge, branch\nand tag); with --repo, bring only the new commits into an imported one",
    },
    load: async () => (await import('./commands/git.ts')).importGitCommand,
  },
  {
    name: 'export-git',
    help: {
      'export-git DIR [--force]':
        "write the repository's history to the git repository DIR (made when new);\nimported commits keep their git ids, only new commits are written",
    },
    load: async () => (await import('./commands/git.ts')).exportGitCommand,
  },
  {
    name: 'remote-helper',
    help: {
      'remote-helper REMOTE URL':
        "git's remote helper for weft::LINK (git runs it as git-remote-weft for\n`git clone weft::LINK`, `git fetch`, `git push`)",
    },
    load: async () => (await import('./commands/gitRemote.ts')).remoteHelper,
  },
  {
    name: 'link',
    help: { link: "print the repository's Share link (on the current or --branch branch)" },
    load: async () => (await import('./commands/init.ts')).link,
  },
  {
    name: 'land',
    help: {
      'land BRANCH... --check CMD':
        'merge the branches onto --into TARGET (default: the default branch) in one\norder, run CMD over the merged files, advance the target only if it exits 0;\nnames the branches that break it; --partial lands the largest passing set',
    },
    load: async () => (await import('./commands/land.ts')).land,
  },
  {
    name: 'landings',
    help: { landings: 'every landing attempt: who, which branches, the verdict, the check output' },
    load: async () => (await import('./commands/land.ts')).landings,
  },
  {
    name: 'agent',
    help: {
      'agent start NAME [--dir DIR]':
        'branch agent/NAME from --from TARGET (default: the default branch), checked\nout in DIR when given',
      'agent status':
        'every agent branch: ahead/behind --into TARGET and which others it would\nconflict with if landed now, and where',
    },
    load: async () => (await import('./commands/agent.ts')).agent,
  },
  {
    name: 'mcp',
    help: { mcp: 'serve these commands as MCP tools to a coding agent over stdio (weft mcp --help)' },
    load: async () => (await import('./commands/mcp.ts')).mcp,
  },
]

const INDENT = ' '.repeat(29)

/** `weft help`: the table's lines, aligned, between what every command takes and the exit codes. */
export const USAGE = [
  'Usage: weft COMMAND [--repo NAME] [--branch NAME] [--json] [--relay URL] [--home DIR]',
  ...COMMANDS.flatMap(({ help }) =>
    Object.entries(help).map(([synopsis, summary]) =>
      `  ${synopsis.length > 26 ? `${synopsis}  ` : synopsis.padEnd(27)}${summary.replaceAll('\n', `\n${INDENT}`)}`.trimEnd(),
    ),
  ),
  '--relay URL syncs this one command through URL as your own relay (not remembered).',
  'Exit codes: 0 ok, 1 merge conflicts, 2 usage or bad input.',
].join('\n')
