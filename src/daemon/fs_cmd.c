// SPDX-License-Identifier: GPL-2.0-only
/*
 * File operations into grammar commands (see fs_cmd.h). The words are
 * built as an argv, never as one line to split, so a value cannot smuggle
 * another option in: "4mbit weight 9" written to `bandwidth` is one word
 * with blanks, refused before it reaches the grammar.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fs_cmd.h"
#include "itm/qdisc.h"

int fs_name_minor(const char *name, uint32_t *minor)
{
	uint32_t v = 0;
	size_t i, n = strlen(name);

	if (n == 0 || n > 4 || name[0] == '0')
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char ch = name[i];

		if (ch >= '0' && ch <= '9')
			v = v * 16 + (uint32_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v = v * 16 + (uint32_t)(ch - 'a' + 10);
		else
			return -EINVAL;
	}
	*minor = v;
	return 0;
}

void fs_minor_name(uint32_t minor, char *buf, size_t len)
{
	snprintf(buf, len, "%x", (unsigned)minor);
}

static bool fs_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

void fs_root_name(const char *backend, char *buf, size_t len)
{
	char line[256], *argv[16], *save = NULL, *w;
	int argc = 0, i;

	snprintf(line, sizeof(line), "%s", backend);
	for (w = strtok_r(line, " \t", &save); w && argc < 16;
	     w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	snprintf(buf, len, "egress");
	if (argc >= 3 && !strcmp(argv[0], "bridge")) {
		snprintf(buf, len, "%s", argv[2]);
		return;
	}
	for (i = 1; argc && !strcmp(argv[0], "nfqueue") && i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "dev") && strcmp(argv[i + 1], "any"))
			snprintf(buf, len, "%s", argv[i + 1]);
	}
}

int fs_value_clean(const char *buf, size_t len, bool one_word, char *out,
		   size_t outlen)
{
	size_t i;

	if (len && buf[len - 1] == '\n')
		len--;
	while (len && fs_blank(buf[len - 1]))
		len--;
	while (len && fs_blank(*buf)) {
		buf++;
		len--;
	}
	if (!len || len >= outlen)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return -EINVAL;
		if (one_word && fs_blank(buf[i]))
			return -EINVAL;
	}
	memcpy(out, buf, len);
	out[len] = '\0';
	return 0;
}

static void fs_cmd_init(struct fs_cmd *c)
{
	c->argc = 0;
	c->buf[0] = '\0';
}

/* Append one word; -E2BIG when the command would not fit. */
static int fs_cmd_push(struct fs_cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fs_cmd_push(struct fs_cmd *c, const char *fmt, ...)
{
	size_t used = 0;
	va_list ap;
	int n;

	if (c->argc) {
		const char *last = c->argv[c->argc - 1];

		used = (size_t)(last - c->buf) + strlen(last) + 1;
	}
	if (c->argc + 1 >= (int)(sizeof(c->argv) / sizeof(c->argv[0])))
		return -E2BIG;
	va_start(ap, fmt);
	n = vsnprintf(c->buf + used, sizeof(c->buf) - used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(c->buf) - used)
		return -E2BIG;
	c->argv[c->argc++] = c->buf + used;
	c->argv[c->argc] = NULL;
	return 0;
}

/* Append the blank-separated words of text (at most FS_CMD_WORDS_MAX). */
static int fs_cmd_words(struct fs_cmd *c, const char *text)
{
	char word[FS_VALUE_MAX];
	int n = 0, r = 0;

	while (*text && r == 0) {
		size_t len;

		while (fs_blank(*text))
			text++;
		len = strcspn(text, " \t");
		if (!len)
			break;
		if (len >= sizeof(word) || ++n > FS_CMD_WORDS_MAX)
			return -E2BIG;
		memcpy(word, text, len);
		word[len] = '\0';
		r = fs_cmd_push(c, "%s", word);
		text += len;
	}
	return r ? r : (n ? 0 : -EINVAL);
}

static int fs_cmd_class(struct fs_cmd *c, const char *verb, uint32_t major,
			uint32_t minor)
{
	fs_cmd_init(c);
	if (fs_cmd_push(c, "class") || fs_cmd_push(c, "%s", verb))
		return -E2BIG;
	return fs_cmd_push(c, "classid") ? -E2BIG :
	       fs_cmd_push(c, "%x:%x", (unsigned)(major >> 16), (unsigned)minor);
}

int fs_cmd_mkdir(struct fs_cmd *c, uint32_t major, uint32_t parent,
		 uint32_t minor)
{
	fs_cmd_init(c);
	if (fs_cmd_push(c, "class") || fs_cmd_push(c, "add") ||
	    fs_cmd_push(c, "parent"))
		return -E2BIG;
	if (parent ? fs_cmd_push(c, "%x:%x", (unsigned)(major >> 16),
				 (unsigned)parent) :
		     fs_cmd_push(c, "%x:", (unsigned)(major >> 16)))
		return -E2BIG;
	if (fs_cmd_push(c, "classid") ||
	    fs_cmd_push(c, "%x:%x", (unsigned)(major >> 16), (unsigned)minor))
		return -E2BIG;
	return fs_cmd_push(c, "vif");
}

int fs_cmd_rmdir(struct fs_cmd *c, uint32_t major, uint32_t minor)
{
	return fs_cmd_class(c, "del", major, minor);
}

int fs_cmd_vif_set(struct fs_cmd *c, uint32_t major, uint32_t minor,
		   const char *name, const char *value)
{
	int r;

	if (minor) {
		r = fs_cmd_class(c, "change", major, minor);
	} else {
		fs_cmd_init(c);
		r = fs_cmd_push(c, "qdisc") || fs_cmd_push(c, "change") ||
		    fs_cmd_push(c, "root") ? -E2BIG : 0;
	}
	if (r == 0)
		r = fs_cmd_push(c, "vif");
	if (r == 0)
		r = fs_cmd_push(c, "%s", name);
	return r ? r : fs_cmd_push(c, "%s", value);
}

int fs_cmd_vif_qdisc(struct fs_cmd *c, uint32_t major, uint32_t minor,
		     const char *words)
{
	int r;

	fs_cmd_init(c);
	if (!minor)
		return -EINVAL;
	if (fs_cmd_push(c, "qdisc") || fs_cmd_push(c, "replace") ||
	    fs_cmd_push(c, "parent") ||
	    fs_cmd_push(c, "%x:%x", (unsigned)(major >> 16), (unsigned)minor))
		return -E2BIG;
	r = fs_cmd_words(c, words);
	/* the kind first: a place ("root", "parent", "handle") would move
	 * the command off this leaf, to the root or another user's VIF */
	if (r == 0 && !itm_qdisc_find(c->argv[4]))
		return -EINVAL;
	return r;
}

int fs_cmd_mod_set(struct fs_cmd *c, const char *label, const char *name,
		   const char *value)
{
	fs_cmd_init(c);
	if (fs_cmd_push(c, "set") || fs_cmd_push(c, "%s.%s", label, name))
		return -E2BIG;
	return fs_cmd_push(c, "%s", value);
}

int fs_cmd_mod_ctl(struct fs_cmd *c, const char *label, const char *words)
{
	fs_cmd_init(c);
	if (fs_cmd_push(c, "module") || fs_cmd_push(c, "ctl") ||
	    fs_cmd_push(c, "%s", label))
		return -E2BIG;
	return fs_cmd_words(c, words);
}

void fs_cmd_line(const struct fs_cmd *c, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < c->argc && o < len; i++) {
		int n = snprintf(buf + o, len - o, "%s%s", i ? " " : "", c->argv[i]);

		if (n < 0)
			break;
		o += (size_t)n;
	}
}

int fs_errno_write(int r)
{
	if (r >= 0)
		return 0;
	if (r == -ENOENT || r == -EBUSY || r == -ENOMEM)
		return -r;
	return EINVAL;
}

int fs_errno_rmdir(int r)
{
	if (r >= 0)
		return 0;
	return r == -ENOTEMPTY ? EBUSY : -r;
}
