// The folder layers of docs/ARCHITECTURE.md ("Layers"), checked by `npm run check`.
// Bottom to top: model → syntax, storage → capabilities → services → ui, cli, workers, relay, bin.
const CAPABILITIES = 'src/(repo|git|merge|index|run|repl|live|sync)'
const CORE = `^(src/(model|syntax|storage|services)|${CAPABILITIES})/`
const TOP = '^(src/ui|src/cli|src/mcp|src/main\\.ts|workers|relay|bin)'

/** `name` may import nothing of ours outside itself and `allowed` (regex alternatives). */
const onlyBelow = (name, from, allowed) => ({
  name,
  severity: 'error',
  comment: `${from} imports only from ${allowed} (see ARCHITECTURE.md, Layers)`,
  from: { path: `^${from}/` },
  to: { path: '^(src|relay|workers|bin)/', pathNot: [`^${from}/`, `^(${allowed})/`] },
})

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment:
        'Modules form a DAG: a cycle means two modules are one concept or a type sits in the wrong layer.',
      from: {},
      to: { circular: true },
    },
    onlyBelow('model-is-the-bottom', 'src/model', 'src/model'),
    onlyBelow('syntax-uses-the-model', 'src/syntax', 'src/model'),
    onlyBelow('storage-uses-the-model', 'src/storage', 'src/model'),
    // Capabilities stand side by side; the only sibling edge is the version history merging files
    // through the merge engine's entry points (fileMerger.ts, conflictMarkers.ts).
    onlyBelow('repo-uses-merge-entries', 'src/repo', 'src/model|src/syntax|src/merge'),
    // The git round trip reads and writes repositories through the version history's operations.
    onlyBelow('git-uses-repo', 'src/git', 'src/model|src/repo'),
    onlyBelow('merge-uses-syntax', 'src/merge', 'src/model|src/syntax'),
    onlyBelow('index-uses-syntax', 'src/index', 'src/model|src/syntax'),
    onlyBelow('run-stands-alone', 'src/run', 'src/model'),
    onlyBelow('repl-stands-alone', 'src/repl', 'src/model'),
    onlyBelow('live-stands-alone', 'src/live', 'src/model'),
    onlyBelow('sync-stands-alone', 'src/sync', 'src/model'),
    onlyBelow(
      'services-compose-capabilities',
      'src/services',
      `src/model|src/syntax|src/storage|${CAPABILITIES}`,
    ),
    {
      name: 'merge-stages-are-internal',
      severity: 'error',
      comment:
        "The merge engine's stages (line/, tree/, structured/, checks/) are its own; others use its entry points.",
      from: { pathNot: '^src/merge/' },
      to: { path: '^src/merge/(line|tree|structured|checks)/' },
    },
    {
      name: 'cores-stay-below-the-top',
      severity: 'error',
      comment: 'No core module imports the app, the CLI, the workers or the relay.',
      from: { path: CORE },
      to: { path: TOP },
    },
    {
      name: 'cores-without-browser-adapters',
      severity: 'error',
      comment:
        'Browser adapters (browser/ folders) are imported only by the app and its workers, so cores run in Node.',
      from: { path: CORE, pathNot: '/browser/' },
      to: { path: '/browser/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a reader follows them, and a type in the wrong layer is a layer fault too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
}
