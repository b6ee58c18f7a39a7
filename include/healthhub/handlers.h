/*
 * handlers.h - what each route answers: the route -> handler table,
 * content GETs (from the snapshot, an LRU or the database pool), triage,
 * and CORS preflights. The operational endpoints are in ops.h.
 */
#ifndef HEALTHHUB_HANDLERS_H
#define HEALTHHUB_HANDLERS_H

#include "healthhub/http.h"

/* Answers a request whose headers (and body) are in: rate limit, method check, then its route's handler. */
enum MHD_Result hh_handle(struct hh_request *rq);

#endif
