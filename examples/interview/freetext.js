// freetext.js - the interview demo's optional first screen (index.html?api=...&freetext=1):
// the person describes their pain in their own words, POST /v1/triage/parse reads it, and
// what was read is shown to confirm before the interview asks the rest. Every red flag read
// is asked yes, no or "I don't know" (a hedged one starts unanswered: it must be answered);
// nothing becomes an answer without the person's click. Text is written with textContent only.
'use strict';

window.hhFreeText = function (api, answers) {
	const $ = (id) => document.getElementById(id);
	const form = $('freetext');
	const list = $('read-items');
	form.hidden = false;
	form.dataset.state = 'writing';
	$('screen').hidden = true; /* the questions come after */
	return new Promise((resolve) => {
		let read = null;
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			$('error').textContent = '';
			if (read === null) {
				const res = await fetch(api + '/v1/triage/parse', {
					method: 'POST',
					headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
					body: JSON.stringify({ text: $('freetext-text').value }),
				}).catch((e) => ({ ok: false, status: 0, json: async () => ({ detail: e.message }) }));
				const body = await res.json().catch(() => null);
				if (!res.ok || body === null) {
					$('error').textContent = 'The API answered ' + res.status + ': ' + (body && (body.detail || body.title));
					return;
				}
				read = body;
				showRead(body);
				return;
			}
			if (!confirmRead(read))
				return;
			form.hidden = true;
			form.dataset.state = 'done';
			resolve();
		});
	});

	// One row per code read: yes / no / I don't know, preselected from what was read, except a
	// hedged red flag, which the person must answer.
	function showRead(body) {
		const seen = new Map();
		for (const m of body.mentions)
			if (m.code && !seen.has(m.code))
				seen.set(m.code, m);
		list.replaceChildren(...Array.from(seen.values(), (m) => {
			const li = document.createElement('li');
			li.dataset.code = m.code;
			li.dataset.status = m.status;
			const quote = document.createElement('q');
			quote.textContent = m.text;
			li.append(quote, ' ');
			for (const [value, label] of [['yes', 'Yes'], ['no', 'No'], ['unsure', "I don't know"]]) {
				const l = document.createElement('label');
				const r = document.createElement('input');
				r.type = 'radio';
				r.name = 'read-' + m.code;
				r.value = value;
				r.checked = (m.status === 'present' && value === 'yes') || (m.status === 'denied' && value === 'no');
				l.append(r, ' ' + label + ' ');
				li.append(l);
			}
			return li;
		}));
		const req = body.request;
		$('read-numbers').textContent = [req.age !== undefined ? 'age ' + req.age : '',
			req.duration_days !== undefined ? req.duration_days + ' days' : ''].filter(Boolean).join(', ');
		$('read-block').hidden = false;
		$('freetext-next').textContent = 'These are right: go on';
		form.dataset.state = 'confirm';
	}

	function confirmRead(body) {
		const rows = Array.from(list.children);
		const open = rows.filter((li) => !li.querySelector('input:checked'));
		if (open.length > 0) {
			$('error').textContent = 'Please answer yes, no or "I don\'t know" for every line.';
			return false;
		}
		for (const li of rows) {
			const v = li.querySelector('input:checked').value;
			answers[v === 'yes' ? 'symptoms' : v === 'no' ? 'absent' : 'unknown'].push(li.dataset.code);
		}
		for (const f of ['age', 'duration_days', 'region', 'positions'])
			if (body.request[f] !== undefined)
				answers[f] = body.request[f];
		return true;
	}
};
