// app.js - the interview demo's only script. It keeps the person's answers
// (yes, no, "I don't know", age, days), posts them all to /v1/triage after
// every screen, and shows whatever next_question the service returns: the
// app never decides what to ask. The emergency signs ("each") are answered one by
// one, yes, no or "I don't know"; other screens are checklists. Text is written with
// textContent only.
'use strict';

const LEVELS = {
	emergency: 'Call 999 now',
	urgent: 'Get medical help today',
	see_doctor: 'Book a visit to a GP or physiotherapist',
	self_care: 'You can look after this yourself',
};

const $ = (id) => document.getElementById(id);

const answers = { symptoms: [], absent: [], unknown: [] };
let current = null; // the question on screen
let screens = 0;    // required screens answered so far
const itemText = new Map(); // code -> the text it was shown with, for "If you do have ..." lines

function apiOrigin() {
	const raw = new URLSearchParams(location.search).get('api');
	try {
		const u = new URL(raw || '');
		return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
	} catch (e) {
		return null;
	}
}

async function ask(api) {
	let res;
	try {
		res = await fetch(api + '/v1/triage', {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			body: JSON.stringify(answers),
		});
	} catch (e) {
		throw new Error('Could not reach the HealthHub API at ' + api + ': ' + e.message);
	}
	const body = await res.json().catch(() => null);
	if (!res.ok || body === null)
		throw new Error('The API answered ' + res.status + ': ' + (body && (body.detail || body.title)));
	return body;
}

// A "multiple" row: "yes" is the box, "I don't know" a second box; neither ticked is a no.
function itemRow(item) {
	itemText.set(item.code, item.text);
	const li = document.createElement('li');
	li.dataset.code = item.code;
	const yes = document.createElement('label');
	const box = document.createElement('input');
	box.type = 'checkbox';
	box.name = 'yes';
	box.value = item.code;
	yes.append(box, ' ' + item.text);
	const unsure = document.createElement('label');
	unsure.className = 'unsure';
	const ubox = document.createElement('input');
	ubox.type = 'checkbox';
	ubox.name = 'unsure';
	ubox.value = item.code;
	unsure.append(ubox, " I don't know");
	box.addEventListener('change', () => { if (box.checked) ubox.checked = false; });
	ubox.addEventListener('change', () => { if (ubox.checked) box.checked = false; });
	li.append(yes, document.createElement('br'), unsure);
	return li;
}

// An "each" row (the emergency signs): yes, no or "I don't know", none chosen until the
// person chooses, so nothing becomes a no by being left alone.
function eachRow(item) {
	itemText.set(item.code, item.text);
	const li = document.createElement('li');
	li.dataset.code = item.code;
	const group = document.createElement('fieldset');
	group.className = 'each';
	const legend = document.createElement('legend');
	legend.textContent = item.text;
	group.append(legend);
	for (const [value, label] of [['yes', 'Yes'], ['no', 'No'], ['unsure', "I don't know"]]) {
		const l = document.createElement('label');
		const r = document.createElement('input');
		r.type = 'radio';
		r.name = 'each-' + item.code;
		r.value = value;
		l.append(r, ' ' + label);
		group.append(l, ' ');
	}
	li.append(group);
	return li;
}

function showQuestion(q) {
	current = q;
	const form = $('screen');
	const hint = q.type === 'multiple' ? ' Tick any that apply.' : '';
	$('question-text').textContent = q.text + hint;
	$('optional-note').hidden = q.required;
	const rows = q.type === 'multiple' ? q.items.map(itemRow) : q.type === 'each' ? q.items.map(eachRow) : [];
	$('items').replaceChildren(...rows);
	$('number-block').hidden = q.type !== 'integer';
	if (q.type === 'integer') {
		$('number-label').textContent = q.text;
		$('number').min = q.min;
		$('number').max = q.max;
		$('number').value = '';
	}
	form.dataset.question = q.id;
	form.dataset.type = q.type;
	form.dataset.required = String(q.required);
	form.dataset.state = 'question';
	form.hidden = false;
}

function showResult(t) {
	const r = $('result');
	r.dataset.level = t.level;
	r.dataset.complete = String(t.complete);
	$('level').textContent = t.level === 'emergency' && t.emergency_number ? 'Call ' + t.emergency_number + ' now'
		: LEVELS[t.level] || t.level;
	$('advice').textContent = t.advice;
	$('incomplete-note').hidden = t.complete;
	$('uncertain').replaceChildren(...t.uncertain.map((u) => {
		const li = document.createElement('li');
		li.dataset.code = u.code;
		const what = document.createElement('strong');
		what.textContent = 'If you do have this: ' + (itemText.get(u.code) || u.code).toLowerCase() + '. ';
		li.append(what, u.message);
		return li;
	}));
	// rules that fired (a floor on "I don't know", a rule on age or days, the route rule): why the level is what it is
	$('rules').replaceChildren(...t.rules.map((rule) => {
		const li = document.createElement('li');
		li.dataset.code = rule.code;
		li.textContent = rule.message;
		return li;
	}));
	const top = t.likely_causes[0];
	$('top-cause-block').hidden = !top;
	$('top-cause').textContent = top ? top.name : '';
	$('top-cause').dataset.slug = top ? top.slug : '';
	$('disclaimer').textContent = t.disclaimer;
	r.hidden = false;
}

// A required question hides any earlier result; once nothing required is left, the result shows.
function show(t) {
	$('progress').textContent = screens + (screens === 1 ? ' question answered' : ' questions answered');
	$('screen').dataset.screens = String(screens);
	const q = t.next_question;
	if (q !== null && q.required) {
		$('result').hidden = true;
		showQuestion(q);
		return;
	}
	showResult(t);
	if (q === null) {
		$('screen').hidden = true;
		$('screen').dataset.state = 'done';
	} else {
		showQuestion(q);
	}
}

// The "each" items not answered yet (the screen cannot go on until there are none).
function unansweredEach(q, form) {
	return q.items.filter((item) => form.querySelector('input[name="each-' + item.code + '"]:checked') === null);
}

function record(q, form) {
	if (q.type === 'integer') {
		answers[q.field] = Number($('number').value);
		return;
	}
	if (q.type === 'each') {
		const list = { yes: 'symptoms', no: 'absent', unsure: 'unknown' };
		for (const item of q.items)
			answers[list[form.querySelector('input[name="each-' + item.code + '"]:checked').value]].push(item.code);
		return;
	}
	const ticked = (name) => new Set(Array.from(form.querySelectorAll('input[name="' + name + '"]:checked'), (i) => i.value));
	const yes = ticked('yes'), unsure = ticked('unsure');
	for (const item of q.items) {
		const list = yes.has(item.code) ? 'symptoms' : unsure.has(item.code) ? 'unknown' : 'absent';
		answers[list].push(item.code);
	}
}

async function next(api, form) {
	const q = current;
	if (q.type === 'integer' && !$('number').checkValidity()) {
		$('error').textContent = 'Please give a whole number from ' + q.min + ' to ' + q.max + '.';
		return;
	}
	const left = q.type === 'each' ? unansweredEach(q, form) : [];
	if (left.length > 0) {
		$('error').textContent = 'Please answer yes, no or "I don\'t know" for every item (' + left.length + ' left).';
		form.dataset.left = String(left.length);
		return;
	}
	$('error').textContent = '';
	record(q, form);
	if (q.required)
		screens++;
	form.dataset.state = 'loading';
	try {
		show(await ask(api));
	} catch (e) {
		$('error').textContent = e.message;
		form.dataset.state = 'error';
	}
}

async function main() {
	const api = apiOrigin();
	const form = $('screen');
	if (api === null) {
		$('error').textContent = 'No API given: open this page as index.html?api=http://127.0.0.1:8080';
		form.dataset.state = 'error';
		return;
	}
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		next(api, form);
	});
	// ?freetext=1: the person's own words first (freetext.js), confirmed, then the questions
	if (new URLSearchParams(location.search).has('freetext') && window.hhFreeText)
		await window.hhFreeText(api, answers);
	try {
		show(await ask(api));
	} catch (e) {
		$('error').textContent = e.message;
		form.dataset.state = 'error';
	}
}

main();
