/*
 * main.c - the healthhub command line: serve, migrate, migrate status.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "healthhub/config.h"
#include "healthhub/history.h"
#include "healthhub/serve.h"
#include "healthhub/log.h"
#include "healthhub/migrate.h"

static void usage(FILE *out)
{
	fputs("usage: healthhub COMMAND [options]\n"
	      "\n"
	      "HealthHub serves guidance on middle and upper back muscle soreness as JSON.\n"
	      "\n"
	      "commands:\n"
	      "  serve             run the HTTP server until SIGINT/SIGTERM\n"
	      "  migrate           apply pending migrations and load content/, in one transaction\n"
	      "  migrate status    list applied and pending migrations and content documents\n"
	      "  history           content versions: who changed what, when, and why\n"
	      "  show              an entity's document at a version or a date\n"
	      "  diff              what changed between two versions, field by field\n"
	      "  rollback          a new version whose content is that of an earlier one\n"
	      "  approve, revoke   sign a text off (or withdraw it): NAME@VERSION --by --role\n"
	      "  pending           the texts not signed off\n"
	      "\n"
	      "  healthhub COMMAND --help   options of a command\n"
	      "  healthhub --version        print the version\n"
	      "  healthhub --settings       print every setting as a markdown table\n",
	      out);
}

static int run_migrate(enum hh_command cmd, const struct hh_config *cfg)
{
	struct hh_migrate_opts o = {
		.database_url = cfg->database_url,
		.migrations_dir = cfg->migrations_dir,
		.content_dir = cfg->content_dir,
		.dry_run = (int)cfg->dry_run,
		.author = cfg->author,
		.message = cfg->message,
	};
	if (cmd == HH_CMD_STATUS)
		return hh_migrate_status(&o, stdout, stderr);
	return hh_migrate_run(&o, stdout, stderr);
}

/*
 * An empty database URL means libpq's defaults (a local socket), which is
 * rarely what a newcomer meant: say how to give one, and where the private
 * cluster of ./scripts/run is, before trying.
 */
static void hint_database_url(const struct hh_config *cfg)
{
	static const char *const pg_env[] = {"PGHOST", "PGHOSTADDR", "PGSERVICE", "PGDATABASE", "PGPORT"};
	if (cfg->database_url[0] != '\0')
		return;
	for (size_t i = 0; i < HH_ARRAY_LEN(pg_env); i++)
		if (getenv(pg_env[i]) != NULL)
			return;
	fputs("healthhub: no database URL given, so libpq's defaults (a local socket) are tried.\n"
	      "  Give one with --database-url URL or DATABASE_URL=URL; for the private cluster that\n"
	      "  ./scripts/run starts: DATABASE_URL=$(scripts/pgcluster url .run/pg healthhub)\n",
	      stderr);
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("healthhub %s\n", HH_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--settings") == 0) {
		hh_config_markdown(stdout);
		return 0;
	}
	if (hh_history_is_command(argv[1])) {
		json_object_seed(0);
		return hh_history_main(argv[1], argc - 2, argv + 2);
	}
	enum hh_command cmd;
	int first = 2;
	if (strcmp(argv[1], "serve") == 0) {
		cmd = HH_CMD_SERVE;
	} else if (strcmp(argv[1], "migrate") == 0) {
		cmd = HH_CMD_MIGRATE;
		if (argc > 2 && strcmp(argv[2], "status") == 0) {
			cmd = HH_CMD_STATUS;
			first = 3;
		}
	} else {
		fprintf(stderr, "healthhub: unknown command \"%s\"\n\n", argv[1]);
		usage(stderr);
		return 2;
	}

	struct hh_config cfg;
	int rc = hh_config_load(&cfg, cmd, argc - first, argv + first, stdout, stderr);
	if (rc != 0) {
		hh_config_free(&cfg);
		return rc > 0 ? 0 : 2;
	}
	hh_log_set_level((enum hh_log_level)hh_log_level_parse(cfg.log_level));
	/* jansson's hash seed is set once, before any thread exists */
	json_object_seed(0);
	hint_database_url(&cfg);
	/* Log lines go through one writer thread from here on, so a stalled stderr
	 * reader never stops serving; without it they are written synchronously. */
	if (hh_log_start() < 0)
		fputs("healthhub: cannot start the log writer; logging synchronously\n", stderr);
	/*
	 * glibc raises its mmap threshold each time a mapped block is freed, up to
	 * 32 MiB: a server that rebuilds its content at every reload would then
	 * keep blocks of that size in the heap, and RSS would climb reload after
	 * reload. The threshold stays at its start value (128 KiB): a block that
	 * big is always mapped, and given back whole when freed.
	 */
	if (cmd == HH_CMD_SERVE) {
		mallopt(M_MMAP_THRESHOLD, 128 * 1024);
		rc = hh_serve(&cfg);
	} else {
		rc = run_migrate(cmd, &cfg);
	}
	hh_log_stop(); /* writes what is queued before exit */
	hh_config_free(&cfg);
	return rc;
}
