/*
 * history.h - the content history commands: `healthhub history`, `show`,
 * `diff` and `rollback` (docs/API.md, "Content history and sign-off").
 */
#ifndef HEALTHHUB_HISTORY_H
#define HEALTHHUB_HISTORY_H

#include "healthhub/common.h"

/* 1 when name is one of these commands. */
int hh_history_is_command(const char *name);

/* Runs command name with its arguments (after the command word). Exit status: 0, 1 failed, 2 usage. */
int hh_history_main(const char *name, int argc, char **argv) HH_MUSTCHECK;

#endif
