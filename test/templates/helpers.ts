import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestMailroom } from '../support/mailroom.js';

export const allTemplatePermissions = ['read', 'create', 'update', 'delete'].flatMap((action) => [`email.blocks:${action}`, `email.templates:${action}`]);

/** Bearer headers for a scoped key holding exactly `permissions`. */
export async function scopedHeaders(m: TestMailroom, permissions: string[]): Promise<Record<string, string>> {
  const { key } = await m.core.projects.createKey(m.project.project_id, { kind: 'scoped', permissions });
  return { authorization: `Bearer ${key}` };
}

/** Headers of a key with every template permission but `missing`. */
export function withoutPermission(m: TestMailroom, missing: string): Promise<Record<string, string>> {
  return scopedHeaders(m, allTemplatePermissions.filter((p) => p !== missing));
}

/** The secret key of a second project, to show another project's ids are invisible. */
export async function otherProjectHeaders(m: TestMailroom): Promise<Record<string, string>> {
  const other = await m.core.projects.createProject({ name: 'other project' });
  return { authorization: `Bearer ${other.secret_server_key}` };
}

export function expectError(res: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as Record<string, unknown>;
  expect(body).toMatchObject({ code, message: expect.any(String) });
  return body;
}
