/*
 * serve.h - `healthhub serve`: runs the server in the foreground until
 * SIGINT or SIGTERM, then drains in-flight requests and returns.
 */
#ifndef HEALTHHUB_SERVE_H
#define HEALTHHUB_SERVE_H

#include "healthhub/common.h"
#include "healthhub/config.h"

/* 0 after a clean stop; 1 when it could not start; 2 for bad settings. */
int hh_serve(const struct hh_config *cfg) HH_MUSTCHECK;

#endif
