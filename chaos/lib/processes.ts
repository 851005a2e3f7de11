/**
 * Real Mailroom processes (`node dist/cli/main.js serve|worker`), with their
 * exits recorded: a scenario's report lists every exit and whether the
 * scenario caused it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const cli = resolve(import.meta.dirname, '../../dist/cli/main.js');

export interface ProcessExit {
  name: string;
  code: number | null;
  signal: string | null;
  /** The scenario killed or stopped it on purpose. */
  expected: boolean;
}

export interface MailroomProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<ProcessExit>;
  /** The last output, for failure messages. */
  output(): string;
  /** Signals the process; the exit it causes is recorded as expected. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<ProcessExit>;
}

export interface ProcessGroup {
  spawn(name: string, command: 'serve' | 'worker', env: Record<string, string>, readyLine: string): Promise<MailroomProcess & { stdout: string }>;
  exits: ProcessExit[];
  /** Stops every process still running (expected exits). */
  stopAll(): Promise<void>;
}

export function processGroup(baseEnv: Record<string, string>): ProcessGroup {
  if (!existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const exits: ProcessExit[] = [];
  const running = new Set<MailroomProcess>();
  return {
    exits,
    async spawn(name, command, env, readyLine) {
      const child = spawn(process.execPath, [cli, command], {
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...baseEnv, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let expected = false;
      let out = '';
      const keep = (c: Buffer) => {
        out = (out + c.toString()).slice(-20_000);
      };
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      const exited = new Promise<ProcessExit>((done) =>
        child.once('exit', (code, signal) => {
          const exit = { name, code, signal, expected };
          exits.push(exit);
          running.delete(proc);
          done(exit);
        }),
      );
      const proc: MailroomProcess = {
        name,
        child,
        exited,
        output: () => out.slice(-3000),
        signal(sig) {
          expected = true;
          child.kill(sig);
        },
        async stop(graceMs = 30_000) {
          if (child.exitCode !== null || child.signalCode !== null) return exited;
          expected = true;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          const exit = await exited;
          clearTimeout(timer);
          return exit;
        },
      };
      running.add(proc);
      let stdout = '';
      await new Promise<void>((ready, fail) => {
        const timer = setTimeout(() => fail(new Error(`${name} not ready in 60 s: ${out.slice(-2000)}`)), 60_000);
        child.stdout!.on('data', (c: Buffer) => {
          stdout += c.toString();
          if (stdout.includes(readyLine)) {
            clearTimeout(timer);
            ready();
          }
        });
        void exited.then((e) => {
          clearTimeout(timer);
          fail(new Error(`${name} exited (${e.code ?? e.signal}) before it was ready: ${out.slice(-2000)}`));
        });
      });
      return Object.assign(proc, { stdout });
    },
    async stopAll() {
      await Promise.all([...running].map((p) => p.stop()));
    },
  };
}
