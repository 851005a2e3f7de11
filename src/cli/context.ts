import { loadConfig } from '../config.js';
import { createCore, type Core } from '../compose.js';
import { createLogger } from '../logger.js';

/** Runs a CLI action against the store and core services, then closes them. */
export async function withCore<T>(action: (core: Core) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // CLI output is for people; logs below warnings would drown it.
  const core = await createCore(config, { logger: createLogger(process.env.LOG_LEVEL ?? 'warn') });
  try {
    return await action(core);
  } finally {
    await core.close();
  }
}

export function print(value: unknown, json: boolean, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
}
