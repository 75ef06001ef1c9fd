import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import * as wasmBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import { schemaPath } from './paths.js';

export type SchemaEngine = wasmBindings.SchemaEngine;
export type { MigrationList } from '@prisma/schema-engine-wasm/schema_engine_bg';

export const noFilters = { externalTables: [], externalEnums: [] };

let loading: Promise<void> | undefined;

// @types/node for Node 20 does not declare the WebAssembly global; this is the part of it used here.
type WasmInstance = { exports: Record<string, unknown> };
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
type WasmApi = {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, unknown>): Promise<WasmInstance>;
};

// Prisma's schema engine compiled to WebAssembly: migrations without the native binary the CLI would download.
// The package's main entry imports the .wasm file directly, which Node refuses, so it is instantiated by hand.
function loadWasm(): Promise<void> {
  loading ??= (async () => {
    const bindingsPath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmUrl = new URL('schema_engine_bg.wasm', pathToFileURL(bindingsPath));
    const instance = await wasm.instantiate(await wasm.compile(await readFile(wasmUrl)), {
      './schema_engine_bg.js': withUnrefTimers(wasmBindings),
    });
    wasmBindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return loading;
}

/**
 * The engine arms a timer (its advisory-lock timeout, 10 s) that outlives the work it guards and would keep a
 * finished `yishi migrate` alive until it fires. Unref'd timers still fire, but do not hold the process open.
 */
function withUnrefTimers(bindings: typeof wasmBindings): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bindings };
  for (const [name, binding] of Object.entries(bindings)) {
    if (name.startsWith('__wbg_setTimeout_') && typeof binding === 'function') {
      imports[name] = (...args: unknown[]) => {
        const timer = (binding as (...a: unknown[]) => NodeJS.Timeout)(...args);
        timer.unref();
        return timer;
      };
    }
  }
  return imports;
}

/**
 * Runs `work` on a schema engine working through a driver adapter, then releases the engine and every connection
 * it opened. Freeing the engine alone leaves its connections open, and with them PostgreSQL's migration advisory lock.
 */
export async function withSchemaEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await loadWasm();
  const schema = await readFile(schemaPath, 'utf8');
  const opened: SqlDriverAdapter[] = [];
  const track = async (adapter: Promise<SqlDriverAdapter>) => {
    const connection = await adapter;
    opened.push(connection);
    return connection;
  };
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: adapterFactory.provider,
    adapterName: adapterFactory.adapterName,
    connect: () => track(adapterFactory.connect()),
    connectToShadowDb: () => track(adapterFactory.connectToShadowDb()),
  };
  const engine = await wasmBindings.SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(tracking),
  );
  try {
    return await work(engine);
  } finally {
    engine.free();
    await Promise.allSettled(opened.map((connection) => connection.dispose()));
  }
}
