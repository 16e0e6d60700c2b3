import { describe, expect, it } from 'vitest';

import { blankLesson, checkLesson, defaultStart, lessonBody, lessonToForm } from './lessonForm';

const NOW = new Date('2026-12-07T06:20:00Z');

describe('the lesson form', () => {
  it('starts on a full hour at least an hour ahead, 90 minutes long, counted as a Party lesson', () => {
    const form = blankLesson(NOW);
    expect(form.startsAt!.getTime()).toBeGreaterThan(NOW.getTime() + 3600 * 1000);
    expect(form.startsAt!.getMinutes()).toBe(0);
    expect(form.plannedEndAt!.getTime() - form.startsAt!.getTime()).toBe(90 * 60 * 1000);
    expect(form.countsAsPartyLesson).toBe(true);
    expect(checkLesson({ ...form, title: '学习党章' }, null, NOW)).toEqual([]);
    expect(defaultStart(NOW).getTime()).toBe(form.startsAt!.getTime());
  });

  it('names every refusal at once: title, times, end before start', () => {
    expect(checkLesson({ title: '  ', startsAt: null, plannedEndAt: null }, null, NOW)).toEqual([
      { field: 'title', check: 'titleRequired' },
      { field: 'starts_at', check: 'startRequired' },
      { field: 'planned_end_at', check: 'endRequired' },
    ]);
    const start = new Date('2026-12-08T02:00:00Z');
    expect(checkLesson({ title: '党课', startsAt: start, plannedEndAt: start }, null, NOW)).toEqual([
      { field: 'planned_end_at', check: 'endBeforeStart' },
    ]);
  });

  it('refuses a start in the past when scheduling or moving it, not when editing other fields', () => {
    const past = new Date('2026-12-07T06:00:00Z');
    const end = new Date('2026-12-07T08:00:00Z');
    const form = { title: '党课', startsAt: past, plannedEndAt: end };
    expect(checkLesson(form, null, NOW)).toEqual([{ field: 'starts_at', check: 'startInPast' }]);
    // A live lesson that started a while ago keeps its start: its title can still change.
    expect(checkLesson(form, { starts_at: past.toISOString() }, NOW)).toEqual([]);
    const moved = { ...form, startsAt: new Date('2026-12-07T05:00:00Z') };
    expect(checkLesson(moved, { starts_at: past.toISOString() }, NOW)).toEqual([
      { field: 'starts_at', check: 'startInPast' },
    ]);
  });

  it('sends the audience field of its scope and the materials as uuids', () => {
    const form = {
      ...blankLesson(NOW),
      title: ' 学习二十大精神 ',
      organization: 7,
      audienceTenants: [3, 4],
      materials: [{ uuid: 'u-1', title: '党章', kind: 'article', shared: false }],
    };
    const tenant = lessonBody(form, 'tenant');
    expect(tenant).toMatchObject({ title: '学习二十大精神', organization: 7, materials: ['u-1'], cover: null });
    expect(tenant).not.toHaveProperty('audience_tenants');
    const group = lessonBody(form, 'group');
    expect(group.audience_tenants).toEqual([3, 4]);
    expect(group).not.toHaveProperty('organization');
    expect(group.starts_at).toBe(form.startsAt!.toISOString());
  });

  it('reads a group lesson back into the form', () => {
    const form = lessonToForm({
      id: 1,
      scope: 'group',
      audience_tenant_names: ['华北电网党委'],
      title: '党课',
      lecturer: '王书记',
      description: '',
      starts_at: '2026-12-08T02:00:00Z',
      planned_end_at: '2026-12-08T03:30:00Z',
      counts_as_party_lesson: false,
      organizer: null,
      organizer_name: '',
      status: 'scheduled',
      status_label: '',
      went_live_at: null,
      ended_at: null,
      has_stream_key: false,
      created_at: '2026-12-01T00:00:00Z',
      audience_tenants: [5],
      cover_url: '/media/c.jpg',
      cover: '9',
    });
    expect(form).toMatchObject({ audienceTenants: [5], organization: null, cover: '9', coverUrl: '/media/c.jpg' });
    expect(form.countsAsPartyLesson).toBe(false);
  });
});
