/* SPDX-License-Identifier: MIT */
/*
 * files: a task's root and working directories and its open files, in
 * crash's layout (crash filesys.c open_files_dump: "ROOT: / CWD: /", then
 * " FD FILE DENTRY INODE TYPE PATH" with the fd in 3, each address right-
 * justified in 16); files -d DENTRY: crash's display_dentry_info line
 * (DENTRY INODE SUPERBLK TYPE PATH).
 *
 * Paths are the kernel's d_path (what /proc/PID/fd shows): sockets, pipes
 * and anonymous inodes read "socket:[INODE]", "pipe:[INODE]",
 * "anon_inode:[eventpoll]" where crash prints an empty path or the bare
 * dentry name.
 */
#include "command.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/fs.h>
#include <kcrash/tasks.h>

#include "btfmt.h"

#define ULL(x) ((unsigned long long)(x))

static const char files_header[] =
	" FD       FILE            DENTRY           INODE       TYPE PATH\n";

static void print_files(const struct kc_task_files *f, FILE *out)
{
	if (f->fs)
		fprintf(out, "ROOT: %s    CWD: %s\n", f->root ? f->root : "",
			f->pwd ? f->pwd : "");
	if (!f->files || !f->nr_open) {
		fputs("No open files\n", out);
	} else {
		fputs(files_header, out);
		for (size_t i = 0; i < f->nr_open; i++) {
			const struct kc_file_info *info = &f->open[i].info;
			fprintf(out, "%3d %16llx %16llx %16llx %s %s\n", f->open[i].fd,
				ULL(info->file), ULL(info->dentry), ULL(info->inode), info->type,
				info->path ? info->path : "?");
		}
	}
	for (size_t i = 0; i < f->nr_open; i++)
		if (f->open[i].info.error)
			fprintf(out, "WARNING: fd %d: %s\n", f->open[i].fd, f->open[i].info.error);
	for (size_t i = 0; i < f->nr_warnings; i++)
		fprintf(out, "WARNING: %s\n", f->warnings[i]);
}

static void json_hex(FILE *out, const char *key, uint64_t v, bool comma)
{
	fprintf(out, "%s\"%s\": \"0x%llx\"", comma ? ", " : "", key, ULL(v));
}

static void print_file_json(const struct kc_file_info *info, FILE *out)
{
	json_hex(out, "file", info->file, false);
	json_hex(out, "dentry", info->dentry, true);
	json_hex(out, "inode", info->inode, true);
	fputs(", \"type\": ", out);
	char type[8];
	snprintf(type, sizeof(type), "%s", info->type);
	type[strcspn(type, " ")] = '\0';
	kc_json_string(out, type);
	fputs(", \"path\": ", out);
	kc_json_string(out, info->path);
	fprintf(out, ", \"ino\": %llu, \"dev\": \"%u:%u\", \"mode\": \"0%o\", \"size\": %lld, "
		"\"pos\": %lld, \"flags\": \"0%o\", \"mnt_id\": %d",
		ULL(info->ino), info->dev >> 20, info->dev & 0xfffff, info->mode,
		(long long)info->size, (long long)info->pos, info->flags, info->mnt_id);
	if (info->error) {
		fputs(", \"error\": ", out);
		kc_json_string(out, info->error);
	}
}

static void print_json(const struct kc_task *t, const struct kc_task_files *f,
		       const struct kc_error *err, FILE *out)
{
	fprintf(out, "{\"pid\": %d, \"task\": \"0x%llx\", \"comm\": ", t->pid, ULL(t->task));
	kc_json_string(out, t->comm);
	if (err) {
		fputs(", \"error\": ", out);
		kc_json_string(out, kc_error_message(err));
		fputc('}', out);
		return;
	}
	fputs(", \"root\": ", out);
	kc_json_string(out, f->root);
	fputs(", \"cwd\": ", out);
	kc_json_string(out, f->pwd);
	fputs(", \"files\": [", out);
	for (size_t i = 0; i < f->nr_open; i++) {
		fprintf(out, "%s{\"fd\": %d, ", i ? ", " : "", f->open[i].fd);
		print_file_json(&f->open[i].info, out);
		fputc('}', out);
	}
	fputs("], \"warnings\": [", out);
	for (size_t i = 0; i < f->nr_warnings; i++) {
		if (i)
			fputs(", ", out);
		kc_json_string(out, f->warnings[i]);
	}
	fputs("]}", out);
}

/* One task: crash prints the header, then the files; an error is a line. */
static void show_task(struct kc_session *session, const struct kc_task *t, bool json,
		      bool header_only_context, bool first, FILE *out)
{
	struct kc_task_files f;
	struct kc_error *err = kc_task_files(session, t, &f);
	if (json) {
		fputs(first ? "\n" : ",\n", out);
		print_json(t, &f, err, out);
	} else {
		if (!first)
			fputc('\n', out);
		kc_bt_print_header(t, out);
		if (err)
			fprintf(out, "files: %s\n", kc_error_message(err));
		else
			print_files(&f, out);
		/* crash ends each task named by argument with a blank line. */
		if (!header_only_context)
			fputc('\n', out);
	}
	if (err)
		kc_error_destroy(err);
	else
		kc_task_files_free(&f);
}

static struct kc_error *show_dentry(struct kc_session *session, const char *arg, bool json,
				    FILE *out)
{
	uint64_t dentry;
	struct kc_error *err = kc_parse_hex(arg, &dentry);
	if (err)
		return err;
	struct kc_dentry_info info;
	err = kc_dentry_info(session, dentry, &info);
	if (err)
		return err;
	if (json) {
		fputc('{', out);
		json_hex(out, "dentry", info.dentry, false);
		json_hex(out, "inode", info.inode, true);
		json_hex(out, "superblock", info.sb, true);
		char type[8];
		snprintf(type, sizeof(type), "%s", info.type);
		type[strcspn(type, " ")] = '\0';
		fputs(", \"type\": ", out);
		kc_json_string(out, type);
		fprintf(out, ", \"ino\": %llu, \"path\": ", ULL(info.ino));
		kc_json_string(out, info.path);
		fputs("}\n", out);
	} else {
		fputs("     DENTRY           INODE           SUPERBLK     TYPE PATH\n", out);
		fprintf(out, "%16llx %16llx %16llx %s %s\n", ULL(info.dentry), ULL(info.inode),
			ULL(info.sb), info.type, info.path);
	}
	kc_dentry_info_fini(&info);
	return NULL;
}

static struct kc_error *cmd_files(struct kc_session *session, int argc, char **argv, FILE *out)
{
	bool json = false;
	const char *dentry = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-d") && i + 1 < argc)
			dentry = argv[++i];
		else
			return kc_usage_error(&kc_cmd_files);
	}
	if (dentry) {
		if (i != argc)
			return kc_usage_error(&kc_cmd_files);
		return show_dentry(session, dentry, json, out);
	}
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(session, &list);
	if (err)
		return err;
	if (json)
		fputc('[', out);
	if (i == argc) {
		const struct kc_task *t;
		err = kc_session_context(session, &t);
		if (err)
			return err;
		show_task(session, t, json, true, true, out);
	} else {
		bool *selected = calloc(list->nr_tasks + 1, sizeof(bool));
		if (!selected)
			return &kc_error_nomem;
		for (; !err && i < argc; i++)
			err = kc_tasks_select(list, argv[i], false, selected);
		bool first = true;
		for (size_t k = 0; !err && k < list->nr_tasks; k++) {
			if (!selected[k] || list->tasks[k].warning)
				continue;
			show_task(session, &list->tasks[k], json, false, first, out);
			first = false;
			err = kc_check_interrupt();
		}
		free(selected);
		if (err)
			return err;
	}
	if (json)
		fputs("\n]\n", out);
	return NULL;
}

const struct kc_command kc_cmd_files = {
	.name = "files",
	.summary = "open files of a task, or a dentry's path",
	.usage = "files [--json] [PID|TASK|COMMAND]... | files -d DENTRY [--json]",
	.help =
		"Shows the root and current working directories of the current context\n"
		"(or of each task named) and every open file descriptor, in crash's\n"
		"layout:\n"
		"  ROOT: /    CWD: /\n"
		"   FD       FILE            DENTRY           INODE       TYPE PATH\n"
		"    0 ffff3fc140b7a600 ffff3fc140c02d80 ffff3fc14087a440 CHR  /dev/console\n"
		"TYPE is the inode's: REG, DIR, LNK, CHR, BLK, FIFO, SOCK (UNKN otherwise).\n"
		"PATH is the kernel's d_path of the file, crossing mounts: what\n"
		"/proc/PID/fd shows, so sockets, pipes and anonymous inodes read\n"
		"socket:[INODE], pipe:[INODE], anon_inode:[eventpoll] (crash prints an\n"
		"empty path or the bare name there), and an unlinked file ends in\n"
		"\" (deleted)\". A file that cannot be read gets a WARNING line.\n"
		"  -d DENTRY  the dentry's inode, super block, type and path, through\n"
		"             the first mount of its file system that contains it\n"
		"  --json     an array, one object per task: pid, task, comm, root,\n"
		"             cwd, files (fd, file, dentry, inode, type, path, ino,\n"
		"             dev \"MAJOR:MINOR\", mode, size, pos, flags (octal\n"
		"             strings for mode and flags), mnt_id), warnings; with -d\n"
		"             one object: dentry, inode, superblock, type, ino, path\n",
	.needs_dump = true,
	.prints_task_header = true,
	.run = cmd_files,
};
