// Scenario: a tenant admin signs in and lands on the 工作台 (to-dos from every module, sorted by
// deadline, and this month's figures); follows the transfer to-do to the transfers page, filtered;
// a branch secretary signs in, sees their subtree's to-dos and the reduced menu, and an admin page
// shows them "no access".
import { config, expect, expectTranslated, log, scenario, shot, signIn } from './lib.mjs';

const { consoleUrl, admin, secretary } = config;

async function signInAt(page, person) {
  await page.goto(`${consoleUrl}/`);
  await page.waitForURL(/\/console\/login/);
  await signIn(page, person);
  await page.waitForURL(`${consoleUrl}/workbench`);
  await page.locator('[data-test="workbench-figures"]').waitFor();
}

const menu = async (page) => (await page.locator('.pc-menu-label').allInnerTexts()).map((text) => text.trim());

await scenario('workbench', async (session) => {
  const page = await session.page();

  log('the tenant admin lands on the workbench');
  await signInAt(page, admin);
  await page.locator('[data-test="workbench-scope"]', { hasText: '全单位' }).waitFor();
  const todos = page.locator('[data-test="workbench-todos"] .el-table__body-wrapper .el-table__row');
  await todos.first().waitFor();
  const rows = await todos.allInnerTexts();
  for (const expected of [
    '与入党申请人谈话',
    '组织关系转接待接收',
    '党费减缴待审批',
    '已连续 3 个月未缴纳党费',
    '任期即将届满',
    '党员导入有错误',
  ]) {
    expect(
      rows.some((row) => row.includes(expected)),
      `a to-do "${expected}" is listed: ${rows.join(' | ')}`,
    );
  }
  expect(rows[0].includes('待处理') || rows[0].includes('逾期'), `what is due now comes first: ${rows[0]}`);
  await page.locator('[data-test="figure-members.total"]', { hasText: '5' }).waitFor();
  await page.locator('[data-test="figure-dues.paid"]', { hasText: '90.00' }).waitFor();
  expect((await menu(page))[0] === '工作台', 'the workbench heads the menu');
  await expectTranslated(page);
  await shot(page, '01-admin-workbench');

  log('a to-do leads to the place to act: the transfer waiting for the first branch');
  await todos.filter({ hasText: '王强' }).locator('[data-test="workbench-act"]').click();
  await page.waitForURL(/\/console\/transfers\?/);
  expect(page.url().includes('kind=within') && page.url().includes('status=pending'), `filtered: ${page.url()}`);
  await page
    .locator('[data-test="transfer-tabs"] .el-tabs__item.is-active', {
      hasText: '本单位内',
    })
    .waitFor();
  await page.locator('.el-table__row', { hasText: '王强' }).waitFor();
  await expectTranslated(page);
  await shot(page, '02-transfer-from-todo');

  log('the module filter narrows the list');
  await page.locator('.el-menu').getByText('工作台').click();
  await page.waitForURL(`${consoleUrl}/workbench`);
  await page.locator('[data-test="workbench-modules"]').getByText('党费').click();
  await todos.first().waitFor();
  const dues = await todos.allInnerTexts();
  expect(dues.length === 2 && dues.every((row) => row.includes('党费')), `only dues to-dos: ${dues.join(' | ')}`);

  log('a branch secretary sees their subtree and the pages they may use');
  const other = await session.page();
  await signInAt(other, secretary);
  await other.locator('[data-test="workbench-scope"]', { hasText: '第一党支部' }).waitFor();
  const theirs = await other
    .locator('[data-test="workbench-todos"] .el-table__body-wrapper .el-table__row')
    .allInnerTexts();
  expect(theirs.length === 3, `three to-dos in the first branch: ${theirs.join(' | ')}`);
  expect(!theirs.some((row) => row.includes('周杰') || row.includes('孙丽')), 'nothing of the second branch');
  const items = await menu(other);
  expect(
    JSON.stringify(items) ===
      JSON.stringify([
        '工作台',
        '党组织管理',
        '党员管理',
        '组织关系转接',
        '发展党员',
        '党费管理',
        '直播党课',
        '组织生活',
        '工作任务书',
        '民主评议',
        '积分',
        '交流平台',
        '互动管理',
        '党务公开',
        '任前公示',
        '问卷调查',
        '匿名投票',
        '询问·质询',
      ]),
    `the secretary's menu: ${items.join('、')}`,
  );
  await expectTranslated(other);
  await shot(other, '03-secretary-workbench');

  log('an admin page they may not use says so');
  await other.goto(`${consoleUrl}/roles`);
  await other.waitForURL(`${consoleUrl}/forbidden`);
  await other.getByRole('button', { name: '党员之家' }).waitFor();
  await shot(other, '04-secretary-forbidden');
});
