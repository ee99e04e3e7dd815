// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes to itmd's file system, as any local user with a VIF of their own
 * may make them: the first byte picks a file of a small VIF tree or of a
 * module, the rest is the text written. The text either becomes a command
 * that the engine accepts or refuses, or is refused first; the file then
 * still reads.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "daemon/fs_tree.h"
#include "daemon/fs_view.h"
#include "itm/cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char conf[] =
	"qdisc add root handle 1: vif mode pq\n"
	"class add parent 1: classid 1:3 vif bandwidth 4mbit mode shaping\n"
	"class add parent 1:3 classid 1:1 vif\n"
	"module add pias\n";

static void fuzz_write(struct itm_engine *e, uint8_t pick, const char *text,
		       size_t len, FILE *null)
{
	static const uint32_t minors[] = { 0, 3, 1 };
	struct itm_cmd_ctx cc = { .eng = e, .out = null };
	struct itm_qdisc *q = fs_vif_root(e);
	struct itm_mod *m = fs_mod_at(e, 0);
	uint32_t minor = pick % 4 < 3 ? minors[pick % 4] : 0, file;
	struct itm_err err;
	struct fs_cmd c;
	int r;

	if (pick % 4 == 3) {
		if (fs_mod_file_at(m, pick / 4u, &file) < 0)
			return;
		r = fs_mod_write_cmd(m, file, text, len, &c);
	} else {
		if (fs_vif_file_at(q, minor, pick / 4u, &file) < 0)
			return;
		r = fs_vif_write_cmd(q, minor, file, text, len, &c);
	}
	if (r == 0)
		itm_cmd_run(&cc, c.argc, c.argv, &err);
	/* the command may have replaced the discipline: look it up again */
	q = fs_vif_root(e);
	if (pick % 4 == 3 && file != FS_MOD_CTL)
		fs_mod_read(m, file, null);
	else if (pick % 4 != 3 && q && fs_vif_exists(q, minor) &&
		 fs_vif_file_at(q, minor, pick / 4u, &file) == 0)
		fs_vif_read(q, minor, file, null);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct itm_engine *e = NULL;
	struct itm_err err;
	char msg[256];
	FILE *null;

	if (size < 1 || itm_config_load_buf("fuzz", conf, strlen(conf), &e, msg,
					    sizeof(msg)) < 0)
		return 0;
	null = fopen("/dev/null", "w");
	if (null && itm_engine_start(e, 1, &err) == 0)
		fuzz_write(e, data[0], (const char *)data + 1, size - 1, null);
	if (null)
		fclose(null);
	itm_engine_destroy(e);
	return 0;
}
