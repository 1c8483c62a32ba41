import { describe, expect, it } from 'vitest';
import { addressScope, hashAddress } from './address.ts';

describe('addressScope', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::ffff:c000:201', '192.0.2.1'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:0:0:0:9', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('takes %s as %s', (address, scope) => {
    expect(addressScope(address)).toBe(scope);
  });

  it.each(['', 'localhost', '999.1.1.1', '1.2.3', '2001:db8::1::2', 'not an address'])('has no scope for %j', (address) => {
    expect(addressScope(address)).toBeUndefined();
  });
});

describe('hashAddress', () => {
  it('gives one hash for every address of a /64, another for another network, and never the address', () => {
    const a = hashAddress('key', '2001:db8:1:2::1');
    expect(a).toBe(hashAddress('key', '2001:db8:1:2:ffff::7'));
    expect(a).not.toBe(hashAddress('key', '2001:db8:1:3::1'));
    expect(hashAddress('key', '192.0.2.1')).not.toContain('192');
  });

  it('depends on the key, so a hash means nothing without it', () => {
    expect(hashAddress('one key', '192.0.2.1')).not.toBe(hashAddress('another key', '192.0.2.1'));
  });
});
