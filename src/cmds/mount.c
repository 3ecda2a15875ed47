/* SPDX-License-Identifier: MIT */
/*
 * mount: the mounts of a mount namespace in crash's layout (crash
 * filesys.c show_mounts: MOUNT and SUPERBLK right-justified in 16, the
 * file system type in 6 and the device name in 9, trailing spaces cut
 * while the pair is longer than 17, then the mount point).
 */
#include "command.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/fs.h>
#include <kcrash/tasks.h>

#define ULL(x) ((unsigned long long)(x))

static const char mount_header[] =
	"     MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME\n";

static void print_row(const struct kc_mount *m, FILE *out)
{
	char pair[512];
	int len = snprintf(pair, sizeof(pair), "%-6s %-9s ", m->type, m->devname);
	if (len >= (int)sizeof(pair))
		len = (int)sizeof(pair) - 1;
	while (len > 17 && pair[len - 2] == ' ')
		pair[--len] = '\0';
	fprintf(out, "%16llx %16llx %s%-10s\n", ULL(m->mount), ULL(m->sb), pair, m->dirname);
}

static void print_json(const struct kc_mount *m, bool first, FILE *out)
{
	fprintf(out, "%s\n  {\"mount\": \"0x%llx\", \"vfsmount\": \"0x%llx\", \"superblock\": \"0x%llx\", "
		"\"mnt_id\": %d, \"parent\": \"0x%llx\", \"dev\": \"%u:%u\", \"type\": ",
		first ? "" : ",", ULL(m->mount), ULL(m->vfsmount), ULL(m->sb), m->mnt_id,
		ULL(m->parent), m->dev >> 20, m->dev & 0xfffff);
	kc_json_string(out, m->type);
	fputs(", \"devname\": ", out);
	kc_json_string(out, m->devname);
	fputs(", \"dirname\": ", out);
	kc_json_string(out, m->dirname);
	fputc('}', out);
}

/* crash's mount ARG: a line any of whose columns is ARG (or the vfsmount in it). */
static bool matches(const struct kc_mount *m, const char *arg)
{
	uint64_t addr;
	struct kc_error *err = kc_parse_hex(arg, &addr);
	bool is_hex = !err;
	kc_error_destroy(err);
	if (is_hex && (addr == m->mount || addr == m->vfsmount || addr == m->sb))
		return true;
	return !strcmp(arg, m->type) || !strcmp(arg, m->devname) || !strcmp(arg, m->dirname);
}

static struct kc_error *cmd_mount(struct kc_session *session, int argc, char **argv, FILE *out)
{
	bool json = false;
	const char *ns = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			ns = argv[++i];
		else
			return kc_usage_error(&kc_cmd_mount);
	}
	const struct kc_task *task = NULL;
	struct kc_error *err = ns ? kc_task_lookup(session, ns, &task) : NULL;
	if (err)
		return err;
	struct kc_mount *mounts;
	size_t n;
	err = kc_mounts(session, task, &mounts, &n);
	if (err)
		return err;
	fputs(json ? "[" : mount_header, out);
	bool first = true;
	for (size_t k = 0; k < n; k++) {
		bool shown = i == argc;
		for (int a = i; a < argc && !shown; a++)
			shown = matches(&mounts[k], argv[a]);
		if (!shown)
			continue;
		if (json)
			print_json(&mounts[k], first, out);
		else
			print_row(&mounts[k], out);
		first = false;
	}
	if (json)
		fputs(first ? "]\n" : "\n]\n", out);
	kc_mounts_free(mounts, n);
	return NULL;
}

const struct kc_command kc_cmd_mount = {
	.name = "mount",
	.summary = "mounted file systems",
	.usage = "mount [-n PID|TASK] [--json] [MOUNT|SUPERBLOCK|TYPE|DEVNAME|DIRNAME]...",
	.help =
		"Lists the mounts of pid 1's mount namespace (or TASK's with -n) in\n"
		"mount order (the namespace's list; its rb-tree from v6.8), in crash's\n"
		"layout:\n"
		"       MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME\n"
		"  ffff3fc140826140 ffff3fc140860800 rootfs rootfs    /\n"
		"MOUNT is the struct mount, SUPERBLK its super_block, TYPE the file\n"
		"system type, DEVNAME the device name given to mount(2), DIRNAME the\n"
		"mount point (the kernel's d_path of the mount's root).\n"
		"  ARG...   only the mounts with a column equal to one of the ARGs (a\n"
		"           hexadecimal ARG also matches the struct vfsmount inside)\n"
		"  -n TASK  the mount namespace of that pid or task_struct\n"
		"  --json   an array of objects: mount, vfsmount, superblock, mnt_id,\n"
		"           parent, dev \"MAJOR:MINOR\", type, devname, dirname\n",
	.needs_dump = true,
	.run = cmd_mount,
};
