import { describe, expect, it } from 'vitest';
import { adminPassword, apiAs, login, logout, useBrowser } from './helpers';

/** Names carry a run mark so the flow also runs against a server that already has data. */
const run = Date.now().toString(36).slice(-5);
const CITY = `市委宣传部${run}`;
const COUNTY = `临溪县委宣传部${run}`;
const OTHER = `白石县委宣传部${run}`;
const LIAISON = `info_liaison_${run}`;
const EDITOR = `info_editor_${run}`;
const PASSWORD = 'Info-pass-2026';
const CODE = `XX${run}`;
const RULE_ITEM = `报送信息被省级采用${run}`;
const TITLE = `临溪县召开理论学习会议${run}`;
const OUTLET = '省委宣传部《宣传工作》';

/** A news page copied from a browser: Traditional characters, pinyin after some of them, and the page's own chrome. */
const PASTED = [
  '首頁 > 工作動態',
  '返回顶部',
  '臨溪縣召開(kāi)理論學習會(huì)議(yì)',
  '本報訊 11月20日，臨溪縣委宣傳部組織機關幹部集中學習,深入交流學習體會。',
  '會(huì)上，大家圍繞基層宣講工作展開討論，並就下一步工作作出安排。',
  '返回顶部',
].join('\n');

/** Today in Shanghai. */
function today(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

describe('信息报送与三审三校', () => {
  const newPage = useBrowser();

  it('联络员粘贴网页文本清理后报送，编辑修改并通过，校对、审核通过后被省级采用，单位积分明细中出现这条采用', async () => {
    // Preconditions, not under test: a county under a city, its liaison, an editor above it, and a rule that scores 省级 adoptions.
    const admin = await apiAs('admin', adminPassword);
    const city = await admin<{ id: string }>('POST', '/api/org/units', { parentId: null, name: CITY, type: 'department', sort: 0 });
    const county = await admin<{ id: string }>('POST', '/api/org/units', { parentId: city.id, name: COUNTY, type: 'county_department', sort: 0 });
    const other = await admin<{ id: string }>('POST', '/api/org/units', { parentId: city.id, name: OTHER, type: 'county_department', sort: 1 });
    const roles = await admin<{ data: { id: string; code: string }[] }>('GET', '/api/org/roles?pageSize=100');
    const role = (code: string) => roles.data.find((r) => r.code === code)!.id;
    const liaison = await admin<{ id: string }>('POST', '/api/org/persons', { unitId: county.id, name: '钟联络', post: '联络员', partyMember: true });
    await admin('POST', `/api/org/persons/${liaison.id}/account`, { username: LIAISON, password: PASSWORD, roleIds: [role('liaison')] });
    const editor = await admin<{ id: string }>('POST', '/api/org/persons', { unitId: city.id, name: '林编审', post: '信息科科长', partyMember: true });
    await admin('POST', `/api/org/persons/${editor.id}/account`, { username: EDITOR, password: PASSWORD, roleIds: [role('info_reviewer')] });
    const year = Number(today().slice(0, 4));
    await admin('POST', '/api/points/rules', {
      year,
      code: CODE,
      category: '信息宣传',
      item: RULE_ITEM,
      subjectType: 'unit',
      points: '5',
      countingUnit: '条',
      evidenceRequired: false,
      effectiveFrom: `${year}-01-01`,
      source: 'info.adopted',
      sourceMatch: { level: '省级' },
    });

    // An earlier item of another county on the same meeting, for 查重 to find.
    await admin('POST', '/api/info/items', {
      unitId: other.id,
      title: `白石县召开理论学习会议${run}`,
      category: '动态信息',
      bodyHtml: '<p>本报讯 11月20日，白石县委宣传部组织机关干部集中学习，深入交流学习体会。</p><p>会上，大家围绕基层宣讲工作展开讨论，并就下一步工作作出安排。</p>',
      submit: true,
    });

    const page = await newPage();

    // The liaison pastes the web text, compares it with the cleaned text and takes the cleaned one.
    await login(page, LIAISON, PASSWORD);
    await page.getByRole('menuitem', { name: '信息报送' }).click();
    await page.getByRole('menuitem', { name: '信息列表' }).click();
    await page.getByRole('button', { name: '报送信息' }).click();
    await page.getByRole('button', { name: '粘贴网页文本 / 导入文件' }).click();
    const clean = page.getByRole('dialog', { name: '粘贴网页文本并清理' });
    await clean.getByLabel('在此粘贴从网页或微信复制的文字').fill(PASTED);
    await clean.getByRole('button', { name: '清理并对照' }).click();
    const cleaned = clean.getByLabel('清理结果（可修改）');
    await cleaned.waitFor();
    const text = await cleaned.inputValue();
    expect(text).toContain('临溪县召开理论学习会议');
    expect(text).toContain('本报讯 11月20日，临溪县委宣传部组织机关干部集中学习，深入交流学习体会。');
    expect(text).not.toMatch(/[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]/);
    expect(text).not.toContain('返回顶部');
    expect(text).not.toMatch(/[縣會議開幹報傳體]/);
    await clean.getByText('删除字后的拼音注音').waitFor();
    await clean.getByText('繁体字转为简体字').waitFor();
    await expect.poll(() => clean.getByLabel('原文').textContent()).toContain('會(huì)議');
    await clean.getByRole('button', { name: '采用清理结果' }).click();
    await clean.waitFor({ state: 'hidden' });
    const body = page.locator('.info-editor-body');
    await body.getByText('会上，大家围绕基层宣讲工作展开讨论').waitFor();
    await page.getByLabel('标题', { exact: true }).fill(TITLE);

    // A double click on 报送 submits one item; 查重 first shows the other county's item, its title hidden.
    await page.getByRole('button', { name: /(^|\s)报送$/ }).dblclick();
    const dup = page.locator('.ant-modal-confirm').filter({ hasText: /发现 \d+ 条相似的已报信息/ });
    await dup.getByText(OTHER).first().waitFor();
    await dup.getByText('（其他单位的信息，标题不可见）').first().waitFor();
    expect(await dup.getByText(/相似 \d+%/).first().textContent()).toMatch(/相似 ([5-9]\d|100)%/);
    await dup.getByRole('button', { name: '仍要报送' }).click();
    await page.getByText('已报送').first().waitFor();
    await page.waitForURL(/\/info\/items\/[^/]+$/);
    await page.getByText('审核中·编辑').waitFor();
    await page.getByRole('menuitem', { name: '信息列表' }).click();
    await page.getByPlaceholder('搜索标题或正文').fill(run);
    await page.getByPlaceholder('搜索标题或正文').press('Enter');
    const rows = page.getByRole('row').filter({ hasText: TITLE });
    await rows.first().waitFor();
    await page.waitForTimeout(500);
    expect(await rows.count()).toBe(1);
    await rows.getByText('审核中·编辑').waitFor();
    await logout(page);

    // The editor finds it among 待我审核, changes a word and passes it; the change is kept as a version with its diff.
    await login(page, EDITOR, PASSWORD);
    await page.getByRole('menuitem', { name: '信息报送' }).click();
    await page.getByRole('menuitem', { name: /待我审核/ }).click();
    await page.getByRole('link', { name: TITLE }).click();
    await page.getByRole('button', { name: /(^|\s)修改$/ }).click();
    const editorBody = page.locator('.info-editor-body');
    await editorBody.getByText('深入交流学习体会').waitFor();
    await editorBody.evaluate((el) => {
      // Select the word 深入 so typing replaces it, the way an editor corrects a word.
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.textContent!.indexOf('深入');
        if (i >= 0) {
          const range = document.createRange();
          range.setStart(n, i);
          range.setEnd(n, i + 2);
          const sel = window.getSelection()!;
          sel.removeAllRanges();
          sel.addRange(range);
          return;
        }
      }
    });
    await page.keyboard.type('认真');
    await editorBody.getByText('认真交流学习体会').waitFor();
    await page.getByLabel('修改说明', { exact: true }).fill('改一词');
    await page.getByRole('button', { name: '保存修改' }).click();
    await page.waitForURL(/\/info\/items\/[^/]+$/);
    await page.getByText('版本（2）').waitFor();
    await page.locator('.info-diff ins').getByText('认真').waitFor();
    await page.locator('.info-diff del').getByText('深入').waitFor();
    await page.getByRole('button', { name: '通过，转下一环节' }).click();
    await page.getByRole('dialog', { name: '通过，转下一环节' }).getByRole('button', { name: '通过，转下一环节' }).click();
    await page.getByText('已通过，转下一环节').first().waitFor();
    await page.getByText('审核中·校对').waitFor();

    // 校对 passes, 审核 approves.
    await page.getByRole('button', { name: '通过，转下一环节' }).click();
    await page.getByRole('dialog', { name: '通过，转下一环节' }).getByRole('button', { name: '通过，转下一环节' }).click();
    await page.getByText('审核中·审核').waitFor();
    await page.getByRole('button', { name: '审定通过' }).click();
    await page.getByRole('dialog', { name: '审定通过' }).getByRole('button', { name: '审定通过' }).click();
    await page.getByText('已审定通过').first().waitFor();
    await page.getByText('已审定', { exact: true }).waitFor();

    // 采用 by the provincial department, with a link to the published page.
    await page.getByRole('button', { name: '采用', exact: true }).click();
    const adopt = page.getByRole('dialog', { name: '采用信息' });
    await adopt.getByText('外部采用').click();
    await adopt.getByLabel('采用单位或媒体', { exact: true }).fill(OUTLET);
    await adopt.getByLabel('级别', { exact: true }).click();
    await page.locator('.ant-select-dropdown:visible').getByText('省级', { exact: true }).click();
    const links = adopt.getByLabel('采用链接', { exact: true });
    await links.fill('https://example.org/xcgz/2026/info.html');
    await links.press('Enter');
    await adopt.getByRole('button', { name: '保存' }).click();
    await page.getByText('已登记采用，积分已计入').first().waitFor();
    await adopt.waitFor({ state: 'hidden' });
    const adoptions = page.locator('.ant-card').filter({ hasText: '采用情况' });
    await adoptions.getByText(OUTLET).waitFor();
    await adoptions.getByText('省级').waitFor();
    await logout(page);

    // The admin books the automatic points; the county's ledger shows the adoption with its 5 points.
    await login(page, 'admin', adminPassword);
    await page.getByRole('menuitem', { name: '考核积分' }).click();
    await page.getByRole('menuitem', { name: '考核周期' }).click();
    await page.getByRole('button', { name: '立即同步自动积分' }).click();
    await page.getByText(/已处理 \d+ 个业务事件|没有待同步的业务事件/).first().waitFor();
    await page.getByRole('menuitem', { name: '积分明细' }).click();
    await page.getByPlaceholder('细则编码').fill(CODE);
    await page.getByPlaceholder('细则编码').press('Enter');
    const line = page.getByRole('row').filter({ hasText: `信息《${TITLE}》被${OUTLET}采用（省级）` }).filter({ hasText: RULE_ITEM });
    await expect.poll(() => line.count()).toBe(1);
    await line.getByText(COUNTY).waitFor();
    await line.getByText('+5', { exact: true }).waitFor();
  });
});
