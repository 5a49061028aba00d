// @ts-check
// `npm run lint` (and the full `npm test`): typescript-eslint's recommended rules, and Meshlight's
// layout as import rules (README "Layout"; scripts/lint/import-boundaries.js):
//   app/, components/   never import collector/ (the UI reaches it over HTTP/WebSocket only);
//                       components/ never import lib/db/ (pages and routes query, components render)
//   components/<f>/     feature folders depend on each other in one direction (no circles)
//   lib/                never imports app/, components/ or collector/
//   lib/domain/         imports only lib/domain/, and nothing with I/O (db, sockets, files, React)
//   lib/contracts/      never imports lib/db/
//   collector/          never imports app/ or components/
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { meshlightPlugin } from './scripts/lint/import-boundaries.js';

const root = path.dirname(fileURLToPath(import.meta.url));

/** Packages that do I/O or render: never in the pure core. */
const IO_PACKAGES = [
  'node:fs', 'node:net', 'node:http', 'node:https', 'node:http2', 'node:child_process', 'node:dgram',
  'node:dns', 'node:tls', 'node:cluster', 'node:worker_threads', 'node:readline', 'node:process',
  'pg', 'pg-copy-streams', '@prisma/*', 'prisma', '@electric-sql/*', 'pglite-prisma-adapter',
  'react', 'react-dom', 'next', 'reactflow', 'recharts', '@tanstack/*',
  'ws', '@grpc/*', 'amqplib', 'nats', 'ioredis', 'pino', '@opentelemetry/exporter-*',
];

/** @param {Record<string, unknown>} options */
const boundaries = (options) => ({ 'meshlight/boundaries': ['error', { root, ...options }] });

export default defineConfig(
  {
    ignores: ['node_modules/', '.next/', 'data/', 'lib/db/generated/', 'bench-results/', 'test-results/', 'tmp/', 'next-env.d.ts'],
  },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    extends: [tseslint.configs.recommended],
    plugins: { meshlight: meshlightPlugin },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      // `const { dropped: _dropped, ...rest } = x` is how a field is left out.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // A stream handle read by callbacks before the one assignment that creates it.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests poke at parsed JSON of any shape.
    files: ['**/*.test.ts', 'tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['lib/**'],
    rules: boundaries({ forbid: ['app', 'components', 'collector'], reason: 'lib/ is shared by both halves and depends on neither' }),
  },
  {
    files: ['lib/contracts/**'],
    rules: boundaries({ forbid: ['lib/db', 'app', 'components', 'collector'], reason: 'contracts describe the wire; queries depend on them, not the reverse' }),
  },
  {
    files: ['lib/domain/**'],
    rules: boundaries({ allowOnly: ['lib/domain'], forbidPackages: IO_PACKAGES, reason: 'lib/domain is the pure core: no I/O, no React, no database' }),
  },
  {
    // Fixture tests of the core may read their testdata and use test support.
    files: ['lib/domain/**/*.test.ts', 'lib/domain/**/testdata/**'],
    rules: boundaries({
      allowOnly: ['lib/domain', 'tests/support'],
      forbidPackages: IO_PACKAGES.filter((name) => name !== 'node:fs'),
      reason: 'lib/domain tests are pure fixture tests',
    }),
  },
  {
    files: ['app/**'],
    rules: boundaries({ forbid: ['collector'], reason: 'the UI reaches the collector over HTTP and WebSocket only' }),
  },
  {
    files: ['components/**'],
    rules: {
      ...boundaries({ forbid: ['collector', 'lib/db'], reason: 'components render; pages and routes query' }),
      'meshlight/no-feature-cycles': ['error', { root, featuresDir: 'components' }],
    },
  },
  {
    files: ['collector/**'],
    rules: boundaries({ forbid: ['app', 'components'], reason: 'the collector runs without the UI' }),
  },
);
