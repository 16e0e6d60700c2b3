/**
 * The supervision platform (监督平台, `tenants.supervision`) on the tenant host under
 * `/api/v1/supervision/`: 党务公开 (announcements, read receipts, reminders, the Excel export),
 * 任前公示 (cadre publicity: the window on the working-day calendar, confidential objections, the
 * outcome), 问卷 (surveys: builder, results, export), 匿名投票 (anonymous votes: turnout live, the
 * tally after closing), the supervision deadlines (rule versions) and the calendar's years; the
 * member's side of each (portal); and the group's announcements on the root host
 * (`/api/v1/group/supervision/announcements`). Each function is one operation of `schema.d.ts`.
 * (`reports.ts` has the whistleblowing and inquiries.)
 */
import type { components } from './schema';
import { api, call } from './client';
import type { Body, Query } from './operation';
import type { Page } from './types';

type Schemas = components['schemas'];

// ---------------------------------------------------------------- surveys (问卷)

export type SurveyRow = Schemas['SurveyRow'];
export type Survey = Schemas['Survey'];
export type SurveyQuestion = Schemas['SurveyQuestion'];
export type SurveyQuestionInput = Schemas['SurveyQuestionInputRequest'];
export type SurveyCreateBody = Body<'/api/v1/supervision/surveys'>;
export type SurveyResults = Schemas['SurveyResults'];
export type SurveyQuestionResult = Schemas['SurveyQuestionResult'];
export type SurveyTextAnswer = Schemas['SurveyTextAnswer'];
export type SurveyPersonResponse = Schemas['SurveyPersonResponse'];
export type MySurveyRow = Schemas['SurveyMineRow'];
export type MySurvey = Schemas['SurveyMine'];
export type SurveyAnswerInput = Schemas['SurveyAnswerInputRequest'];
export type QuestionKind = SurveyQuestion['kind'];
export type CampaignStatus = SurveyRow['status'];

const survey = (survey_id: number) => ({ params: { path: { survey_id } } });

export const listSurveys = (query: Query<'/api/v1/supervision/surveys'>): Promise<Page<SurveyRow>> =>
  call(api.GET('/api/v1/supervision/surveys', { params: { query } }));
export const createSurvey = (body: SurveyCreateBody): Promise<Survey> =>
  call(api.POST('/api/v1/supervision/surveys', { body }));
export const getSurvey = (id: number): Promise<Survey> =>
  call(api.GET('/api/v1/supervision/surveys/{survey_id}', survey(id)));
export const updateSurvey = (id: number, body: Partial<SurveyCreateBody>): Promise<Survey> =>
  call(api.PATCH('/api/v1/supervision/surveys/{survey_id}', { ...survey(id), body }));
export const deleteSurvey = (id: number) => call(api.DELETE('/api/v1/supervision/surveys/{survey_id}', survey(id)));
export const openSurvey = (id: number): Promise<Survey> =>
  call(api.POST('/api/v1/supervision/surveys/{survey_id}/open', survey(id)));
export const closeSurvey = (id: number): Promise<Survey> =>
  call(api.POST('/api/v1/supervision/surveys/{survey_id}/close', survey(id)));
export const cancelSurvey = (id: number): Promise<Survey> =>
  call(api.POST('/api/v1/supervision/surveys/{survey_id}/cancel', survey(id)));
export const surveyResults = (id: number): Promise<SurveyResults> =>
  call(api.GET('/api/v1/supervision/surveys/{survey_id}/results', survey(id)));
export const surveyTextAnswers = (id: number, question: number, page = 1, page_size = 50) =>
  call(
    api.GET('/api/v1/supervision/surveys/{survey_id}/text-answers', {
      params: { path: { survey_id: id }, query: { question, page, page_size } },
    }),
  );
export const surveyResponses = (id: number, page = 1, page_size = 20) =>
  call(
    api.GET('/api/v1/supervision/surveys/{survey_id}/responses', {
      params: { path: { survey_id: id }, query: { page, page_size } },
    }),
  );
export const surveyExportUrl = (id: number) => `/api/v1/supervision/surveys/${id}/export.xlsx`;

export const listMySurveys = (page = 1): Promise<Page<MySurveyRow>> =>
  call(api.GET('/api/v1/supervision/surveys/mine', { params: { query: { page, page_size: 50 } } }));
export const getMySurvey = (id: number): Promise<MySurvey> =>
  call(api.GET('/api/v1/supervision/surveys/mine/{survey_id}', survey(id)));
export const respondSurvey = (id: number, answers: SurveyAnswerInput[]): Promise<MySurvey> =>
  call(api.POST('/api/v1/supervision/surveys/mine/{survey_id}/respond', { ...survey(id), body: { answers } }));
export const mySurveyResults = (id: number): Promise<SurveyResults> =>
  call(api.GET('/api/v1/supervision/surveys/mine/{survey_id}/results', survey(id)));

// ---------------------------------------------------------------- anonymous votes (匿名投票)

export type VoteRow = Schemas['VoteRow'];
export type Vote = Schemas['Vote'];
export type VoteCreateBody = Body<'/api/v1/supervision/votes'>;
export type VoteTurnout = Schemas['VoteTurnout'];
export type VoteTally = Schemas['VoteTally'];
export type MyVoteRow = Schemas['VoteMineRow'];
export type MyVote = Schemas['VoteMine'];
export type VoteCastResult = Schemas['VoteCastResult'];

const vote = (vote_id: number) => ({ params: { path: { vote_id } } });

export const listVotes = (query: Query<'/api/v1/supervision/votes'>): Promise<Page<VoteRow>> =>
  call(api.GET('/api/v1/supervision/votes', { params: { query } }));
export const createVote = (body: VoteCreateBody): Promise<Vote> =>
  call(api.POST('/api/v1/supervision/votes', { body }));
export const getVote = (id: number): Promise<Vote> => call(api.GET('/api/v1/supervision/votes/{vote_id}', vote(id)));
export const updateVote = (id: number, body: Partial<VoteCreateBody>): Promise<Vote> =>
  call(api.PATCH('/api/v1/supervision/votes/{vote_id}', { ...vote(id), body }));
export const deleteVote = (id: number) => call(api.DELETE('/api/v1/supervision/votes/{vote_id}', vote(id)));
export const openVote = (id: number): Promise<Vote> =>
  call(api.POST('/api/v1/supervision/votes/{vote_id}/open', vote(id)));
export const closeVote = (id: number): Promise<Vote> =>
  call(api.POST('/api/v1/supervision/votes/{vote_id}/close', vote(id)));
export const cancelVote = (id: number): Promise<Vote> =>
  call(api.POST('/api/v1/supervision/votes/{vote_id}/cancel', vote(id)));
export const voteTurnout = (id: number): Promise<VoteTurnout> =>
  call(api.GET('/api/v1/supervision/votes/{vote_id}/turnout', vote(id)));
/** Only once the vote is closed (409 before). */
export const voteTally = (id: number): Promise<VoteTally> =>
  call(api.GET('/api/v1/supervision/votes/{vote_id}/tally', vote(id)));

export const listMyVotes = (page = 1): Promise<Page<MyVoteRow>> =>
  call(api.GET('/api/v1/supervision/votes/mine', { params: { query: { page, page_size: 50 } } }));
export const getMyVote = (id: number): Promise<MyVote> =>
  call(api.GET('/api/v1/supervision/votes/mine/{vote_id}', vote(id)));
/** Cast once: the choice travels in the body only. */
export const castVote = (id: number, options: number[]): Promise<VoteCastResult> =>
  call(api.POST('/api/v1/supervision/votes/mine/{vote_id}/cast', { ...vote(id), body: { options } }));
export const myVoteTally = (id: number): Promise<VoteTally> =>
  call(api.GET('/api/v1/supervision/votes/mine/{vote_id}/tally', vote(id)));

// ---------------------------------------------------------------- announcements (党务公开)

export type AnnouncementRow = Schemas['AnnouncementRow'];
export type Announcement = Schemas['Announcement'];
export type AnnouncementStatus = AnnouncementRow['status'];
export type AnnouncementCreateBody = Body<'/api/v1/supervision/announcements'>;
export type AnnouncementChangeBody = Body<'/api/v1/supervision/announcements/{announcement_id}', 'patch'>;
/** Where an announcement goes: a tenant's unit, subtree or whole subsidiary, or group-wide (the group's). */
export type AnnouncementScope = Announcement['scope'];
export type Receipt = Schemas['AnnouncementReceipt'];
export type ReceiptSummary = Schemas['AnnouncementReceiptSummary'];
export type RemindResult = Schemas['AnnouncementRemindResult'];
export type MyAnnouncementRow = Schemas['MyAnnouncement'];
export type MyAnnouncement = Schemas['MyAnnouncementDetail'];
export type ReceiptQuery = Query<'/api/v1/supervision/announcements/{announcement_id}/receipts'>;

/** The upload purpose of announcement attachments. */
export const ATTACHMENT_PURPOSE = 'supervision_attachment';

const announcement = (announcement_id: number) => ({ params: { path: { announcement_id } } });

/** The same paths on a tenant host (the tenant's) and on the root host (the group's). */
export const listAnnouncements = (query: Query<'/api/v1/supervision/announcements'>): Promise<Page<AnnouncementRow>> =>
  call(api.GET('/api/v1/supervision/announcements', { params: { query } }));
export const createAnnouncement = (body: AnnouncementCreateBody): Promise<Announcement> =>
  call(api.POST('/api/v1/supervision/announcements', { body }));
export const getAnnouncement = (id: number): Promise<Announcement> =>
  call(api.GET('/api/v1/supervision/announcements/{announcement_id}', announcement(id)));
export const updateAnnouncement = (id: number, body: AnnouncementChangeBody): Promise<Announcement> =>
  call(api.PATCH('/api/v1/supervision/announcements/{announcement_id}', { ...announcement(id), body }));
export const deleteAnnouncement = (id: number) =>
  call(api.DELETE('/api/v1/supervision/announcements/{announcement_id}', announcement(id)));
/** A draft's new file (a verified upload of purpose `supervision_attachment`). */
export const addAttachment = (id: number, upload: string): Promise<Announcement> =>
  call(
    api.POST('/api/v1/supervision/announcements/{announcement_id}/attachments', {
      ...announcement(id),
      body: { upload },
    }),
  );
export const removeAttachment = (id: number, attachment_id: number) =>
  call(
    api.DELETE('/api/v1/supervision/announcements/{announcement_id}/attachments/{attachment_id}', {
      params: { path: { announcement_id: id, attachment_id } },
    }),
  );
export const publishAnnouncement = (id: number): Promise<Announcement> =>
  call(api.POST('/api/v1/supervision/announcements/{announcement_id}/publish', announcement(id)));
export const withdrawAnnouncement = (id: number): Promise<Announcement> =>
  call(api.POST('/api/v1/supervision/announcements/{announcement_id}/withdraw', announcement(id)));
export const listReceipts = (id: number, query: ReceiptQuery): Promise<Page<Receipt>> =>
  call(
    api.GET('/api/v1/supervision/announcements/{announcement_id}/receipts', {
      params: { path: { announcement_id: id }, query },
    }),
  );
export const receiptSummary = (id: number): Promise<ReceiptSummary> =>
  call(api.GET('/api/v1/supervision/announcements/{announcement_id}/receipts/summary', announcement(id)));
export const remindUnread = (id: number): Promise<RemindResult> =>
  call(api.POST('/api/v1/supervision/announcements/{announcement_id}/remind', announcement(id)));
export const receiptsExportUrl = (id: number, state?: string) =>
  `/api/v1/supervision/announcements/${id}/receipts.xlsx${state ? `?state=${encodeURIComponent(state)}` : ''}`;

export const listMyAnnouncements = (page = 1, state?: 'read' | 'unread' | 'signed' | 'unsigned') =>
  call(api.GET('/api/v1/supervision/announcements/mine', { params: { query: { page, page_size: 50, state } } }));
/** How many of mine are unread (this subsidiary's and the group's). */
export async function myUnreadCount(): Promise<number> {
  const page = await call(
    api.GET('/api/v1/supervision/announcements/mine', {
      params: { query: { page: 1, page_size: 1, state: 'unread' } },
    }),
  );
  return page.count;
}
/** Opening it marks it read (the first time). */
export const openMyAnnouncement = (uuid: string): Promise<MyAnnouncement> =>
  call(api.GET('/api/v1/supervision/announcements/mine/{uuid}', { params: { path: { uuid } } }));
export const signMyAnnouncement = (uuid: string): Promise<MyAnnouncement> =>
  call(api.POST('/api/v1/supervision/announcements/mine/{uuid}/sign', { params: { path: { uuid } } }));

// ---------------------------------------------------------------- cadre publicity (任前公示)

export type PublicityRow = Schemas['PublicityRow'];
export type Publicity = Schemas['Publicity'];
export type PublicityStatus = PublicityRow['status'];
export type PublicityCandidate = Schemas['PublicityCandidate'];
export type PublicityCreateBody = Body<'/api/v1/supervision/publicities'>;
export type PublicityObjection = Schemas['PublicityObjection'];
export type OpenPublicity = Schemas['OpenPublicity'];
export type OpenPublicityDetail = Schemas['OpenPublicityDetail'];
export type ObjectionBody = Body<'/api/v1/supervision/publicities/open/{uuid}/objections'>;
export type ObjectionReceipt = Schemas['ObjectionReceipt'];

const publicity = (publicity_id: number) => ({ params: { path: { publicity_id } } });

export const listPublicities = (query: Query<'/api/v1/supervision/publicities'>): Promise<Page<PublicityRow>> =>
  call(api.GET('/api/v1/supervision/publicities', { params: { query } }));
export const createPublicity = (body: PublicityCreateBody): Promise<Publicity> =>
  call(api.POST('/api/v1/supervision/publicities', { body }));
export const getPublicity = (id: number): Promise<Publicity> =>
  call(api.GET('/api/v1/supervision/publicities/{publicity_id}', publicity(id)));
export const updatePublicity = (id: number, body: Partial<PublicityCreateBody>): Promise<Publicity> =>
  call(api.PATCH('/api/v1/supervision/publicities/{publicity_id}', { ...publicity(id), body }));
export const deletePublicity = (id: number) =>
  call(api.DELETE('/api/v1/supervision/publicities/{publicity_id}', publicity(id)));
/** Opens the window from `starts_on` (never fewer working days than the rule). */
export const publishPublicity = (id: number, starts_on: string, working_days?: number | null): Promise<Publicity> =>
  call(
    api.POST('/api/v1/supervision/publicities/{publicity_id}/publish', {
      ...publicity(id),
      body: { starts_on, working_days: working_days ?? null },
    }),
  );
export const withdrawPublicity = (id: number): Promise<Publicity> =>
  call(api.POST('/api/v1/supervision/publicities/{publicity_id}/withdraw', publicity(id)));
export const concludePublicity = (id: number, outcome: string): Promise<Publicity> =>
  call(api.POST('/api/v1/supervision/publicities/{publicity_id}/conclude', { ...publicity(id), body: { outcome } }));
/** Decrypted for the unit's committee and the inspectors; every read is audited. */
export const listObjections = (id: number, page = 1, page_size = 50): Promise<Page<PublicityObjection>> =>
  call(
    api.GET('/api/v1/supervision/publicities/{publicity_id}/objections', {
      params: { path: { publicity_id: id }, query: { page, page_size } },
    }),
  );
export const handleObjection = (id: number, objection_id: number, outcome: string): Promise<PublicityObjection> =>
  call(
    api.POST('/api/v1/supervision/publicities/{publicity_id}/objections/{objection_id}/handle', {
      params: { path: { publicity_id: id, objection_id } },
      body: { outcome },
    }),
  );

export const listOpenPublicities = (page = 1): Promise<Page<OpenPublicity>> =>
  call(api.GET('/api/v1/supervision/publicities/open', { params: { query: { page, page_size: 50 } } }));
export const getOpenPublicity = (uuid: string): Promise<OpenPublicityDetail> =>
  call(api.GET('/api/v1/supervision/publicities/open/{uuid}', { params: { path: { uuid } } }));
export const fileObjection = (uuid: string, body: ObjectionBody): Promise<ObjectionReceipt> =>
  call(api.POST('/api/v1/supervision/publicities/open/{uuid}/objections', { params: { path: { uuid } }, body }));

// ---------------------------------------------------------------- working days and rules

export type WorkdayCalendar = Schemas['WorkdayCalendar'];
export type WorkingDays = Schemas['WorkingDays'];
export type SupervisionRule = Schemas['SupervisionRule'];
export type SupervisionRuleBody = Body<'/api/v1/supervision/rules'>;

export const workdayCalendar = (year: number): Promise<WorkdayCalendar> =>
  call(api.GET('/api/v1/supervision/calendar', { params: { query: { year } } }));
/** Where a window of `days` working days from `start` ends (the rule's minimum by default). */
export const workingDays = (start: string, days?: number | null): Promise<WorkingDays> =>
  call(api.GET('/api/v1/supervision/working-days', { params: { query: { start, days: days ?? undefined } } }));
export const listSupervisionRules = (): Promise<SupervisionRule[]> => call(api.GET('/api/v1/supervision/rules'));
export const addSupervisionRule = (body: SupervisionRuleBody): Promise<SupervisionRule> =>
  call(api.POST('/api/v1/supervision/rules', { body }));
