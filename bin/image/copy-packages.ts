// Copies installed npm packages and everything they depend on into a fresh node_modules, resolving
// each dependency the way Node would from where it is installed (so a hoisted npm tree, a linked
// checkout and pnpm's isolated layout all work), and placing it where Node will find it from its
// new home: at the top when the name is free there, else nested under the package that needs it.
// Only what runs is copied: no nested node_modules (their packages are placed on their own), and
// of a native addon's package no C sources or compiler outputs other than the `.node` files.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Dependencies only an install needs (prebuilt-binary downloaders): never loaded at run time. */
const INSTALL_TIME_PACKAGES = new Set(['prebuild-install', 'node-gyp']);
/** A native addon's sources and build inputs. */
const NATIVE_SOURCE = /\.(c|cc|cpp|cxx|h|hh|hpp|gyp|gypi|lzz|o|a|mk|d)$/;

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** The real folder of package `name` as Node resolves it from `fromDir`, or undefined. */
export function resolvePackageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (!dir.endsWith(`${sep}node_modules`)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export class PackageCopier {
  /** Copied folder → the real folder it was copied from. */
  private readonly placed = new Map<string, string>();
  files = 0;
  bytes = 0;

  constructor(private readonly outRoot: string) {}

  /**
   * Copies the packages an app (or a package copied to `requiredAt`) depends on directly, resolved
   * from `fromDir`, then their dependencies. The direct ones are placed first, so a dependency of
   * one of them never takes the place of another.
   */
  addAll(names: string[], fromDir: string, requiredAt = this.outRoot): void {
    const placed = names.map((name) => this.place(name, fromDir, requiredAt, false));
    for (const entry of placed) if (entry) this.addDependencies(entry.source, entry.target);
  }

  /** Copies one package where Node will find it from `requiredAt`; undefined when it was there already (or is optional and missing). */
  private place(name: string, fromDir: string, requiredAt: string, optional: boolean): { source: string; target: string } | undefined {
    if (INSTALL_TIME_PACKAGES.has(name)) return undefined;
    const source = resolvePackageDir(name, fromDir);
    if (!source) {
      if (optional) return undefined;
      throw new Error(`cannot find the package '${name}' from ${fromDir}: install the app's dependencies first`);
    }
    const visible = this.visibleFrom(name, requiredAt);
    if (visible && this.placed.get(visible) === source) return undefined;
    const target = join(visible ? requiredAt : this.outRoot, 'node_modules', name);
    this.placed.set(target, source);
    this.copyTree(source, target, existsSync(join(source, 'binding.gyp')));
    return { source, target };
  }

  /** Missing optional and peer dependencies are skipped (the package copes without them). */
  private addDependencies(source: string, target: string): void {
    const pkg = readPackageJson(source);
    const required = Object.keys(pkg.dependencies ?? {});
    const optional = Object.keys({ ...pkg.optionalDependencies, ...pkg.peerDependencies }).filter((dep) => !required.includes(dep));
    const placed = [...required.map((dep) => this.place(dep, source, target, false)), ...optional.map((dep) => this.place(dep, source, target, true))];
    for (const entry of placed) if (entry) this.addDependencies(entry.source, entry.target);
  }

  /**
   * Places only package.json of `name` (resolved from `fromDir`): enough for the server bundle to
   * find that package (gati) and resolve its own dependencies from there. Returns its new folder.
   */
  addManifest(name: string, fromDir: string): { source: string; target: string } {
    const source = resolvePackageDir(name, fromDir);
    if (!source) throw new Error(`cannot find the package '${name}' from ${fromDir}: install the app's dependencies first`);
    const target = join(this.outRoot, 'node_modules', name);
    this.placed.set(target, source);
    this.copyFile(join(source, 'package.json'), join(target, 'package.json'));
    return { source, target };
  }

  /** The copied folder Node finds for `name` from `dir`, walking up to the root. */
  private visibleFrom(name: string, dir: string): string | undefined {
    for (let at = dir; ; at = dirname(at)) {
      const candidate = join(at, 'node_modules', name);
      if (this.placed.has(candidate)) return candidate;
      if (at === this.outRoot || !at.startsWith(this.outRoot)) return undefined;
    }
  }

  private copyTree(source: string, target: string, native: boolean): void {
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const from = join(dir, entry.name);
        const rel = relative(source, from);
        if (entry.name === 'node_modules' || (native && !keepNative(rel, entry.isDirectory()))) continue;
        if (entry.isDirectory()) walk(from);
        else if (entry.isFile() || (entry.isSymbolicLink() && statSync(from).isFile())) this.copyFile(from, join(target, rel));
      }
    };
    walk(source);
  }

  private copyFile(from: string, to: string): void {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    this.files++;
    this.bytes += statSync(to).size;
  }
}

/** In a native addon's package: the JavaScript and the compiled `.node` files, not what built them. */
function keepNative(rel: string, isDir: boolean): boolean {
  const top = rel.split(sep)[0]!;
  if (top === 'deps') return false;
  if (top === 'build') return isDir ? !/(^|[/\\])(obj|obj\.target|deps|\.deps)$/.test(rel) : rel.endsWith('.node');
  return isDir || !NATIVE_SOURCE.test(rel);
}
