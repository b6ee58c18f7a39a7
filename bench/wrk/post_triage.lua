-- wrk script for bench/run: POST /v1/triage with a fixed JSON body on every request.
-- The body is the brief's desk-worker case, so it exercises validation and scoring,
-- not an error path (bench/run checks the status code once before the load).
wrk.method = "POST"
wrk.path = "/v1/triage"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"symptoms":["worse_sitting","desk_slouching"],"positions":["sitting"],' ..
	'"region":"upper_back","duration_days":5,"age":35}'
