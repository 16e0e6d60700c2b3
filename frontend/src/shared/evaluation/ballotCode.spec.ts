import { describe, expect, it } from 'vitest';

import { ballotUrl, codeFromHash, groupCode, isCode, normalizeCode } from './ballotCode';

describe('the masses’ one-time code', () => {
  it('is read from the fragment, in either form', () => {
    expect(codeFromHash('#K7QXM2PA')).toBe('K7QXM2PA');
    expect(codeFromHash('#k7qx-m2pa')).toBe('K7QXM2PA');
    expect(codeFromHash('#code=K7QXM2PA')).toBe('K7QXM2PA');
    expect(codeFromHash('#K7QX%20M2PA')).toBe('K7QXM2PA');
  });

  it('is empty without a plausible code', () => {
    expect(codeFromHash('')).toBe('');
    expect(codeFromHash('#')).toBe('');
    expect(codeFromHash('#abc')).toBe('');
    expect(codeFromHash('#<script>')).toBe('');
  });

  it('is normalized and grouped for reading', () => {
    expect(normalizeCode(' k7qx m2pa ')).toBe('K7QXM2PA');
    expect(isCode('K7QXM2PA')).toBe(true);
    expect(isCode('K7Q')).toBe(false);
    expect(groupCode('k7qxm2pa')).toBe('K7QX M2PA');
  });

  it('travels in the fragment of the ballot page’s address, never in its query', () => {
    const url = new URL(ballotUrl('https://shen.partycloud.test/ballot', 'k7qx-m2pa'));
    expect(url.pathname).toBe('/ballot');
    expect(url.search).toBe('');
    expect(url.hash).toBe('#K7QXM2PA');
  });
});
