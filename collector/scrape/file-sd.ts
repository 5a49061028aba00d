// file_sd_configs: JSON or YAML files listing target groups, re-read when their modification time
// changes (checked at every reconcile, so edits are picked up within the reload interval). A `*` in
// the file name part matches like a shell glob, as in Prometheus. A file that cannot be read or
// parsed keeps its last good targets and reports why.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { fileSdGroupSchema } from '../../lib/contracts/scrape-config';
import type { TargetGroup } from './targets';

interface CachedFile {
  mtimeMs: number;
  groups: TargetGroup[];
}

export class FileSdReader {
  private readonly cache = new Map<string, CachedFile>();
  readonly problems = new Map<string, string>();

  /** `baseDir` resolves relative patterns (the config file's directory). */
  constructor(private readonly baseDir: string) {}

  groups(patterns: readonly string[]): TargetGroup[] {
    const out: TargetGroup[] = [];
    for (const file of patterns.flatMap((pattern) => this.expand(pattern))) out.push(...this.read(file));
    return out;
  }

  private expand(pattern: string): string[] {
    const full = path.resolve(this.baseDir, pattern);
    const base = path.basename(full);
    if (!base.includes('*') && !base.includes('?')) return [full];
    const dir = path.dirname(full);
    const regex = new RegExp(`^${base.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    try {
      return readdirSync(dir)
        .filter((name) => regex.test(name))
        .sort()
        .map((name) => path.join(dir, name));
    } catch {
      return [];
    }
  }

  private read(file: string): TargetGroup[] {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      this.problems.set(file, 'file not found');
      this.cache.delete(file);
      return [];
    }
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === mtimeMs) return cached.groups;
    try {
      const text = readFileSync(file, 'utf8');
      const raw = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
      const parsed = fileSdGroupSchema.safeParse(raw ?? []);
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      this.cache.set(file, { mtimeMs, groups: parsed.data });
      this.problems.delete(file);
      return parsed.data;
    } catch (error) {
      // A file caught mid-write or broken: keep the last good list.
      this.problems.set(file, (error as Error).message);
      return cached?.groups ?? [];
    }
  }
}
