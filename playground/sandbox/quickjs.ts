// Loads QuickJS (WebAssembly, the release build with a separate .wasm file): the same module in
// Node and in the browser. Loaded once and shared: each script run makes its own runtime and
// context from it (a fresh heap, cheap), and a module that broke (a WebAssembly trap) is dropped so
// the next run loads a new one.
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSSyncVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import * as releaseSync from '@jitl/quickjs-wasmfile-release-sync';

// The package's types describe its CommonJS build; imported as ESM (Node or a bundler), the variant is the default export.
const RELEASE_SYNC = (releaseSync as unknown as { default: QuickJSSyncVariant }).default;

export interface QuickJSOptions {
  /** Where the browser fetches `emscripten-module.wasm` (a bundle serves it beside its script). */
  wasmLocation?: string;
  /** Or the .wasm bytes themselves. */
  wasmBinary?: ArrayBuffer;
}

let shared: Promise<QuickJSWASMModule> | undefined;

// The WebAssembly global of Node and the browser alike (this code is typed without the DOM library).
type WasmMemory = NonNullable<Parameters<typeof newVariant>[1]['wasmMemory']>;
const Wasm = (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory } }).WebAssembly;

/**
 * The whole module's memory is capped (the build's default lets it grow to 2 GB): one run's heap is
 * limited to 16 MB by measuring it, but an allocation made between two measurements fails here, at
 * malloc, before it can take the host's memory. Runs are sequential and free their heap, so 64 MB
 * leaves room for the 16 MB of one run, the module's own data and fragmentation.
 */
const WASM_PAGE = 64 * 1024;
const INITIAL_BYTES = 16 * 1024 * 1024;
const MAXIMUM_BYTES = 64 * 1024 * 1024;

/** The shared QuickJS module (loaded on the first call; the options count only then). */
export function quickJS(options: QuickJSOptions = {}): Promise<QuickJSWASMModule> {
  if (!shared) {
    const wasmMemory = new Wasm.Memory({ initial: INITIAL_BYTES / WASM_PAGE, maximum: MAXIMUM_BYTES / WASM_PAGE });
    const variant = newVariant(RELEASE_SYNC, { ...options, wasmMemory });
    shared = newQuickJSWASMModuleFromVariant(variant);
    shared.catch(() => (shared = undefined));
  }
  return shared;
}

/** Forget a module that failed (the next quickJS() loads a fresh one). */
export function dropQuickJS(module: QuickJSWASMModule): void {
  void shared?.then((current) => {
    if (current === module) shared = undefined;
  });
}
