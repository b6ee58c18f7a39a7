// app.js - the demo page's only script: reads the API origin from ?api=,
// shows the article and posts the triage form. Everything is written with
// textContent, never innerHTML, so API text can never become markup.
'use strict';

const ARTICLE = '/v1/articles/upper-middle-back-muscle-soreness';

const LEVELS = {
	emergency: 'Call emergency services now',
	urgent: 'Get medical help today',
	see_doctor: 'Book a visit to a GP or physiotherapist',
	self_care: 'You can look after this yourself',
};

const $ = (id) => document.getElementById(id);

// The API origin, or null when ?api= is missing or not an http(s) URL.
function apiOrigin() {
	const raw = new URLSearchParams(location.search).get('api');
	if (!raw)
		return null;
	try {
		const u = new URL(raw);
		return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
	} catch (e) {
		return null;
	}
}

// A fetch that throws an Error with a readable message on any failure.
// A CORS refusal reaches us only as a TypeError: the browser hides why.
async function fetchJSON(url, options) {
	let res;
	try {
		res = await fetch(url, options);
	} catch (e) {
		throw new Error('Could not reach the HealthHub API at ' + new URL(url).origin +
			' (network error, or this site is not allowed to use it: ' + e.message + ').');
	}
	let body = null;
	try {
		body = await res.json();
	} catch (e) {
		body = null;
	}
	if (!res.ok) {
		const why = body && (body.detail || body.title) ? body.detail || body.title : res.statusText;
		throw new Error('The API answered ' + res.status + ': ' + why);
	}
	if (body === null)
		throw new Error('The API answer was not JSON.');
	return body;
}

function showError(id, msg) {
	$(id).textContent = msg;
}

async function loadArticle(api) {
	const section = $('article');
	try {
		const a = await fetchJSON(api + ARTICLE, { headers: { Accept: 'application/json' } });
		$('article-title').textContent = a.title;
		$('article-summary').textContent = a.summary;
		const list = $('causes');
		list.replaceChildren();
		for (const c of a.causes || []) {
			const li = document.createElement('li');
			li.dataset.slug = c.slug;
			const name = document.createElement('strong');
			name.textContent = c.name;
			li.append(name, ': ' + c.summary);
			list.append(li);
		}
		$('causes-block').hidden = false;
		section.dataset.state = 'loaded';
	} catch (e) {
		$('article-title').textContent = 'Article unavailable';
		showError('article-error', e.message);
		section.dataset.state = 'error';
	} finally {
		section.setAttribute('aria-busy', 'false');
	}
}

function checked(form, name) {
	return Array.from(form.querySelectorAll('input[name="' + name + '"]:checked'), (i) => i.value);
}

function showTriage(t) {
	$('triage-level').textContent = LEVELS[t.level] || t.level;
	$('triage-level').dataset.level = t.level;
	$('triage-advice').textContent = t.advice || '';
	const top = (t.likely_causes || [])[0];
	$('triage-top-cause').textContent = top ? top.name : 'No likely cause found';
	$('triage-top-cause').dataset.slug = top ? top.slug : '';
	$('triage-disclaimer').textContent = t.disclaimer || '';
	$('triage-result').hidden = false;
}

async function submitTriage(api, form) {
	const section = $('triage');
	const button = $('triage-submit');
	button.disabled = true;
	section.dataset.state = 'loading';
	showError('triage-error', '');
	$('triage-result').hidden = true;
	try {
		const body = { symptoms: checked(form, 'symptoms'), positions: checked(form, 'positions') };
		const t = await fetchJSON(api + '/v1/triage', {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			body: JSON.stringify(body),
		});
		showTriage(t);
		section.dataset.state = 'done';
	} catch (e) {
		showError('triage-error', e.message);
		section.dataset.state = 'error';
	} finally {
		button.disabled = false;
	}
}

function main() {
	const api = apiOrigin();
	const form = $('triage-form');
	if (api === null) {
		const msg = 'No API given: open this page as index.html?api=http://127.0.0.1:8080';
		$('article-title').textContent = 'Article unavailable';
		showError('article-error', msg);
		showError('triage-error', msg);
		$('article').dataset.state = 'error';
		$('article').setAttribute('aria-busy', 'false');
		form.querySelector('button').disabled = true;
		return;
	}
	$('api-origin').textContent = api;
	form.addEventListener('submit', (ev) => {
		ev.preventDefault();
		submitTriage(api, form);
	});
	loadArticle(api);
}

main();
