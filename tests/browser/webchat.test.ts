import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../helpers/service.js';

// The local web chat as a newcomer meets it: `npm start`'s entry point on a fresh data folder with no chat platform
// configured, the demo community it seeds, and the page in headless Chromium. Two visitors (two browser contexts)
// walk the demo story; every assertion is on what the page shows.

const chromiumPath = '/usr/bin/chromium';
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const skipReason = existsSync(chromiumPath) ? null : `${chromiumPath} is missing (apt-get install chromium)`;
const suiteName = 'the web chat in Chromium, end to end through npm start';

/** How long the page may take to show what the engine answered (inbox → engine → outbox → delivery → stream). */
const answerTimeout = 20_000;

describe.skipIf(skipReason !== null)(skipReason ? `${suiteName} [SKIPPED, ${skipReason}]` : suiteName, () => {
  let tmp: string;
  let service: RunningService;
  let proxy: Proxy;
  let browser: Browser;
  /** The main visitor, reaching yishi through a proxy that can cut its connections. */
  let page: Page;
  /** A second visitor, acting at the same time. */
  let other: Page;
  const pageErrors: string[] = [];
  let issue = 0;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'yishi-webchat-'));
    service = await startService({ DATA_DIR: path.join(tmp, 'data'), LOG_LEVEL: 'warn' });
    await service.waitUntilHealthy(60_000);
    await waitForWorld(service.port);
    proxy = await startProxy(service.port);
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
    page = await (await browser.newContext()).newPage();
    other = await (await browser.newContext()).newPage();
    for (const p of [page, other]) p.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`http://127.0.0.1:${proxy.port}/`);
    await other.goto(`http://127.0.0.1:${service.port}/`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    const run = await service?.stop();
    if (run && run.code !== 0) console.error(run.stderr);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('shows the demo community, marked as demo data, with its chats and what is already going on', async () => {
    await actAs(page, 'zhang');
    await expect.poll(() => page.locator('#demo-badge').isVisible()).toBe(true);
    expect(await page.locator('#demo-badge').textContent()).toContain('演示数据');
    expect(await page.locator('#community-name').textContent()).toBe('幸福社区（演示）');
    expect(await page.locator('.chat-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-chat-id')))).toEqual([
      'demo-community',
      'demo-b1',
      'demo-b2',
      'demo-committee',
      'demo-property',
      'dm-zhang',
    ]);
    expect(await page.locator('.chat-item[data-chat-id="dm-zhang"] .chat-name').textContent()).toBe('和议事私聊');
    expect(await page.locator('#persona-select option[value="head1"]').textContent()).toBe('陈建国（楼长、居民 · 1栋202）');
    await botSays(page, 'demo-b1', /1栋电梯经常停运，老人上下楼困难/);
    await botSays(page, 'demo-b1', /楼道是否加装声控灯？/);
  });

  it('raises an issue as 张伟 from the "/" menu, and shows what residents typed as text, never as markup', async () => {
    await actAs(page, 'zhang');
    await openChat(page, 'demo-b1');
    await page.locator('#composer-input').fill('/');
    await expect.poll(() => page.locator('#command-menu .menu-item').count(), { timeout: answerTimeout }).toBeGreaterThan(3);
    await page.locator('#composer-input').press('i');
    await page.locator('#composer-input').press('s');
    await expect
      .poll(() => page.locator('#command-menu .menu-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-command'))))
      .toEqual(expect.arrayContaining(['issue', 'issues']));
    expect(await page.locator('#command-menu').textContent()).not.toContain('/support');
    await page.locator('#composer-input').press('Enter');
    expect(await page.locator('#composer-input').inputValue()).toBe('/issue ');
    expect(await page.locator('#command-menu').isHidden()).toBe(true);

    await page.locator('#composer-input').pressSequentially('单元门口垃圾桶太少，垃圾经常堆到路边 <img src=x onerror="window.__xss=1">');
    await page.locator('#composer-input').press('Enter');
    const raised = await botSays(page, 'demo-b1', /已提出 #\d+ 号议题（[^）]+）：\s*单元门口垃圾桶太少/);
    issue = Number(/已提出 #(\d+) 号议题/.exec(raised)![1]);
    expect(issue).toBeGreaterThan(1);
    expect(raised).toContain('<img src=x onerror="window.__xss=1">');
    expect(raised).toContain('附议够数后将从“楼栋”一级上报');
    await page.locator('.message.from-me').filter({ hasText: '单元门口垃圾桶太少' }).first().waitFor();
    expect(await page.locator('#messages img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('#composer-input').inputValue()).toBe('');
  });

  it('backs the issue by button as 王芳 and 李娜 (across a page reload) and by /support as 陈建国: it moves up a level', async () => {
    await actAs(page, 'wang');
    await tap(page, 'demo-b1', `已提出 #${issue} 号议题`, `👍 附议 #${issue}`);
    await botSays(page, 'demo-b1', new RegExp(`感谢您附议 #${issue} 号议题。目前附议户数：2（达到 3 户将上报）`));
    const before = await messageIds(page);

    // 李娜, on another page, backs it while this page reloads: the third household, so the issue moves up.
    await actAs(other, 'li');
    await Promise.all([page.reload(), tap(other, 'demo-b1', `已提出 #${issue} 号议题`, `👍 附议 #${issue}`)]);
    await page.waitForSelector('body[data-persona="wang"][data-ready="true"]');
    expect(await page.locator('#chat-title').textContent()).toBe('1栋业主群');
    const escalated = new RegExp(`#${issue} 号议题已从“楼栋”上报到“居民小组”（附议的邻居已够数）`);
    await botSays(page, 'demo-b1', escalated);
    // 李娜 alone is thanked (a message only she sees); everyone sees the card's count go up.
    await botSays(other, 'demo-b1', new RegExp(`感谢您附议 #${issue} 号议题。目前附议户数：3`));
    expect(await botMessage(page, `感谢您附议 #${issue} 号议题。目前附议户数：3`).count()).toBe(0);
    await botSays(page, 'demo-b1', new RegExp(`已提出 #${issue} 号议题[\\s\\S]*已附议：3 户，已达上报户数`));
    const after = await messageIds(page);
    expect(after).toEqual([...new Set(after)]);
    expect(after).toEqual(expect.arrayContaining(before));
    expect(await page.locator('.message.from-bot').filter({ hasText: escalated }).count()).toBe(1);

    await actAs(page, 'head1');
    await say(page, 'demo-b1', `/support ${issue}`);
    // Typed in the group: answered there, naming him.
    await botSays(page, 'demo-b1', new RegExp(`已收到附议，谢谢：\\s*#${issue} 陈建国（4/3 户）`));
    await botSays(page, 'demo-community', escalated);
    expect(await page.locator('.message.from-bot').filter({ hasText: escalated }).count()).toBe(1);
  }, 90_000);

  it('lets 刘主任 triage it big and assign it to 物业, 物业小王 answer and resolve it, and 张伟 rate it', async () => {
    await actAs(page, 'committee');
    await say(page, 'demo-committee', `/triage ${issue} big`);
    await botSays(page, 'demo-committee', new RegExp(`#${issue} 号议题定为大事（责任单位负责办），由刘主任决定。`));
    await say(page, 'demo-committee', `/assign ${issue} 物业 7`);
    await botSays(page, 'demo-committee', new RegExp(`#${issue} 号议题已交由物业督办，7 天内（.+前）答复`));
    await botSays(page, 'demo-b1', new RegExp(`#${issue} 号议题定为大事`));

    await actAs(page, 'property');
    await botSays(page, 'demo-property', new RegExp(`#${issue} 号议题已交由物业督办`));
    await say(page, 'demo-property', `/respond ${issue} 已联系环卫公司，本周五前在单元门口增加两个垃圾桶`);
    await botSays(page, 'demo-property', new RegExp(`物业答复了 #${issue} 号议题：\\s*已联系环卫公司`));
    await say(page, 'demo-property', `/resolve ${issue} 两个新垃圾桶已经放好`);
    await botSays(page, 'demo-b1', new RegExp(`物业答复了 #${issue} 号议题`));
    await botSays(page, 'demo-b1', new RegExp(`#${issue} 号议题已办结。`));

    await actAs(page, 'zhang');
    await botSays(page, `dm-zhang`, new RegExp(`#${issue} 号议题已办结`));
    await tap(page, 'demo-b1', `#${issue} 号议题已办结。`, '4★');
    await botSays(page, 'demo-b1', new RegExp(`谢谢！您给 #${issue} 号议题打了 4 分（满分 5 分）`));
  }, 120_000);

  it('runs 陈建国’s poll: two residents vote, one changes their vote, and the tally shows it', async () => {
    await actAs(page, 'head1');
    await say(page, 'demo-b1', '/poll 周六上午组织楼道大扫除，您参加吗？ | 参加 | 不参加');
    const opened = await botSays(page, 'demo-b1', /#\d+ 号投票（1栋）：周六上午组织楼道大扫除/);
    const poll = Number(/#(\d+) 号投票/.exec(opened)![1]);
    const pollMessage = await page
      .locator('.message.from-bot')
      .filter({ hasText: /周六上午组织楼道大扫除/ })
      .last()
      .getAttribute('data-message-id');

    await actAs(page, 'zhang');
    await tap(page, 'demo-b1', '周六上午组织楼道大扫除', '参加');
    await botSays(page, 'dm-zhang', new RegExp(`您在 #${poll} 号投票中的选择已记录：参加。`));
    await actAs(page, 'wang');
    await tap(page, 'demo-b1', '周六上午组织楼道大扫除', '参加');
    await botSays(page, 'dm-wang', new RegExp(`您在 #${poll} 号投票中的选择已记录：参加。`));
    await tap(page, 'demo-b1', '周六上午组织楼道大扫除', '不参加');
    await botSays(page, 'dm-wang', new RegExp(`您在 #${poll} 号投票中的选择已记录：不参加。`));

    // The poll's own message is edited in place with the live counts.
    await openChat(page, 'demo-b1');
    const live = page.locator(`.message[data-message-id="${pollMessage}"]`);
    await expect.poll(() => live.textContent(), { timeout: answerTimeout }).toMatch(/不参加：1 票/);
    expect(await live.textContent()).toMatch(/(^|\n|[^不])参加：1 票/);
    expect(await live.count()).toBe(1);
    expect(await live.locator('.edited').count()).toBe(1);

    await say(page, 'demo-b1', `/results ${poll}`);
    const results = await botSays(page, 'demo-b1', new RegExp(`#${poll} 号投票目前统计`));
    expect(results).toContain('不参加：1 票（50.0%）');
    expect(results.replace('不参加：', '')).toContain('参加：1 票（50.0%）');
  }, 90_000);

  it('runs an owners’ vote that 刘主任 opens and closes: the verdict is shown', async () => {
    await actAs(page, 'committee');
    await say(page, 'demo-b1', '/ownersvote ordinary 是否同意使用公共收益更换1栋单元门禁？');
    const opened = await botSays(page, 'demo-b1', /#\d+ 号业主表决（1栋，一般事项/);
    const vote = Number(/#(\d+) 号业主表决/.exec(opened)![1]);
    for (const [persona, choice] of [
      ['zhang', '同意'],
      ['wang', '同意'],
      ['li', '反对'],
      ['head1', '同意'],
    ] as const) {
      await actAs(page, persona);
      await tap(page, 'demo-b1', '是否同意使用公共收益更换1栋单元门禁', choice);
      await botSays(page, `dm-${persona}`, new RegExp(`您家在 #${vote} 号业主表决中的投票已记录：${choice}`));
    }
    // Four of six households have voted in chat, short of 2/3 of the area: a paper ballot brings in a fifth.
    await actAs(page, 'committee');
    await say(page, 'demo-b1', `/results ${vote}`);
    const short = await botSays(page, 'demo-b1', new RegExp(`#${vote} 号业主表决目前统计`));
    expect(short).toMatch(/参与表决：6 户中 4 户/);
    expect(short).toContain('如现在结束：无效：参与表决的业主未达法定比例。');
    await say(page, 'demo-b1', `/paperballot ${vote} 301 同意`);
    await botSays(page, 'demo-b1', new RegExp(`已在 #${vote} 号业主表决中为 1栋 301 登记纸质票：同意。`));
    await say(page, 'demo-b1', `/close ${vote}`);
    const closed = await botSays(page, 'demo-b1', new RegExp(`#${vote} 号业主表决已结束`));
    expect(closed).toMatch(/参与表决：6 户中 5 户/);
    expect(closed).toContain('同意：4 户');
    expect(closed).toContain('其中纸质或委托投票 1 张。');
    expect(closed).toContain('表决结果：通过。');
  }, 120_000);

  it('misses nothing and shows nothing twice when its connection drops', async () => {
    await actAs(page, 'zhang');
    await openChat(page, 'demo-community');
    await page.waitForSelector('body[data-stream="open"]');
    proxy.cutAndHold();
    await page.waitForSelector('body[data-stream="lost"]');
    expect(await page.locator('#connection').isVisible()).toBe(true);

    await actAs(other, 'wang');
    await say(other, 'demo-community', '今晚七点小区广场有义诊，欢迎大家来');
    await say(other, 'demo-community', '/issues');
    await botSays(other, 'demo-community', /未办结的议题/);

    proxy.release();
    await page.waitForSelector('body[data-stream="open"]', { timeout: answerTimeout });
    const note = page.locator('.message.from-member').filter({ hasText: '今晚七点小区广场有义诊' });
    await note.first().waitFor({ timeout: answerTimeout });
    await botSays(page, 'demo-community', /未办结的议题/);
    expect(await note.count()).toBe(1);
    expect(await note.locator('.author').textContent()).toBe('王芳');
    const ids = await messageIds(page);
    expect(ids).toEqual([...new Set(ids)]);
  }, 90_000);

  it('switches 张伟 to English: the bot answers in English and the page follows, and the visitor can switch the page back', async () => {
    await actAs(page, 'zhang');
    await page.locator('#bot-locale-select').selectOption('en');
    await botSays(page, 'dm-zhang', /From now on I will write to you in English\./);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('#chat-title').textContent()).toBe('Private chat with yishi');
    expect(await page.locator('#demo-badge').textContent()).toContain('Demo data');

    await say(page, 'dm-zhang', '/help');
    await botSays(page, 'dm-zhang', /Commands you can use here:/);
    await page.locator('#composer-input').fill('/');
    await expect
      .poll(() => page.locator('#command-menu').textContent(), { timeout: answerTimeout })
      .toContain('the commands you can use here');
    await page.locator('#composer-input').press('Escape');
    expect(await page.locator('#command-menu').isHidden()).toBe(true);
    await page.locator('#composer-input').fill('');

    await page.locator('#ui-locale-select').selectOption('zh-CN');
    await expect.poll(() => page.locator('#chat-title').textContent()).toBe('和议事私聊');
    expect(await page.locator('.message.from-bot').last().textContent()).toContain('Commands you can use here:');

    // A persona whose language is English gets an English page at once; typing /lang moves the page along too.
    await actAs(page, 'anna');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('.chat-item[data-chat-id="dm-anna"] .chat-name').textContent()).toBe('Private chat with yishi');
    await say(page, 'dm-anna', '/lang zh-CN');
    await botSays(page, 'dm-anna', /好的，今后我会用简体中文和您交流。/);
    await expect.poll(() => page.locator('html').getAttribute('lang'), { timeout: answerTimeout }).toBe('zh-CN');
    expect(await page.locator('#chat-title').textContent()).toBe('和议事私聊');
    expect(await page.locator('#bot-locale-select').inputValue()).toBe('zh-CN');
  }, 90_000);

  it('threw no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

async function waitForWorld(port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const response = await fetch(`http://127.0.0.1:${port}/webchat/api/world`).catch(() => null);
    if (response?.ok && ((await response.json()) as { personas?: unknown[] }).personas?.length) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the web chat never served its demo community');
}

/** Switches the page to a persona and waits until its chats are loaded and its stream is open. */
async function actAs(page: Page, persona: string): Promise<void> {
  if ((await page.locator('body').getAttribute('data-persona')) !== persona) await page.locator('#persona-select').selectOption(persona);
  await page.waitForSelector(`body[data-persona="${persona}"][data-ready="true"]`, { timeout: answerTimeout });
}

async function openChat(page: Page, chatId: string): Promise<void> {
  await page.locator(`.chat-item[data-chat-id="${chatId}"]`).click();
  await page.waitForSelector(`.chat-item[data-chat-id="${chatId}"][aria-current="true"]`);
}

/** Types a message in a chat and sends it with Enter; resolves once yishi accepted it (the composer is cleared). */
async function say(page: Page, chatId: string, text: string): Promise<void> {
  await openChat(page, chatId);
  const composer = page.locator('#composer-input');
  await composer.fill(text);
  await composer.press('Enter');
  await expect.poll(() => composer.inputValue(), { timeout: answerTimeout }).toBe('');
}

function botMessage(page: Page, pattern: RegExp | string): Locator {
  return page.locator('#messages .message.from-bot').filter({ hasText: pattern }).last();
}

/** Waits until the bot's message matching `pattern` shows in the chat, and returns its text. */
async function botSays(page: Page, chatId: string, pattern: RegExp | string): Promise<string> {
  await openChat(page, chatId);
  const message = botMessage(page, pattern);
  await message.waitFor({ timeout: answerTimeout });
  return (await message.locator('.text').textContent()) ?? '';
}

/** Taps a button of the bot's message matching `pattern`; the page acknowledges the tap at once. */
async function tap(page: Page, chatId: string, pattern: RegExp | string, label: string): Promise<void> {
  await openChat(page, chatId);
  const message = botMessage(page, pattern);
  await message.waitFor({ timeout: answerTimeout });
  await message.getByRole('button', { name: label, exact: true }).click();
  await page.locator('.toast').filter({ hasText: label }).first().waitFor({ timeout: 2_000 });
}

/** The ids of the messages shown in the open chat, in their order. */
async function messageIds(page: Page): Promise<string[]> {
  return page.locator('#messages .message').evaluateAll((items) => items.map((item) => item.getAttribute('data-message-id') ?? ''));
}

type Proxy = { port: number; cutAndHold(): void; release(): void; close(): Promise<void> };

/** A TCP proxy in front of yishi that can cut every connection and refuse new ones until released. */
async function startProxy(targetPort: number): Promise<Proxy> {
  const sockets = new Set<Socket>();
  let holding = false;
  const server: Server = createServer((client) => {
    if (holding) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = [client, upstream];
    const end = () => {
      for (const socket of pair) {
        socket.destroy();
        sockets.delete(socket);
      }
    };
    for (const socket of pair) {
      sockets.add(socket);
      socket.on('error', end);
      socket.on('close', end);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cutAndHold() {
      holding = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    release() {
      holding = false;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
