/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The file system's operations as grammar commands (fs_cmd.c). A mkdir, a
 * write or an rmdir becomes the command line an operator would type, run on
 * the live engine, so the file tree and the control socket share one
 * validation. Pure: nothing here touches the engine or FUSE.
 */
#ifndef ITM_DAEMON_FS_CMD_H
#define ITM_DAEMON_FS_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "itm/cmd.h"

/* A written value: at most this many bytes, as a page of `echo`. */
#define FS_VALUE_MAX 1024
/* Words a `qdisc` file may hold: "fq_pie limit 1000 target 15ms ..." */
#define FS_CMD_WORDS_MAX 32

struct fs_cmd {
	char buf[FS_VALUE_MAX + 256];	/* the words, NUL-separated */
	char *argv[FS_CMD_WORDS_MAX + 8];
	int argc;
};

/* A VIF directory's name is its class minor in hex as tc prints it
 * ("3", "1a"): 1..ffff, lowercase, no leading zero. */
int fs_name_minor(const char *name, uint32_t *minor);
void fs_minor_name(uint32_t minor, char *buf, size_t len);

/*
 * The root VIF's directory name: the interface the root discipline sends
 * on, from the backend line: IF2 of "bridge IF1 IF2" (IF1 -> IF2 is the
 * direction it shapes), DEV of "nfqueue dev DEV", else "egress".
 */
void fs_root_name(const char *backend, char *buf, size_t len);

/*
 * What a write holds: trailing blanks and one final newline dropped; empty
 * text, a NUL, a control character or an inner newline refused (-EINVAL);
 * with one_word, inner blanks refused too. The result goes to out.
 */
int fs_value_clean(const char *buf, size_t len, bool one_word, char *out,
		   size_t outlen);

/* class add parent MAJ:PARENT classid MAJ:MINOR vif */
int fs_cmd_mkdir(struct fs_cmd *c, uint32_t major, uint32_t parent,
		 uint32_t minor);
/* class del classid MAJ:MINOR */
int fs_cmd_rmdir(struct fs_cmd *c, uint32_t major, uint32_t minor);
/* minor 0 (the root VIF): qdisc change root vif NAME VALUE;
 * else class change classid MAJ:MINOR vif NAME VALUE */
int fs_cmd_vif_set(struct fs_cmd *c, uint32_t major, uint32_t minor,
		   const char *name, const char *value);
/* qdisc replace parent MAJ:MINOR KIND [OPTIONS]: a leaf's discipline */
int fs_cmd_vif_qdisc(struct fs_cmd *c, uint32_t major, uint32_t minor,
		     const char *words);
/* set LABEL.NAME VALUE */
int fs_cmd_mod_set(struct fs_cmd *c, const char *label, const char *name,
		   const char *value);
/* module ctl LABEL OPERATION [--json] */
int fs_cmd_mod_ctl(struct fs_cmd *c, const char *label, const char *words);

/* The command as one line, for the log. */
void fs_cmd_line(const struct fs_cmd *c, char *buf, size_t len);

/*
 * The errno a file operation returns for an engine's refusal: a write
 * fails with EINVAL for any bad value (ERANGE, EPERM of a fixed
 * parameter...), keeping ENOENT, EBUSY and ENOMEM; rmdir maps the
 * engine's "holds packets" (ENOTEMPTY) to EBUSY, the directory itself
 * being empty.
 */
int fs_errno_write(int r);
int fs_errno_rmdir(int r);

#endif
