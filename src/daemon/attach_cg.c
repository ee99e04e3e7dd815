// SPDX-License-Identifier: GPL-2.0-only
/*
 * Process attachment through cgroup v2 and iptables (see attach.h).
 * Processes move by writing their pid to cgroup.procs; children are born
 * in their parent's cgroup, which is what makes a shell's commands follow
 * it. The cgroup match is evaluated on the socket's cgroup, fixed when the
 * socket is created, so sockets a process opens after its attachment are
 * classified; the CLASSIFY rule sits in OUTPUT, ahead of the POSTROUTING
 * hook where the NFQUEUE backend takes the packet with its priority.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach.h"
#include "attach_path.h"
#include "io/ipt.h"
#include "itm/live.h"

static int ipt(const struct attach_sys *s, int family, const char *const *args)
{
	return itm_ipt_mangle(family, s->legacy, args);
}

static void chain_remove(struct attach_sys *s, int family)
{
	const char *jump[] = { "-D", "OUTPUT", "-j", s->chain, NULL };
	const char *flush[] = { "-F", s->chain, NULL };
	const char *del[] = { "-X", s->chain, NULL };

	while (ipt(s, family, jump) == 0)
		;
	ipt(s, family, flush);
	ipt(s, family, del);
}

static int chain_install(struct attach_sys *s, int family)
{
	const char *mk[] = { "-N", s->chain, NULL };
	const char *sock[] = { "-A", s->chain, "-m", "mark", "--mark",
			       "0x10000000/0x10000000", "-j", "RETURN", NULL };
	const char *jump[] = { "-I", "OUTPUT", "1", "-j", s->chain, NULL };

	chain_remove(s, family);	/* one a killed itmd left */
	if (ipt(s, family, mk) < 0 || ipt(s, family, sock) < 0 ||
	    ipt(s, family, jump) < 0) {
		chain_remove(s, family);
		return -EIO;
	}
	return 0;
}

/* IPv4 is required, IPv6 follows where the system has it. */
static int chains_on(struct attach_sys *s, struct itm_err *err)
{
	if (s->chain_on)
		return 0;
	s->legacy = false;
	if (chain_install(s, 4) < 0) {
		s->legacy = true;
		if (chain_install(s, 4) < 0)
			return itm_err_set(err, EIO,
					   "iptables: cannot install chain %s in table mangle",
					   s->chain);
	}
	if (chain_install(s, 6) < 0)
		itm_live_log("warning", "attach: ip6tables: no chain %s; IPv6 "
			     "packets of attached processes are not classified",
			     s->chain);
	s->chain_on = true;
	return 0;
}

/* -A or -D chain -m cgroup --path itm/IF/MIN -j CLASSIFY --set-class M:N */
static int vif_rule(struct attach_sys *s, const char *op, uint32_t minor,
		    uint32_t prio)
{
	char path[192], cls[32];
	const char *args[] = { op, s->chain, "-m", "cgroup", "--path", path,
			       "-j", "CLASSIFY", "--set-class", cls, NULL };
	int r;

	snprintf(path, sizeof(path), "%s/%x", s->cg_rel, (unsigned)minor);
	snprintf(cls, sizeof(cls), "%x:%x", prio >> 16, prio & 0xffffu);
	r = ipt(s, 4, args);
	ipt(s, 6, args);
	return r;
}

/* The rule of an attached uid or cgroup: -I chain POS ... or -D chain ... */
int attach_list_rule(struct attach_sys *s, bool add, const struct atl *e,
		     unsigned pos, struct itm_err *err)
{
	char at[16], val[ATT_CG_LEN], cls[32];
	const char *args[16];
	int n = 0, r;

	if (add && (r = chains_on(s, err)) < 0)
		return r;
	snprintf(at, sizeof(at), "%u", pos);
	if (e->kind == ATL_UID)
		snprintf(val, sizeof(val), "%u", (unsigned)e->uid);
	else
		snprintf(val, sizeof(val), "%s", e->path);
	snprintf(cls, sizeof(cls), "%x:%x", e->prio >> 16, e->prio & 0xffffu);
	args[n++] = add ? "-I" : "-D";
	args[n++] = s->chain;
	if (add)
		args[n++] = at;
	args[n++] = "-m";
	args[n++] = e->kind == ATL_UID ? "owner" : "cgroup";
	args[n++] = e->kind == ATL_UID ? "--uid-owner" : "--path";
	args[n++] = val;
	args[n++] = "-j";
	args[n++] = "CLASSIFY";
	args[n++] = "--set-class";
	args[n++] = cls;
	args[n] = NULL;
	r = ipt(s, 4, args);
	ipt(s, 6, args);
	if (r < 0)
		return itm_err_set(err, EIO, "iptables: cannot %s the rule of %s%s",
				   add ? "insert" : "delete",
				   e->kind == ATL_UID ? "uid " : "cgroup /", val);
	return 0;
}

static int write_pid(const char *dir, pid_t pid)
{
	char path[PATH_MAX + 16], text[24];
	int fd, n, r = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(text, sizeof(text), "%d\n", (int)pid);
	if (write(fd, text, (size_t)n) != n)
		r = -errno;
	close(fd);
	return r;
}

/* Every process of cgroup dir into cgroup to (or the root if that went). */
static void move_all(const struct attach_sys *s, const char *dir,
		     const char *to)
{
	char path[PATH_MAX + 16], dest[PATH_MAX + ATT_CG_LEN];
	FILE *f;
	int pid;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(dest, sizeof(dest), "%s%s", s->cg_mnt, to);
	f = fopen(path, "re");
	while (f && fscanf(f, "%d", &pid) == 1) {
		if (write_pid(dest, pid) < 0)
			write_pid(s->cg_mnt, pid);
	}
	if (f)
		fclose(f);
}

/* A cgroup tree bottom up: processes to the root, directories removed. */
static void cg_purge(const struct attach_sys *s, const char *dir)
{
	char sub[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) <
		    sizeof(sub))
			cg_purge(s, sub);
	}
	if (d)
		closedir(d);
	move_all(s, dir, "/");
	rmdir(dir);
}

/* The cgroup v2 mount from mountinfo: /sys/fs/cgroup on a unified system,
 * /sys/fs/cgroup/unified on a hybrid one. */
static int cg_mount(char *buf, size_t len)
{
	char line[4096], mnt[PATH_MAX], *sep;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int r = -ENOENT;

	while (f && r < 0 && fgets(line, sizeof(line), f)) {
		sep = strstr(line, " - cgroup2 ");
		if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 &&
		    strlen(mnt) < len) {
			snprintf(buf, len, "%s", mnt);
			r = 0;
		}
	}
	if (f)
		fclose(f);
	return r;
}

int attach_sys_init(struct attach_sys *s, const char *ifname,
		    struct itm_err *err)
{
	char dir[PATH_MAX + 192];

	memset(s, 0, sizeof(*s));
	if (cg_mount(s->cg_mnt, sizeof(s->cg_mnt)) < 0)
		return itm_err_set(err, ENOENT, "attach: no cgroup v2 mount");
	snprintf(s->cg_rel, sizeof(s->cg_rel), "itm/%s", ifname);
	snprintf(s->chain, sizeof(s->chain), "itm-a-%s", ifname);
	snprintf(dir, sizeof(dir), "%s/%s", s->cg_mnt, s->cg_rel);
	cg_purge(s, dir);	/* left by a killed itmd */
	chain_remove(s, 4);
	chain_remove(s, 6);
	return 0;
}

void attach_sys_fini(struct attach_sys *s)
{
	char dir[PATH_MAX + 192];

	if (s->chain_on) {
		chain_remove(s, 4);
		chain_remove(s, 6);
		s->chain_on = false;
	}
	if (!s->cg_mnt[0])
		return;
	snprintf(dir, sizeof(dir), "%s/%s", s->cg_mnt, s->cg_rel);
	cg_purge(s, dir);
	snprintf(dir, sizeof(dir), "%s/itm", s->cg_mnt);
	rmdir(dir);	/* shared by the itmd of other interfaces: if empty */
}

/* The process's cgroup v2 path ("/user.slice/..."), from /proc. */
static int prev_cgroup(pid_t pid, char *buf, size_t len)
{
	char path[64], line[ATT_CG_LEN + 8];
	FILE *f;
	size_t n;
	int r = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	while (f && r < 0 && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		/* a path too long to keep could not be restored: refused */
		n = strcspn(line + 3, "\n");
		if (n >= len)
			break;
		memcpy(buf, line + 3, n);
		buf[n] = '\0';
		r = 0;
	}
	if (f)
		fclose(f);
	return r;
}

static void cg_dir(const struct attach_sys *s, uint32_t minor, pid_t pid,
		   char *buf, size_t len)
{
	if (pid)
		snprintf(buf, len, "%s/%s/%x/%d", s->cg_mnt, s->cg_rel,
			 (unsigned)minor, (int)pid);
	else
		snprintf(buf, len, "%s/%s/%x", s->cg_mnt, s->cg_rel,
			 (unsigned)minor);
}

static int mkdir_p(char *path)
{
	char *p;

	for (p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

int attach_proc(struct attach_sys *s, struct att *a, uint32_t prio,
		bool first, struct itm_err *err)
{
	char dir[PATH_MAX + 192];
	int r;

	if (prev_cgroup(a->pid, a->prev_cg, sizeof(a->prev_cg)) < 0)
		return itm_err_set(err, ESRCH, "attach: %d: no cgroup v2 entry",
				   (int)a->pid);
	/* moved, it would leave the other itmd's rule behind unknowingly */
	if (attp_cg_other_if(a->prev_cg, s->cg_rel + strlen("itm/")))
		return itm_err_set(err, EBUSY, "attach: %d: in %s, attached by "
				   "the itmd of another interface", (int)a->pid,
				   a->prev_cg);
	if ((r = chains_on(s, err)) < 0)
		return r;
	cg_dir(s, a->minor, a->pid, dir, sizeof(dir));
	if ((r = mkdir_p(dir)) < 0)
		return itm_err_set(err, -r, "attach: %s: %s", dir, strerror(-r));
	if (first && vif_rule(s, "-A", a->minor, prio) < 0)
		r = itm_err_set(err, EIO, "attach: iptables: no cgroup rule for %s",
				dir);
	if (r == 0 && (r = write_pid(dir, a->pid)) < 0)
		itm_err_set(err, -r, "attach: moving %d to %s: %s", (int)a->pid,
			    dir, strerror(-r));
	if (r < 0)
		detach_proc(s, a, prio, first);
	return r;
}

void detach_proc(struct attach_sys *s, const struct att *a, uint32_t prio,
		 bool last)
{
	char dir[PATH_MAX + 192];

	cg_dir(s, a->minor, a->pid, dir, sizeof(dir));
	move_all(s, dir, a->prev_cg);
	rmdir(dir);
	if (!last)
		return;
	vif_rule(s, "-D", a->minor, prio);
	cg_dir(s, a->minor, 0, dir, sizeof(dir));
	rmdir(dir);
}
