/**
 * Member development (发展党员) API: cases, the 25-step table (with the inputs each step's form
 * asks for), recording a step, evidence files, the voting roll and the probation discussions.
 * Each function is one operation of `schema.d.ts`, typed by its path.
 */
import { fileForm } from '@/shared/files';

import { api, call } from './client';
import type { Body, Query } from './operation';
import type { components } from './schema';
import type { CaseStep, DevelopmentCase, StepInfo, TodoItem, VotingRoll } from './types';

type Schemas = components['schemas'];

export type { StepInfo };
/** One input of a step's form: `details[name]` of the recorded step (see `tenants/development/steps.py`). */
export type StepField = Schemas['StepField'];
export type StepFieldKind = StepField['kind'];
export type OpenCaseBody = Body<'/api/v1/development/cases'>;
export type RecordStepBody = Body<'/api/v1/development/cases/{id}/steps'>;

const byId = (id: number) => ({ params: { path: { id } } });

export const listCases = (query: Query<'/api/v1/development/cases'>) =>
  call(api.GET('/api/v1/development/cases', { params: { query } }));
export const getCase = (id: number): Promise<DevelopmentCase> =>
  call(api.GET('/api/v1/development/cases/{id}', byId(id)));
/** Open a case: step 1, the application. */
export const openCase = (body: OpenCaseBody): Promise<DevelopmentCase> =>
  call(api.POST('/api/v1/development/cases', { body }));
/** Deadlines ahead across the caller's cases, soonest first. */
export async function listTodo(): Promise<TodoItem[]> {
  return (await call(api.GET('/api/v1/development/cases/todo'))).items as unknown as TodoItem[];
}

/** The 25 steps in order, each with the inputs its form asks for. */
export async function stepTable(): Promise<StepInfo[]> {
  return (await call(api.GET('/api/v1/development/cases/step-table'))).steps;
}
export const recordStep = (caseId: number, body: RecordStepBody) =>
  call(api.POST('/api/v1/development/cases/{id}/steps', { ...byId(caseId), body }));
/** Members with voting rights in the case's branch on `date`, from the records (steps 15 and 23). */
export const votingRoll = (caseId: number, date: string): Promise<VotingRoll> =>
  call(api.GET('/api/v1/development/cases/{id}/voting-roll', { params: { path: { id: caseId }, query: { date } } }));
/** Attach a PDF or an image as the evidence (证明材料) of a recorded step. */
export const uploadEvidence = (caseId: number, step: CaseStep, file: File) =>
  call(
    api.POST('/api/v1/development/cases/{id}/steps/{step_id}/evidence', {
      params: { path: { id: caseId, step_id: String(step.id) } },
      body: fileForm(file),
    }),
  );
/** Where a step's evidence file downloads from (a file response, not JSON). */
export const evidenceUrl = (caseId: number, step: CaseStep) =>
  `/api/v1/development/cases/${caseId}/steps/${step.id}/evidence-file`;
/** Record the branch's discussion of a probationary member in one quarter of probation. */
export const recordProbationDiscussion = (
  caseId: number,
  body: Body<'/api/v1/development/cases/{id}/probation-discussions'>,
) => call(api.POST('/api/v1/development/cases/{id}/probation-discussions', { ...byId(caseId), body }));
