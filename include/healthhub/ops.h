/*
 * ops.h - the operational endpoints: /healthz (the process answers),
 * /readyz (this instance can answer: content loaded, not draining; the
 * database state is reported, never decisive), /metrics (Prometheus).
 */
#ifndef HEALTHHUB_OPS_H
#define HEALTHHUB_OPS_H

#include "healthhub/http.h"

enum MHD_Result hh_ops_healthz(struct hh_request *rq);
enum MHD_Result hh_ops_readyz(struct hh_request *rq);
enum MHD_Result hh_ops_metrics(struct hh_request *rq);

#endif
