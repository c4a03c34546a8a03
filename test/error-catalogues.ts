import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorCases, ModuleErrors } from '../src/platform/problems.js';

const MODULES_DIR = fileURLToPath(new URL('../src/modules/', import.meta.url));

export interface ModuleCatalogue {
  module: string;
  /** The module's `<module>.errors.ts`, relative to src/modules; undefined when it has none. */
  file: string | undefined;
  /** Every ModuleErrors the file exports. */
  catalogues: ModuleErrors<ErrorCases>[];
}

const isModuleErrors = (value: unknown): value is ModuleErrors<ErrorCases> =>
  typeof value === 'object' &&
  value !== null &&
  'cases' in value &&
  'responses' in value &&
  typeof value.responses === 'function';

/** Each module under src/modules with the error catalogues its `<module>.errors.ts` declares. */
export async function loadErrorCatalogues(): Promise<ModuleCatalogue[]> {
  const entries = await readdir(MODULES_DIR, { withFileTypes: true });
  const modules = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  return Promise.all(
    modules.sort().map(async (module) => {
      const files = await readdir(path.join(MODULES_DIR, module));
      const name = `${module}.errors.ts`;
      if (!files.includes(name)) return { module, file: undefined, catalogues: [] };
      const exported: Record<string, unknown> = await import(path.join(MODULES_DIR, module, name));
      return {
        module,
        file: `${module}/${name}`,
        catalogues: Object.values(exported).filter(isModuleErrors),
      };
    }),
  );
}

/** Every declared reason with its code and the module declaring it. */
export async function declaredReasons(): Promise<{ module: string; reason: string; code: string }[]> {
  return (await loadErrorCatalogues()).flatMap(({ module, catalogues }) =>
    catalogues.flatMap((catalogue) =>
      Object.entries(catalogue.cases).map(([reason, { code }]) => ({ module, reason, code })),
    ),
  );
}
