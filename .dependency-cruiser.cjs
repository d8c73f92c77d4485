// Which way imports may point (issue 15). Run by `npm run lint` (and so by `npm test`):
//   blocks/      a leaf: data in, Block Kit views out
//   core         src/runs, src/forms, src/catalogue, src/harness-model: no adapter
//   ports        src/ports: the interfaces the core needs, implemented by the adapters
//   adapters     src/slack, src/harness, src/store, src/sandbox, src/metrics: may import the core and ports
//   root         src/bot.ts (the composition root) and src/cli.ts: may import anything
// Folder cycles are checked by .dependency-cruiser-folders.cjs (it needs other options).
// test/dependency-rules.test.ts runs these rules on a small tree with wrong-way imports, so a rule
// that stops matching fails the suite instead of passing silently.

const CORE = '^src/(runs|forms|catalogue|harness-model)/';
const ADAPTERS = '^src/(slack|harness|store|sandbox|metrics)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'A file must not load itself through other files. Cycles closed only by `import type` ' +
        '(gone once compiled) are allowed.',
      severity: 'error',
      from: {},
      to: {
        circular: true,
        dependencyTypesNot: ['type-only'],
        viaOnly: { dependencyTypesNot: ['type-only'] },
      },
    },
    {
      name: 'blocks-is-leaf',
      comment:
        'blocks/ builds views from data it is given: it imports @slack/types, other blocks/ files ' +
        'and types only (import type) from the rest.',
      severity: 'error',
      from: { path: '^blocks/' },
      to: {
        pathNot: [
          '^blocks/',
          '^node_modules/@slack/types/',
          // Pure libraries: zod parses the metadata blocks/ itself wrote, crypto hashes block ids.
          '^node_modules/zod/',
          '^crypto$',
        ],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'core-imports-no-adapter',
      comment:
        'The core (runs, forms, catalogue, harness-model) reaches Slack, Harness and the store ' +
        'through src/ports, never through the adapters that implement them.',
      severity: 'error',
      from: { path: CORE },
      to: { path: [ADAPTERS, '^src/(bot|cli|config)\\.ts$'] },
    },
    {
      name: 'ports-import-no-adapter',
      comment: 'Ports are interfaces: they name types of the core, never an adapter.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { path: [ADAPTERS, '^src/(bot|cli|config)\\.ts$'] },
    },
    {
      name: 'forms-no-block-ids',
      comment: 'Form logic does not know Slack block ids or view state: reading a view belongs to src/slack.',
      severity: 'error',
      from: { path: '^src/forms/' },
      to: { path: ['^blocks/ids\\.ts$', '^src/slack/'] },
    },
    {
      name: 'harness-no-forms',
      comment: 'The Harness client does not depend on form helpers.',
      severity: 'error',
      from: { path: '^src/harness/' },
      to: { path: '^src/forms/' },
    },
    {
      name: 'nothing-imports-the-root',
      comment: 'src/bot.ts and src/cli.ts put everything together; nothing imports them back.',
      severity: 'error',
      from: { pathNot: '^(src/(bot|cli)\\.ts|src/sandbox/)' },
      to: { path: '^src/(bot|cli)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
  },
};
