// ESLint: typed rules for async safety, and the dependency rule that keeps the tree honest.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const concreteDrivers = ['pg', 'pg-*', '@electric-sql/*', 'kysely', 'kysely/*']
const httpFrameworks = ['fastify', 'fastify/*', '@fastify/*', 'undici', 'undici/*']
const edges = [
  '**/connectors/**',
  '**/gateway/**',
  '**/sandbox/**',
  '**/server/**',
  '**/cli/**',
  '**/flows/**',
]
const storeImpls = ['**/store-sql/**', '**/store-postgres/**', '**/store-embedded/**']

/** Builds a no-restricted-imports rule from forbidden module groups. */
const forbid = (message, ...groups) => ['error', { patterns: [{ group: groups.flat(), message }] }]

export default tseslint.config(
  { ignores: ['node_modules/**', '.syncline/**', 'bench/peers/node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // Tests and simulators handle untyped JSON from the wire on purpose; the canonical model validates it.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // Template literals with numbers are how log lines and URLs are built here.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      curly: ['error', 'multi-line'],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { URL: 'readonly', console: 'readonly', process: 'readonly' },
    },
  },
  // The dependency rule (docs/architecture.md): dependencies point inward.
  {
    files: [
      'src/engine/**',
      'src/canonical/**',
      'src/errors/**',
      'src/clock/**',
      'src/store/**',
      'src/policies/**',
      'src/reconciliation/**',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': forbid(
        'The core (engine, canonical model, store contract) imports no connector, HTTP framework or concrete database; the composition root (src/server) wires those in.',
        concreteDrivers,
        httpFrameworks,
        edges,
        storeImpls,
        ['pino', 'prom-client', '@opentelemetry/*'],
      ),
    },
  },
  {
    files: ['src/connectors/**'],
    rules: {
      'no-restricted-imports': forbid(
        'Connectors import only the core (errors, canonical, clock, engine types); never storage, the gateway, the server or the sandbox.',
        concreteDrivers,
        ['fastify', 'fastify/*'],
        [
          '**/store-sql/**',
          '**/store-postgres/**',
          '**/store-embedded/**',
          '**/gateway/**',
          '**/server/**',
          '**/cli/**',
          '**/sandbox/**',
        ],
      ),
    },
  },
  {
    files: ['src/sandbox/**'],
    rules: {
      'no-restricted-imports': forbid(
        'Simulators share no code with the hub: they stand in for the real vendors, so a bug in a connector is not mirrored by the simulator.',
        [
          '**/engine/**',
          '**/connectors/**',
          '**/store/**',
          '**/store-*/**',
          '**/gateway/**',
          '**/server/**',
          '**/flows/**',
          '**/canonical/**',
        ],
      ),
    },
  },
  {
    files: ['src/gateway/**', 'src/flows/**', 'src/observability/**'],
    rules: {
      'no-restricted-imports': forbid(
        'Only the composition root (src/server) and the CLI pick concrete drivers.',
        concreteDrivers,
        storeImpls,
      ),
    },
  },
)
