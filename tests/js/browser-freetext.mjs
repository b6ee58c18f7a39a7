// browser-freetext.mjs - the interview demo's free-text first screen in headless Chromium
// (examples/interview/index.html?freetext=1): the person's words are read, what was read is
// shown to confirm (a hedged red flag must be answered), then the interview asks the rest.
//
//   node browser-freetext.mjs --page URL_OF_index.html --api http://127.0.0.1:PORT
import { chromium } from 'playwright-core';

import { LAUNCH, WAIT_MS, check, finish } from './browser-common.mjs';

function parseArgs(argv) {
	const o = {};
	for (let i = 0; i < argv.length; i += 2)
		o[argv[i].replace(/^--/, '')] = argv[i + 1];
	if (!o.page || !o.api)
		throw new Error('need --page and --api');
	return o;
}

async function main() {
	const o = parseArgs(process.argv.slice(2));
	const browser = await chromium.launch(LAUNCH);
	try {
		const page = await (await browser.newContext()).newPage();
		const errors = [];
		page.on('pageerror', (e) => errors.push(String(e)));
		await page.goto(o.page + '?freetext=1&api=' + encodeURIComponent(o.api), { waitUntil: 'load' });
		check(await page.isVisible('#freetext') && !(await page.isVisible('#screen')), 'the free-text screen comes first');
		await page.fill('#freetext-text', "I'm 45, ache between my shoulder blades for 2 wks, worse at my desk, " +
			'no fever, maybe a bit of tingling in my fingers');
		await page.click('#freetext-next');
		await page.waitForSelector('#freetext[data-state="confirm"]', { timeout: WAIT_MS });
		const rows = await page.$$eval('#read-items > li', (lis) => lis.map((li) => li.dataset.code + ':' + li.dataset.status));
		check(rows.includes('fever:denied') && rows.includes('worse_sitting:present') &&
			rows.includes('arm_numbness_tingling:uncertain'), 'what was read is shown: ' + rows.join(', '));
		check(await page.isChecked('#read-items > li[data-code="fever"] input[value="no"]'), 'a denial starts as a no');
		check(!(await page.isChecked('#read-items > li[data-code="arm_numbness_tingling"] input[value="yes"]')) &&
			!(await page.isChecked('#read-items > li[data-code="arm_numbness_tingling"] input[value="unsure"]')),
			'a hedged red flag starts unanswered');
		await page.click('#freetext-next');
		check(/every line/.test(await page.textContent('#error')), 'it must be answered before going on');
		await page.check('#read-items > li[data-code="arm_numbness_tingling"] input[value="unsure"]');
		await page.click('#freetext-next');
		await page.waitForSelector('#screen[data-state="question"], #screen[data-state="done"]', { state: 'attached', timeout: WAIT_MS });
		check(await page.isVisible('#screen') && !(await page.isVisible('#freetext')), 'then the interview asks the rest');
		const asked = await page.$$eval('#items > li', (lis) => lis.map((li) => li.dataset.code));
		check(!asked.includes('fever') && !asked.includes('worse_sitting'), 'what was confirmed is not asked again: ' + asked.join(','));
		check(errors.length === 0, 'no script errors: ' + errors.join(' | '));
	} catch (e) {
		check(false, 'unexpected error: ' + (e.stack || e));
	} finally {
		await browser.close();
	}
	return finish('browser-freetext');
}

process.exitCode = await main();
