// The dependency rule of ARCHITECTURE.md, checked by reading every import in src/:
//   core <- db <- engine <- render <- {inbox, delivery, scheduler} <- adapters <- http/cli <- main
// i18n sits beside db (it needs only core); the engine never renders text, so it imports neither i18n nor render.
// render turns the engine's notices into neutral documents: it needs the engine's types and i18n, and no database.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const src = path.join(root, 'src');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

/** What each layer may import from src/ besides itself. `config` and `main` are the top-level files. */
const allowed: Record<string, string[]> = {
  core: [],
  db: ['core'],
  i18n: ['core'],
  engine: ['core', 'db'],
  render: ['core', 'engine', 'i18n'],
  inbox: ['core', 'db', 'engine', 'render'],
  delivery: ['core', 'db', 'engine', 'render'],
  scheduler: ['core', 'db', 'engine', 'render'],
  adapters: ['core', 'engine', 'render', 'inbox', 'delivery', 'scheduler', 'i18n'],
  config: ['core', 'db'],
  http: ['core', 'db', 'engine', 'render', 'inbox', 'delivery', 'scheduler', 'i18n', 'adapters', 'config'],
  cli: ['core', 'db', 'engine', 'render', 'inbox', 'delivery', 'scheduler', 'i18n', 'adapters', 'config'],
  main: ['core', 'db', 'engine', 'render', 'inbox', 'delivery', 'scheduler', 'i18n', 'adapters', 'config', 'http', 'cli'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (full === path.join(src, 'db', 'generated')) return [];
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
  });
}

function layerOf(file: string): string {
  const first = path.relative(src, file).split(path.sep)[0] ?? '';
  return first.replace(/\.[jt]s$/, '');
}

type Import = { file: string; specifier: string };

const imports: Import[] = files(src).flatMap((file) =>
  [
    ...readFileSync(file, 'utf8').matchAll(
      /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((match) => ({ file, specifier: (match[1] ?? match[2])! })),
);

describe('the dependency rule', () => {
  it('finds the imports it checks', () => {
    expect(imports.length).toBeGreaterThan(30);
  });

  it('has every layer import only from the layers below it', () => {
    const violations = imports
      .filter(({ specifier }) => specifier.startsWith('.'))
      .map(({ file, specifier }) => ({ from: layerOf(file), to: layerOf(path.resolve(path.dirname(file), specifier)), file, specifier }))
      .filter(({ from, to }) => from !== to && !(allowed[from] ?? []).includes(to))
      .map(({ file, specifier, from, to }) => `${path.relative(root, file)}: ${from} -> ${to} (${specifier})`);
    expect(violations).toEqual([]);
  });

  it('has no layer the rule does not know', () => {
    expect(
      files(src)
        .map(layerOf)
        .filter((layer) => !(layer in allowed)),
    ).toEqual([]);
  });

  it('uses in src/ only packages that production installs (dependencies, not devDependencies)', () => {
    const builtins = new Set(builtinModules);
    const missing = imports
      .map(({ file, specifier }) => ({ file, specifier }))
      .filter(({ specifier }) => !specifier.startsWith('.') && !specifier.startsWith('node:') && !builtins.has(specifier))
      .map(({ file, specifier }) => ({
        file,
        name: specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!,
      }))
      .filter(({ name }) => !(name in packageJson.dependencies))
      .map(({ file, name }) => `${path.relative(root, file)}: ${name}`);
    expect(missing).toEqual([]);
  });

  it('keeps the engine and the render layer free of platform SDKs, HTTP and rendering libraries they must not know', () => {
    const platformPackages = ['telegraf', '@slack/bolt', '@slack/web-api', 'fastify', 'bullmq', 'ioredis', 'pg', '@electric-sql/pglite'];
    const offending = imports
      .filter(({ file }) => ['engine', 'render'].includes(layerOf(file)))
      .filter(({ specifier }) => platformPackages.some((name) => specifier === name || specifier.startsWith(`${name}/`)))
      .map(({ file, specifier }) => `${path.relative(root, file)}: ${specifier}`);
    expect(offending).toEqual([]);
  });

  it('has no import cycles between capability folders (src/engine/modules/*)', () => {
    const modules = path.join(src, 'engine', 'modules');
    const folderOf = (file: string) => (file.startsWith(modules + path.sep) ? path.relative(modules, file).split(path.sep)[0]! : null);
    const edges = new Map<string, Set<string>>();
    for (const { file, specifier } of imports) {
      if (!specifier.startsWith('.')) continue;
      const from = folderOf(file);
      const to = folderOf(path.resolve(path.dirname(file), specifier));
      if (from && to && from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
    }
    expect(edges.size).toBeGreaterThan(2);
    const cycles: string[] = [];
    const visit = (folder: string, trail: string[]) => {
      if (trail.includes(folder)) {
        cycles.push([...trail.slice(trail.indexOf(folder)), folder].join(' -> '));
        return;
      }
      for (const next of edges.get(folder) ?? []) visit(next, [...trail, folder]);
    };
    for (const folder of edges.keys()) visit(folder, []);
    expect(cycles).toEqual([]);
  });
});
