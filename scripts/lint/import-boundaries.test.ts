// The layout rules of eslint.config.js, run through ESLint's Node API on small in-memory modules
// placed (by filePath) where a crossed boundary would be: each forbidden import is an error, and
// the allowed ones are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: ROOT });

/** The boundary messages ESLint reports for `source` as if it were the file at `filePath`. */
async function boundaryErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  assert.ok(result);
  return result.messages
    .filter((m) => m.ruleId?.startsWith('meshlight/') || m.fatal)
    .map((m) => `${m.ruleId}: ${m.message}`);
}

async function assertForbidden(filePath: string, source: string, pattern: RegExp): Promise<void> {
  const errors = await boundaryErrors(filePath, source);
  assert.equal(errors.length, 1, `${filePath}: ${source}\n${errors.join('\n')}`);
  assert.match(errors[0]!, pattern);
}

async function assertAllowed(filePath: string, source: string): Promise<void> {
  assert.deepEqual(await boundaryErrors(filePath, source), [], `${filePath}: ${source}`);
}

test('lib/domain imports nothing with I/O and nothing outside itself', async () => {
  const file = 'lib/domain/x.ts';
  await assertForbidden(file, `import { getDb } from '../db/prisma';\nexport const db = getDb;\n`, /lib\/domain\/ may import only lib\/domain\//);
  await assertForbidden(file, `import { getDb } from '@/lib/db/prisma';\nexport const db = getDb;\n`, /reaches lib\/db\/prisma/);
  await assertForbidden(file, `import type { ApiError } from '../contracts/api-error';\nexport type E = ApiError;\n`, /lib\/contracts\/api-error/);
  await assertForbidden(file, `import { useState } from 'react';\nexport const s = useState;\n`, /may not import react/);
  await assertForbidden(file, `import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n`, /may not import node:fs/);
  await assertForbidden(file, `import { readFile } from 'fs/promises';\nexport const r = readFile;\n`, /may not import node:fs/);
  await assertForbidden(file, `import pg from 'pg';\nexport const p = pg;\n`, /may not import pg/);
  await assertForbidden(file, `import { PrismaClient } from '@prisma/client';\nexport const p = PrismaClient;\n`, /@prisma\/\*/);
  await assertForbidden(file, `export * from '../../collector/main';\n`, /collector\/main/);
  await assertForbidden(file, `export const load = () => import('node:net');\n`, /node:net/);
  await assertAllowed(file, `import { StatusCode } from './model';\nimport { buildSpanTree } from '@/lib/domain/span-tree';\nexport const x = [StatusCode, buildSpanTree];\n`);
  await assertAllowed('lib/domain/service-graph/x.ts', `import type { Span } from '../model';\nexport type S = Span;\n`);
});

test('lib/domain fixture tests may read testdata and use test support, still no database', async () => {
  const file = 'lib/domain/x.test.ts';
  await assertAllowed(file, `import { readFileSync } from 'node:fs';\nimport { modelFromDrawing } from '@/tests/support/trace-drawing';\nexport const x = [readFileSync, modelFromDrawing];\n`);
  await assertForbidden(file, `import pg from 'pg';\nexport const p = pg;\n`, /may not import pg/);
  await assertForbidden(file, `import { getDb } from '../db/prisma';\nexport const db = getDb;\n`, /lib\/db\/prisma/);
});

test('the UI never imports the collector, and components never the database', async () => {
  await assertForbidden('app/api/x/route.ts', `import { main } from '@/collector/main';\nexport const m = main;\n`, /app\/ may not import collector\//);
  await assertForbidden('components/trace/x.tsx', `import { main } from '../../collector/main';\nexport const m = main;\n`, /components\/ may not import collector\//);
  await assertForbidden('components/trace/x.tsx', `import { getDb } from '@/lib/db/prisma';\nexport const db = getDb;\n`, /components\/ may not import lib\/db\//);
  await assertAllowed('app/api/x/route.ts', `import { getDb } from '@/lib/db/prisma';\nexport const db = getDb;\n`);
});

test('contracts never import queries; the collector never imports the UI', async () => {
  await assertForbidden('lib/contracts/x.ts', `import type { Db } from '../db/prisma';\nexport type D = Db;\n`, /lib\/contracts\/ may not import lib\/db\//);
  await assertForbidden('collector/x.ts', `import { formatMs } from '../components/ui/red-format';\nexport const f = formatMs;\n`, /collector\/ may not import components\//);
  await assertForbidden('collector/x.ts', `const page = require('../app/page');\nexport default page;\n`, /collector\/ may not import app\//);
  await assertAllowed('collector/x.ts', `import { StatusCode } from '../lib/domain/model';\nexport const s = StatusCode;\n`);
});

test('feature folders under components/ never import each other in a circle', async () => {
  // components/service builds on components/service-map, so the reverse closes a circle.
  await assertForbidden(
    'components/service-map/x.tsx',
    `import { ServicePageClient } from '../service/service-page-client';\nexport const s = ServicePageClient;\n`,
    /service-map\/ import service\/, which already depends on service-map\/ \(service-map → service → service-map\)/,
  );
  await assertAllowed('components/service/x.tsx', `import { tracesLink } from '../service-map/links';\nexport const l = tracesLink;\n`);
  await assertAllowed('components/charts/x.tsx', `import { formatMs } from '@/components/ui/red-format';\nexport const f = formatMs;\n`);
  // Inside one feature any direction goes.
  await assertAllowed('components/trace/waterfall/x.tsx', `import type { PreparedTrace } from '../explorer/prepared-trace';\nexport type P = PreparedTrace;\n`);
});
