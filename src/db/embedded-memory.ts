import v8 from 'node:v8';

// The embedded database is PostgreSQL compiled to WebAssembly. V8 compiles it twice over: a quick baseline first,
// then an optimised copy of every function that runs often. Those optimised copies of PostgreSQL's (and Prisma's)
// WebAssembly are the largest part of an idle embedded yishi's memory after PGlite's own heap: 40 to 60 MB. With
// the baseline compiler only, the process stays under 200 MB; the cost in throughput is in the README's benchmarks.
// YISHI_WASM_OPTIMIZE=1 keeps the optimising compiler.

let applied = false;

/** Compiles WebAssembly from now on with the baseline compiler only. Must run before PGlite is first created. */
export function useBaselineWasmCompiler(): void {
  if (applied) return;
  v8.setFlagsFromString('--liftoff-only');
  applied = true;
}
