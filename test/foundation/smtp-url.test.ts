import { describe, expect, it } from 'vitest';
import { acceptSmtpUrl, maskSmtpUrl } from '../../src/core/projects/smtp-url.js';

describe('project SMTP relay URLs', () => {
  const resolveTo = (...addresses: string[]) => async () => addresses;

  it('masks only the password', () => {
    expect(maskSmtpUrl('smtps://u:p%40ss@mail.example.com:465?tls.rejectUnauthorized=false')).toBe('smtps://u:***@mail.example.com:465?tls.rejectUnauthorized=false');
    expect(maskSmtpUrl('smtp://mail.example.com')).toBe('smtp://mail.example.com');
    expect(maskSmtpUrl('not a url')).toBe('***');
  });

  it('judges a name by the addresses it resolves to', async () => {
    await expect(acceptSmtpUrl('smtp://relay.corp.internal:25', undefined, 'none', resolveTo('10.1.2.3'))).rejects.toMatchObject({ code: 'SMTP_URL_NOT_ALLOWED' });
    await expect(acceptSmtpUrl('smtp://relay.example.com:25', undefined, 'none', resolveTo('93.184.216.34', '127.0.0.1'))).rejects.toMatchObject({
      code: 'SMTP_URL_NOT_ALLOWED',
      message: expect.stringContaining('127.0.0.1'),
    });
    await expect(acceptSmtpUrl('smtp://relay.example.com:25', undefined, 'loopback', resolveTo('127.0.0.1'))).resolves.toBe('smtp://relay.example.com:25');
    await expect(acceptSmtpUrl('smtp://relay.example.com:25', undefined, 'none', resolveTo('93.184.216.34'))).resolves.toBe('smtp://relay.example.com:25');
    await expect(acceptSmtpUrl('smtp://10.0.0.1:25', undefined, 'all', resolveTo())).resolves.toBe('smtp://10.0.0.1:25');
    // A relay already stored (e.g. by the operator) stays when sent back unchanged, masked or not.
    await expect(acceptSmtpUrl('smtp://u:***@10.0.0.1:25', 'smtp://u:pw@10.0.0.1:25', 'none', resolveTo())).resolves.toBe('smtp://u:pw@10.0.0.1:25');
  });
});
