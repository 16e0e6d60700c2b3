/**
 * Democratic evaluation (民主评议党员, `tenants.assessment`): the console's rounds, participants,
 * the masses' invitations (the one-time codes come back once, in the invite and re-issue
 * answers) and the general meeting's decision; the member's own round (self-review, peer
 * ratings); and the public ballot, where the code travels in POST bodies only.
 */
import type { components } from './schema';
import { api, call } from './client';
import type { Body, Query } from './operation';

type Schemas = components['schemas'];

export type Grade = Schemas['EvaluationGradeEnum'];
export type FollowUp = Schemas['EvaluationFollowUpEnum'];
export type RoundStatus = Schemas['EvaluationRoundStatusEnum'];
export type GradeCounts = Schemas['EvaluationGradeCounts'];
export type RoundRow = Schemas['EvaluationRoundRow'];
export type Round = Schemas['EvaluationRound'];
export type Participant = Schemas['EvaluationParticipant'];
export type DecisionMeeting = Schemas['EvaluationMeeting'];
export type MassSummary = Schemas['EvaluationMassSummary'];
export type Candidate = Schemas['EvaluationCandidate'];
export type Invitation = Schemas['EvaluationInvitation'];
export type IssuedCode = Schemas['EvaluationIssuedCode'];
export type InviteResult = Schemas['EvaluationInviteResult'];
export type MyRound = Schemas['EvaluationMyRound'];
export type MyRoundDetail = Schemas['EvaluationMyRoundDetail'];
export type MyRating = Schemas['EvaluationMyRating'];
export type Ballot = Schemas['EvaluationBallot'];

export type RoundBody = Body<'/api/v1/assessment/evaluations'>;
export type DecisionBody = Body<'/api/v1/assessment/evaluations/{round_id}/decision'>;
export type RatingChange = Schemas['EvaluationRatingChangeRequest'];
export type BallotVote = Schemas['EvaluationBallotVoteRequest'];

const round = (round_id: number) => ({ params: { path: { round_id } } });

// ---------------------------------------------------------------- console: rounds

export const listRounds = (query: Query<'/api/v1/assessment/evaluations'>) =>
  call(api.GET('/api/v1/assessment/evaluations', { params: { query } }));
export const createRound = (body: RoundBody): Promise<Round> =>
  call(api.POST('/api/v1/assessment/evaluations', { body }));
export const getRound = (id: number): Promise<Round> =>
  call(api.GET('/api/v1/assessment/evaluations/{round_id}', round(id)));
export const openRound = (id: number): Promise<Round> =>
  call(api.POST('/api/v1/assessment/evaluations/{round_id}/open', round(id)));
export const closeRound = (id: number): Promise<Round> =>
  call(api.POST('/api/v1/assessment/evaluations/{round_id}/close', round(id)));
export const confirmRound = (id: number): Promise<Round> =>
  call(api.POST('/api/v1/assessment/evaluations/{round_id}/confirm', round(id)));
export const decide = (id: number, body: DecisionBody): Promise<Round> =>
  call(api.POST('/api/v1/assessment/evaluations/{round_id}/decision', { ...round(id), body }));
/** The branch's held general meetings a decision may link. */
export const decisionMeetings = (id: number): Promise<DecisionMeeting[]> =>
  call(api.GET('/api/v1/assessment/evaluations/{round_id}/meetings', round(id)));

// ---------------------------------------------------------------- console: participants

export const listParticipants = (id: number, page = 1, page_size = 200) =>
  call(
    api.GET('/api/v1/assessment/evaluations/{round_id}/participants', {
      params: { path: { round_id: id }, query: { page, page_size } },
    }),
  );
export const setExcused = (id: number, participant_id: number, excused: boolean): Promise<Participant> =>
  call(
    api.PATCH('/api/v1/assessment/evaluations/{round_id}/participants/{participant_id}', {
      params: { path: { round_id: id, participant_id } },
      body: { excused },
    }),
  );

// ---------------------------------------------------------------- console: the masses

export const massSummary = (id: number): Promise<MassSummary> =>
  call(api.GET('/api/v1/assessment/evaluations/{round_id}/mass', round(id)));
export const listCandidates = (id: number, search: string, page = 1, page_size = 20) =>
  call(
    api.GET('/api/v1/assessment/evaluations/{round_id}/mass/candidates', {
      params: { path: { round_id: id }, query: { search: search || undefined, page, page_size } },
    }),
  );
export const listInvitations = (id: number, page = 1, page_size = 20) =>
  call(
    api.GET('/api/v1/assessment/evaluations/{round_id}/mass/invitations', {
      params: { path: { round_id: id }, query: { page, page_size } },
    }),
  );
/** Invite by card numbers: the answer holds the one-time codes, shown once. */
export const invite = (id: number, card_numbers: string[]): Promise<InviteResult> =>
  call(
    api.POST('/api/v1/assessment/evaluations/{round_id}/mass/invitations', { ...round(id), body: { card_numbers } }),
  );
/** A new code for a lost slip (the old one stops working). */
export const reissue = (id: number, invitation_id: number): Promise<IssuedCode> =>
  call(
    api.POST('/api/v1/assessment/evaluations/{round_id}/mass/invitations/{invitation_id}/reissue', {
      params: { path: { round_id: id, invitation_id } },
    }),
  );
export const withdraw = (id: number, invitation_id: number): Promise<void> =>
  call(
    api.DELETE('/api/v1/assessment/evaluations/{round_id}/mass/invitations/{invitation_id}', {
      params: { path: { round_id: id, invitation_id } },
    }),
  ) as Promise<void>;

// ---------------------------------------------------------------- the member (portal)

export const listMyRounds = (page = 1) =>
  call(api.GET('/api/v1/assessment/evaluations/mine', { params: { query: { page } } }));
export const getMyRound = (id: number): Promise<MyRoundDetail> =>
  call(api.GET('/api/v1/assessment/evaluations/mine/{round_id}', round(id)));
export const saveSelfReview = (id: number, text: string, submit: boolean): Promise<MyRoundDetail> =>
  call(api.PUT('/api/v1/assessment/evaluations/mine/{round_id}/self-review', { ...round(id), body: { text, submit } }));
export const saveRatings = (id: number, ratings: RatingChange[]): Promise<MyRoundDetail> =>
  call(api.PUT('/api/v1/assessment/evaluations/mine/{round_id}/ratings', { ...round(id), body: { ratings } }));

// ---------------------------------------------------------------- the public ballot (no session)

/** The ballot a code opens: the round, the branch and the people to rate. */
export const openBallot = (code: string): Promise<Ballot> =>
  call(api.POST('/api/v1/assessment/ballot/open', { body: { code } }));
/** Cast it: one vote per code. */
export const castBallot = (body: BallotVote): Promise<{ voted: boolean }> =>
  call(api.POST('/api/v1/assessment/ballot/vote', { body }));
