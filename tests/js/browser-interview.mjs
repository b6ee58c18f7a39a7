// browser-interview.mjs - drives Debian's Chromium (headless, via
// playwright-core) through examples/interview, the one-question-per-screen
// demo of the guided interview, and checks what a person would see.
//
//   node tests/js/browser-interview.mjs --page http://127.0.0.1:S/interview/index.html \
//        --api http://127.0.0.1:A [--screenshots DIR]
//
// People, each answering every screen as they would (age first; the emergency
// signs one by one, yes, no or "I don't know"; ticking what they have on the
// other screens, "I don't know" where unsure; typing their age and days):
//   - saddle numbness: emergency after age and the emergency screen;
//   - only desk-related soreness: a complete self_care in at most 6 screens,
//     then the optional pattern question ranks poor posture first;
//   - unsure about chest pain: urgent (speak to someone now), not complete, and
//     told what to do if it is;
//   - pregnant with a high temperature: urgent, and the maternity route;
//   - an emergency screen with an item left unanswered does not go on.
// Exit 0 when every check passes, 1 otherwise, 2 on bad usage.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { LAUNCH, WAIT_MS, check, finish } from './browser-common.mjs';

const MAX_SCREENS = 12;

function parseArgs(argv) {
	const o = { page: null, api: null, screenshots: null };
	for (let i = 0; i < argv.length; i += 2) {
		const [flag, value] = [argv[i], argv[i + 1]];
		if (value === undefined || !['--page', '--api', '--screenshots'].includes(flag))
			throw new Error('bad option ' + flag);
		o[flag.slice(2)] = value;
	}
	if (!o.page || !o.api)
		throw new Error('need --page and --api');
	return o;
}

// Waits until the page is showing a question or is done (or failed).
async function settled(page) {
	await page.waitForSelector('#screen[data-state="question"], #screen[data-state="done"], #screen[data-state="error"]',
		{ state: 'attached', timeout: WAIT_MS });
	return page.getAttribute('#screen', 'data-state');
}

// Answers one screen as person p would; returns the question's id.
async function answerScreen(page, p) {
	const id = await page.getAttribute('#screen', 'data-question');
	if (await page.isVisible('#number')) {
		const field = id === 'age' ? 'age' : 'days';
		await page.fill('#number', String(p[field]));
	} else if ((await page.getAttribute('#screen', 'data-type')) === 'each') {
		// every item answered, no by choice: nothing is left for a default to decide
		for (const code of await page.$$eval('#items > li', (lis) => lis.map((li) => li.dataset.code))) {
			const v = p.yes.includes(code) ? 'yes' : (p.unsure || []).includes(code) ? 'unsure' : 'no';
			await page.check(`#items > li[data-code="${code}"] input[value="${v}"]`);
		}
	} else {
		for (const code of await page.$$eval('#items > li', (lis) => lis.map((li) => li.dataset.code))) {
			if (p.yes.includes(code))
				await page.check(`#items > li[data-code="${code}"] input[name="yes"]`);
			else if ((p.unsure || []).includes(code))
				await page.check(`#items > li[data-code="${code}"] input[name="unsure"]`);
		}
	}
	const before = await page.getAttribute('#screen', 'data-screens');
	await page.click('#next');
	await page.waitForFunction((b) => {
		const s = document.getElementById('screen');
		return s.dataset.state !== 'loading' && (s.dataset.screens !== b || s.dataset.required === 'false' ||
			s.dataset.state !== 'question');
	}, before, { timeout: WAIT_MS });
	return id;
}

// Runs the required screens; returns how many were shown, and their ids.
async function interview(page, p) {
	const asked = [];
	for (let i = 0; i < MAX_SCREENS; i++) {
		const state = await settled(page);
		if (state !== 'question' || (await page.getAttribute('#screen', 'data-required')) !== 'true')
			return asked;
		asked.push(await answerScreen(page, p));
	}
	return asked;
}

async function run(browser, o, name, p, expect) {
	const context = await browser.newContext();
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(String(e)));
	await page.goto(o.page + '?api=' + encodeURIComponent(o.api), { waitUntil: 'load' });
	const tag = '[' + name + '] ';
	const asked = await interview(page, p);
	check(await page.isVisible('#result'), tag + 'the result is shown after ' + asked.length + ' screens: ' + asked.join(','));
	const level = await page.getAttribute('#result', 'data-level');
	const complete = await page.getAttribute('#result', 'data-complete');
	check(level === expect.level, tag + 'level ' + level + ', wanted ' + expect.level);
	check(complete === String(expect.complete), tag + 'complete ' + complete + ', wanted ' + expect.complete);
	check(asked.length <= expect.maxScreens, tag + asked.length + ' screens, at most ' + expect.maxScreens);
	check((await page.textContent('#level')).length > 0 && (await page.textContent('#advice')).length > 20,
		tag + 'what to do is shown: ' + (await page.textContent('#level')));
	if (expect.check)
		await expect.check(page, tag);
	check(errors.length === 0, tag + 'no script errors: ' + errors.join(' | '));
	if (o.screenshots) {
		mkdirSync(o.screenshots, { recursive: true });
		await page.screenshot({ path: join(o.screenshots, 'interview-' + name + '.png'), fullPage: true });
	}
	await context.close();
	return asked;
}

async function desk(page, tag) {
	// the optional question ranks causes: answer it with the desk patterns
	check((await page.getAttribute('#screen', 'data-question')) === 'patterns' &&
		(await page.getAttribute('#screen', 'data-required')) === 'false', tag + 'the pattern question is offered as optional');
	await page.check('#items > li[data-code="desk_slouching"] input[name="yes"]');
	await page.check('#items > li[data-code="worse_sitting"] input[name="yes"]');
	await page.click('#next');
	await page.waitForSelector('#top-cause[data-slug="poor-posture"]', { timeout: WAIT_MS });
	check(await page.getAttribute('#result', 'data-level') === 'self_care', tag + 'still self_care after the patterns');
	check(await page.isVisible('#top-cause'), tag + 'most likely cause shown: ' + (await page.textContent('#top-cause')));
}

async function maternity(page, tag) {
	check(/maternity unit/.test(await page.textContent('#advice')), tag + 'the advice is the maternity route: ' +
		(await page.textContent('#advice')));
}

// On the emergency screen, answering one item and pressing Next: refused, nothing sent.
async function leftUnanswered(browser, o) {
	const tag = '[each-left-unanswered] ';
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(o.page + '?api=' + encodeURIComponent(o.api), { waitUntil: 'load' });
	await settled(page);
	await page.fill('#number', '40');
	await page.click('#next');
	await page.waitForSelector('#screen[data-question="emergency_signs"][data-state="question"]', { timeout: WAIT_MS });
	check((await page.getAttribute('#screen', 'data-type')) === 'each', tag + 'the emergency screen is "each"');
	const codes = await page.$$eval('#items > li', (lis) => lis.map((li) => li.dataset.code));
	check(codes.length >= 11, tag + 'every emergency sign is on it: ' + codes.length);
	check((await page.$$eval('#items input[type="radio"]:checked', (v) => v.length)) === 0, tag + 'nothing is pre-chosen');
	await page.check(`#items > li[data-code="${codes[0]}"] input[value="no"]`);
	await page.click('#next');
	await page.waitForSelector('#screen[data-left]', { state: 'attached', timeout: WAIT_MS });
	check((await page.getAttribute('#screen', 'data-question')) === 'emergency_signs' &&
		(await page.getAttribute('#screen', 'data-left')) === String(codes.length - 1),
		tag + 'the screen stays, with ' + (codes.length - 1) + ' items left');
	check(/every item/.test(await page.textContent('#error')), tag + 'and says why: ' + (await page.textContent('#error')));
	await context.close();
}

async function unsure(page, tag) {
	const codes = await page.$$eval('#uncertain > li', (lis) => lis.map((li) => li.dataset.code));
	check(codes.length === 1 && codes[0] === 'chest_pain', tag + 'uncertain lists chest_pain: ' + codes.join(','));
	check(/999/.test(await page.textContent('#uncertain')), tag + 'and says to call 999 if it is');
	check(await page.isVisible('#incomplete-note'), tag + 'the page says the answer may not be complete');
	check((await page.$$eval('#rules > li', (lis) => lis.map((li) => li.dataset.code))).includes('unsure_of_emergency_sign'),
		tag + 'and why it is urgent: ' + (await page.textContent('#rules')));
}

async function main() {
	let o;
	try {
		o = parseArgs(process.argv.slice(2));
	} catch (e) {
		console.error('browser-interview: ' + e.message);
		return 2;
	}
	const browser = await chromium.launch(LAUNCH);
	try {
		console.log('browser-interview: ' + browser.version() + ', page ' + o.page + ', api ' + o.api);
		const saddle = await run(browser, o, 'saddle-numbness', { yes: ['saddle_numbness'], age: 40, days: 2 },
			{ level: 'emergency', complete: true, maxScreens: 2 });
		check(saddle.join(',') === 'age,emergency_signs', '[saddle-numbness] age, then the emergency signs: ' + saddle.join(','));
		const d = await run(browser, o, 'desk-soreness', { yes: [], age: 35, days: 5 },
			{ level: 'self_care', complete: true, maxScreens: 6, check: desk });
		console.log('browser-interview: desk soreness reached a complete self_care in ' + d.length + ' screens');
		await run(browser, o, 'unsure-chest-pain', { yes: [], unsure: ['chest_pain'], age: 35, days: 5 },
			{ level: 'urgent', complete: false, maxScreens: 6, check: unsure });
		const m = await run(browser, o, 'pregnant-fever', { yes: ['fever', 'pregnant'], age: 30, days: 2 },
			{ level: 'urgent', complete: true, maxScreens: 6, check: maternity });
		check(m.includes('see_doctor_signs'), '[pregnant-fever] pregnancy is asked at urgent: ' + m.join(','));
		await leftUnanswered(browser, o);
	} catch (e) {
		check(false, 'unexpected error: ' + (e.stack || e));
	} finally {
		await browser.close();
	}
	return finish('browser-interview');
}

process.exitCode = await main();
