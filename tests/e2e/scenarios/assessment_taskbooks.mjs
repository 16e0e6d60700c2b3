// Task books (工作任务书) from the group to a branch and back: the group admin drafts this year's
// template with four indicators in three areas (one fed by the meetings held), sees publishing
// refused while the weights total 95 (with the reason), corrects a weight in place and publishes.
// The tenant admin finds the book in the console, cascades it to the branch (a weight adapted,
// the branch's own indicator added, issued), then fills in the tenant's book: a note and a small
// file as evidence, a value for each indicator (the score computed as they go), and submits. The
// group admin opens the tenant from the progress table, scores every indicator with a comment and
// approves; the tenant admin's book is locked with the final score.
import { config, expect, expectTranslated, log, scenario, shot, signIn, signInToConsole } from './lib.mjs';

const { consoleUrl, rootUrl, tenantName, committee, branch, admin, groupAdmin } = config;

const year = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();

/** The open dialog with `test` (Element Plus keeps closed dialogs in the page, hidden). */
const dialog = (page, test) => page.locator(`[data-test="${test}"]:visible`);

/** The input of a field whose `data-test` sits on the input itself or on its wrapper. */
function field(scope, test) {
  return scope
    .locator(`input[data-test="${test}"], textarea[data-test="${test}"], [data-test="${test}"] input`)
    .first();
}

/** expectTranslated, and no key of the task books' namespace either. */
async function translated(page) {
  await expectTranslated(page);
  const text = await page.locator('body').innerText();
  const keys = text.match(/\btaskBooks\.[a-zA-Z]+(?:\.[a-zA-Z_]+)*\b/g);
  expect(!keys, `untranslated keys on ${page.url()}: ${keys?.join(', ')}`);
}

async function pickOption(page, scope, test, label) {
  await scope.locator(`[data-test="${test}"]`).first().click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: label }).first().click();
}

const INDICATORS = [
  { area: '政治建设', title: '理论学习中心组学习', weight: '30', scoring: 'binary', evidence: '学习记录、研讨材料' },
  {
    area: '组织建设',
    title: '按期开展“三会一课”',
    weight: '40',
    scoring: 'count',
    target: '12',
    source: '组织生活开展率',
    evidence: '会议记录（平台自动统计）',
  },
  { area: '组织建设', title: '主题党日活动', weight: '20', scoring: 'graded', evidence: '活动方案、照片' },
  { area: '党风廉政建设', title: '廉政教育', weight: '5', scoring: 'binary', evidence: '教育记录' },
];

async function addIndicator(page, indicator) {
  await page.locator('[data-test="indicator-add"]').click();
  const form = dialog(page, 'indicator-dialog');
  await form.waitFor();
  await field(form, 'indicator-area').fill(indicator.area);
  await form.locator('.el-dialog__header').click(); // close the area suggestions
  await field(form, 'indicator-weight').fill(indicator.weight);
  await field(form, 'indicator-title').fill(indicator.title);
  await form.locator(`[data-test="scoring-${indicator.scoring}"]`).click();
  if (indicator.target) {
    await field(form, 'indicator-target').fill(indicator.target);
    await field(form, 'indicator-target').press('Tab');
  }
  if (indicator.source) await pickOption(page, form, 'indicator-source', indicator.source);
  await field(form, 'indicator-evidence').fill(indicator.evidence);
  await form.locator('[data-test="indicator-save"]').click();
  await form.waitFor({ state: 'hidden' });
  await page.locator('[data-test="indicator-row-title"]', { hasText: indicator.title }).waitFor();
}

async function confirmBox(page) {
  await page.locator('.el-message-box__btns .el-button--primary').click();
}

await scenario('assessment_taskbooks', async (session) => {
  // ------------------------------------------------------------------ the group writes and publishes
  log('the group admin drafts this year’s template');
  const group = await session.page();
  await group.goto(`${rootUrl}/login`);
  await signIn(group, groupAdmin);
  await group.waitForURL(`${rootUrl}/`);
  await group.locator('.el-menu').getByText('工作任务书').click();
  await group.waitForURL(`${rootUrl}/task-books`);
  await group.locator('[data-test="template-new"]').click();
  const create = group.locator('.el-dialog:visible');
  await create.waitFor();
  await pickOption(group, create, 'template-year', `${year} 年`);
  const title = `${year} 年度党建工作任务书`;
  await field(create, 'template-title').fill(title);
  await create.locator('[data-test="template-create"]').click();
  await group.waitForURL(/\/task-books\/templates\/\d+$/);
  await group.locator('[data-test="template-editor"]').waitFor();

  log('four indicators in three areas; the weights total 95: publishing says why it is disabled');
  for (const indicator of INDICATORS) await addIndicator(group, indicator);
  await group.locator('[data-test="weight-total"]', { hasText: '95.00 / 100' }).waitFor();
  await group.locator('[data-test="publish-blocked"]', { hasText: '还差 5.00' }).waitFor();
  expect(await group.locator('[data-test="template-publish"]').isDisabled(), 'publishing is disabled at 95');
  await translated(group);
  await shot(group, '01-template-weights-95');

  log('the weight corrected in place: 100, publish');
  await field(group, 'weight-input-廉政教育').fill('10');
  await group.locator('[data-test="weight-total"]', { hasText: '100.00 / 100' }).waitFor();
  await group.locator('[data-test="template-save"]').click();
  await group.locator('.el-message--success').first().waitFor();
  await group.locator('[data-test="template-publish"]:not([disabled])').click();
  await group.locator('.el-message-box__message', { hasText: '4 项指标' }).waitFor();
  await confirmBox(group);
  await group.locator('[data-test="template-status"][data-status="published"]').waitFor();
  await translated(group);
  await shot(group, '02-template-published');

  // ------------------------------------------------------------------ the tenant cascades and fills in
  log('the tenant admin finds the book in the console');
  const desk = await session.page();
  await signInToConsole(desk, consoleUrl, admin);
  await desk.locator('.el-menu').getByText('工作任务书').click();
  await desk.waitForURL(`${consoleUrl}/task-books`);
  const bookRow = desk.locator('[data-test="books-table"] .el-table__row', { hasText: committee });
  await bookRow.first().waitFor();
  await translated(desk);
  await shot(desk, '03-console-books');
  await bookRow.first().locator('[data-test="book-link"]').click();
  await desk.locator('[data-test="task-book"][data-mode="fill"]').waitFor();
  const topUrl = desk.url();

  log('cascade to the branch: adapt a weight, add the branch’s own indicator, issue');
  await desk.locator('[data-test="book-cascade"]').click();
  const cascade = desk.locator('.el-dialog:visible');
  await cascade.waitFor();
  await pickOption(desk, cascade, 'cascade-organization', branch);
  await cascade.locator('[data-test="cascade-create"]').click();
  await desk.locator('[data-test="task-book"][data-mode="edit"]').waitFor();
  expect(desk.url() !== topUrl, 'the draft cascade opened');
  await field(desk, 'weight-input-理论学习中心组学习').fill('25');
  await desk.locator('[data-test="issue-blocked"]', { hasText: '还差 5.00' }).waitFor();
  await addIndicator(desk, {
    area: '组织建设',
    title: '安全生产党员先锋岗',
    weight: '5',
    scoring: 'binary',
    evidence: '先锋岗名单、事迹材料',
  });
  await desk.locator('[data-test="weight-total"]', { hasText: '100.00 / 100' }).waitFor();
  await translated(desk);
  await shot(desk, '04-cascade-draft');
  await desk.locator('[data-test="draft-save"]').click();
  await desk.locator('.el-message--success').first().waitFor();
  await desk.locator('[data-test="draft-issue"]:not([disabled])').click();
  await desk.locator('.el-message-box__message', { hasText: branch }).waitFor();
  await confirmBox(desk);
  await desk.locator('[data-test="task-book"][data-status="issued"]').waitFor();
  await shot(desk, '05-cascade-issued');

  log('the tenant’s own book: evidence (a note and a file), self-assessment, submit');
  await desk.goto(topUrl);
  await desk.locator('[data-test="task-book"][data-mode="fill"]').waitFor();
  await desk.locator('[data-test="book-children"]', { hasText: branch }).waitFor();
  const card = (name) => desk.locator(`[data-test^="self-indicator-"][data-title="${name}"]`);
  const party = card('主题党日活动');
  await party.locator('textarea[data-test^="evidence-note-"]').fill('全年开展主题党日 12 次，覆盖全体党员。');
  await party.locator('[data-test^="evidence-note-save-"]').click();
  await party.locator('[data-test="evidence-note"]', { hasText: '全年开展主题党日 12 次' }).waitFor();
  await party.locator('[data-test="upload-input"]').setInputFiles({
    name: '主题党日活动记录.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
  });
  await party.locator('[data-test="evidence-file"]', { hasText: '主题党日活动记录.pdf' }).waitFor();

  await card('理论学习中心组学习').locator('[data-test="value-done"]').click();
  await card('廉政教育').locator('[data-test="value-done"]').click();
  const meetings = card('按期开展“三会一课”');
  await meetings.locator('[data-test="self-figure"]').waitFor();
  await meetings.locator('[data-test^="self-value-"] input').fill('12');
  await meetings.locator('input[data-test^="self-note-"]').click();
  await party.locator('[data-test^="self-value-"]').click();
  await desk.locator('.el-select-dropdown__item:visible', { hasText: '良好' }).click();
  // 30 + 40 + 20 × 0.8 + 10 = 96.
  await desk.locator('[data-test="self-total"]', { hasText: '96.00' }).waitFor();
  await translated(desk);
  await shot(desk, '06-self-assessment');
  await desk.locator('[data-test="self-submit"]').click();
  await desk.locator('.el-message-box__message', { hasText: '96.00' }).waitFor();
  await confirmBox(desk);
  await desk.locator('[data-test="task-book"][data-status="submitted"]').waitFor();
  await shot(desk, '07-submitted');

  log('the branch’s book: filled in and submitted, then reviewed and approved by the committee (the same form)');
  await desk.locator('[data-test="child-link"]', { hasText: branch }).click();
  await desk.locator('[data-test="task-book"][data-mode="fill"]').waitFor();
  for (const name of ['理论学习中心组学习', '廉政教育', '安全生产党员先锋岗'])
    await card(name).locator('[data-test="value-done"]').click();
  await card('按期开展“三会一课”').locator('[data-test^="self-value-"] input').fill('10');
  await card('按期开展“三会一课”').locator('input[data-test^="self-note-"]').click();
  await card('主题党日活动').locator('[data-test^="self-value-"]').click();
  await desk.locator('.el-select-dropdown__item:visible', { hasText: '优秀' }).click();
  // 25 + 40 × 10/12 + 20 + 10 + 5 = 93.33.
  await desk.locator('[data-test="self-total"]', { hasText: '93.33' }).waitFor();
  await desk.locator('[data-test="self-submit"]').click();
  await desk.locator('.el-message-box__message', { hasText: '93.33' }).waitFor();
  await confirmBox(desk);
  const childReview = desk.locator('[data-test="review-form"][data-open="true"]');
  await childReview.waitFor();
  await childReview.locator('[data-test="review-total"]', { hasText: '93.33' }).waitFor();
  await translated(desk);
  await shot(desk, '07b-branch-review');
  await childReview.locator('[data-test="review-approve"]').click();
  await desk.locator('.el-message-box__message', { hasText: '93.33' }).waitFor();
  await confirmBox(desk);
  await desk.locator('[data-test="task-book"][data-status="approved"]').waitFor();
  await desk.locator('[data-test="final-score"]', { hasText: '93.33' }).waitFor();
  await shot(desk, '07c-branch-approved');

  // ------------------------------------------------------------------ the group reviews and approves
  log('the group admin opens the tenant from the progress table');
  await group.goto(`${rootUrl}/task-books?tab=progress&year=${year}`);
  const progressRow = group.locator('[data-test="progress-table"] .el-table__row', { hasText: tenantName });
  await progressRow.locator('[data-test="book-status"][data-status="submitted"]').waitFor();
  expect((await group.locator('[data-test="progress-table"] th', { hasText: '排名' }).count()) === 0, 'no rankings');
  await translated(group);
  await shot(group, '08-progress-submitted');
  await progressRow.locator('[data-test="progress-tenant"]').click();
  await group.waitForURL(/\/task-books\/tenants\/\d+\/books\/\d+/);
  const review = group.locator('[data-test="review-form"][data-open="true"]');
  await review.waitFor();

  log('scores with comments: 主题党日 down to 一般; approve');
  const reviewRow = (name) => review.locator('[data-test="review-table"] .el-table__row', { hasText: name }).first();
  await reviewRow('主题党日活动').locator('.el-table__expand-icon').click();
  await review.locator('[data-test="evidence-file"]', { hasText: '主题党日活动记录.pdf' }).waitFor();
  await review.locator('[data-test="evidence-note"]', { hasText: '全年开展主题党日 12 次' }).waitFor();
  await reviewRow('主题党日活动').locator('[data-test^="review-value-"]').click();
  await group.locator('.el-select-dropdown__item:visible', { hasText: '一般' }).click();
  await reviewRow('主题党日活动').locator('input[data-test^="review-comment-"]').fill('活动记录不够完整');
  await field(review, 'review-book-comment').fill('全年任务完成较好。');
  // 30 + 40 + 20 × 0.6 + 10 = 92.
  await review.locator('[data-test="review-total"]', { hasText: '92.00' }).waitFor();
  await translated(group);
  await shot(group, '09-group-review');
  await review.locator('[data-test="review-approve"]').click();
  await group.locator('.el-message-box__message', { hasText: '92.00' }).waitFor();
  await confirmBox(group);
  await group.locator('[data-test="final-score"]', { hasText: '92.00' }).waitFor();
  await shot(group, '10-group-approved');

  log('the progress table shows the final score');
  await group.goto(`${rootUrl}/task-books?tab=progress&year=${year}`);
  await progressRow.locator('[data-test="book-status"][data-status="approved"]').waitFor();
  await progressRow.locator('[data-test="progress-final"]', { hasText: '92.00' }).waitFor();
  await shot(group, '11-progress-approved');

  log('rankings are off by default; switched on they show, then off again; the Excel export downloads');
  await group.locator('[data-test="rankings-switch"]').click();
  await group.locator('[data-test="progress-table"] th', { hasText: '排名' }).waitFor();
  await shot(group, '11b-progress-rankings');
  await group.locator('[data-test="rankings-switch"]').click();
  await group.locator('[data-test="progress-table"] th', { hasText: '排名' }).waitFor({ state: 'detached' });
  const [download] = await Promise.all([
    group.waitForEvent('download'),
    group.locator('[data-test="progress-export"]').click(),
  ]);
  expect(download.suggestedFilename().endsWith('.xlsx'), `an Excel workbook (${download.suggestedFilename()})`);

  // ------------------------------------------------------------------ the tenant's locked book
  log('the tenant’s book is locked with its final score');
  await desk.goto(topUrl);
  await desk.locator('[data-test="task-book"][data-status="approved"]').waitFor();
  await desk.locator('[data-test="book-locked"]').waitFor();
  await desk.locator('[data-test="final-score"]', { hasText: '92.00' }).waitFor();
  expect((await desk.locator('[data-test="self-submit"]').count()) === 0, 'nothing to submit on a locked book');
  await translated(desk);
  await shot(desk, '12-console-locked');

  log('the same book on a phone-sized window: nothing wider than the screen but the table');
  await desk.setViewportSize({ width: 390, height: 844 });
  await desk.locator('[data-test="final-score"]', { hasText: '92.00' }).waitFor();
  await shot(desk, '13-console-locked-phone');
});
