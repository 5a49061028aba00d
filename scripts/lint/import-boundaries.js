// @ts-check
// Meshlight's layout as lint rules (README "Layout", STYLE.md): which folder may import which.
// Two rules, both resolving every import to a repository path first (the `@/` alias, relative
// paths) so `../db/x` and `@/lib/db/x` are the same dependency:
//  - `boundaries`: per folder, repository folders it may not import (or the only ones it may), and
//    packages it may not import (I/O: databases, sockets, files, React);
//  - `no-feature-cycles`: feature folders under components/ may depend on each other in one
//    direction only; an import that closes a circle between two features is reported.
// Plain JavaScript so ESLint loads it without a TypeScript loader.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const BUILTINS = new Set(builtinModules);

/**
 * What an import specifier points at: a file or folder of the repository (`repo`, posix path
 * relative to the root, no extension resolution needed for folder checks) or a package.
 * @param {string} specifier
 * @param {string} fromFile absolute path of the importing file
 * @param {string} root absolute repository root
 * @returns {{ repo: string } | { pkg: string }}
 */
export function resolveImport(specifier, fromFile, root) {
  let absolute;
  if (specifier.startsWith('@/')) absolute = path.join(root, specifier.slice(2));
  else if (specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../')) {
    absolute = path.resolve(path.dirname(fromFile), specifier);
  } else return { pkg: normalizePackage(specifier) };
  return { repo: path.relative(root, absolute).split(path.sep).join('/') };
}

/** `fs/promises` and `node:fs/promises` are both `node:fs/promises`. @param {string} name */
function normalizePackage(name) {
  if (name.startsWith('node:')) return name;
  const first = name.split('/')[0] ?? name;
  return BUILTINS.has(first) ? `node:${name}` : name;
}

/** Whether `target` is `folder` or inside it. @param {string} target @param {string} folder */
export function inFolder(target, folder) {
  const prefix = folder.replace(/\/+$/, '');
  return target === prefix || target.startsWith(`${prefix}/`);
}

/**
 * A package pattern: `react` matches `react` and `react/jsx-runtime` but not `react-dom`;
 * `@prisma/*` matches the scope; `node:fs` matches `fs` and `node:fs/promises` too.
 * @param {string} pkg normalized package specifier @param {string} pattern
 */
export function packageMatches(pkg, pattern) {
  const normalized = normalizePackage(pattern);
  if (normalized.endsWith('/*')) return pkg.startsWith(normalized.slice(0, -1));
  return pkg === normalized || pkg.startsWith(`${normalized}/`);
}

/**
 * Every import specifier of a module: static imports and re-exports (type-only ones too: a type
 * is a dependency), `import()` with a literal, `require()` with a literal.
 * @param {import('eslint').Rule.RuleContext} context
 * @param {(specifier: string, node: import('estree').Node) => void} check
 * @returns {import('eslint').Rule.RuleListener}
 */
function onImports(context, check) {
  /** @param {any} node */
  const fromSource = (node) => {
    if (node.source && typeof node.source.value === 'string') check(node.source.value, node.source);
  };
  return {
    ImportDeclaration: fromSource,
    ExportNamedDeclaration: fromSource,
    ExportAllDeclaration: fromSource,
    ImportExpression: fromSource,
    /** @param {any} node */
    CallExpression(node) {
      const [first] = node.arguments;
      if (node.callee.type === 'Identifier' && node.callee.name === 'require' && first?.type === 'Literal' && typeof first.value === 'string') {
        check(first.value, first);
      }
    },
  };
}

/**
 * @param {import('eslint').Rule.RuleContext} context
 * @returns {{ root: string, file: string }}
 */
function locate(context) {
  const options = /** @type {{ root?: string }} */ (context.options[0] ?? {});
  const root = options.root ?? context.cwd;
  const file = path.resolve(context.cwd, context.filename);
  return { root, file };
}

/** @type {import('eslint').Rule.RuleModule} */
const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep each folder to the dependencies its layer allows (README "Layout").' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          allowOnly: { type: 'array', items: { type: 'string' } },
          forbid: { type: 'array', items: { type: 'string' } },
          forbidPackages: { type: 'array', items: { type: 'string' } },
          reason: { type: 'string' },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      folder: "'{{specifier}}' reaches {{target}}: {{layer}} may not import {{forbidden}} ({{reason}}).",
      outside: "'{{specifier}}' reaches {{target}}: {{layer}} may import only {{allowed}} ({{reason}}).",
      package: "'{{specifier}}': {{layer}} may not import {{forbidden}} ({{reason}}).",
    },
  },
  create(context) {
    const options = /** @type {{ allowOnly?: string[], forbid?: string[], forbidPackages?: string[], reason?: string }} */ (
      context.options[0] ?? {}
    );
    const { root, file } = locate(context);
    const self = path.relative(root, file).split(path.sep).join('/');
    const layer = self.split('/').slice(0, self.startsWith('lib/') ? 2 : 1).join('/') + '/';
    const reason = options.reason ?? 'see README "Layout"';
    return onImports(context, (specifier, node) => {
      const target = resolveImport(specifier, file, root);
      if ('pkg' in target) {
        const hit = (options.forbidPackages ?? []).find((pattern) => packageMatches(target.pkg, pattern));
        if (hit) context.report({ node, messageId: 'package', data: { specifier, layer, forbidden: hit, reason } });
        return;
      }
      const forbidden = (options.forbid ?? []).find((folder) => inFolder(target.repo, folder));
      if (forbidden) {
        context.report({ node, messageId: 'folder', data: { specifier, target: target.repo, layer, forbidden: `${forbidden}/`, reason } });
        return;
      }
      const allowOnly = options.allowOnly;
      if (allowOnly && !allowOnly.some((folder) => inFolder(target.repo, folder))) {
        context.report({
          node,
          messageId: 'outside',
          data: { specifier, target: target.repo, layer, allowed: allowOnly.map((f) => `${f}/`).join(', '), reason },
        });
      }
    });
  },
};

const SOURCE = /\.(?:ts|tsx|js|jsx|mjs)$/;
const SPECIFIERS = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

/**
 * The feature folders under `featuresDir` and, for each, the other features its files import,
 * read from disk (once per lint run: cached by directory).
 * @type {Map<string, Map<string, Set<string>>>}
 */
const graphs = new Map();

/** @param {string} root @param {string} featuresDir */
function featureGraph(root, featuresDir) {
  const key = path.join(root, featuresDir);
  const cached = graphs.get(key);
  if (cached) return cached;
  /** @type {Map<string, Set<string>>} */
  const graph = new Map();
  /** @param {string} dir @param {string} feature */
  const walk = (dir, feature) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, feature);
      else if (SOURCE.test(entry.name)) {
        const text = readFileSync(full, 'utf8');
        for (const match of text.matchAll(SPECIFIERS)) {
          const target = resolveImport(/** @type {string} */ (match[1]), full, root);
          const other = 'repo' in target ? featureOf(target.repo, featuresDir) : null;
          if (other && other !== feature) graph.get(feature)?.add(other);
        }
      }
    }
  };
  let entries = [];
  try {
    entries = readdirSync(key, { withFileTypes: true });
  } catch {
    entries = [];
  }
  for (const entry of entries) if (entry.isDirectory()) graph.set(entry.name, new Set());
  for (const feature of graph.keys()) walk(path.join(key, feature), feature);
  graphs.set(key, graph);
  return graph;
}

/** The feature folder a repository path lies in, if any. @param {string} repo @param {string} featuresDir */
function featureOf(repo, featuresDir) {
  if (!inFolder(repo, featuresDir)) return null;
  const rest = repo.slice(featuresDir.length + 1).split('/');
  return rest.length > 1 ? (rest[0] ?? null) : null;
}

/** A path of features from `from` to `to` in the graph, or null. @param {Map<string, Set<string>>} graph @param {string} from @param {string} to */
function findPath(graph, from, to) {
  /** @type {Map<string, string | null>} */
  const seen = new Map([[from, null]]);
  const queue = [from];
  while (queue.length) {
    const at = /** @type {string} */ (queue.shift());
    if (at === to) {
      const route = [];
      for (let step = /** @type {string | null} */ (at); step !== null; step = seen.get(step) ?? null) route.unshift(step);
      return route;
    }
    for (const next of graph.get(at) ?? []) {
      if (!seen.has(next)) {
        seen.set(next, at);
        queue.push(next);
      }
    }
  }
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
const noFeatureCycles = {
  meta: {
    type: 'problem',
    docs: { description: 'Feature folders under components/ depend on each other in one direction only.' },
    schema: [
      {
        type: 'object',
        properties: { root: { type: 'string' }, featuresDir: { type: 'string' } },
        additionalProperties: false,
      },
    ],
    messages: {
      cycle:
        "'{{specifier}}' makes {{from}}/ import {{to}}/, which already depends on {{from}}/ ({{route}}): move what both need into components/ui/ (or the lower feature).",
    },
  },
  create(context) {
    const options = /** @type {{ featuresDir?: string }} */ (context.options[0] ?? {});
    const featuresDir = options.featuresDir ?? 'components';
    const { root, file } = locate(context);
    const self = featureOf(path.relative(root, file).split(path.sep).join('/'), featuresDir);
    if (!self) return {};
    return onImports(context, (specifier, node) => {
      const target = resolveImport(specifier, file, root);
      const other = 'repo' in target ? featureOf(target.repo, featuresDir) : null;
      if (!other || other === self) return;
      const route = findPath(featureGraph(root, featuresDir), other, self);
      if (route) context.report({ node, messageId: 'cycle', data: { specifier, from: self, to: other, route: [self, ...route].join(' → ') } });
    });
  },
};

/** The local plugin: `meshlight/boundaries`, `meshlight/no-feature-cycles`. */
export const meshlightPlugin = {
  meta: { name: 'meshlight' },
  rules: { boundaries, 'no-feature-cycles': noFeatureCycles },
};
