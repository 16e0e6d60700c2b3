// Scenario: open party affairs, group-wide. The group admin writes an announcement on the root
// host (the confidentiality notice above the form), publishes it to every subsidiary and sees its
// receipts: nobody has read it. A member of one subsidiary finds it in the portal on a phone
// (党务监督 → 党务公开, marked 集团 and unread) and opens it. Back on the group's receipts page, the
// subsidiary's row counts one read, the member shows as read with the time, a colleague as unread;
// the group reminds the unread and sees when it last did.
import { config, expect, expectTranslated, log, PHONE, scenario, shot, signIn } from './lib.mjs';

const { rootUrl, portalUrl, tenantName, groupAdmin, reader, colleagueName } = config;
const title = `关于开展党费收缴情况公开的通知 ${Date.now() % 100000}`;

async function expectSupervisionTranslated(page) {
  await expectTranslated(page);
  const keys = (await page.locator('body').innerText()).match(/\bsupervision\.[a-zA-Z]+(?:\.[a-zA-Z]+)*\b/g);
  expect(!keys, `untranslated keys on ${page.url()}: ${keys?.join(', ')}`);
}

async function findPerson(page, name) {
  await page.locator('input[data-test="receipt-search"]').fill(name);
  await page.locator('input[data-test="receipt-search"]').press('Enter');
  const row = page.locator('[data-test="receipt-table"] .el-table__row', { hasText: name });
  await row.waitFor();
  return row;
}

await scenario('supervision_announcement', async (session) => {
  log('the group admin writes the announcement');
  const group = await session.page();
  await group.goto(`${rootUrl}/login`);
  await signIn(group, groupAdmin);
  await group.waitForURL(`${rootUrl}/`);
  await group.locator('.el-menu').getByText('集团党务公开').click();
  await group.waitForURL(`${rootUrl}/announcements`);
  await group.locator('[data-test="announcement-create"]').click();
  const dialog = group.locator('[data-test="announcement-dialog"]');
  await dialog.waitFor();
  await dialog.getByText('严禁发布涉密内容').waitFor();
  await dialog.locator('input[data-test="announcement-title"]').fill(title);
  await dialog
    .locator('[data-test="editor-text"]')
    .fill('## 公开内容\n\n各单位党委：\n\n请于本月底前在党务公开栏公布上半年党费收缴情况。\n\n- 收缴人数\n- 收缴金额');
  await dialog.locator('[data-test="announcement-signature"]').waitFor();
  await shot(group, '01-group-editor');
  await dialog.locator('[data-test="announcement-save"]').click();
  await group.waitForURL(/\/announcements\/\d+$/);
  await group.locator('[data-test="announcement-body"]').getByText('收缴金额').waitFor();

  log('publishes it to every subsidiary');
  await group.locator('[data-test="announcement-publish"]').click();
  await group.locator('.el-message-box__btns .el-button--primary').click();
  await group.locator('[data-test="announcement-status"]', { hasText: '已发布' }).waitFor();
  await group.locator('[data-test="receipt-figures"]').waitFor();
  const tenantRow = group.locator('[data-test="receipt-groups"] .el-table__row', { hasText: tenantName });
  const before = await findPerson(group, reader.name);
  await before.locator('[data-test="receipt-row-unread"]').waitFor();
  await expectSupervisionTranslated(group);
  await shot(group, '02-group-published-unread');

  log('a member reads it in the portal on a phone');
  const phone = await session.page(PHONE);
  await phone.goto(`${portalUrl}/`);
  await signIn(phone, reader, { tap: true });
  await phone.waitForURL(`${portalUrl}/`);
  await phone.locator('[data-test="home-supervision"]').tap();
  await phone.locator('[data-test="announcements-unread"]').waitFor();
  await shot(phone, '03-phone-supervision');
  await phone.locator('[data-test="supervision-announcements"]').tap();
  const entry = phone.locator('[data-test="announcement-item"]', { hasText: title });
  await entry.getByText('集团', { exact: true }).waitFor();
  await entry.getByText('未读', { exact: true }).waitFor();
  await shot(phone, '04-phone-list');
  await entry.tap();
  await phone.locator('[data-test="announcement-title"]', { hasText: title }).waitFor();
  await phone.locator('[data-test="announcement"]').getByText('收缴金额').waitFor();
  await expectSupervisionTranslated(phone);
  await shot(phone, '05-phone-read');
  await phone.goBack();
  await phone
    .locator('[data-test="announcement-item"]', { hasText: title })
    .getByText('已读', { exact: true })
    .waitFor();

  log("the group's receipts show who read it and who did not");
  await group.reload();
  await group.locator('[data-test="receipt-figures"]').waitFor();
  if (await tenantRow.count()) await tenantRow.waitFor();
  const read = await findPerson(group, reader.name);
  await read.locator('[data-test="receipt-row-read"]').waitFor();
  expect(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(await read.innerText()), 'the time of the first reading');
  await shot(group, '06-group-reader-read');
  const unread = await findPerson(group, colleagueName);
  await unread.locator('[data-test="receipt-row-unread"]').waitFor();
  // Filtered to the unread (by name: other tests' subsidiaries fill more than one page): the
  // colleague stays, the reader, who has read it, leaves the list.
  await group.locator('[data-test="receipt-state"]').getByText('未读', { exact: true }).click();
  await group.locator('input[data-test="receipt-search"]').fill(colleagueName);
  await group.locator('input[data-test="receipt-search"]').press('Enter');
  await group.locator('[data-test="receipt-table"] .el-table__row', { hasText: colleagueName }).waitFor();
  await group.locator('input[data-test="receipt-search"]').fill(reader.name);
  await group.locator('input[data-test="receipt-search"]').press('Enter');
  await group
    .locator('[data-test="receipt-table"] .el-table__row', { hasText: reader.name })
    .waitFor({ state: 'detached' });
  await shot(group, '07-group-unread-filter');

  log('the group reminds the unread');
  await group.locator('[data-test="receipt-remind"]').click();
  await group.locator('.el-message-box__btns .el-button--primary').click();
  await group
    .getByText(/已提醒 \d+ 人/)
    .first()
    .waitFor();
  await group.locator('[data-test="receipt-last-reminded"]', { hasText: /上次提醒：\d{4}-/ }).waitFor();
  expect(await group.locator('[data-test="receipt-remind"]').isDisabled(), 'one reminder a day');
  await expectSupervisionTranslated(group);
  await shot(group, '08-group-reminded');
});
