// SPDX-License-Identifier: MIT
/*
 * Open files and paths (include/kcrash/fs.h, the files command).
 *
 * The Debian workload dumps (6.1.0-57 and 5.10.0-30, opened alone: BTF
 * and the dump's kallsyms) against what the guest's /proc said just
 * before the crash (ground-truth/tasks/PID-COMM/): every fd of every
 * workload task with its /proc/PID/fd link (the path: files on ext2 and
 * tmpfs through a bind mount, pipes, sockets, anonymous inodes, a
 * memfd), its fdinfo (pos, flags, mnt_id, ino) and stat -L (device,
 * inode, mode, size), and the root and cwd links. Those cannot move
 * between the snapshot and the crash (the tasks are blocked), except the
 * init shell's redirections into the snapshot's own files, left out.
 * On the four fixtures (with their vmlinux DWARF): the crashing task
 * wrote to /proc/sysrq-trigger, so its fd 1 is that file; files -d of
 * each dentry gives the path files gives.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kcrash/commands.h>
#include <kcrash/kcrash.h>

#include "harness.h"

#define O_CLOEXEC_ARM64 02000000u

static char *read_text(const char *dir, const char *name)
{
	char path[8400];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return kc_test_read_file(path, NULL);
}

/* One fd of fdinfo.txt. */
struct truth_fd {
	int fd;
	char link[512];
	long long pos;
	unsigned flags;
	int mnt_id;
	unsigned long long ino;
	bool has_ino;
	unsigned dev, mode;
	long long size;
	bool has_stat;
};

static size_t parse_fdinfo(char *text, struct truth_fd *fds, size_t max)
{
	size_t n = 0;
	struct truth_fd *cur = NULL;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		int fd;
		int used = 0;
		if (sscanf(line, "== fd %d -> %n", &fd, &used) == 1 && used && n < max) {
			cur = &fds[n++];
			memset(cur, 0, sizeof(*cur));
			cur->fd = fd;
			snprintf(cur->link, sizeof(cur->link), "%s", line + used);
			continue;
		}
		if (!cur)
			continue;
		sscanf(line, "pos: %lld", &cur->pos);
		sscanf(line, "flags: %o", &cur->flags);
		sscanf(line, "mnt_id: %d", &cur->mnt_id);
		if (sscanf(line, "ino: %llu", &cur->ino) == 1)
			cur->has_ino = true; /* fdinfo has ino: from v5.14 */
		if (sscanf(line, "stat dev=%u ino=%*u mode=%x size=%lld", &cur->dev, &cur->mode,
			   &cur->size) == 3)
			cur->has_stat = true;
	}
	return n;
}

static const struct kc_open_file *find_fd(const struct kc_task_files *f, int fd)
{
	for (size_t i = 0; i < f->nr_open; i++)
		if (f->open[i].fd == fd)
			return &f->open[i];
	return NULL;
}

/* Every workload task's fds against its fdinfo.txt; returns the fds compared. */
static size_t check_task_dir(struct kc_session *session, const struct kc_task_list *list,
			     const char *truth, const char *task_dir, const char *label)
{
	int pid;
	/* init runs the snapshot's script: its fds moved on before the crash. */
	if (sscanf(task_dir, "%d-", &pid) != 1 || pid == 1)
		return 0;
	char dir[4400];
	snprintf(dir, sizeof(dir), "%s/tasks/%s", truth, task_dir);
	char *text = read_text(dir, "fdinfo.txt");
	if (!CHECK_MSG(text != NULL, "%s: no %s/fdinfo.txt", label, dir))
		return 0;
	struct truth_fd *fds = calloc(256, sizeof(*fds));
	size_t n = parse_fdinfo(text, fds, 256);
	free(text);
	const struct kc_task *t = kc_task_by_pid(list, pid);
	size_t compared = 0;
	struct kc_task_files f;
	struct kc_error *err = t ? kc_task_files(session, t, &f) : NULL;
	if (!CHECK_MSG(t && !err, "%s: pid %d: %s", label, pid, err ? kc_error_message(err) : "no task")) {
		kc_error_destroy(err);
		free(fds);
		return 0;
	}
	CHECK_MSG(f.nr_warnings == 0, "%s: pid %d: %s", label, pid,
		  f.nr_warnings ? f.warnings[0] : "");
	/* root and cwd: the /proc/PID/root and cwd links. */
	char *root = read_text(dir, "root.txt"), *cwd = read_text(dir, "cwd.txt");
	if (root && cwd) {
		root[strcspn(root, "\n")] = cwd[strcspn(cwd, "\n")] = '\0';
		CHECK_STR(f.root, root);
		CHECK_STR(f.pwd, cwd);
	}
	free(root);
	free(cwd);
	size_t snapshot_fds = 0;
	for (size_t i = 0; i < n; i++) {
		const struct truth_fd *want = &fds[i];
		/* The snapshot's own output files: redirections that moved on. */
		if (!strncmp(want->link, "/out/gt/", 8)) {
			snapshot_fds++;
			continue;
		}
		const struct kc_open_file *got = find_fd(&f, want->fd);
		if (!CHECK_MSG(got != NULL, "%s: pid %d fd %d (%s) not found", label, pid, want->fd,
			       want->link))
			continue;
		const struct kc_file_info *info = &got->info;
		CHECK_MSG(info->path && !strcmp(info->path, want->link),
			  "%s: pid %d fd %d: path %s, /proc says %s", label, pid, want->fd,
			  info->path ? info->path : "(null)", want->link);
		CHECK_MSG(!want->has_ino || info->ino == want->ino, "%s: pid %d fd %d: ino %llu, fdinfo %llu", label, pid,
			  want->fd, (unsigned long long)info->ino, want->ino);
		CHECK_MSG(info->mnt_id == want->mnt_id, "%s: pid %d fd %d: mnt_id %d, fdinfo %d", label,
			  pid, want->fd, info->mnt_id, want->mnt_id);
		CHECK_MSG(info->pos == want->pos, "%s: pid %d fd %d: pos %lld, fdinfo %lld", label, pid,
			  want->fd, (long long)info->pos, want->pos);
		CHECK_MSG((info->flags & ~O_CLOEXEC_ARM64) == (want->flags & ~O_CLOEXEC_ARM64),
			  "%s: pid %d fd %d: flags 0%o, fdinfo 0%o", label, pid, want->fd, info->flags,
			  want->flags);
		CHECK_MSG(!info->error, "%s: pid %d fd %d: %s", label, pid, want->fd,
			  info->error ? info->error : "");
		if (want->has_stat) {
			CHECK_MSG(kc_dev_to_user(info->dev) == want->dev,
				  "%s: pid %d fd %d: dev %u, stat %u", label, pid, want->fd,
				  kc_dev_to_user(info->dev), want->dev);
			CHECK_MSG(info->mode == want->mode, "%s: pid %d fd %d: mode %x, stat %x", label,
				  pid, want->fd, info->mode, want->mode);
			CHECK_MSG(info->size == want->size, "%s: pid %d fd %d: size %lld, stat %lld",
				  label, pid, want->fd, (long long)info->size, want->size);
			CHECK_STR(info->type, kc_inode_type_name(want->mode));
		}
		compared++;
	}
	/* No fd the dump has that /proc did not list. */
	CHECK_MSG(f.nr_open == n, "%s: pid %d: %zu fds in the dump, %zu in /proc (%zu of the snapshot's)",
		  label, pid, f.nr_open, n, snapshot_fds);
	kc_task_files_free(&f);
	free(fds);
	return compared;
}

static void check_workload_files(const char *name, size_t min_fds)
{
	char truth[4096];
	struct kc_session *session = kc_test_open_debian_alone(name, truth, sizeof(truth));
	if (!session)
		return;
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	char tasks[4200];
	snprintf(tasks, sizeof(tasks), "%s/tasks", truth);
	DIR *d = opendir(tasks);
	REQUIRE(d != NULL);
	struct dirent *ent;
	size_t compared = 0, nr_tasks = 0;
	while ((ent = readdir(d))) {
		if (ent->d_name[0] == '.')
			continue;
		compared += check_task_dir(session, list, truth, ent->d_name, name);
		nr_tasks++;
	}
	closedir(d);
	CHECK_MSG(compared >= min_fds && nr_tasks >= 11, "%s: %zu fds of %zu tasks compared", name,
		  compared, nr_tasks);
	printf("    %s: %zu fds of %zu tasks as /proc/PID/fd and fdinfo had them\n", name, compared,
	       nr_tasks);
	kc_session_destroy(session);
}

KC_TEST(files_debian_6_1_workload) { check_workload_files("debian-6.1-arm64-workload", 60); }
KC_TEST(files_debian_5_10_workload) { check_workload_files("debian-5.10-arm64-workload", 60); }

/* The crashing task wrote "c" to /proc/sysrq-trigger through fd 1. */
static void check_fixture(const char *fixture)
{
	struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
	if (!session)
		return;
	const struct kc_task *panic;
	REQUIRE_OK(kc_session_context(session, &panic));
	struct kc_task_files f;
	REQUIRE_OK(kc_task_files(session, panic, &f));
	CHECK_STR(f.root, "/");
	const struct kc_open_file *one = find_fd(&f, 1);
	REQUIRE_MSG(one != NULL, "%s: the crashing task has no fd 1", fixture);
	CHECK_STR(one->info.path, "/proc/sysrq-trigger");
	CHECK_STR(one->info.type, "REG ");
	/* files -d: the same path through the mount list. */
	for (size_t i = 0; i < f.nr_open; i++) {
		struct kc_dentry_info info;
		REQUIRE_OK(kc_dentry_info(session, f.open[i].info.dentry, &info));
		CHECK_STR(info.path, f.open[i].info.path);
		CHECK_EQ_U64(info.inode, f.open[i].info.inode);
		CHECK_EQ_U64(info.sb, f.open[i].info.sb);
		kc_dentry_info_fini(&info);
		/* kc_file_info alone gives what the walk gave. */
		struct kc_file_info again;
		REQUIRE_OK(kc_file_info(session, f.open[i].info.file, &again));
		CHECK_STR(again.path, f.open[i].info.path);
		kc_file_info_fini(&again);
	}
	kc_task_files_free(&f);
	/* A kernel thread's fs is init's: root and cwd "/", no files. */
	const struct kc_task_list *list;
	REQUIRE_OK(kc_tasks(session, &list));
	REQUIRE_OK(kc_task_files(session, kc_task_by_pid(list, 2), &f));
	CHECK_STR(f.pwd, "/");
	CHECK(f.nr_open == 0);
	kc_task_files_free(&f);
	/* Errors name the address, never a crash. */
	char *path = NULL;
	struct kc_error *err = kc_d_path(session, 0, 0x10, &path);
	CHECK(err && err->has_address && path == NULL);
	kc_error_destroy(err);
	err = kc_d_path(session, 0, 0, &path);
	CHECK(err && err->code == KC_ERR_INVALID_ARG);
	kc_error_destroy(err);
	struct kc_file_info bad;
	err = kc_file_info(session, 0x20, &bad);
	CHECK(err && strstr(kc_error_message(err), "struct file 0x20"));
	kc_error_destroy(err);
	kc_session_destroy(session);
}

KC_TEST(files_fixtures)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++)
		check_fixture(kc_test_fixture_names[f]);
}

KC_TEST(files_inode_types_and_devices)
{
	CHECK_STR(kc_inode_type_name(0100644), "REG ");
	CHECK_STR(kc_inode_type_name(040755), "DIR ");
	CHECK_STR(kc_inode_type_name(0120777), "LNK ");
	CHECK_STR(kc_inode_type_name(020666), "CHR ");
	CHECK_STR(kc_inode_type_name(060660), "BLK ");
	CHECK_STR(kc_inode_type_name(010600), "FIFO");
	CHECK_STR(kc_inode_type_name(0140777), "SOCK");
	CHECK_STR(kc_inode_type_name(0600), "UNKN");
	/* 254:16 (vdb) is 65040 to stat; 0:5 is 5; minor 256 moves up. */
	CHECK_EQ_U64(kc_dev_to_user(254u << 20 | 16), 65040);
	CHECK_EQ_U64(kc_dev_to_user(5), 5);
	CHECK_EQ_U64(kc_dev_to_user(8u << 20 | 0x123), 0x100823);
}

/* Each line of OUT that starts with PREFIX. */
static size_t count_lines(const char *out, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);
	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		n += !strncmp(p, prefix, len);
	return n;
}

static bool valid_json(const char *text)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/files-json.json", kc_test_scratch_dir());
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	fputs(text, f);
	fclose(f);
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' '%s'", path);
	return system(cmd) == 0;
}

/* The command: crash's layout, the JSON, foreach with one header per task. */
KC_TEST(files_command)
{
	char truth[4096];
	struct kc_session *session = kc_test_open_debian_alone("debian-6.1-arm64-workload", truth, sizeof(truth));
	if (!session)
		return;
	static const char *const commands[] = {"files 146", "files --json 146 151", "foreach 146 151 files",
					       "files -d 0", "files -x"};
	char *out = kc_test_run_commands(session, commands, 5);
	REQUIRE(out != NULL);
	CHECK(strstr(out, "PID: 146      TASK: ") != NULL);
	CHECK(strstr(out, "ROOT: /    CWD: /\n FD       FILE            DENTRY           INODE       TYPE PATH\n") != NULL);
	CHECK(strstr(out, " SOCK socket:[11170]\n") != NULL);
	CHECK(strstr(out, " UNKN anon_inode:[eventpoll]\n") != NULL);
	CHECK(strstr(out, " FIFO pipe:[11168]\n") != NULL);
	CHECK(strstr(out, " DIR  /mnt/kc-bind/dir\n") != NULL);
	/* foreach: one header per task, not two. */
	const char *fe = strstr(out, "kcrash> foreach");
	REQUIRE(fe != NULL);
	CHECK_EQ_U64(count_lines(fe, "PID: 146 "), 1);
	CHECK_EQ_U64(count_lines(fe, "PID: 151 "), 1);
	CHECK_EQ_U64(count_lines(fe, "ROOT: "), 2);
	CHECK(strstr(out, "kcrash> files -d 0\nerror: ") != NULL);
	CHECK(strstr(out, "kcrash> files -x\nerror: files: usage: files") != NULL);
	free(out);
	/* --json alone, parsed. */
	FILE *mem;
	char *json = NULL;
	size_t len = 0;
	mem = open_memstream(&json, &len);
	REQUIRE_OK(kc_session_run_line(session, "files --json 146 151", mem));
	fclose(mem);
	CHECK(valid_json(json));
	CHECK(strstr(json, "\"path\": \"socket:[11170]\", \"ino\": 11170, \"dev\": \"0:8\"") != NULL);
	CHECK(strstr(json, "\"pid\": 151") != NULL);
	free(json);
	kc_session_destroy(session);
}
