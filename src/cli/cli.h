/* SPDX-License-Identifier: GPL-2.0-only */
/* The itm command line: one <name>_main per subcommand file. */
#ifndef ITM_CLI_H
#define ITM_CLI_H

int parse_main(int argc, char **argv);
int replay_main(int argc, char **argv);
int check_main(int argc, char **argv);
int pias_main(int argc, char **argv);
int probe_main(int argc, char **argv);
int tgen_main(int argc, char **argv);
/* A grammar command for a running itmd; sock NULL: the default socket. */
int live_main(const char *sock, int argc, char **argv);

#endif
