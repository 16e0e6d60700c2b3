import { describe, expect, it } from 'vitest';

import { refuse } from '@/shared/supervision/missing';

import { bodyOf, draftOf, newQuestion, questionProblems, type SurveyDraft } from './surveyForm';

function draft(): SurveyDraft {
  return {
    ...draftOf(null),
    organization: 7,
    title: ' 党员教育满意度调查 ',
    window: ['2026-07-01 09:00:00', '2026-07-15 18:00:00'],
  };
}

describe('the survey builder', () => {
  it('starts a new survey anonymous, for the subtree, with one single choice question of two empty options', () => {
    const fresh = draftOf(null);
    expect(fresh.anonymous).toBe(true);
    expect(fresh.scope).toBe('subtree');
    expect(fresh.questions.map((q) => [q.kind, q.options])).toEqual([['single', ['', '']]]);
  });

  it('names each question that lacks its text or two options', () => {
    const survey = draft();
    const [single] = survey.questions;
    const rating = { ...newQuestion('rating'), text: '总体评价' };
    const text = newQuestion('text');
    survey.questions = [{ ...single!, text: '学习频次', options: ['每周', ' '] }, rating, text];
    const problems = questionProblems(survey.questions);
    expect(problems.get(survey.questions[0]!.key)).toBe('supervision.surveys.question.needOptions');
    expect(problems.has(rating.key)).toBe(false);
    expect(problems.get(text.key)).toBe('supervision.surveys.question.needText');
  });

  it('sends trimmed texts, the options of choice questions only and the limit of multiple choice only', () => {
    const survey = draft();
    survey.questions = [
      { ...newQuestion('multiple'), text: ' 希望的学习形式 ', options: ['线上', ' 线下 ', ''], max_choices: 2 },
      { ...newQuestion('rating'), text: '满意度', max_choices: 3, options: ['stale'] },
    ];
    const body = bodyOf(survey);
    expect(body.title).toBe('党员教育满意度调查');
    expect(body.opens_at).toBe(new Date('2026-07-01T09:00:00').toISOString());
    expect(body.questions).toEqual([
      {
        kind: 'multiple',
        text: '希望的学习形式',
        required: true,
        max_choices: 2,
        rating_max: 5,
        options: ['线上', '线下'],
      },
      { kind: 'rating', text: '满意度', required: true, max_choices: null, rating_max: 5, options: [] },
    ]);
  });
});

describe('the form checks', () => {
  it('puts every failed check on its field, keeping an earlier message', () => {
    const errors: Partial<Record<'title' | 'organization' | 'options', string>> = { options: 'from the server' };
    const refused = refuse(errors, [
      ['title', true, '必填'],
      ['organization', false, '必填'],
      ['options', true, '至少需要两个选项'],
    ]);
    expect(refused).toBe(true);
    expect(errors).toEqual({ title: '必填', options: 'from the server' });
    expect(refuse(errors, [['organization', false, '必填']])).toBe(false);
  });
});
