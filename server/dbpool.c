/*
 * dbpool.c - the database job queue and its breaker (see dbpool.h).
 *
 * Database calls are confined to the section marked "database calls" so
 * that a change of the db API touches only those lines.
 */
#include "healthhub/dbpool.h"
#include "healthhub/i18n.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "healthhub/log.h"
#include "healthhub/metrics.h"

#define BREAKER_NS 2000000000ull /* after a database failure, fail searches fast for this long */

struct hh_dbpool {
	struct hh_dbpool_options o;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct hh_dbpool_job *head, *tail;
	size_t len;
	int stopping; /* under lock: workers exit once the queue is empty */
	pthread_t *workers;
	size_t n_workers;
	atomic_uint_fast64_t open_until_ns; /* breaker: until then, jobs fail fast */
};

/* ======================================================= database calls */

typedef struct hh_db *db_conn;

/* A connection that is up, reconnecting when needed; NULL (err set) when the database is unreachable. */
static db_conn ensure_connected(const struct hh_dbpool *p, db_conn *c, char *err, size_t errlen)
{
	if (hh_db_usable(*c))
		return *c;
	hh_db_close(*c);
	*c = hh_db_connect(p->o.database_url, (int)p->o.statement_timeout_ms, err, errlen);
	if (*c != NULL)
		hh_metrics_db_reconnect();
	return *c;
}

static int run_search(db_conn c, const struct hh_dbpool_job *j, struct hh_search_result *hits, char *err, size_t errlen)
{
	const struct hh_list_params *q = &j->params;
	if (q->lang != HH_LANG_EN)
		return hh_db_search_translated(c, hh_lang_name((enum hh_lang)q->lang), j->kind == HH_SEARCH_ARTICLES, q,
					       hits, err, errlen);
	if (j->kind == HH_SEARCH_ARTICLES)
		return hh_db_search_articles(c, q->q, (int)q->limit, (int)q->offset, hits, err, errlen);
	return hh_db_search_causes(c, q->q, q->position, q->region, hits, err, errlen);
}

/* After a timeout the connection is mid-query: start afresh. */
static void drop_connection(db_conn *c)
{
	hh_db_close(*c);
	*c = NULL;
}

/* ================================================================ queue */

static struct hh_dbpool_job *dequeue(struct hh_dbpool *p)
{
	pthread_mutex_lock(&p->lock);
	while (p->head == NULL && !p->stopping)
		pthread_cond_wait(&p->cond, &p->lock);
	struct hh_dbpool_job *j = p->head;
	if (j) {
		p->head = j->next;
		if (p->head == NULL)
			p->tail = NULL;
		p->len--;
	}
	pthread_mutex_unlock(&p->lock);
	return j;
}

int hh_dbpool_submit(struct hh_dbpool *p, struct hh_dbpool_job *j)
{
	j->next = NULL;
	j->queued_ns = hh_now_ns();
	pthread_mutex_lock(&p->lock);
	int ok = p->len < (size_t)p->o.queue_limit && !p->stopping;
	if (ok) {
		if (p->tail)
			p->tail->next = j;
		else
			p->head = j;
		p->tail = j;
		p->len++;
		pthread_cond_signal(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return ok ? 0 : -1;
}

size_t hh_dbpool_queue_length(struct hh_dbpool *p)
{
	pthread_mutex_lock(&p->lock);
	size_t n = p->len;
	pthread_mutex_unlock(&p->lock);
	return n;
}

/* ============================================================== workers */

/* A failed query or connect opens the breaker, so queued searches do not each wait out a timeout. */
static void db_failed(struct hh_dbpool *p)
{
	hh_metrics_db_error();
	atomic_store(&p->open_until_ns, hh_now_ns() + BREAKER_NS);
}

/*
 * A job that waited longer than a query may take, or arrives while the
 * breaker is open, is answered 503 at once: its client has waited enough.
 */
static int give_up(struct hh_dbpool *p, const struct hh_dbpool_job *j)
{
	uint64_t now = hh_now_ns();
	uint64_t patience = (uint64_t)(p->o.statement_timeout_ms + 1000) * 1000000ull;
	return now < atomic_load(&p->open_until_ns) || now - j->queued_ns > patience;
}

/* Runs one job; returns its status (200 with hits filled, or 503). */
static int work(struct hh_dbpool *p, db_conn *c, struct hh_dbpool_job *j, struct hh_search_result *hits)
{
	char err[256] = "";
	if (give_up(p, j))
		return 503;
	if (ensure_connected(p, c, err, sizeof(err)) == NULL) {
		db_failed(p);
		hh_warn("search: database unavailable", "request_id", j->request_id, "error", err);
		return 503;
	}
	if (run_search(*c, j, hits, err, sizeof(err)) < 0) {
		db_failed(p);
		hh_warn("search failed", "request_id", j->request_id, "error", err);
		drop_connection(c);
		return 503;
	}
	return 200;
}

static void *worker_main(void *arg)
{
	struct hh_dbpool *p = arg;
	db_conn c = NULL;
	struct hh_dbpool_job *j;
	while ((j = dequeue(p)) != NULL) {
		/* queued work is finished even while stopping: its queries are bounded */
		struct hh_search_result hits = {0};
		int status = work(p, &c, j, &hits);
		j->done(j, status, status == 200 ? &hits : NULL);
		hh_search_result_free(&hits);
	}
	drop_connection(&c);
	return NULL;
}

struct hh_dbpool *hh_dbpool_start(const struct hh_dbpool_options *o)
{
	struct hh_dbpool *p = xcalloc(1, sizeof(*p));
	p->o = *o;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->workers = xcalloc((size_t)o->workers, sizeof(*p->workers));
	for (size_t i = 0; i < (size_t)o->workers; i++) {
		if (pthread_create(&p->workers[i], NULL, worker_main, p) != 0) {
			hh_dbpool_free(p);
			return NULL;
		}
		p->n_workers = i + 1;
	}
	return p;
}

void hh_dbpool_stop(struct hh_dbpool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (size_t i = 0; i < p->n_workers; i++)
		pthread_join(p->workers[i], NULL);
	p->n_workers = 0;
}

void hh_dbpool_free(struct hh_dbpool *p)
{
	if (p == NULL)
		return;
	hh_dbpool_stop(p);
	free(p->workers);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}
