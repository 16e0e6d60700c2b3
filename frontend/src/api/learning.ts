/**
 * The learning library's API (`tenants.learning`): categories, resources, courses, regulations,
 * question banks, questions, quizzes, the study report and the group's showcase (console, group
 * shared library); the member's reader, courses, quizzes and study time (portal).
 * Each function is one operation of `schema.d.ts`, typed by its path; errors are `ApiError`s.
 */
import { api, call } from './client';
import type { Body, Query } from './operation';
import type {
  Course,
  CourseProgress,
  LearningCategory,
  LearningResource,
  LibraryItem,
  LibraryPage,
  MyStudy,
  Question,
  QuestionBank,
  Quiz,
  QuizAttempt,
  QuizResult,
  ReadableRegulation,
  Regulation,
  RegulationArticle,
  RegulationReader,
  ShowcaseProposal,
  StudyReportRow,
} from './types';

export type LibraryQuery = Query<'/api/v1/learning/library'>;
export type ResourceQuery = Query<'/api/v1/learning/resources'>;
export type CategoryBody = Body<'/api/v1/learning/categories', 'post'>;
export type ResourceCreateBody = Body<'/api/v1/learning/resources', 'post'>;
export type ResourceUpdateBody = Body<'/api/v1/learning/resources/{uuid}', 'patch'>;
export type CourseBody = Body<'/api/v1/learning/courses', 'post'>;
export type RegulationBody = Body<'/api/v1/learning/regulations', 'post'>;
export type QuestionBody = Body<'/api/v1/learning/questions', 'post'>;
export type QuizBody = Body<'/api/v1/learning/quizzes', 'post'>;

const byId = (id: number) => ({ params: { path: { id } } });
const byUuid = (uuid: string) => ({ params: { path: { uuid } } });

// ---- categories (not paginated)
export async function listCategories(): Promise<LearningCategory[]> {
  return (await call(api.GET('/api/v1/learning/categories'))) as LearningCategory[];
}
export const createCategory = (body: CategoryBody) => call(api.POST('/api/v1/learning/categories', { body }));
export const updateCategory = (id: number, body: CategoryBody) =>
  call(api.PATCH('/api/v1/learning/categories/{id}', { ...byId(id), body }));
export const deleteCategory = (id: number) => call(api.DELETE('/api/v1/learning/categories/{id}', byId(id)));

// ---- resources
export const listResources = (query: ResourceQuery) =>
  call(api.GET('/api/v1/learning/resources', { params: { query } }));
export const getResource = (uuid: string): Promise<LearningResource> =>
  call(api.GET('/api/v1/learning/resources/{uuid}', byUuid(uuid)));
export const createResource = (body: ResourceCreateBody): Promise<LearningResource> =>
  call(api.POST('/api/v1/learning/resources', { body }));
export const updateResource = (uuid: string, body: ResourceUpdateBody): Promise<LearningResource> =>
  call(api.PATCH('/api/v1/learning/resources/{uuid}', { ...byUuid(uuid), body }));
/** Publish (true) or withdraw (false); the fresh row. */
export const publishResource = (uuid: string, publish: boolean): Promise<LearningResource> =>
  call(
    publish
      ? api.POST('/api/v1/learning/resources/{uuid}/publish', byUuid(uuid))
      : api.POST('/api/v1/learning/resources/{uuid}/unpublish', byUuid(uuid)),
  );
/** Propose a published resource to the group's showcase. */
export const proposeResource = (uuid: string, note: string): Promise<LearningResource> =>
  call(api.POST('/api/v1/learning/resources/{uuid}/propose', { ...byUuid(uuid), body: { note } }));
export const deleteResource = (uuid: string) => call(api.DELETE('/api/v1/learning/resources/{uuid}', byUuid(uuid)));

// ---- courses
export const listCourses = (query: Query<'/api/v1/learning/courses'>) =>
  call(api.GET('/api/v1/learning/courses', { params: { query } }));
export const saveCourse = (id: number | null, body: CourseBody): Promise<Course> =>
  call(
    id === null
      ? api.POST('/api/v1/learning/courses', { body })
      : api.PUT('/api/v1/learning/courses/{id}', { ...byId(id), body }),
  );
export const publishCourse = (id: number, publish: boolean) =>
  call(
    publish
      ? api.POST('/api/v1/learning/courses/{id}/publish', byId(id))
      : api.POST('/api/v1/learning/courses/{id}/unpublish', byId(id)),
  );
export const getCourse = (id: number): Promise<Course> => call(api.GET('/api/v1/learning/courses/{id}', byId(id)));
/** The caller's progress through a course (portal). */
export const courseProgress = (id: number): Promise<CourseProgress> =>
  call(api.GET('/api/v1/learning/courses/{id}/progress', byId(id)));
export const deleteCourse = (id: number) => call(api.DELETE('/api/v1/learning/courses/{id}', byId(id)));

// ---- regulations
export const listRegulations = (query: Query<'/api/v1/learning/regulations'>) =>
  call(api.GET('/api/v1/learning/regulations', { params: { query } }));
export const createRegulation = (body: RegulationBody): Promise<Regulation> =>
  call(api.POST('/api/v1/learning/regulations', { body }));
export const publishRegulation = (uuid: string, publish: boolean) =>
  call(
    publish
      ? api.POST('/api/v1/learning/regulations/{uuid}/publish', byUuid(uuid))
      : api.POST('/api/v1/learning/regulations/{uuid}/unpublish', byUuid(uuid)),
  );
export const deleteRegulation = (uuid: string) => call(api.DELETE('/api/v1/learning/regulations/{uuid}', byUuid(uuid)));
export const regulationArticles = (uuid: string): Promise<RegulationArticle[]> =>
  call(api.GET('/api/v1/learning/regulations/{uuid}/articles', byUuid(uuid)));

// ---- question banks and questions
export const listQuestionBanks = (query: Query<'/api/v1/learning/question-banks'>) =>
  call(api.GET('/api/v1/learning/question-banks', { params: { query } }));
export const createQuestionBank = (title: string): Promise<QuestionBank> =>
  call(api.POST('/api/v1/learning/question-banks', { body: { title } }));
export const deleteQuestionBank = (id: number) => call(api.DELETE('/api/v1/learning/question-banks/{id}', byId(id)));
export const listQuestions = (query: Query<'/api/v1/learning/questions'>) =>
  call(api.GET('/api/v1/learning/questions', { params: { query } }));
export const saveQuestion = (id: number | null, body: QuestionBody): Promise<Question> =>
  call(
    id === null
      ? api.POST('/api/v1/learning/questions', { body })
      : api.PUT('/api/v1/learning/questions/{id}', { ...byId(id), body }),
  );
export const deleteQuestion = (id: number) => call(api.DELETE('/api/v1/learning/questions/{id}', byId(id)));

// ---- quizzes
export const listQuizzes = (query: Query<'/api/v1/learning/quizzes'>) =>
  call(api.GET('/api/v1/learning/quizzes', { params: { query } }));
export const saveQuiz = (id: number | null, body: QuizBody): Promise<Quiz> =>
  call(
    id === null
      ? api.POST('/api/v1/learning/quizzes', { body })
      : api.PUT('/api/v1/learning/quizzes/{id}', { ...byId(id), body }),
  );
export const changeQuiz = (id: number, action: 'publish' | 'close') =>
  call(
    action === 'publish'
      ? api.POST('/api/v1/learning/quizzes/{id}/publish', byId(id))
      : api.POST('/api/v1/learning/quizzes/{id}/close', byId(id)),
  );
export const deleteQuiz = (id: number) => call(api.DELETE('/api/v1/learning/quizzes/{id}', byId(id)));
export const getQuiz = (id: number): Promise<Quiz> => call(api.GET('/api/v1/learning/quizzes/{id}', byId(id)));
export const quizResults = (id: number): Promise<QuizResult[]> =>
  call(api.GET('/api/v1/learning/quizzes/{id}/results', byId(id)));

// ---- study report
export const studyReport = (month: string): Promise<StudyReportRow[]> =>
  call(api.GET('/api/v1/learning/study/report', { params: { query: { month } } }));

// ---- the group's showcase (root host)
export const listShowcaseProposals = (query: Query<'/api/v1/learning/showcase-proposals'>) =>
  call(api.GET('/api/v1/learning/showcase-proposals', { params: { query } }));
export const decideShowcaseProposal = (proposal: ShowcaseProposal, approve: boolean, note: string) => {
  const init = { params: { path: { id: proposal.id } }, body: { note } };
  return call(
    approve
      ? api.POST('/api/v1/learning/showcase-proposals/{id}/approve', init)
      : api.POST('/api/v1/learning/showcase-proposals/{id}/decline', init),
  );
};

// ---- the member's side (portal): the reader, regulations, attempts, study time
/** The library newest first, from the database (works while search is down): rows like search hits. */
export const browseLibrary = (query: LibraryQuery): Promise<LibraryPage> =>
  call(api.GET('/api/v1/learning/library', { params: { query } }));
/** One resource of this tenant's library or the group's shared one, as the reader shows it. */
export const libraryItem = (uuid: string): Promise<LibraryItem> =>
  call(api.GET('/api/v1/learning/library/{uuid}', byUuid(uuid)));
/** The published regulations of this tenant and the group's shared ones. */
export const readableRegulations = (): Promise<ReadableRegulation[]> =>
  call(api.GET('/api/v1/learning/library/regulations'));
/** A regulation article by article (this tenant's or the group's). */
export const readRegulation = (uuid: string): Promise<RegulationReader> =>
  call(api.GET('/api/v1/learning/library/regulations/{uuid}', byUuid(uuid)));
/** The caller's attempts, newest first. */
export const listAttempts = (query: Query<'/api/v1/learning/attempts'>) =>
  call(api.GET('/api/v1/learning/attempts', { params: { query } }));
export const getAttempt = (id: number): Promise<QuizAttempt> =>
  call(api.GET('/api/v1/learning/attempts/{id}', byId(id)));
/** Start (or resume) the caller's attempt at a quiz. */
export const startQuiz = (id: number): Promise<QuizAttempt> =>
  call(api.POST('/api/v1/learning/quizzes/{id}/start', byId(id)));
/** Save the whole answer sheet of an open attempt. */
export const saveAnswers = (id: number, answers: Record<string, number[]>) =>
  call(api.PATCH('/api/v1/learning/attempts/{id}', { ...byId(id), body: { answers } }));
/** Hand in an attempt with its answers; the scored attempt. */
export const submitAttempt = (id: number, answers: Record<string, number[]>): Promise<QuizAttempt> =>
  call(api.POST('/api/v1/learning/attempts/{id}/submit', { ...byId(id), body: { answers } }));
/** 我的学习: today's time against the daily caps, this month, all time, recent records. */
export const myStudy = (): Promise<MyStudy> => call(api.GET('/api/v1/learning/study/me'));
/** One study heartbeat (start, tick, stop) of a reading or viewing session. */
export async function sendStudyHeartbeat(body: Body<'/api/v1/learning/study/heartbeats'>): Promise<void> {
  await call(api.POST('/api/v1/learning/study/heartbeats', { body }));
}
