import path from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- the ESLint config is plain JavaScript without type declarations
import { layersRule } from '../../eslint.config.js';

/** The layer rule that `npm run lint` applies, on small sources placed at chosen paths. */
function problems(file: string, code: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    code,
    [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { mailroom: { rules: { layers: layersRule } } }, rules: { 'mailroom/layers': 'error' } }],
    { filename: path.resolve(file) },
  );
  return messages.map((m) => m.message);
}

describe('the import-boundary lint rule', () => {
  it('keeps core to core', () => {
    expect(problems('src/core/outbox/x.ts', "import { a } from '../delivery/types.js';")).toEqual([]);
    expect(problems('src/core/outbox/x.ts', "import { a } from '../../store/index.js';")).toEqual([expect.stringContaining('core may not import store')]);
    expect(problems('src/core/x.ts', "import type { Config } from '../config.js';")).toEqual([expect.stringContaining('core may not import root:config')]);
  });

  it('lets store, delivery and the API families use core but not each other; only the root wires', () => {
    expect(problems('src/delivery/worker.ts', "import { a } from '../core/outbox/types.js';")).toEqual([]);
    expect(problems('src/delivery/worker.ts', "import { a } from '../store/index.js';")).toEqual([expect.stringContaining('delivery may not import store')]);
    expect(problems('src/store/x.ts', "export { b } from '../api/app.js';")).toEqual([expect.stringContaining('store may not import api')]);
    expect(problems('src/api/mail/send.ts', "import { a } from '../shared/auth.js'; import type { ApiDeps } from '../deps.js';")).toEqual([]);
    expect(problems('src/api/mail/send.ts', "import { a } from '../stack/outbox.js';")).toEqual([expect.stringContaining('api:mail may not import api:stack')]);
    expect(problems('src/compose.ts', "import { a } from './store/index.js'; import { b } from './delivery/workers.js';")).toEqual([]);
  });
});
