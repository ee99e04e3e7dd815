// SPDX-License-Identifier: GPL-2.0-only
/*
 * itm: offline tools (parse, replay, check) and the command grammar. The
 * grammar's commands (the configuration file's) go to a running itmd over
 * its control socket: `itm [-S SOCKET] qdisc show -s`.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "itm/cmd.h"

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

static const struct subcommand subcommands[] = {
	{ "parse", parse_main, "itm parse [--json] FILE" },
	{ "replay", replay_main,
	  "itm replay -c CONF IN.pcap [-w OUT.pcap] [--rate RATE] [--overhead BYTES] [--json]\n"
	  "           [-e COMMAND]...   (commands run after the replay, e.g. -e 'flows show')\n"
	  "           [--module \"PROGRAM [ARGS]\"]...   (libitm processes, doc/libitm.md)" },
	{ "check", check_main, "itm check -c CONF" },
	{ "pias", pias_main,
	  "itm pias thresholds --cdf FILE --load RHO --queues K [--json]" },
	{ "probe", probe_main,
	  "itm probe TARGET [--streams SPEC,...] [--interval 10ms] [--duration 10s] [--load N]\n"
	  "          [--load-start 2s] [--load-secs 6s] [--load-port 5201] [--load-cc ALGO]\n"
	  "          [--udp-port 7777] [--plot FILE.png|FILE.svg] [--samples FILE.csv] [--json]\n"
	  "  itm probe echo-server [--port 7777] [--bind ADDR]" },
	{ "tgen", tgen_main,
	  "itm tgen server [--port 5050] [--bind ADDR]\n"
	  "  itm tgen client SERVER[,SERVER...] --cdf FILE --load RHO --rate RATE\n"
	  "           [--flows N | --duration TIME] [--mode persistent|new] [--conns K]\n"
	  "           [--dscp N | --pias] [--seed S] [--port 5050] [--timeout TIME]\n"
	  "           [--log FILE.csv] [--json] [--plot FILE.png]" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	const struct subcommand *s;

	fprintf(f, "Usage:\n");
	for (s = subcommands; s->name; s++)
		fprintf(f, "  %s\n", s->usage);
	fprintf(f, "  itm help [COMMAND]\n  itm COMMAND help\n\n");
	itm_cmd_help(f, NULL);
}

int main(int argc, char **argv)
{
	const struct subcommand *s;
	const char *sock = NULL;

	if (argc > 2 && !strcmp(argv[1], "-S")) {
		sock = argv[2];
		argv[2] = argv[0];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (argc == 4 && !strcmp(argv[2], "help") &&
	    itm_cmd_help_kind(stdout, argv[1], argv[3]) == 0)
		return 0;	/* itm qdisc help fq_pie */
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		if (argc == 4 && itm_cmd_help_kind(stdout, argv[2], argv[3]) == 0)
			return 0;	/* itm help qdisc fq_pie */
		if (argc > 2) {
			for (s = subcommands; s->name; s++) {
				if (!strcmp(argv[2], s->name)) {
					printf("%s\n", s->usage);
					return 0;
				}
			}
			if (itm_cmd_help(stdout, argv[2]) < 0) {
				fprintf(stderr, "itm: no command \"%s\"\n", argv[2]);
				return 2;
			}
			return 0;
		}
		usage(stdout);
		return 0;
	}
	for (s = subcommands; s->name; s++) {
		if (strcmp(argv[1], s->name) != 0)
			continue;
		if (argc > 2 && !strcmp(argv[argc - 1], "help")) {
			printf("%s\n", s->usage);
			return 0;
		}
		return s->fn(argc - 1, argv + 1);
	}
	if (argc > 2 && !strcmp(argv[argc - 1], "help") &&
	    itm_cmd_help(stdout, argv[1]) == 0)
		return 0;
	if (itm_cmd_help(NULL, argv[1]) == 0)	/* a grammar command: to itmd */
		return live_main(sock, argc - 1, argv + 1);
	fprintf(stderr, "itm: unknown command \"%s\", try: itm help\n", argv[1]);
	return 2;
}
