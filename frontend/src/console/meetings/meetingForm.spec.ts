import { describe, expect, it } from 'vitest';

import { blankMeeting, checkMeeting, guestNames, meetingBody } from './meetingForm';

describe('meeting form', () => {
  it('starts on the day picked in the calendar at 14:30 for two hours', () => {
    const form = blankMeeting({ day: '2026-05-20', organization: 3, kind: 1 });
    expect(form.startsAt).toEqual(new Date(2026, 4, 20, 14, 30));
    expect(form.endsAt).toEqual(new Date(2026, 4, 20, 16, 30));
    expect(form.inviteMembers).toBe(true);
  });

  it('splits guest names on lines and Chinese or Latin separators', () => {
    expect(guestNames('张三、李四，王五\n张三 ; 赵六')).toEqual(['张三', '李四', '王五', '赵六']);
    expect(guestNames('  ')).toEqual([]);
  });

  it('refuses missing fields, an end not after the start and a non-web link before sending', () => {
    const form = blankMeeting();
    form.endsAt = form.startsAt;
    form.onlineUrl = 'meeting room 3';
    expect(checkMeeting(form)).toEqual([
      { field: 'organization', check: 'required' },
      { field: 'kind', check: 'required' },
      { field: 'title', check: 'required' },
      { field: 'ends_at', check: 'endBeforeStart' },
      { field: 'online_url', check: 'badUrl' },
    ]);
  });

  it('sends the invitees only when creating', () => {
    const form = blankMeeting({ organization: 3, kind: 1, title: ' 第二季度党员大会 ', day: '2026-05-20' });
    form.guests = '王老师';
    const created = meetingBody(form, false);
    expect(created).toMatchObject({ title: '第二季度党员大会', invite_members: true, guests: [{ name: '王老师' }] });
    expect(created.starts_at).toBe(new Date(2026, 4, 20, 14, 30).toISOString());
    const edited = meetingBody(form, true);
    expect('guests' in edited).toBe(false);
    expect('invite_members' in edited).toBe(false);
  });
});
