// `npm run fix-lockfile`: the npm registry reachable here lacks Next's macOS and Windows SWC
// builds, so `npm install` leaves them out of package-lock.json, and `npm ci` then refuses the
// lock as out of sync. This adds the missing platform entries (without tarball data: they are
// never installed on Linux). tests/lockfile.test.ts fails when they are missing.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './prepare';

interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

export function missingOptionalEntries(packages: Record<string, LockEntry>): string[] {
  const missing: string[] = [];
  for (const [key, entry] of Object.entries(packages)) {
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
      const nested = `${key ? `${key}/` : ''}node_modules/${dep}`;
      if (!packages[nested] && !packages[`node_modules/${dep}`]) missing.push(dep);
    }
  }
  return [...new Set(missing)];
}

const PLATFORM = /-(darwin|win32|linux)-(arm64|x64)/;

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = path.join(ROOT, 'package-lock.json');
  const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages: Record<string, LockEntry> };
  const template = lock.packages['node_modules/@next/swc-linux-x64-gnu'];
  for (const dep of missingOptionalEntries(lock.packages)) {
    const match = PLATFORM.exec(dep);
    if (!template || !match || !dep.startsWith('@next/swc-')) {
      console.error(`cannot add ${dep}: not a Next SWC platform build`);
      continue;
    }
    const { integrity: _i, resolved: _r, libc: _l, ...rest } = template;
    lock.packages[`node_modules/${dep}`] = { ...rest, os: [match[1]!], cpu: [match[2]!] };
    console.log(`added ${dep}`);
  }
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
}
