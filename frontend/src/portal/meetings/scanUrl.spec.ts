import { describe, expect, it } from 'vitest';

import { signInTarget } from './scanUrl';

const HOST = 'alpha.partycloud.test';

describe('the scanner opens only sign-in URLs of this host', () => {
  it('accepts the QR screen’s URL and gives the portal route', () => {
    expect(signInTarget('https://alpha.partycloud.test/meetings/42/sign-in?code=AbC_12-xyz', HOST)).toEqual({
      meeting: 42,
      code: 'AbC_12-xyz',
      path: '/meetings/42/sign-in?code=AbC_12-xyz',
    });
  });

  it('ignores the port, the scheme, the case of the host and blanks around the text', () => {
    expect(signInTarget('  http://ALPHA.partycloud.test:8123/meetings/7/sign-in/?code=QWERTY  ', HOST)?.path).toBe(
      '/meetings/7/sign-in?code=QWERTY',
    );
  });

  it('refuses another host, a look-alike host and another tenant', () => {
    for (const host of [
      'evil.example',
      'alpha.partycloud.test.evil.example',
      'beta.partycloud.test',
      'partycloud.test',
    ])
      expect(signInTarget(`https://${host}/meetings/42/sign-in?code=ABCDEF`, HOST)).toBeNull();
  });

  it('refuses other pages, other schemes and credentials in the URL', () => {
    const refused = [
      'https://alpha.partycloud.test/console/meetings/42?code=ABCDEF',
      'https://alpha.partycloud.test/meetings/42?code=ABCDEF',
      'https://alpha.partycloud.test/meetings/abc/sign-in?code=ABCDEF',
      'https://alpha.partycloud.test/meetings/42/sign-in/../../logout?code=ABCDEF',
      'https://alpha.partycloud.test//evil.example/meetings/42/sign-in?code=ABCDEF',
      'javascript:alert(1)//alpha.partycloud.test/meetings/42/sign-in?code=ABCDEF',
      'ftp://alpha.partycloud.test/meetings/42/sign-in?code=ABCDEF',
      'https://user:pw@alpha.partycloud.test/meetings/42/sign-in?code=ABCDEF',
      'https://alpha.partycloud.test/meetings/0/sign-in?code=ABCDEF',
    ];
    for (const text of refused) expect(signInTarget(text, HOST), text).toBeNull();
  });

  it('refuses a missing or malformed code, and text that is no URL', () => {
    expect(signInTarget('https://alpha.partycloud.test/meetings/42/sign-in', HOST)).toBeNull();
    expect(signInTarget('https://alpha.partycloud.test/meetings/42/sign-in?code=', HOST)).toBeNull();
    expect(signInTarget('https://alpha.partycloud.test/meetings/42/sign-in?code=<script>', HOST)).toBeNull();
    expect(signInTarget('请扫描签到', HOST)).toBeNull();
    expect(signInTarget('', HOST)).toBeNull();
  });

  it('escapes nothing it accepts: the route is built from the parsed parts', () => {
    const target = signInTarget('https://alpha.partycloud.test/meetings/00042/sign-in?code=ABCDEF&next=/evil', HOST);
    expect(target?.path).toBe('/meetings/42/sign-in?code=ABCDEF');
  });
});
