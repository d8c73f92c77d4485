// One linter for the whole tree; type-aware rules catch floating promises and unsafe casts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js', '.dependency-cruiser*.cjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read the environment only in src/config.ts (loadConfig).',
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[property.name='message'] > TSAsExpression.object[typeAnnotation.typeName.name='Error']",
          message: 'Use errorMessage(err) from src/errors.ts: a thrown value need not be an Error.',
        },
        {
          selector:
            "ConditionalExpression[test.operator='instanceof'][test.right.name='Error'][consequent.property.name='message'][alternate.callee.name='String']",
          message: 'Use errorMessage(err) from src/errors.ts.',
        },
      ],
    },
  },
  {
    // The one place that reads a thrown value's message.
    files: ['src/errors.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // test/helpers/postgres.ts: TEST_DATABASE_URL names another PostgreSQL for a local test run.
    files: ['src/config.ts', 'src/cli.ts', 'test/helpers/postgres.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // expect.* matchers are typed `any`; tests compare shapes with them all the time.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // dependency-cruiser reads its configuration as CommonJS.
    files: ['**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable' } },
  },
);
