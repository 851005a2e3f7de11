import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';

describe('end-user tokens', () => {
  let m: TestMailroom;
  let now = Date.now();
  const clock: Clock = { now: () => now };
  beforeEach(async () => {
    now = Date.now();
    m = await startTestMailroom('sqlite', { clock });
  });
  afterEach(() => m.close());

  const secretOf = async (projectId: string) => new TextEncoder().encode((await m.core.projects.getProject(projectId)).signingSecret);

  it('accepts a minted token and one an app signs itself with the project secret', async () => {
    const { token, expiresAt } = await m.core.userTokens.mint(m.project.project_id, 'user-1', 600);
    expect(expiresAt).toBeGreaterThan(now);
    expect(await m.core.userTokens.verify(token, m.project.project_id)).toEqual({ projectId: m.project.project_id, userId: 'user-1' });
    expect(await m.core.userTokens.verify(token, undefined)).toEqual({ projectId: m.project.project_id, userId: 'user-1' });

    const own = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-2')
      .setAudience(m.project.project_id)
      .setExpirationTime(Math.floor(now / 1000) + 60)
      .sign(await secretOf(m.project.project_id));
    expect((await m.core.userTokens.verify(own, m.project.project_id)).userId).toBe('user-2');
  });

  it('rejects expired, wrong-audience, wrong-project, tampered and exp-less tokens', async () => {
    const { token } = await m.core.userTokens.mint(m.project.project_id, 'user-1', 60);
    const other = await m.core.projects.createProject({ name: 'other' });
    await expect(m.core.userTokens.verify(token, other.project_id)).rejects.toMatchObject({ code: 'INVALID_ACCESS_TOKEN' });

    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'admin' })).toString('base64url')}.${s}`;
    await expect(m.core.userTokens.verify(forged, m.project.project_id)).rejects.toMatchObject({ code: 'INVALID_ACCESS_TOKEN' });

    // Signed with another project's secret but claiming this project.
    const wrongKey = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .setAudience(m.project.project_id)
      .setExpirationTime(Math.floor(now / 1000) + 60)
      .sign(await secretOf(other.project_id));
    await expect(m.core.userTokens.verify(wrongKey, m.project.project_id)).rejects.toMatchObject({ code: 'INVALID_ACCESS_TOKEN' });

    const noExp = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setAudience(m.project.project_id).sign(await secretOf(m.project.project_id));
    await expect(m.core.userTokens.verify(noExp, m.project.project_id)).rejects.toMatchObject({ code: 'INVALID_ACCESS_TOKEN' });

    await expect(m.core.userTokens.verify('not-a-jwt', undefined)).rejects.toMatchObject({ code: 'INVALID_ACCESS_TOKEN' });

    now += 61_000;
    await expect(m.core.userTokens.verify(token, m.project.project_id)).rejects.toMatchObject({ code: 'INVALID_ACCESS_TOKEN', message: expect.stringContaining('expired') });
  });
});
