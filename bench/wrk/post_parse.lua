-- wrk script for bench/parse: POST /v1/triage/parse with one 200-character message on every
-- request (English, a red flag, a denial, a hedge-free pattern, age and duration to read).
-- PARSE_LONG=1 in the environment sends the 4,000-character rambling message instead.
wrk.method = "POST"
wrk.path = "/v1/triage/parse"
wrk.headers["Content-Type"] = "application/json"
local short = "45 y/o, dull ache between my shoulder blades for 2 wks, worse at my desk, no fever but " ..
	"my legs feel a bit numb. Think it started after moving house, can't sleep well bc of it, no chest pain :( ok"
local chunk = "So I'm 52 and my mid back has been sore for about three weeks now, worse when I sit at the " ..
	"computer and it sometimes wakes me at night. No fever that I know of, no weight loss, I did fall off my " ..
	"bike last year but that was fine. Maybe a bit of tingling in my fingers? Not sure. "
local text = short
if os.getenv("PARSE_LONG") == "1" then
	text = string.sub(string.rep(chunk, 15), 1, 4000)
end
wrk.body = '{"text": "' .. text .. '", "lang": "en"}'
