import { describe, expect, it } from 'vitest';
import { acksPromptly } from '../../src/ingest/socket-options.js';

describe('SMTP ingest socket options', () => {
  // Without TCP_QUICKACK, clients that keep Nagle on (nodemailer 7) wait 40 ms per message: the
  // optional sockopt package must be installed and load wherever the suite runs on Linux.
  it('acknowledges received data at once on Linux (sockopt loads)', () => {
    expect(acksPromptly()).toBe(process.platform === 'linux');
  });
});
