// SPDX-License-Identifier: GPL-2.0-only
/* itm tgen server|client: the flow-completion-time generator. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tgen.h"

static int tgen_server_main(int argc, char **argv)
{
	struct tgen_server_opts o;
	char msg[512];

	if (tgen_server_parse(argc, argv, &o, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "itm tgen server: %s\n%s", msg, tgen_usage);
		return 2;
	}
	return tgen_server_run(&o);
}

static int tgen_client_main(int argc, char **argv)
{
	struct tgen_client_opts o;
	char msg[512];
	int rc;

	if (tgen_client_parse(argc, argv, &o, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "itm tgen client: %s\n%s", msg, tgen_usage);
		tgen_client_opts_free(&o);
		return 2;
	}
	rc = tgen_client_run(&o);
	tgen_client_opts_free(&o);
	return rc;
}

int tgen_main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "server"))
		return tgen_server_main(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "client"))
		return tgen_client_main(argc - 1, argv + 1);
	fputs(tgen_usage, stderr);
	return 2;
}
