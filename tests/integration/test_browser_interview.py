"""The guided interview in a real browser: examples/interview, one question per screen.

examples/ is served by python3 -m http.server on its own origin and driven in
Debian's headless Chromium by tests/js/browser-interview.mjs against the real
server (default CORS "*"): age comes first, then the emergency signs, each
answered yes, no or "I don't know" (the screen does not go on while one is
left unanswered). A person with saddle numbness reaches `emergency` after those
two screens; a person with only desk-related soreness reaches a complete
`self_care` in at most 6 screens (then the optional pattern question ranks
poor posture first); a person unsure about chest pain gets `urgent`, is told the
answer is not complete, and what to do if it is chest pain; a pregnant person
with a high temperature is asked about pregnancy at `urgent` and given the
maternity route.

Needs /usr/bin/chromium (Debian package chromium) and Node.js with npm.
"""
import os
import subprocess
import sys

import hh
from test_browser_cors import JS_DIR, node_ready, static_server


def main():
    url = hh.migrated_database("test_browser_interview")
    with static_server(os.path.join(hh.SRC, "examples")) as page, hh.Server(url, "--access-log=0") as api:
        problem = node_ready()
        if hh.check(problem is None, "browser test cannot run: %s" % problem):
            argv = ["node", os.path.join(JS_DIR, "browser-interview.mjs"), "--page", page + "/interview/index.html",
                    "--api", "http://127.0.0.1:%d" % api.port]
            if os.environ.get("HH_SCREENSHOTS"):
                argv += ["--screenshots", os.environ["HH_SCREENSHOTS"]]
            try:
                r = subprocess.run(argv, capture_output=True, text=True, timeout=240)
                print(r.stdout, end="")
                print(r.stderr, end="", file=sys.stderr)
                hh.check(r.returncode == 0, "browser-interview.mjs exited %d (see its output above)" % r.returncode)
            except subprocess.TimeoutExpired as e:
                hh.check(False, "browser-interview.mjs timed out:\n%s" % (e.stdout or ""))
    hh.done()


if __name__ == "__main__":
    main()
