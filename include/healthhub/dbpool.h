/*
 * dbpool.h - the database job queue: worker threads that run searches.
 *
 * Request threads never touch the database. A search that misses every
 * cache becomes a job; a bounded queue hands it to one of a few workers,
 * each with its own connection (per-query deadline: statement timeout).
 * A breaker keeps an outage cheap: after a failed query or connect, jobs
 * fail fast for a moment instead of each waiting out a timeout, and a job
 * that waited longer than a query may take is answered at once.
 */
#ifndef HEALTHHUB_DBPOOL_H
#define HEALTHHUB_DBPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "healthhub/common.h"
#include "healthhub/db.h"
#include "healthhub/router.h"

enum hh_search_kind { HH_SEARCH_ARTICLES, HH_SEARCH_CAUSES };

struct hh_dbpool_job;

/*
 * Called once per job, on a worker thread: status 200 with the hits
 * (borrowed; freed after the call), or 503 (database unreachable, failed,
 * or the job waited too long) with hits NULL.
 */
typedef void (*hh_dbpool_done_fn)(struct hh_dbpool_job *j, int status, const struct hh_search_result *hits);

struct hh_dbpool_job {
	struct hh_dbpool_job *next; /* the pool's queue link */
	uint64_t queued_ns;         /* set by hh_dbpool_submit */
	enum hh_search_kind kind;
	struct hh_list_params params; /* validated; params.q points into params.norm_q */
	const char *request_id;       /* borrowed, for log lines */
	hh_dbpool_done_fn done;
	void *cls; /* the submitter's */
};

struct hh_dbpool_options {
	const char *database_url;  /* borrowed */
	long statement_timeout_ms; /* each query's deadline */
	long workers;              /* threads, each with one connection */
	long queue_limit;          /* jobs waiting at most; beyond, submit refuses */
};

struct hh_dbpool;

/* Starts the workers (o is copied; its strings are borrowed). New pool, or NULL. */
struct hh_dbpool *hh_dbpool_start(const struct hh_dbpool_options *o) HH_MUSTCHECK;
/*
 * Queues j (borrowed until its done callback returns). 0, or -1 when the
 * queue is full or the pool is stopping: done will not be called.
 */
int hh_dbpool_submit(struct hh_dbpool *p, struct hh_dbpool_job *j) HH_MUSTCHECK;
/* Jobs waiting now (for /metrics). */
size_t hh_dbpool_queue_length(struct hh_dbpool *p);
/*
 * Finishes the queued jobs (their queries are bounded) and joins the
 * workers; later submits are refused, so requests still arriving on open
 * connections get a 503 until the edge stops. NULL is allowed.
 */
void hh_dbpool_stop(struct hh_dbpool *p);
/* Stops p if needed and frees it. NULL is allowed. */
void hh_dbpool_free(struct hh_dbpool *p);

#endif
