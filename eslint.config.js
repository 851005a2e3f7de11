// ESLint (flat config): type-aware promise rules from typescript-eslint, and the layer rule of
// /work/shared/style.md checked on every relative import (see `layers` below).
import path from 'node:path';
import tseslint from 'typescript-eslint';

const src = path.resolve('src');

/** The layer a file under src/ belongs to: core, store, delivery, ingest, webhooks, metrics, cli, api:<family>, api, or root. */
function layerOf(file) {
  const rel = path.relative(src, file);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split(path.sep);
  if (parts.length === 1) return `root:${parts[0].replace(/\.[jt]s$/, '')}`;
  if (parts[0] === 'api') return parts.length === 2 ? 'api' : `api:${parts[1]}`;
  // The console is one more adapter over core, held to the same rule as an API family.
  if (parts[0] === 'console') return 'api:console';
  return parts[0];
}

/**
 * Leaf modules every layer but core may read: they import nothing of the application but core.
 * egress is the connect-time policy every outbound connection (webhooks, relays) goes through;
 * worker-file finds a thread pool's compiled worker script (render and MIME pools).
 */
const leaves = ['root:config', 'root:logger', 'root:worker-file', 'egress'];

/** Which layers each layer may import (besides itself). The composition root and the CLI may import anything. */
function allowed(from, to) {
  if (from === to || to === 'core') return true;
  if (from === 'core') return false;
  if (leaves.includes(to)) return true;
  if (from.startsWith('root:') || from === 'cli') return true;
  if (from === 'api') return to.startsWith('api');
  // An API family uses core, the API's shared helpers and the deps contract, never another family or a lower layer.
  if (from.startsWith('api:')) return to === 'api:shared' || to === 'api';
  return false;
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'core imports only core; store, delivery, ingest, webhooks, metrics and each API family import core but not each other; only compose.ts wires' },
    schema: [],
  },
  create(context) {
    const from = layerOf(context.filename);
    if (!from) return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = layerOf(path.resolve(path.dirname(context.filename), source));
      if (to && !allowed(from, to)) {
        context.report({ node: node.source, message: `${from} may not import ${to} (${source}); see the layer rule in the style notes, and wire it in compose.ts instead` });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tmp/', 'coverage/', 'data/', 'scripts/', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin, mailroom: { rules: { layers: layersRule } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      'mailroom/layers': 'error',
    },
  },
  {
    // Fastify awaits the promise of an async hook or handler given in route options (preHandler: async ...),
    // which the property check cannot know; arguments, conditions and spreads stay checked.
    files: ['src/api/**/*.ts'],
    rules: { '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { properties: false } }] },
  },
);
