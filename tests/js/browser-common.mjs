// browser-common.mjs - what the headless Chromium checks share: how Chromium is
// launched on these machines, how long to wait, and the ok / not ok tally.
//
// Without the background-networking flags Chromium keeps dialling Google's
// hosts, which a closed network refuses. playwright's launch() gives every run
// a fresh, empty user-data-dir of its own and removes it on close.
export const LAUNCH = {
	executablePath: process.env.HH_CHROMIUM || '/usr/bin/chromium',
	headless: true,
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
export const WAIT_MS = 15000;

const tally = { passed: 0, failures: [] };

// Records one check (and prints it, TAP style); returns cond.
export function check(cond, msg) {
	if (cond) {
		tally.passed++;
		console.log('ok - ' + msg);
	} else {
		tally.failures.push(msg);
		console.log('not ok - ' + msg);
	}
	return cond;
}

// Prints the summary line for name; returns the exit code.
export function finish(name) {
	console.log(name + ': ' + tally.passed + ' passed, ' + tally.failures.length + ' failed');
	return tally.failures.length ? 1 : 0;
}
