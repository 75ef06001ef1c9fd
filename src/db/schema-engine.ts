import { readFile } from 'node:fs/promises';
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

// Prisma's schema engine compiled to WebAssembly: migrations without the native binary the CLI would download.
// The package's main entry imports the .wasm file directly, which Node refuses, so it is instantiated by hand.
function loadWasm(): Promise<void> {
  loading ??= (async () => {
    const wasmUrl = new URL('schema_engine_bg.wasm', import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const module = await WebAssembly.compile(await readFile(wasmUrl));
    const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': wasmBindings });
    wasmBindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return loading;
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
