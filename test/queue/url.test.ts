// --queue parsing at the edge: host, port, db, credentials; the password never appears in
// `display` or in an error message.
import { describe, expect, it } from 'vitest';
import { parseQueueUrl, queueTarget } from '../../src/queue/url.js';
import { UsageError } from '../../src/errors.js';

describe('--queue redis URL', () => {
  it('reads host, port, db and credentials; display masks the password', () => {
    const t = parseQueueUrl('redis://ops:s3cr%40t@10.0.0.5:6380/3');
    expect(t).toMatchObject({ host: '10.0.0.5', port: 6380, db: 3, username: 'ops', password: 's3cr@t', tls: false });
    expect(t.display).toBe('redis://ops:***@10.0.0.5:6380/3');
    expect(parseQueueUrl('redis://:pw@h').display).toBe('redis://:***@h:6379/0');
    expect(parseQueueUrl('rediss://h:7000')).toMatchObject({ tls: true, port: 7000, db: 0 });
    expect(parseQueueUrl('redis://[::1]:6379/1')).toMatchObject({ host: '::1', db: 1 });
  });

  it('rejects what is not a redis URL, without echoing the value', () => {
    for (const bad of ['http://u:hunter2@h:1/0', 'redis://u:hunter2@h:1/x', 'redis://u:hunter2@h:1/-1', 'redis://u:hunter2@h:99999/0', 'redis://u:hunter2@h:1/0?x=1', 'hunter2']) {
      let err: unknown;
      try {
        parseQueueUrl(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(UsageError);
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('takes SEALER_RECOVER_QUEUE when no flag is given; the flag wins; neither is a usage error', () => {
    expect(queueTarget(undefined, { SEALER_RECOVER_QUEUE: 'redis://a:1/2' })).toMatchObject({ host: 'a', port: 1, db: 2 });
    expect(queueTarget('redis://b:3', { SEALER_RECOVER_QUEUE: 'redis://a:1/2' })).toMatchObject({ host: 'b', port: 3 });
    expect(() => queueTarget(undefined, {})).toThrow(/--queue redis:\/\/host:port/);
  });
});
