// Folders import one way (issue 15): no folder may load itself through other folders. Run by
// `npm run lint` beside .dependency-cruiser.cjs, with two differences that rule needs:
// - `import type` is not followed (tsPreCompilationDeps: false): it is gone once compiled, and
//   blocks/ and the ports name the core's types on purpose;
// - src/bot.ts and src/cli.ts are left out: they put everything together, so they import every
//   folder, and sharing the src/ folder with errors.ts, logger.ts, config.ts and is-record.ts
//   (which everything imports) they would make every folder look circular.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'Folders import one way: a folder must not import itself through other folders.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/(bot|cli)\\.ts$' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
  },
};
