import { describe, expect, it } from 'vitest';

import { signedInEventFor } from './signedInSocket';

describe('signedInEventFor', () => {
  it('takes the sign-ins of this meeting, from text or parsed messages', () => {
    const event = { type: 'meetings.signed_in', meeting: 7, attendee: 3, name: '张三', method: 'qr' };
    expect(signedInEventFor(JSON.stringify(event), 7)).toEqual(event);
    expect(signedInEventFor({ ...event, meeting: '7' }, 7)).toEqual(event);
  });

  it('ignores other meetings, other message types and junk', () => {
    expect(signedInEventFor({ type: 'meetings.signed_in', meeting: 8, attendee: 1, name: 'x' }, 7)).toBeNull();
    expect(signedInEventFor({ type: 'notification', notification: {} }, 7)).toBeNull();
    expect(signedInEventFor('not json', 7)).toBeNull();
    expect(signedInEventFor(null, 7)).toBeNull();
  });
});
