#!/usr/bin/env node
// validate.mjs - checks a running server against docs/openapi.json.
//
// Usage: node tests/js/validate.mjs http://127.0.0.1:PORT [path/to/openapi.json]
//
// Sends real requests to every endpoint, the errors included, and checks each
// answer against what the document declares for that path, method, status
// and content type: the status must be declared, the media type must be one
// the response lists, the body must validate against its schema (ajv, JSON
// Schema 2020-12, strict), and every declared header must be present when
// required and match its schema. Prints one line per check; exits 1 on any
// mismatch, and when an operation of the document was never exercised.
import http from 'node:http';
import zlib from 'node:zlib';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const base = process.argv[2];
if (!base) {
	console.error('usage: node validate.mjs BASE_URL [openapi.json]');
	process.exit(2);
}
const specPath = process.argv[3] || fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));
const doc = JSON.parse(readFileSync(specPath, 'utf8'));
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// ------------------------------------------------------------ schemas

// Component schemas are copied under $defs so that each response schema is
// a self-contained JSON Schema that ajv compiles in strict mode.
function rewriteRefs(node) {
	if (Array.isArray(node))
		return node.map(rewriteRefs);
	if (node === null || typeof node !== 'object')
		return node;
	const out = {};
	for (const [k, v] of Object.entries(node)) {
		if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/'))
			out[k] = '#/$defs/' + v.slice('#/components/schemas/'.length);
		else
			out[k] = rewriteRefs(v);
	}
	return out;
}

const defs = rewriteRefs(doc.components?.schemas || {});
const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
addFormats(ajv);
const compiled = new Map();

function validator(schema) {
	const key = JSON.stringify(schema);
	if (!compiled.has(key))
		compiled.set(key, ajv.compile({ ...rewriteRefs(schema), $defs: defs }));
	return compiled.get(key);
}

// Resolves a local "#/a/b" reference inside the document.
function deref(obj) {
	let o = obj;
	for (let i = 0; o && o.$ref && i < 10; i++) {
		const parts = o.$ref.replace(/^#\//, '').split('/').map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
		o = parts.reduce((acc, p) => (acc == null ? undefined : acc[p]), doc);
	}
	if (o === undefined)
		throw new Error('unresolvable $ref ' + obj.$ref);
	return o;
}

// ------------------------------------------------------------ HTTP

// Resolves with {status, headers, body (decoded), framingError}. An error
// after the status line (a 304 followed by stray bytes, say) is recorded as
// framingError so the answer's headers are still checked.
function request(method, path, { headers = {}, body, chunked = false } = {}) {
	return new Promise((resolve, reject) => {
		const url = new URL(path, base);
		const h = { ...headers };
		if (body !== undefined && !chunked)
			h['Content-Length'] = Buffer.byteLength(body);
		let answer = null;
		const finish = (framingError) => {
			let data = Buffer.concat(answer.chunks);
			if (answer.res.headers['content-encoding'] === 'gzip' && data.length > 0)
				data = zlib.gunzipSync(data);
			resolve({ status: answer.res.statusCode, headers: answer.res.headers, body: data, framingError });
		};
		const req = http.request(url, { method, headers: h, agent: false }, res => {
			answer = { res, chunks: [] };
			res.on('data', c => answer.chunks.push(c));
			res.on('end', () => finish(null));
		});
		req.on('error', err => {
			if (answer !== null)
				finish(err.message);
			else if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET')
				reject(err); // the server may answer (413) and close before reading the whole body
		});
		req.setTimeout(10000, () => req.destroy(new Error('timeout')));
		if (body !== undefined)
			req.write(body);
		req.end();
	});
}

// ------------------------------------------------------------ matching

function templateFor(path) {
	const p = path.split('?')[0];
	for (const t of Object.keys(doc.paths)) {
		const re = new RegExp('^' + t.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+') + '$');
		if (re.test(p))
			return t;
	}
	return null;
}

// The operation that documents this answer: HEAD by its own operation (or
// GET's when the document has none), and a method the path does not have
// (405) by any operation of the path.
function findResponse(template, method, status) {
	const item = doc.paths[template];
	const lower = method.toLowerCase();
	const m = lower === 'head' && !item.head ? 'get' : lower;
	const own = item[m];
	const candidates = own ? [[m, own]] : HTTP_METHODS.filter(x => item[x]).map(x => [x, item[x]]);
	for (const [name, op] of candidates) {
		const r = op.responses[String(status)] || (own ? op.responses.default : undefined);
		if (r)
			return { opKey: `${name.toUpperCase()} ${template}`, response: deref(r) };
	}
	return null;
}

function checkHeader(name, decl, res, problems) {
	const h = deref(decl);
	const v = res.headers[name.toLowerCase()];
	if (v === undefined) {
		if (h.required)
			problems.push(`missing header ${name}`);
		return;
	}
	const validate = validator(h.schema || {});
	if (!validate(v))
		problems.push(`header ${name}: ${JSON.stringify(v)} ${ajv.errorsText(validate.errors)}`);
}

function checkBody(response, res, method, problems) {
	const ct = (res.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
	const declared = response.content || {};
	if (method === 'HEAD' || res.status === 304 || Object.keys(declared).length === 0) {
		if (res.body.length > 0)
			problems.push(`a body of ${res.body.length} bytes where none is declared`);
		return ct;
	}
	const media = declared[ct];
	if (!media) {
		problems.push(`content type ${JSON.stringify(ct)} is not declared (${Object.keys(declared).join(', ')})`);
		return ct;
	}
	const text = res.body.toString('utf8');
	let value = text;
	if (/json$/.test(ct)) {
		try {
			value = JSON.parse(text);
		} catch (e) {
			problems.push(`body is not JSON: ${e.message}`);
			return ct;
		}
	}
	const validate = validator(media.schema || {});
	if (!validate(value))
		problems.push('body: ' + validate.errors.slice(0, 8).map(e => `${e.instancePath || '/'} ${e.message}` +
			(e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : '')).join('; '));
	return ct;
}

// ------------------------------------------------------------ checks

const exercised = new Set();
let failures = 0;
let count = 0;

async function check(label, method, path, want, opts = {}) {
	count++;
	const problems = [];
	let res;
	try {
		res = await request(method, path, opts);
	} catch (e) {
		failures++;
		console.log(`FAIL ${label}: ${method} ${path}: ${e.message}`);
		return null;
	}
	if (res.framingError)
		problems.push(`HTTP framing is broken after the header section: ${res.framingError}` +
			(res.headers['transfer-encoding'] ? ` (Transfer-Encoding: ${res.headers['transfer-encoding']})` : ''));
	if (res.status !== want)
		problems.push(`status ${res.status}, wanted ${want}: ${res.body.toString('utf8').slice(0, 200)}`);
	const template = templateFor(path);
	let ct = '';
	if (template === null) {
		if (res.status !== 404)
			problems.push('path is not in the document');
		else
			ct = checkUnmatched404(res, problems);
	} else {
		const found = findResponse(template, method, res.status);
		if (!found) {
			problems.push(`status ${res.status} is not declared for ${method} ${template}`);
		} else {
			exercised.add(found.opKey);
			for (const [name, decl] of Object.entries(found.response.headers || {}))
				checkHeader(name, decl, res, problems);
			ct = checkBody(found.response, res, method, problems);
		}
	}
	if (problems.length) {
		failures++;
		console.log(`FAIL ${label}: ${method} ${path} -> ${res.status} ${ct}\n     ${problems.join('\n     ')}`);
	} else {
		console.log(`ok   ${label}: ${method} ${path} -> ${res.status} ${ct}`);
	}
	return res;
}

// A path that matches no template: the shared 404 problem must still hold.
function checkUnmatched404(res, problems) {
	return checkBody(deref({ $ref: '#/components/responses/NotFound' }), res, 'GET', problems);
}

async function cached(label, path, headers = {}) {
	const res = await check(label, 'GET', path, 200, { headers });
	const etag = res && res.headers.etag;
	if (etag)
		await check(label + ' (304)', 'GET', path, 304, { headers: { ...headers, 'If-None-Match': etag } });
	return res;
}

const JSON_CT = { 'Content-Type': 'application/json' };
const firstSlug = async (path, field = 'slug') => {
	const r = await request('GET', path);
	return JSON.parse(r.body.toString('utf8')).items[0][field];
};

async function main() {
	const article = await firstSlug('/v1/articles');
	const cause = await firstSlug('/v1/causes');
	const remedy = await firstSlug('/v1/remedies');

	// content
	await cached('articles', '/v1/articles');
	await cached('articles page', '/v1/articles?limit=1&offset=0');
	await check('articles search', 'GET', '/v1/articles?q=posture', 200);
	await check('articles empty search', 'GET', '/v1/articles?q=zzzzqqqq', 200);
	await check('articles gzip', 'GET', '/v1/articles', 200, { headers: { 'Accept-Encoding': 'gzip' } });
	await check('articles bad params', 'GET', '/v1/articles?limit=0&foo=1', 400);
	await check('articles HEAD', 'HEAD', '/v1/articles', 200);
	await check('articles 405', 'DELETE', '/v1/articles', 405);
	await cached('article', `/v1/articles/${article}`);
	await cached('article ld+json', `/v1/articles/${article}`, { Accept: 'application/ld+json' });
	await check('article gzip 304', 'GET', `/v1/articles/${article}`, 200, { headers: { 'Accept-Encoding': 'gzip' } })
		.then(r => r && check('article gzip (304)', 'GET', `/v1/articles/${article}`, 304,
			{ headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': r.headers.etag } }));
	await check('article unknown', 'GET', '/v1/articles/no-such-article', 404);
	await check('article bad slug', 'GET', '/v1/articles/Not_A_Slug', 404);
	await check('article 405', 'POST', `/v1/articles/${article}`, 405, { headers: JSON_CT, body: '{}' });
	await cached('causes', '/v1/causes');
	await cached('causes filtered', '/v1/causes?position=sitting&region=upper_back');
	await check('causes search', 'GET', '/v1/causes?q=stress', 200);
	await check('causes bad position', 'GET', '/v1/causes?position=upside_down', 400);
	await check('causes 405', 'PUT', '/v1/causes', 405, { headers: JSON_CT, body: '{}' });
	await cached('cause', `/v1/causes/${cause}`);
	await check('cause unknown', 'GET', '/v1/causes/no-such-cause', 404);
	await check('cause 405', 'DELETE', `/v1/causes/${cause}`, 405);
	await cached('remedies', '/v1/remedies');
	await cached('remedies for cause', `/v1/remedies?cause=${cause}`);
	await check('remedies unknown cause', 'GET', '/v1/remedies?cause=no-such-cause', 422);
	await check('remedies bad cause', 'GET', '/v1/remedies?cause=Bad_Slug', 400);
	await check('remedies 405', 'POST', '/v1/remedies', 405, { headers: JSON_CT, body: '{}' });
	await cached('remedy', `/v1/remedies/${remedy}`);
	await check('remedy unknown', 'GET', '/v1/remedies/no-such-remedy', 404);
	await check('remedy 405', 'PATCH', `/v1/remedies/${remedy}`, 405, { headers: JSON_CT, body: '{}' });

	// triage
	await cached('symptoms', '/v1/symptoms');
	await check('symptoms bad param', 'GET', '/v1/symptoms?x=1', 400);
	await check('symptoms 405', 'POST', '/v1/symptoms', 405, { headers: JSON_CT, body: '{}' });
	await cached('triage GET self_care', '/v1/triage?symptoms=worse_sitting,desk_slouching&positions=sitting');
	await cached('triage GET see_doctor',
		'/v1/triage?symptoms=worse_sitting&region=upper_back&duration_days=30&age=55');
	await cached('triage GET empty', '/v1/triage?symptoms=');
	await check('triage GET emergency', 'GET', '/v1/triage?symptoms=chest_pain,fever', 200);
	// sources per country: a US answer cites a US page, or nothing (source null)
	await check('triage GET US, a flag with no US source', 'GET', '/v1/triage?symptoms=no_clear_cause,chest_pain&country=US', 200);
	await check('symptoms US (some sources null)', 'GET', '/v1/symptoms?country=US', 200);
	await check('article US (when to get help, null sources)', 'GET',
		'/v1/articles/upper-middle-back-muscle-soreness?country=US&lang=es', 200);
	await check('triage GET unknown code', 'GET', '/v1/triage?symptoms=nope&age=200', 422);
	await check('triage GET missing symptoms', 'GET', '/v1/triage', 422);
	await check('triage GET bad target', 'GET', '/v1/triage?symptoms=%zz', 400);
	const post = (label, body, want, headers = JSON_CT) =>
		check(label, 'POST', '/v1/triage', want, { headers, body });
	await post('triage POST', JSON.stringify({ symptoms: ['worse_sitting', 'desk_slouching'], positions: ['sitting'],
		region: 'upper_back', duration_days: 5, age: 35 }), 200);
	await post('triage POST urgent', JSON.stringify({ symptoms: ['fever', 'stiff_improves_moving'] }), 200);
	await post('triage POST empty', JSON.stringify({ symptoms: [] }), 200);
	await post('triage POST invalid', JSON.stringify({ symptoms: ['nope', 'nope'], age: 200, x: 1,
		positions: ['upside'], region: 'lower_back', duration_days: 1.5 }), 422);
	// the guided interview: absent and unknown answers, incomplete and complete answers, the next question
	const symptoms = await (await fetch(`${base}/v1/symptoms`)).json();
	const flags = symptoms.items.filter((i) => i.category === 'red_flag').map((i) => i.code);
	const others = flags.filter((c) => c !== 'chest_pain');
	await cached('triage GET interview: unknown, incomplete',
		`/v1/triage?symptoms=&absent=${others.join(',')}&unknown=chest_pain&age=35&duration_days=5`);
	await cached('triage GET interview: one screen',
		'/v1/triage?symptoms=saddle_numbness&absent=chest_pain,fainting&unknown=major_trauma');
	await check('triage GET interview: code in two lists', 'GET', '/v1/triage?symptoms=fever&absent=fever', 422);
	await check('triage GET interview: unknown code', 'GET', '/v1/triage?symptoms=&unknown=nope', 422);
	await post('triage POST interview: complete self_care', JSON.stringify({ symptoms: ['desk_slouching'],
		absent: flags, age: 35, duration_days: 5 }), 200);
	await post('triage POST interview: integer question next', JSON.stringify({ symptoms: [],
		absent: flags.slice(0, 27), unknown: [] }), 200);
	await post('triage POST interview: combination partner open', JSON.stringify({ symptoms: ['fever'],
		absent: ['immunosuppressed'], unknown: ['iv_drug_use'] }), 200);
	await post('triage POST interview: not a list', JSON.stringify({ symptoms: [], absent: 'fever' }), 422);
	await post('triage POST interview: code in two lists', JSON.stringify({ symptoms: ['fever'], unknown: ['fever'] }), 422);
	await post('triage POST not an object', '[1,2]', 422);
	await post('triage POST malformed', '{"symptoms": [', 400);
	await post('triage POST not JSON', 'symptoms=fever', 415, { 'Content-Type': 'text/plain' });
	await post('triage POST too large', JSON.stringify({ symptoms: ['x'.repeat(20000)] }), 413);
	await check('triage POST too large (chunked)', 'POST', '/v1/triage', 413, {
		headers: { ...JSON_CT, 'Transfer-Encoding': 'chunked' }, chunked: true,
		body: JSON.stringify({ symptoms: ['x'.repeat(20000)] }) });
	await check('triage preflight', 'OPTIONS', '/v1/triage', 204, {
		headers: { Origin: 'https://example.org', 'Access-Control-Request-Method': 'POST' } });
	await check('triage 405', 'DELETE', '/v1/triage', 405);

	// free text (issue 23): what was read, and every refusal
	const parse = (label, body, want, headers = JSON_CT, query = '') =>
		check(label, 'POST', '/v1/triage/parse' + query, want, { headers, body });
	await parse('parse', JSON.stringify({ text: '45 y/o, ache between my shoulder blades for 2 wks, worse at my desk, ' +
		'no fever but my legs feel numb', lang: 'en' }), 200);
	await parse('parse es US', JSON.stringify({ text: 'creo que tengo fiebre, sesenta y ocho años' }), 200, JSON_CT,
		'?lang=es&country=US');
	await parse('parse nothing', JSON.stringify({ text: '' }), 200);
	await parse('parse too long', JSON.stringify({ text: 'x'.repeat(4001) }), 413);
	await parse('parse body too large', JSON.stringify({ text: 'x', pad: 'y'.repeat(70000) }), 413);
	await parse('parse not a string', JSON.stringify({ text: 5 }), 422);
	await parse('parse unknown lang', JSON.stringify({ text: 'x', lang: 'fr' }), 422);
	await parse('parse malformed', '{"text": ', 400);
	await parse('parse not JSON', 'text=x', 415, { 'Content-Type': 'text/plain' });
	await check('parse 405', 'GET', '/v1/triage/parse', 405);

	// countries and languages (issue 15): Spanish, US, negotiation and the refusals
	await cached('article es', `/v1/articles/${article}?lang=es`);
	await cached('article es US', `/v1/articles/${article}?lang=es&country=US`);
	await cached('article Accept-Language es-MX', `/v1/articles/${article}`, { 'Accept-Language': 'es-MX,en;q=0.5' });
	await cached('article ld+json es', `/v1/articles/${article}?lang=es`, { Accept: 'application/ld+json' });
	await cached('articles es', '/v1/articles?lang=es');
	await cached('articles search es', '/v1/articles?q=dolor%20de%20espalda&lang=es');
	await cached('causes es US', '/v1/causes?lang=es&country=US');
	await cached('cause es', `/v1/causes/${cause}?lang=es`);
	await cached('remedies US', '/v1/remedies?country=US');
	await cached('remedy es US', `/v1/remedies/${remedy}?lang=es&country=US`);
	await cached('symptoms es', '/v1/symptoms?lang=es');
	await cached('triage GET US', '/v1/triage?symptoms=chest_pain&country=US');
	await cached('triage GET es US', '/v1/triage?symptoms=chest_pain,fever&lang=es&country=US');
	await post('triage POST es', JSON.stringify({ symptoms: ['fever'] }), 200, { ...JSON_CT, 'Accept-Language': 'es' });
	await check('openapi lang', 'GET', '/openapi.json?lang=es', 200);
	await check('article unknown lang', 'GET', `/v1/articles/${article}?lang=fr`, 400);
	await check('causes unknown country', 'GET', '/v1/causes?country=ZZ', 400);
	await check('triage GET unknown country', 'GET', '/v1/triage?symptoms=fever&country=ZZ', 422);
	await check('triage GET unknown lang', 'GET', '/v1/triage?symptoms=fever&lang=de', 422);

	// operations
	await check('healthz', 'GET', '/healthz', 200);
	await check('healthz 405', 'POST', '/healthz', 405, { headers: JSON_CT, body: '{}' });
	await check('readyz', 'GET', '/readyz', 200);
	await check('readyz 405', 'DELETE', '/readyz', 405);
	await check('metrics', 'GET', '/metrics', 200);
	await check('metrics 405', 'POST', '/metrics', 405, { headers: JSON_CT, body: '{}' });
	await cached('openapi', '/openapi.json');
	await check('openapi bad param', 'GET', '/openapi.json?x=1', 400);
	await check('openapi 405', 'PUT', '/openapi.json', 405, { headers: JSON_CT, body: '{}' });
	await check('unknown path', 'GET', '/no/such/path', 404);
	await check('request id echoed', 'GET', '/v1/articles/no-such-article', 404,
		{ headers: { 'X-Request-Id': 'validate-1' } }).then(r => {
		const body = r ? JSON.parse(r.body.toString('utf8')) : {};
		if (r && (r.headers['x-request-id'] !== 'validate-1' || body.request_id !== 'validate-1')) {
			failures++;
			console.log('FAIL request id echoed: X-Request-Id or request_id is not "validate-1"');
		}
	});

	// HEAD on every GET, OPTIONS on every path: each declared, each exercised
	const samples = {
		'/v1/articles/{slug}': `/v1/articles/${article}`, '/v1/causes/{slug}': `/v1/causes/${cause}`,
		'/v1/remedies/{slug}': `/v1/remedies/${remedy}`, '/v1/triage': '/v1/triage?symptoms=worse_sitting',
	};
	for (const [t, item] of Object.entries(doc.paths)) {
		const path = samples[t] || t;
		if (item.get)
			await check(`HEAD ${t}`, 'HEAD', path, 200);
		await check(`OPTIONS ${t}`, 'OPTIONS', path.split('?')[0], 204);
	}
	// a cacheable answer never carries a request id, even the client's own
	for (const path of ['/v1/articles', `/v1/articles/${article}`, '/v1/triage?symptoms=worse_sitting']) {
		const r = await check(`no id on ${path}`, 'GET', path, 200, { headers: { 'X-Request-Id': 'alice-1' } });
		if (r && r.headers['x-request-id'] !== undefined) {
			failures++;
			console.log(`FAIL no id on ${path}: a cacheable answer carries X-Request-Id ${r.headers['x-request-id']}`);
		}
	}

	// Every operation the document describes must have been exercised.
	for (const [t, item] of Object.entries(doc.paths))
		for (const m of HTTP_METHODS)
			if (item[m] && !exercised.has(`${m.toUpperCase()} ${t}`)) {
				failures++;
				console.log(`FAIL coverage: ${m.toUpperCase()} ${t} is in the document but was never exercised`);
			}

	console.log(`validate: ${count} requests, ${failures} failed`);
	process.exit(failures ? 1 : 0);
}

main().catch(e => {
	console.error(e);
	process.exit(1);
});
