// browser-cors.mjs - drives Debian's Chromium (headless, via playwright-core)
// through examples/cors-demo served from one origin against HealthHub APIs on
// other origins, and checks what a person would see.
//
//   node tests/js/browser-cors.mjs --page http://127.0.0.1:S/cors-demo/index.html \
//        [--allowed http://127.0.0.1:A]... [--blocked http://127.0.0.1:B]... \
//        [--screenshots DIR]
//
// --allowed: an API whose CORS settings admit the page's origin: the article
// and the triage answer must show. --blocked: an API whose allow-list leaves
// the page's origin out: the browser must refuse the answers (Chromium says
// "blocked by CORS policy") and the page must show an error.
// Exit 0 when every check passes, 1 otherwise, 2 on bad usage.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { LAUNCH, WAIT_MS, check, finish } from './browser-common.mjs';

const ARTICLE = '/v1/articles/upper-middle-back-muscle-soreness';
const CAUSES = ['muscle-strain', 'poor-posture', 'muscle-imbalance', 'inactivity', 'stress-tension',
	'injury', 'repetitive-movements', 'underlying-conditions'];


function parseArgs(argv) {
	const o = { page: null, allowed: [], blocked: [], screenshots: null };
	for (let i = 0; i < argv.length; i += 2) {
		const [flag, value] = [argv[i], argv[i + 1]];
		if (value === undefined)
			throw new Error('option ' + flag + ' needs a value');
		if (flag === '--page')
			o.page = value;
		else if (flag === '--allowed' || flag === '--blocked')
			o[flag.slice(2)].push(value);
		else if (flag === '--screenshots')
			o.screenshots = value;
		else
			throw new Error('unknown option ' + flag);
	}
	if (!o.page || o.allowed.length + o.blocked.length === 0)
		throw new Error('need --page and at least one --allowed or --blocked');
	return o;
}

// The article as the API serves it, fetched from Node (no CORS here), so the
// page is compared with the server's own answer rather than a copy.
async function expectedArticle(api) {
	const res = await fetch(api + ARTICLE);
	if (!res.ok)
		throw new Error('GET ' + api + ARTICLE + ': ' + res.status);
	return res.json();
}

// Opens the page against one API in a context of its own (own cache, own
// preflight cache), collecting console messages and failed requests.
async function openPage(browser, o, api, name) {
	const context = await browser.newContext();
	const page = await context.newPage();
	const log = { console: [], failed: [] };
	page.on('console', (m) => log.console.push(m.text()));
	page.on('requestfailed', (r) => log.failed.push(r.url() + ' ' + (r.failure()?.errorText || '')));
	const url = o.page + (api === null ? '' : '?api=' + encodeURIComponent(api));
	await page.goto(url, { waitUntil: 'load' });
	await page.waitForSelector('#article:not([data-state="loading"])', { timeout: WAIT_MS });
	return { context, page, log, name };
}

async function submitTriage(page) {
	await page.getByRole('button', { name: 'Check' }).click();
	await page.waitForSelector('#triage[data-state="done"], #triage[data-state="error"]', { timeout: WAIT_MS });
}

async function screenshot(o, v) {
	if (!o.screenshots)
		return;
	mkdirSync(o.screenshots, { recursive: true });
	await v.page.screenshot({ path: join(o.screenshots, v.name + '.png'), fullPage: true });
}

async function caseAllowed(browser, o, api) {
	const want = await expectedArticle(api);
	const v = await openPage(browser, o, api, 'allowed-' + new URL(api).port);
	const p = v.page;
	const tag = '[allowed ' + api + '] ';
	check(await p.getAttribute('#article', 'data-state') === 'loaded', tag + 'article loaded');
	const title = await p.textContent('#article-title');
	check(title === want.title && title.length > 0, tag + 'title shown: ' + JSON.stringify(title));
	const slugs = await p.$$eval('#causes > li', (lis) => lis.map((li) => li.dataset.slug));
	check(slugs.length === 8, tag + '8 causes listed (got ' + slugs.length + ')');
	check(CAUSES.every((s) => slugs.includes(s)), tag + 'causes are the article\'s: ' + slugs.join(','));
	check(await p.isVisible('#causes > li >> nth=0'), tag + 'causes are visible');
	check(!(await p.isVisible('#article-error')), tag + 'no article error shown');
	await submitTriage(p);
	check(await p.getAttribute('#triage', 'data-state') === 'done', tag + 'triage answered: ' +
		(await p.textContent('#triage-error')));
	check(await p.getAttribute('#triage-level', 'data-level') === 'self_care', tag + 'triage level self_care');
	check(await p.isVisible('#triage-level'), tag + 'triage level visible: ' + (await p.textContent('#triage-level')));
	check(await p.getAttribute('#triage-top-cause', 'data-slug') === 'poor-posture', tag + 'top cause poor-posture');
	check(await p.textContent('#triage-top-cause') === 'Poor posture', tag + 'top cause name shown');
	check(!v.log.console.some((m) => /CORS/.test(m)), tag + 'no CORS complaint in the console');
	await screenshot(o, v);
	await v.context.close();
}

async function caseBlocked(browser, o, api) {
	const v = await openPage(browser, o, api, 'blocked-' + new URL(api).port);
	const p = v.page;
	const tag = '[blocked ' + api + '] ';
	check(await p.getAttribute('#article', 'data-state') === 'error', tag + 'article not loaded');
	check(await p.isVisible('#article-error'), tag + 'article error visible: ' + (await p.textContent('#article-error')));
	check(await p.$$eval('#causes > li', (l) => l.length) === 0, tag + 'no causes listed');
	await submitTriage(p);
	check(await p.getAttribute('#triage', 'data-state') === 'error', tag + 'triage not answered');
	check(await p.isVisible('#triage-error'), tag + 'triage error visible: ' + (await p.textContent('#triage-error')));
	check(await p.isHidden('#triage-result'), tag + 'no triage result shown');
	const cors = v.log.console.filter((m) => /blocked by CORS policy/.test(m) && m.includes(api));
	check(cors.length >= 2, tag + 'Chromium blocked the GET and the POST by CORS policy (' + cors.length +
		' messages): ' + v.log.console.join(' | '));
	await screenshot(o, v);
	await v.context.close();
}

async function caseNoApi(browser, o) {
	const v = await openPage(browser, o, null, 'no-api');
	check(await v.page.isVisible('#article-error'), '[no ?api=] the page says what is missing: ' +
		(await v.page.textContent('#article-error')));
	await v.context.close();
}

async function main() {
	let o;
	try {
		o = parseArgs(process.argv.slice(2));
	} catch (e) {
		console.error('browser-cors: ' + e.message);
		return 2;
	}
	const browser = await chromium.launch(LAUNCH);
	try {
		console.log('browser-cors: ' + browser.version() + ', page ' + o.page);
		for (const api of o.allowed)
			await caseAllowed(browser, o, api);
		for (const api of o.blocked)
			await caseBlocked(browser, o, api);
		await caseNoApi(browser, o);
	} catch (e) {
		check(false, 'unexpected error: ' + (e.stack || e));
	} finally {
		await browser.close();
	}
	return finish('browser-cors');
}

process.exitCode = await main();
