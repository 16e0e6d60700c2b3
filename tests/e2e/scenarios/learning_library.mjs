// Scenario 6: the learning library. A tenant admin signs in to the console, writes and
// publishes an article about 党员 and 教育, uploads a small PDF (the progress bar reaches 100 %)
// and publishes it, then tries a document titled with a classified marking and is refused with
// the server's message. It looks through the other tabs (a category, a course composed from
// the search, a question bank, the study report) and proposes the article to the group's
// showcase; the group admin approves it in 共享学习库 on the root host. A member on a 390×844
// phone searches 党员教育 in the portal, sees the matches highlighted (the showcase copy too),
// reads the article, opens 我的学习 and takes a quiz. The group admin also publishes a regulation
// (党规党章) and finds 搜索数据维护 there — the tenant console has no rebuild — and the member opens
// it from the home page's 党规党章 and a group regulation article straight from a search hit.
import { config, expect, expectTranslated, log, scenario, shot, signIn } from './lib.mjs';

const { consoleUrl, portalUrl, rootUrl, admin, member, groupAdmin, article } = config;
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** The open "new resource" dialog (Element Plus keeps closed dialogs in the page, hidden). */
const dialog = (page) => page.locator('[data-test="resource-dialog"]:visible');

async function signInAt(page, url, user) {
  await page.goto(url);
  await page.waitForURL(/\/login/);
  await signIn(page, user);
  await page.waitForURL(url);
}

async function openTab(page, label) {
  await page.locator('.el-tabs__item', { hasText: label }).click();
}

async function openNewResource(page, kind) {
  await page.locator('[data-test="resource-create"]').click();
  await dialog(page).waitFor();
  await dialog(page).locator(`[data-test="resource-kind"] [data-kind="${kind}"]`).click();
}

/** Upload `file` in the dialog's file field and wait for the bar to reach 100 %. */
async function upload(page, file) {
  const field = dialog(page).locator('[data-test="resource-file"]');
  await field.locator('[data-test="upload-input"]').setInputFiles(file);
  await field.locator('[data-test="upload-status"]', { hasText: '上传完成' }).waitFor();
  // A finished bar shows a tick instead of its number: read the value it announces.
  const percent = await field.locator('[data-test="upload-progress"]').getAttribute('aria-valuenow');
  expect(percent === '100', `the upload's progress bar reached 100 % (it is at ${percent} %)`);
}

/** No element wider than the phone: nothing to scroll sideways. */
async function expectNoSidewaysScroll(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width <= 390, `the page is ${width}px wide on a 390px phone`);
}

await scenario('learning_library', async (session) => {
  const page = await session.page();

  log('the admin signs in and opens 学习平台');
  await page.goto(`${consoleUrl}/learning`);
  await page.waitForURL(/\/console\/login/);
  await page.locator('[data-test="site-name"]').getByText(config.siteName).waitFor();
  await signIn(page, admin);
  await page.waitForURL(`${consoleUrl}/learning`);
  await page.locator('[data-test="resources-table"]').getByText('还没有资源').waitFor();
  await expectTranslated(page);
  await shot(page, '01-console-empty');
  expect(
    (await page.locator('[data-test="reindex"]').count()) === 0,
    'the tenant console has no search rebuild (platform operators only)',
  );

  log('write and publish an article');
  await openNewResource(page, 'article');
  await dialog(page).locator('[data-test="resource-title"]').fill(article.title);
  await dialog(page).locator('[data-test="editor-text"]').fill(article.body);
  await dialog(page).locator('[data-test="resource-publish"]').click();
  await shot(page, '02-new-article');
  await dialog(page).locator('[data-test="resource-save"]').click();
  await page.locator('.el-message--success', { hasText: article.title }).waitFor();
  const articleRow = page.locator('[data-test="resources-table"] .el-table__row', { hasText: article.title });
  await articleRow.locator('[data-test="resource-status"]', { hasText: '已发布' }).waitFor();

  log('upload a PDF: the progress bar reaches 100 %, then publish it');
  await openNewResource(page, 'document');
  await upload(page, config.documentFile);
  await dialog(page).locator('[data-test="resource-title"]').fill(config.documentTitle);
  await dialog(page).locator('[data-test="resource-publish"]').click();
  await shot(page, '03-document-uploaded');
  await dialog(page).locator('[data-test="resource-save"]').click();
  await page.locator('.el-message--success', { hasText: config.documentTitle }).waitFor();
  const documentRow = page.locator('[data-test="resources-table"] .el-table__row', { hasText: config.documentTitle });
  await documentRow.locator('[data-test="resource-status"]', { hasText: '已发布' }).waitFor();

  log('a document titled with a classified marking is refused, with the reason');
  await openNewResource(page, 'document');
  await upload(page, config.documentFile);
  await dialog(page).locator('[data-test="resource-title"]').fill(config.classifiedTitle);
  await dialog(page).locator('[data-test="resource-save"]').click();
  const refusal = dialog(page).locator('[data-test="classified-refusal"]');
  await refusal.getByText('涉密内容，已拒收').waitFor();
  const reason = await refusal.innerText();
  expect(reason.includes('机密★'), `the refusal names the marking: ${reason}`);
  await expectTranslated(page);
  await shot(page, '04-classified-refused');
  await dialog(page).getByRole('button', { name: '取消' }).click();
  await dialog(page).waitFor({ state: 'hidden' });
  expect(
    (await page.locator('[data-test="resources-table"] .el-table__row').count()) === 2,
    'only the two published resources are listed',
  );
  // No stack of toasts over the pictures from here on.
  await page.addStyleTag({ content: '.el-message { visibility: hidden !important; }' });
  await shot(page, '05-console-library');

  log('a category');
  await openTab(page, '分类');
  await page.locator('[data-test="category-create"]').click();
  await page.locator('[data-test="category-name"]').fill('廉洁教育');
  await page.locator('.el-dialog:visible').getByRole('button', { name: '保存' }).click();
  await page.locator('[data-test="categories-table"] .el-table__row', { hasText: '廉洁教育' }).waitFor();
  await expectTranslated(page);
  await shot(page, '06-console-categories');

  log('the regulations tab');
  await openTab(page, '党规党章');
  await page.locator('[data-test="regulations-table"]').getByText('还没有上传党规党章').waitFor();

  log('a course composed from the search');
  await openTab(page, '课程');
  await page.locator('[data-test="course-create"]').click();
  const courseDialog = page.locator('[data-test="course-dialog"]:visible');
  await courseDialog.locator('[data-test="course-found"]').nth(1).waitFor();
  await courseDialog.locator('[data-test="course-title"]').fill('党员教育专题课程');
  for (const index of [0, 1]) {
    await courseDialog.locator('[data-test="course-found"]').nth(index).locator('button').click();
  }
  await courseDialog.locator('[data-test="course-item"]').nth(1).waitFor();
  await shot(page, '07-console-course-dialog');
  await courseDialog.locator('[data-test="course-save"]').click();
  await courseDialog.waitFor({ state: 'hidden' });
  await page.locator('[data-test="courses-table"] .el-table__row', { hasText: '党员教育专题课程' }).waitFor();

  log('a question bank');
  await openTab(page, '题库与测试');
  await page.locator('[data-test="quizzes-table"]').waitFor();
  await page.locator('[data-test="quiz-part"]').getByText('题库').click();
  await page.locator('[data-test="bank-create"]').click();
  await page.locator('.el-message-box textarea').fill('党章知识题库');
  await page.locator('.el-message-box').getByRole('button', { name: '保存' }).click();
  await page.locator('[data-test="banks-table"] .el-table__row', { hasText: '党章知识题库' }).waitFor();
  await expectTranslated(page);
  await shot(page, '08-console-question-banks');

  log('the study report says it is for reference only');
  await openTab(page, '学习统计');
  await page.getByText('学习时长仅供参考，不得作为考核评价的依据。').waitFor();

  log('propose the article to the group showcase');
  await openTab(page, '资源管理');
  await articleRow.locator('[data-test="resource-propose"]').click();
  await page.locator('.el-message-box textarea').fill('本单位党员教育管理的经验做法');
  await page.locator('.el-message-box').getByRole('button', { name: '推荐到集团' }).click();
  await articleRow.getByText('待审核').waitFor();

  log('the group admin approves it in 共享学习库');
  const group = await session.page();
  await signInAt(group, `${rootUrl}/shared-library`, groupAdmin);
  await group.locator('[data-test="resources-table"]').waitFor();
  await openTab(group, '成果展示审核');
  const proposal = group.locator('[data-test="showcase-table"] .el-table__row', { hasText: article.title });
  await proposal.waitFor();
  await expectTranslated(group);
  await shot(group, '09-group-showcase-queue');
  await proposal.locator('[data-test="showcase-approve"]').click();
  await group.locator('.el-message-box').getByRole('button', { name: '通过' }).click();
  await group.locator('.el-message--success', { hasText: article.title }).waitFor();
  await openTab(group, '共享资源');
  const copy = group.locator('[data-test="resources-table"] .el-table__row', { hasText: article.title });
  await copy.getByText('来源：').waitFor();
  await group.addStyleTag({ content: '.el-message { visibility: hidden !important; }' });
  await expectTranslated(group);
  await shot(group, '10-group-shared-library');

  log('the group admin publishes a regulation to every tenant; search data maintenance is theirs');
  const maintenance = group.locator('[data-test="reindex"]');
  await maintenance.getByText('搜索数据维护').waitFor();
  expect(!(await maintenance.innerText()).includes('重建索引'), 'no operator jargon: 重建索引');
  await openTab(group, '党规党章');
  await group.locator('[data-test="regulation-create"]').click();
  const regulationDialog = group.locator('[data-test="regulation-dialog"]:visible');
  await regulationDialog.locator('[data-test="upload-input"]').setInputFiles(config.regulationFile);
  await regulationDialog.locator('[data-test="upload-status"]', { hasText: '上传完成' }).waitFor();
  await regulationDialog.getByRole('button', { name: '保存' }).click();
  await regulationDialog.waitFor({ state: 'hidden' });
  await group
    .locator('[data-test="regulations-table"] .el-table__row', {
      hasText: config.regulationTitle,
    })
    .getByText('已发布')
    .waitFor();
  await expectTranslated(group);
  await shot(group, '10b-group-regulations');

  log('a member searches 党员教育 on a phone');
  const phone = await session.page(PHONE);
  await phone.goto(`${portalUrl}/learning`);
  await phone.waitForURL(/\/login/);
  await signIn(phone, member, { tap: true });
  await phone.waitForURL(`${portalUrl}/learning`);
  await phone.locator('[data-test="search-result"]').first().waitFor();
  await shot(phone, '11-portal-learning');
  const search = phone.locator('.van-search input');
  await search.fill(config.query);
  await search.press('Enter');
  await phone.waitForURL(/\/learning\?q=/);
  // Ours and the group's showcase copy of it: open ours.
  const hit = phone.locator('[data-test="search-result"]', { hasText: article.title }).filter({ hasText: '本单位' });
  await hit.locator('[data-test="result-title"] em').first().waitFor();
  const marked = await phone.locator('[data-test="search-result"] em').allInnerTexts();
  expect(marked.includes('党员') && marked.includes('教育'), `the matches are highlighted: ${JSON.stringify(marked)}`);
  await phone.locator('[data-test="search-count"]', { hasText: config.query }).waitFor();
  await phone.locator('[data-test="search-result"]', { hasText: '成果展示' }).waitFor();
  await expectTranslated(phone);
  await expectNoSidewaysScroll(phone);
  await shot(phone, '12-portal-search');

  log('the member reads the article');
  await hit.tap();
  await phone.waitForURL(/\/learning\/item\//);
  await phone.locator('[data-test="reader-title"]', { hasText: article.title }).waitFor();
  await phone.locator('[data-test="reader-article"] h3', { hasText: '一、总体要求' }).waitFor();
  await phone.locator('[data-test="reader-article"] strong', { hasText: '党员教育' }).waitFor();
  await expectTranslated(phone);
  await expectNoSidewaysScroll(phone);
  await shot(phone, '13-portal-reader');

  log('我的学习: today against the caps, reference only');
  await phone.goBack();
  await phone.waitForURL(/\/learning\?q=/);
  await phone.locator('[data-test="learning-me"]').tap();
  await phone.waitForURL(`${portalUrl}/learning/me`);
  await phone.locator('[data-test="study-today"]').waitFor();
  await phone.locator('[data-test="reference-only"]', { hasText: '仅供参考' }).waitFor();
  await phone.locator('[data-test="today-reading"]').waitFor();
  await expectTranslated(phone);
  await expectNoSidewaysScroll(phone);
  await shot(phone, '14-portal-my-study');

  log('the member takes a quiz: every answer is saved, then the score and the explanations');
  await phone.goBack();
  await phone.locator('[data-test="learning-quizzes"]').tap();
  await phone.locator('[data-test="quiz"]', { hasText: '党章基础知识测试' }).tap();
  await phone.locator('[data-test="quiz-intro"]').waitFor();
  await expectTranslated(phone);
  await phone.locator('[data-test="quiz-start"]').tap();
  await phone.waitForURL(/\/learning\/attempts\/\d+/);
  const questions = phone.locator('[data-test="quiz-question"]');
  await questions.nth(2).waitFor();
  for (let index = 0; index < 3; index += 1) {
    const question = questions.nth(index);
    if (await question.locator('.van-checkbox').count()) {
      await question.locator('.van-checkbox').nth(0).tap();
      await question.locator('.van-checkbox').nth(1).tap();
    } else {
      await question.locator('.van-radio').first().tap();
    }
  }
  await phone.locator('[data-test="quiz-save"]', { hasText: '已自动保存' }).waitFor();
  await phone.getByText('已答 3 / 3 题').waitFor();
  await expectNoSidewaysScroll(phone);
  await shot(phone, '15-portal-quiz');
  await phone.locator('[data-test="quiz-submit"]').tap();
  await phone.locator('.van-dialog__confirm').tap();
  await phone.locator('[data-test="quiz-score"]').waitFor();
  expect((await phone.locator('[data-test="quiz-explanation"]').count()) === 3, 'every question is explained');
  await expectTranslated(phone);
  await expectNoSidewaysScroll(phone);
  // From the top: a full-page picture of a scrolled page draws the fixed tab bar mid-page.
  await phone.evaluate(() => window.scrollTo(0, 0));
  await shot(phone, '16-portal-quiz-result');
  log("党规党章 from the home page: our regulations and the group's, read-only");
  await phone.goto(`${portalUrl}/`);
  await phone.locator('[data-test="home-regulations"]').tap();
  await phone.waitForURL(`${portalUrl}/learning/regulations`);
  const listed = phone.locator('[data-test="regulation"]', {
    hasText: config.regulationTitle,
  });
  await listed.getByText('集团共享').waitFor();
  await expectTranslated(phone);
  await expectNoSidewaysScroll(phone);
  await shot(phone, '17-portal-regulations');
  await listed.tap();
  await phone.waitForURL(/\/learning\/regulations\/[0-9a-f-]+$/);
  await phone.locator('[data-test="regulation-article"]', { hasText: '第四条' }).waitFor();

  log('the member searches 党员教育 and opens a group regulation article from its hit');
  await phone.goto(`${portalUrl}/learning`);
  await phone.locator('.van-search input').fill(config.query);
  await phone.locator('.van-search input').press('Enter');
  await phone.waitForURL(/\/learning\?q=/);
  await phone.locator('[data-test="search-count"]', { hasText: config.query }).waitFor();
  const kinds = await phone.locator('[data-test="facet-kind"] .pc-chip').allInnerTexts();
  const categories = await phone.locator('[data-test="facet-category"] .pc-chip').allInnerTexts();
  const buckets = [...kinds, ...categories].map((text) => text.replace(/\s+\d+$/, '').trim());
  expect(
    buckets.filter((label) => label === '党规党章').length === 1,
    `one 党规党章 chip, not two: ${JSON.stringify(buckets)}`,
  );
  await phone.locator('[data-test="facet-kind"] .pc-chip', { hasText: '党规党章' }).tap();
  await phone.waitForURL(/kind=regulation/);
  const ruleHit = phone
    .locator('[data-test="search-result"]', {
      hasText: `${config.regulationTitle} 第五条`,
    })
    .filter({ hasText: '集团共享' });
  await ruleHit.locator('[data-test="result-title"] em').first().waitFor();
  await expectNoSidewaysScroll(phone);
  await shot(phone, '18-portal-search-regulations');
  await ruleHit.tap();
  await phone.waitForURL(/\/learning\/regulations\/[0-9a-f-]+\?article=\d+/);
  const target = phone.locator('.pc-article--target');
  await target.waitFor();
  await phone.locator('[data-test="regulation-source"]', { hasText: '集团共享' }).waitFor();
  const visible = await target.evaluate((node) => {
    const box = node.getBoundingClientRect();
    return box.top >= 0 && box.top < window.innerHeight;
  });
  expect(visible, 'the article the hit named is scrolled into view');
  await expectTranslated(phone);
  await expectNoSidewaysScroll(phone);
  await shot(phone, '19-portal-group-regulation-article');
});
