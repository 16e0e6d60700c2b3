/**
 * The survey builder's draft: the survey's fields and its questions as the API takes them
 * (`SurveyQuestionInput`), checked here first so the organizer sees every problem at once.
 */
import type { QuestionKind, Survey, SurveyCreateBody } from '@/api/supervision';

import { defaultWindow, fromIso, toIso } from '../labels';

export interface QuestionDraft {
  /** A stable key for the list (questions move up and down). */
  key: number;
  kind: QuestionKind;
  text: string;
  required: boolean;
  max_choices: number | null;
  rating_max: number;
  options: string[];
}

export interface SurveyDraft {
  organization: number | null;
  title: string;
  description: string;
  scope: 'unit' | 'subtree' | 'tenant';
  anonymous: boolean;
  results_to_respondents: boolean;
  window: [string, string] | null;
  questions: QuestionDraft[];
}

let nextKey = 1;

export function newQuestion(kind: QuestionKind): QuestionDraft {
  const choice = kind === 'single' || kind === 'multiple';
  return {
    key: nextKey++,
    kind,
    text: '',
    required: true,
    max_choices: null,
    rating_max: 5,
    options: choice ? ['', ''] : [],
  };
}

export function draftOf(survey: Survey | null): SurveyDraft {
  if (!survey)
    return {
      organization: null,
      title: '',
      description: '',
      scope: 'subtree',
      anonymous: true,
      results_to_respondents: false,
      window: defaultWindow(14),
      questions: [newQuestion('single')],
    };
  return {
    organization: survey.organization.id,
    title: survey.title,
    description: survey.description,
    scope: survey.scope === 'group' ? 'tenant' : survey.scope,
    anonymous: survey.anonymous,
    results_to_respondents: survey.results_to_respondents,
    window: [fromIso(survey.opens_at), fromIso(survey.closes_at)],
    questions: survey.questions.map((question) => ({
      key: nextKey++,
      kind: question.kind,
      text: question.text,
      required: question.required,
      max_choices: question.max_choices,
      rating_max: question.rating_max,
      options: question.options.map((option) => option.text),
    })),
  };
}

/** The problems of each question by its key (empty: none), in the UI's messages' keys. */
export function questionProblems(questions: QuestionDraft[]): Map<number, string> {
  const problems = new Map<number, string>();
  for (const question of questions) {
    if (!question.text.trim()) problems.set(question.key, 'supervision.surveys.question.needText');
    else if (
      (question.kind === 'single' || question.kind === 'multiple') &&
      question.options.filter((option) => option.trim()).length < 2
    )
      problems.set(question.key, 'supervision.surveys.question.needOptions');
  }
  return problems;
}

export function bodyOf(draft: SurveyDraft): SurveyCreateBody {
  return {
    organization: draft.organization!,
    title: draft.title.trim(),
    description: draft.description.trim(),
    scope: draft.scope,
    anonymous: draft.anonymous,
    results_to_respondents: draft.results_to_respondents,
    opens_at: toIso(draft.window![0]),
    closes_at: toIso(draft.window![1]),
    questions: draft.questions.map((question) => {
      const choice = question.kind === 'single' || question.kind === 'multiple';
      return {
        kind: question.kind,
        text: question.text.trim(),
        required: question.required,
        max_choices: question.kind === 'multiple' ? question.max_choices : null,
        rating_max: question.rating_max,
        options: choice ? question.options.map((option) => option.trim()).filter(Boolean) : [],
      };
    }),
  };
}
