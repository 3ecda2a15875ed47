/* SPDX-License-Identifier: MIT */
/*
 * Files, paths, mounts, swap areas and devices (include/kcrash/fs.h).
 *
 * Kernel facts used here, each from the release and file named:
 *  - d_path(), prepend_path() and the " (deleted)" suffix of an unlinked
 *    dentry: fs/d_path.c (v5.10 to v6.12); d_unlinked() is !IS_ROOT and
 *    d_unhashed (d_hash.pprev == NULL), include/linux/dcache.h;
 *  - the d_dname names: sockfs_dname "socket:[%lu]" (net/socket.c),
 *    pipefs_dname "pipe:[%lu]" (fs/pipe.c), anon_inodefs_dname
 *    "anon_inode:%s" (fs/anon_inodes.c), simple_dname "/%s (deleted)"
 *    (fs/d_path.c), ns_dname "%s:[%lu]" of the proc_ns_operations name
 *    (fs/nsfs.c);
 *  - S_IFMT and its types: include/uapi/linux/stat.h;
 *  - dev_t: MINORBITS 20 (include/linux/kdev_t.h), new_encode_dev for
 *    stat(2);
 *  - chrdevs[] and major_names[] hash by major % 255
 *    (CHRDEV_MAJOR_HASH_SIZE, BLKDEV_MAJOR_HASH_SIZE: include/linux/fs.h,
 *    block/genhd.c); cdev_map->probes[255] (fs/char_dev.c, drivers/base/map.c);
 *  - swap_info[] entries are filled from index 0 up and never freed
 *    (alloc_swap_info, mm/swapfile.c), SWP_USED is 1 (include/linux/swap.h),
 *    at most 32 types (MAX_SWAPFILES_SHIFT 5);
 *  - a block device inode is the vfs_inode of a struct bdev_inode that
 *    starts with the struct block_device (block/bdev.c, fs/block_dev.c);
 *  - enum mq_rq_state MQ_RQ_IN_FLIGHT = 1 (block/blk-mq.h), REQ_OP_BITS 8
 *    and op_is_write() = op & 1 (include/linux/blk_types.h).
 * Member offsets come from the session's types.
 */
#include <kcrash/fs.h>

#include <kcrash/symbols.h>
#include <kcrash/walk.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm64/datarefs.h"
#include "arm64/insn.h"
#include "datasym_kernel.h"
#include "fs_private.h"
#include "kernel.h"

#define ULL(x) ((unsigned long long)(x))

/* Deepest dentry chain or mount stack followed: far beyond PATH_MAX's reach. */
#define MAX_PATH_STEPS 4096
#define MAX_MOUNTS (1u << 16)
#define MAX_FDS (1u << 24)
#define MAJOR_HASH_SIZE 255
#define MINORBITS 20

static struct kc_error *rd(struct kc_session *s, uint64_t obj, const char *type,
			   const char *member, uint64_t *value)
{
	return kc_kernel_read_member(s, obj, type, member, value);
}

static struct kc_error *offset_of(struct kc_session *s, const char *type, const char *member,
				  uint64_t *off)
{
	const struct kc_kernel_member *m;
	struct kc_error *err = kc_kernel_member(s, type, member, &m);
	if (!err)
		*off = m->offset;
	return err;
}

/* A malloc'd printf. */
static char *dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dup_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

const char *kc_inode_type_name(uint32_t mode)
{
	switch (mode & 0170000) {
	case 0100000: return "REG ";
	case 0120000: return "LNK ";
	case 0040000: return "DIR ";
	case 0020000: return "CHR ";
	case 0060000: return "BLK ";
	case 0010000: return "FIFO";
	case 0140000: return "SOCK";
	default: return "UNKN";
	}
}

uint32_t kc_dev_to_user(uint32_t kdev)
{
	uint32_t major = kdev >> MINORBITS, minor = kdev & ((1u << MINORBITS) - 1);
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

/* ---- dentries and paths ---- */

/* DENTRY's name (d_name), at most LEN - 1 bytes. */
static struct kc_error *dentry_name(struct kc_session *s, uint64_t dentry, char *buf,
				    size_t len)
{
	uint64_t name, name_len;
	struct kc_error *err = rd(s, dentry, "struct dentry", "d_name.name", &name);
	if (!err)
		err = rd(s, dentry, "struct dentry", "d_name.len", &name_len);
	if (err)
		return kc_error_prefix(err, "dentry 0x%llx", ULL(dentry));
	if (name_len >= len)
		return kc_error_address(KC_ERR_FORMAT, dentry,
					"dentry 0x%llx: a name of %llu bytes", ULL(dentry),
					ULL(name_len));
	buf[0] = '\0';
	if (name_len == 0)
		return NULL;
	err = kc_kernel_read(s, name, buf, (size_t)name_len);
	if (err)
		return kc_error_prefix(err, "dentry 0x%llx's name", ULL(dentry));
	buf[name_len] = '\0';
	return NULL;
}

static struct kc_error *dentry_inode_ino(struct kc_session *s, uint64_t dentry, uint64_t *ino)
{
	uint64_t inode;
	struct kc_error *err = rd(s, dentry, "struct dentry", "d_inode", &inode);
	if (!err && !inode)
		return kc_error_address(KC_ERR_FORMAT, dentry, "dentry 0x%llx has no inode",
					ULL(dentry));
	if (!err)
		err = rd(s, inode, "struct inode", "i_ino", ino);
	return err;
}

/*
 * The name DENTRY's d_op->d_dname method gives, in *PATH; *HANDLED false
 * when the method is not one kcrash knows (the caller builds the path).
 */
static struct kc_error *d_dname(struct kc_session *s, uint64_t dentry, uint64_t method,
				char **path, bool *handled)
{
	*handled = false;
	struct kc_symbolized sym;
	struct kc_error *err = kc_symbolize(s, method, &sym);
	if (err || sym.offset != 0) {
		kc_error_destroy(err);
		return NULL;
	}
	char name[256];
	uint64_t ino = 0;
	const char *prefix = NULL;
	if (!strcmp(sym.name, "sockfs_dname"))
		prefix = "socket";
	else if (!strcmp(sym.name, "pipefs_dname"))
		prefix = "pipe";
	if (prefix) {
		err = dentry_inode_ino(s, dentry, &ino);
		if (err)
			return err;
		*path = dup_printf("%s:[%llu]", prefix, ULL(ino));
	} else if (!strcmp(sym.name, "anon_inodefs_dname")) {
		err = dentry_name(s, dentry, name, sizeof(name));
		if (err)
			return err;
		*path = dup_printf("anon_inode:%s", name);
	} else if (!strcmp(sym.name, "simple_dname")) {
		err = dentry_name(s, dentry, name, sizeof(name));
		if (err)
			return err;
		*path = dup_printf("/%s (deleted)", name);
	} else if (!strcmp(sym.name, "ns_dname")) {
		uint64_t ops, ops_name;
		err = rd(s, dentry, "struct dentry", "d_fsdata", &ops);
		if (!err)
			err = rd(s, ops, "struct proc_ns_operations", "name", &ops_name);
		if (!err)
			err = kc_kernel_read_string(s, ops_name, name, sizeof(name));
		if (!err)
			err = dentry_inode_ino(s, dentry, &ino);
		if (err)
			return kc_error_prefix(err, "nsfs dentry 0x%llx", ULL(dentry));
		*path = dup_printf("%s:[%llu]", name, ULL(ino));
	} else {
		return NULL;
	}
	if (!*path)
		return &kc_error_nomem;
	*handled = true;
	return NULL;
}

/* Components collected leaf first; joined root first. */
struct components {
	char *buf;     /* names, each NUL-terminated, leaf first */
	size_t len;
	size_t starts[MAX_PATH_STEPS];
	size_t n;
};

static struct kc_error *push_component(struct components *c, const char *name, uint64_t dentry)
{
	size_t l = strlen(name);
	if (c->n >= MAX_PATH_STEPS || c->len + l + 1 > KC_PATH_MAX)
		return kc_error_address(KC_ERR_FORMAT, dentry,
					"dentry 0x%llx: path longer than %d bytes or %d components (a loop?)",
					ULL(dentry), KC_PATH_MAX, MAX_PATH_STEPS);
	c->starts[c->n++] = c->len;
	memcpy(c->buf + c->len, name, l + 1);
	c->len += l + 1;
	return NULL;
}

/* prepend_path(): up the dentries and mounts to the namespace's root. */
static struct kc_error *prepend_path(struct kc_session *s, uint64_t vfsmount, uint64_t dentry,
				     struct components *c)
{
	uint64_t mnt_off = 0, mount = 0, mnt_root = 0;
	struct kc_error *err = NULL;
	if (vfsmount) {
		err = offset_of(s, "struct mount", "mnt", &mnt_off);
		if (!err)
			err = rd(s, vfsmount, "struct vfsmount", "mnt_root", &mnt_root);
		if (err)
			return kc_error_prefix(err, "vfsmount 0x%llx", ULL(vfsmount));
		mount = vfsmount - mnt_off;
	}
	char name[256];
	for (unsigned steps = 0;; steps++) {
		if (steps > 2 * MAX_PATH_STEPS)
			return kc_error_address(KC_ERR_FORMAT, dentry,
						"dentry 0x%llx: no root within %d steps (a loop?)",
						ULL(dentry), 2 * MAX_PATH_STEPS);
		err = kc_check_interrupt();
		if (err)
			return err;
		uint64_t parent;
		err = rd(s, dentry, "struct dentry", "d_parent", &parent);
		if (err)
			return kc_error_prefix(err, "dentry 0x%llx", ULL(dentry));
		if (dentry == mnt_root || dentry == parent) {
			if (!mount || dentry != mnt_root)
				return NULL; /* a file system's root, or a disconnected dentry */
			uint64_t mnt_parent, mountpoint;
			err = rd(s, mount, "struct mount", "mnt_parent", &mnt_parent);
			if (!err)
				err = rd(s, mount, "struct mount", "mnt_mountpoint", &mountpoint);
			if (err)
				return kc_error_prefix(err, "mount 0x%llx", ULL(mount));
			if (!mnt_parent || mnt_parent == mount)
				return NULL; /* the namespace's root (or an unattached mount) */
			dentry = mountpoint;
			mount = mnt_parent;
			vfsmount = mount + mnt_off;
			err = rd(s, vfsmount, "struct vfsmount", "mnt_root", &mnt_root);
			if (err)
				return kc_error_prefix(err, "vfsmount 0x%llx", ULL(vfsmount));
			continue;
		}
		err = dentry_name(s, dentry, name, sizeof(name));
		if (!err)
			err = push_component(c, name, dentry);
		if (err)
			return err;
		dentry = parent;
	}
}

struct kc_error *kc_d_path(struct kc_session *s, uint64_t vfsmount, uint64_t dentry,
			   char **path)
{
	*path = NULL;
	if (!dentry)
		return kc_error_create(KC_ERR_INVALID_ARG, "d_path of a NULL dentry");
	uint64_t d_op = 0, method = 0, parent;
	struct kc_error *err = rd(s, dentry, "struct dentry", "d_parent", &parent);
	if (!err)
		err = rd(s, dentry, "struct dentry", "d_op", &d_op);
	if (!err && d_op)
		err = rd(s, d_op, "struct dentry_operations", "d_dname", &method);
	if (err)
		return kc_error_prefix(err, "dentry 0x%llx", ULL(dentry));
	if (method) {
		uint64_t mnt_root = 0;
		if (vfsmount)
			kc_error_destroy(rd(s, vfsmount, "struct vfsmount", "mnt_root", &mnt_root));
		if (parent != dentry || dentry != mnt_root) {
			bool handled;
			err = d_dname(s, dentry, method, path, &handled);
			if (err || handled)
				return err;
		}
	}
	struct components *c = calloc(1, sizeof(*c));
	if (!c)
		return &kc_error_nomem;
	c->buf = malloc(KC_PATH_MAX);
	if (!c->buf) {
		free(c);
		return &kc_error_nomem;
	}
	err = prepend_path(s, vfsmount, dentry, c);
	/* d_unlinked(): not a root, and no longer hashed. */
	uint64_t pprev = 1;
	if (!err && parent != dentry)
		err = rd(s, dentry, "struct dentry", "d_hash.pprev", &pprev);
	if (!err) {
		char *out = malloc(c->len + c->n + 16);
		if (!out) {
			err = &kc_error_nomem;
		} else {
			size_t at = 0;
			for (size_t i = c->n; i-- > 0;) {
				out[at++] = '/';
				size_t l = strlen(c->buf + c->starts[i]);
				memcpy(out + at, c->buf + c->starts[i], l);
				at += l;
			}
			if (at == 0)
				out[at++] = '/';
			out[at] = '\0';
			if (!pprev)
				strcat(out, " (deleted)");
			*path = out;
		}
	}
	free(c->buf);
	free(c);
	return err;
}

/* ---- files ---- */

static void add_error(char **error, struct kc_error *err)
{
	if (!err)
		return;
	if (!*error)
		*error = strdup(kc_error_message(err));
	kc_error_destroy(err);
}

struct kc_error *kc_file_info(struct kc_session *s, uint64_t file, struct kc_file_info *info)
{
	memset(info, 0, sizeof(*info));
	info->file = file;
	info->mnt_id = -1;
	info->type = "UNKN";
	uint64_t pos = 0, flags = 0;
	struct kc_error *err = rd(s, file, "struct file", "f_path.mnt", &info->vfsmount);
	if (!err)
		err = rd(s, file, "struct file", "f_path.dentry", &info->dentry);
	if (!err)
		err = rd(s, file, "struct file", "f_inode", &info->inode);
	if (!err)
		err = rd(s, file, "struct file", "f_pos", &pos);
	if (!err)
		err = rd(s, file, "struct file", "f_flags", &flags);
	if (err)
		return kc_error_prefix(err, "struct file 0x%llx", ULL(file));
	info->pos = (int64_t)pos;
	info->flags = (uint32_t)flags;
	if (!info->inode && info->dentry)
		add_error(&info->error, rd(s, info->dentry, "struct dentry", "d_inode", &info->inode));
	if (info->inode) {
		uint64_t mode = 0, ino = 0, sb = 0, rdev = 0, size = 0;
		err = rd(s, info->inode, "struct inode", "i_mode", &mode);
		if (!err)
			err = rd(s, info->inode, "struct inode", "i_ino", &ino);
		if (!err)
			err = rd(s, info->inode, "struct inode", "i_sb", &sb);
		if (!err)
			err = rd(s, info->inode, "struct inode", "i_rdev", &rdev);
		if (!err)
			err = rd(s, info->inode, "struct inode", "i_size", &size);
		if (err) {
			add_error(&info->error, kc_error_prefix(err, "inode 0x%llx", ULL(info->inode)));
		} else {
			info->mode = (uint32_t)mode;
			info->ino = ino;
			info->sb = sb;
			info->rdev = (uint32_t)rdev;
			info->size = (int64_t)size;
			info->type = kc_inode_type_name(info->mode);
			uint64_t dev = 0;
			if (sb)
				add_error(&info->error, rd(s, sb, "struct super_block", "s_dev", &dev));
			info->dev = (uint32_t)dev;
		}
	}
	if (info->vfsmount) {
		uint64_t mnt_off, mnt_id;
		err = offset_of(s, "struct mount", "mnt", &mnt_off);
		if (!err)
			err = rd(s, info->vfsmount - mnt_off, "struct mount", "mnt_id", &mnt_id);
		if (err)
			add_error(&info->error, err);
		else
			info->mnt_id = (int)mnt_id;
	}
	if (info->dentry) {
		err = kc_d_path(s, info->vfsmount, info->dentry, &info->path);
		if (err)
			add_error(&info->error, kc_error_prefix(err, "the path of file 0x%llx", ULL(file)));
	}
	return NULL;
}

void kc_file_info_fini(struct kc_file_info *info)
{
	free(info->path);
	free(info->error);
	info->path = info->error = NULL;
}

static struct kc_error *add_warning(struct kc_task_files *f, struct kc_error *err)
{
	char **grown = realloc(f->warnings, (f->nr_warnings + 1) * sizeof(*grown));
	if (!grown) {
		kc_error_destroy(err);
		return &kc_error_nomem;
	}
	f->warnings = grown;
	f->warnings[f->nr_warnings] = strdup(kc_error_message(err));
	kc_error_destroy(err);
	if (!f->warnings[f->nr_warnings])
		return &kc_error_nomem;
	f->nr_warnings++;
	return NULL;
}

/* The path of fs->MEMBER (a struct path). */
static struct kc_error *fs_path(struct kc_session *s, uint64_t fs, const char *member,
				uint64_t *dentry, char **path)
{
	char mnt_name[32], dentry_name_[32];
	snprintf(mnt_name, sizeof(mnt_name), "%s.mnt", member);
	snprintf(dentry_name_, sizeof(dentry_name_), "%s.dentry", member);
	uint64_t mnt;
	struct kc_error *err = rd(s, fs, "struct fs_struct", mnt_name, &mnt);
	if (!err)
		err = rd(s, fs, "struct fs_struct", dentry_name_, dentry);
	if (!err && *dentry)
		err = kc_d_path(s, mnt, *dentry, path);
	return err ? kc_error_prefix(err, "fs_struct 0x%llx's %s", ULL(fs), member) : NULL;
}

struct kc_error *kc_task_files(struct kc_session *s, const struct kc_task *task,
			       struct kc_task_files *f)
{
	memset(f, 0, sizeof(*f));
	struct kc_error *err = rd(s, task->task, "struct task_struct", "fs", &f->fs);
	if (!err)
		err = rd(s, task->task, "struct task_struct", "files", &f->files);
	if (err)
		return kc_error_prefix(err, "PID %d (%s)", task->pid, task->comm);
	if (f->fs) {
		err = fs_path(s, f->fs, "root", &f->root_dentry, &f->root);
		if (!err)
			err = fs_path(s, f->fs, "pwd", &f->pwd_dentry, &f->pwd);
		if (err && (err = add_warning(f, err)))
			goto fail;
	}
	if (!f->files)
		return NULL;
	uint64_t max_fds, fd_array, open_fds;
	err = rd(s, f->files, "struct files_struct", "fdt", &f->fdt);
	if (!err)
		err = rd(s, f->fdt, "struct fdtable", "max_fds", &max_fds);
	if (!err)
		err = rd(s, f->fdt, "struct fdtable", "fd", &fd_array);
	if (!err)
		err = rd(s, f->fdt, "struct fdtable", "open_fds", &open_fds);
	if (!err && (max_fds > MAX_FDS || max_fds % 64))
		err = kc_error_address(KC_ERR_FORMAT, f->fdt,
				       "fdtable 0x%llx: max_fds %llu is not a multiple of 64 up to %u",
				       ULL(f->fdt), ULL(max_fds), MAX_FDS);
	if (err) {
		err = kc_error_prefix(err, "PID %d (%s)'s files_struct 0x%llx", task->pid,
				      task->comm, ULL(f->files));
		goto fail;
	}
	f->max_fds = (unsigned)max_fds;
	enum { CHUNK = 512 };
	uint64_t bits[CHUNK / 64], files[CHUNK];
	for (unsigned base = 0; base < f->max_fds; base += CHUNK) {
		unsigned n = f->max_fds - base < CHUNK ? f->max_fds - base : CHUNK;
		err = kc_kernel_read(s, open_fds + base / 8, bits, n / 8);
		if (!err)
			err = kc_kernel_read(s, fd_array + base * 8ull, files, n * 8ull);
		if (err) {
			err = kc_error_prefix(err, "PID %d (%s)'s fdtable 0x%llx, fds %u-%u", task->pid,
					      task->comm, ULL(f->fdt), base, base + n - 1);
			goto fail;
		}
		for (unsigned i = 0; i < n; i++) {
			if (!(bits[i / 64] >> (i % 64) & 1) || !files[i])
				continue;
			if ((err = kc_check_interrupt()))
				goto fail;
			struct kc_open_file *grown = realloc(f->open, (f->nr_open + 1) * sizeof(*grown));
			if (!grown) {
				err = &kc_error_nomem;
				goto fail;
			}
			f->open = grown;
			struct kc_open_file *o = &f->open[f->nr_open];
			o->fd = (int)(base + i);
			err = kc_file_info(s, files[i], &o->info);
			if (err) {
				err = add_warning(f, kc_error_prefix(err, "fd %u", base + i));
				if (err)
					goto fail;
				continue;
			}
			f->nr_open++;
		}
	}
	return NULL;
fail:
	kc_task_files_free(f);
	return err;
}

void kc_task_files_free(struct kc_task_files *f)
{
	free(f->root);
	free(f->pwd);
	for (size_t i = 0; i < f->nr_open; i++)
		kc_file_info_fini(&f->open[i].info);
	free(f->open);
	for (size_t i = 0; i < f->nr_warnings; i++)
		free(f->warnings[i]);
	free(f->warnings);
	memset(f, 0, sizeof(*f));
}

/* ---- mounts ---- */

struct mount_walk {
	struct kc_session *s;
	uint64_t link_off;  /* of mnt_list (or mnt_node) in struct mount */
	uint64_t *mounts;
	size_t n;
};

static struct kc_error *see_mount(void *ctx, uint64_t node)
{
	struct mount_walk *w = ctx;
	uint64_t *grown = realloc(w->mounts, (w->n + 1) * sizeof(*grown));
	if (!grown)
		return &kc_error_nomem;
	w->mounts = grown;
	w->mounts[w->n++] = node - w->link_off;
	return NULL;
}

static struct kc_error *namespace_task(struct kc_session *s, const struct kc_task **ret)
{
	const struct kc_task_list *list;
	struct kc_error *err = kc_tasks(s, &list);
	if (err)
		return err;
	for (size_t i = 0; i < list->nr_tasks; i++) {
		const struct kc_task *t = &list->tasks[i];
		if (t->pid >= 1 && !t->warning) {
			*ret = t;
			return NULL;
		}
	}
	return kc_error_create(KC_ERR_LOOKUP, "no task with a pid to take the mount namespace from");
}

static struct kc_error *fill_mount(struct kc_session *s, uint64_t mount, uint64_t mnt_off,
				   struct kc_mount *m)
{
	memset(m, 0, sizeof(*m));
	m->mount = mount;
	m->vfsmount = mount + mnt_off;
	uint64_t devname, type = 0, type_name = 0, mnt_id = 0, dev = 0;
	struct kc_error *err = rd(s, m->vfsmount, "struct vfsmount", "mnt_sb", &m->sb);
	if (!err)
		err = rd(s, m->vfsmount, "struct vfsmount", "mnt_root", &m->root);
	if (!err)
		err = rd(s, mount, "struct mount", "mnt_parent", &m->parent);
	if (!err)
		err = rd(s, mount, "struct mount", "mnt_devname", &devname);
	if (!err)
		err = rd(s, mount, "struct mount", "mnt_id", &mnt_id);
	if (!err)
		err = rd(s, m->sb, "struct super_block", "s_type", &type);
	if (!err)
		err = rd(s, m->sb, "struct super_block", "s_dev", &dev);
	if (!err)
		err = rd(s, type, "struct file_system_type", "name", &type_name);
	if (!err)
		err = kc_kernel_read_string(s, type_name, m->type, sizeof(m->type));
	if (err)
		return kc_error_prefix(err, "mount 0x%llx", ULL(mount));
	m->mnt_id = (int)mnt_id;
	m->dev = (uint32_t)dev;
	char name[KC_PATH_MAX];
	if (!devname || (err = kc_kernel_read_string(s, devname, name, sizeof(name)))) {
		kc_error_destroy(err);
		snprintf(name, sizeof(name), "(unknown)");
	}
	m->devname = strdup(name);
	if (!m->devname)
		return &kc_error_nomem;
	err = kc_d_path(s, m->vfsmount, m->root, &m->dirname);
	if (err)
		return kc_error_prefix(err, "mount 0x%llx's mount point", ULL(mount));
	return NULL;
}

struct kc_error *kc_mounts(struct kc_session *s, const struct kc_task *task,
			   struct kc_mount **mounts, size_t *nr_mounts)
{
	*mounts = NULL;
	*nr_mounts = 0;
	struct kc_error *err = NULL;
	if (!task && (err = namespace_task(s, &task)))
		return err;
	uint64_t nsproxy, mnt_ns, mnt_off;
	err = rd(s, task->task, "struct task_struct", "nsproxy", &nsproxy);
	if (!err && !nsproxy)
		err = kc_error_create(KC_ERR_INVALID_ARG, "the task has exited (no nsproxy)");
	if (!err)
		err = rd(s, nsproxy, "struct nsproxy", "mnt_ns", &mnt_ns);
	if (!err)
		err = offset_of(s, "struct mount", "mnt", &mnt_off);
	if (err)
		return kc_error_prefix(err, "PID %d (%s)'s mount namespace", task->pid, task->comm);
	struct mount_walk w = {.s = s};
	uint64_t head_off;
	if (kc_kernel_has_member(s, "struct mnt_namespace", "list")) {
		/* To v6.7: mnt_ns->list through mount.mnt_list, in mount order. */
		err = offset_of(s, "struct mnt_namespace", "list", &head_off);
		if (!err)
			err = offset_of(s, "struct mount", "mnt_list", &w.link_off);
		if (!err)
			err = kc_walk_list(s, mnt_ns + head_off, false, MAX_MOUNTS, see_mount, &w);
	} else {
		/* v6.8+: the rb-tree mnt_ns->mounts through mount.mnt_node, by mnt_id_unique. */
		err = offset_of(s, "struct mnt_namespace", "mounts", &head_off);
		if (!err)
			err = offset_of(s, "struct mount", "mnt_node", &w.link_off);
		if (!err)
			err = kc_walk_rbtree(s, mnt_ns + head_off, MAX_MOUNTS, see_mount, &w);
	}
	if (err) {
		free(w.mounts);
		return kc_error_prefix(err, "mount namespace 0x%llx", ULL(mnt_ns));
	}
	struct kc_mount *out = calloc(w.n ? w.n : 1, sizeof(*out));
	if (!out) {
		free(w.mounts);
		return &kc_error_nomem;
	}
	for (size_t i = 0; !err && i < w.n; i++) {
		err = fill_mount(s, w.mounts[i], mnt_off, &out[i]);
		if (err) {
			free(out[i].devname);
			free(out[i].dirname);
		}
		if (!err)
			err = kc_check_interrupt();
		if (!err)
			*nr_mounts = i + 1;
	}
	free(w.mounts);
	if (err) {
		kc_mounts_free(out, *nr_mounts);
		*nr_mounts = 0;
		return err;
	}
	*mounts = out;
	return NULL;
}

void kc_mounts_free(struct kc_mount *mounts, size_t nr_mounts)
{
	for (size_t i = 0; i < nr_mounts; i++) {
		free(mounts[i].devname);
		free(mounts[i].dirname);
	}
	free(mounts);
}

/* Whether ANCESTOR is DENTRY or one of its parents. */
static bool dentry_under(struct kc_session *s, uint64_t dentry, uint64_t ancestor)
{
	for (unsigned i = 0; i < MAX_PATH_STEPS; i++) {
		if (dentry == ancestor)
			return true;
		uint64_t parent;
		struct kc_error *err = rd(s, dentry, "struct dentry", "d_parent", &parent);
		if (err) {
			kc_error_destroy(err);
			return false;
		}
		if (parent == dentry)
			return false;
		dentry = parent;
	}
	return false;
}

struct kc_error *kc_dentry_info(struct kc_session *s, uint64_t dentry, struct kc_dentry_info *info)
{
	memset(info, 0, sizeof(*info));
	info->dentry = dentry;
	info->type = "N/A";
	struct kc_error *err = rd(s, dentry, "struct dentry", "d_inode", &info->inode);
	if (!err && info->inode) {
		uint64_t mode;
		err = rd(s, info->inode, "struct inode", "i_sb", &info->sb);
		if (!err)
			err = rd(s, info->inode, "struct inode", "i_mode", &mode);
		if (!err)
			err = rd(s, info->inode, "struct inode", "i_ino", &info->ino);
		info->mode = (uint32_t)(err ? 0 : mode);
		info->type = kc_inode_type_name(info->mode);
	} else if (!err) {
		err = rd(s, dentry, "struct dentry", "d_sb", &info->sb);
	}
	if (err)
		return kc_error_prefix(err, "dentry 0x%llx", ULL(dentry));
	struct kc_mount *mounts;
	size_t n;
	err = kc_mounts(s, NULL, &mounts, &n);
	if (!err) {
		for (size_t i = 0; i < n && !info->vfsmount; i++)
			if (mounts[i].sb == info->sb && dentry_under(s, dentry, mounts[i].root))
				info->vfsmount = mounts[i].vfsmount;
		kc_mounts_free(mounts, n);
	} else {
		kc_error_destroy(err); /* the path is then the names alone */
	}
	return kc_d_path(s, info->vfsmount, dentry, &info->path);
}

void kc_dentry_info_fini(struct kc_dentry_info *info)
{
	free(info->path);
	info->path = NULL;
}

/* ---- globals a distro kernel's kallsyms lacks ---- */

/* Largest function scanned (the kernel's are far smaller). */
#define FUNCTION_MAX (64 * 1024)

static enum kc_arm64_call_kind classify_call(void *ctx, uint64_t target)
{
	uint8_t code[32];
	struct kc_error *err = kc_kernel_read(ctx, target, code, sizeof(code));
	if (err) {
		kc_error_destroy(err);
		return KC_ARM64_CALL_OTHER;
	}
	return kc_arm64_classify_callee(code, sizeof(code));
}

/* The addresses FN's code materializes, with how it used them. */
static struct kc_error *function_refs(struct kc_session *s, struct kc_arm64_decoder *decoder,
				      const char *fn, struct kc_arm64_refs *refs)
{
	uint64_t start;
	struct kc_error *err = kc_session_symbol(s, fn, &start);
	if (err)
		return err;
	struct kc_symbolized sym;
	err = kc_symbolize(s, start, &sym);
	if (err)
		return err;
	uint64_t size = sym.addr + sym.size > start ? sym.addr + sym.size - start : 0;
	if (size == 0 || size > FUNCTION_MAX)
		return kc_error_create(KC_ERR_FORMAT, "%s: size %llu unusable", fn, ULL(size));
	uint8_t *code = malloc((size_t)size);
	if (!code)
		return &kc_error_nomem;
	err = kc_kernel_read(s, start, code, (size_t)size);
	if (!err)
		err = kc_arm64_scan_refs(decoder, code, (size_t)size, start, classify_call, s, refs);
	free(code);
	return err ? kc_error_prefix(err, "%s's code", fn) : NULL;
}

struct kc_error *kc_fs_global(struct kc_session *s, const char *name,
			      const char *const *functions, unsigned required_flags,
			      kc_fs_global_check_fn check, uint64_t *addr)
{
	struct kc_error *err = kc_session_symbol(s, name, addr);
	if (!err)
		return NULL;
	kc_error_destroy(err);
	uint64_t data_start, data_end;
	err = kc_datasym_data_range(s, &data_start, &data_end);
	if (err)
		return kc_error_prefix(err, "%s is not in the symbols", name);
	struct kc_arm64_decoder *decoder;
	err = kc_arm64_decoder_open(&decoder);
	if (err)
		return err;
	uint64_t found = 0;
	char tried[512] = "";
	size_t tried_len = 0;
	for (const char *const *fn = functions; *fn && !err; fn++) {
		struct kc_arm64_refs refs = {0};
		struct kc_error *scan_err = function_refs(s, decoder, *fn, &refs);
		if (scan_err) {
			tried_len += (size_t)snprintf(tried + tried_len, sizeof(tried) - tried_len,
						      "%s%s", tried_len ? "; " : "",
						      kc_error_message(scan_err));
			if (tried_len >= sizeof(tried))
				tried_len = sizeof(tried) - 1;
			kc_error_destroy(scan_err);
			kc_arm64_refs_free(&refs);
			continue;
		}
		size_t candidates = 0;
		for (size_t i = 0; i < refs.count && !err; i++) {
			const struct kc_arm64_ref *ref = &refs.refs[i];
			uint64_t target = ref->target;
			if (target < data_start || target >= data_end || target % 4 ||
			    (ref->flags & required_flags) != required_flags || target == found)
				continue;
			bool seen = false;
			for (size_t j = 0; j < i && !seen; j++)
				seen = refs.refs[j].target == target;
			if (seen)
				continue;
			candidates++;
			struct kc_error *why = check(s, target);
			if (why) {
				kc_error_destroy(why);
				continue;
			}
			if (found && found != target)
				err = kc_error_create(KC_ERR_FORMAT,
						      "%s: two addresses pass its check, 0x%llx and 0x%llx (from %s)",
						      name, ULL(found), ULL(target), *fn);
			found = target;
		}
		if (!found)
			tried_len += (size_t)snprintf(tried + tried_len, sizeof(tried) - tried_len,
						      "%s%s: %zu candidates, none passes", tried_len ? "; " : "",
						      *fn, candidates);
		if (tried_len >= sizeof(tried))
			tried_len = sizeof(tried) - 1;
		kc_arm64_refs_free(&refs);
	}
	kc_arm64_decoder_close(decoder);
	if (!err && !found)
		err = kc_error_create(KC_ERR_LOOKUP,
				      "%s is not in the symbols, and the code that uses it does not give it (%s)",
				      name, tried);
	if (!err)
		*addr = found;
	return err;
}

/* ---- swap areas ---- */

/* swap_info[]: entries from 0 up each of its own type, then NULL. */
static struct kc_error *check_swap_info(struct kc_session *s, uint64_t addr)
{
	/* Entries from 0 up are swap_info_structs of their own type, then NULL. */
	for (unsigned type = 0; type < 32; type++) {
		uint64_t si, si_type;
		struct kc_error *err = kc_kernel_read_u64(s, addr + type * 8ull, &si);
		if (err)
			return err;
		if (!si)
			return NULL;
		err = rd(s, si, "struct swap_info_struct", "type", &si_type);
		if (err)
			return err;
		if ((si_type & 0xff) != type)
			return kc_error_create(KC_ERR_FORMAT, "entry %u has type %llu", type,
					       ULL(si_type));
	}
	return NULL;
}

static struct kc_error *find_swap_info(struct kc_session *s, uint64_t *addr)
{
	static const char *const fns[] = {"swp_swap_info", "get_swap_device", NULL};
	uint64_t fn;
	struct kc_error *err = kc_session_symbol(s, "swap_info", addr);
	if (!err)
		return NULL;
	kc_error_destroy(err);
	err = kc_session_symbol(s, "swp_swap_info", &fn);
	kc_error_destroy(err);
	if (err || !kc_kernel_has_member(s, "struct swap_info_struct", "swap_map"))
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "the kernel has no swap areas (no swap_info nor swp_swap_info: built without CONFIG_SWAP)");
	/* swap_info[type] is an 8-byte load indexed by a register. */
	return kc_fs_global(s, "swap_info", fns, KC_ARM64_REF_TABLE, check_swap_info, addr);
}

static struct kc_error *fill_swap_area(struct kc_session *s, uint64_t si, unsigned type,
				       struct kc_swap_area *a)
{
	memset(a, 0, sizeof(*a));
	a->swap_info = si;
	a->type = type;
	uint64_t prio = 0, file = 0, inode = 0, mode = 0;
	struct kc_error *err = rd(s, si, "struct swap_info_struct", "flags", &a->flags);
	if (!err)
		err = rd(s, si, "struct swap_info_struct", "pages", &a->pages);
	if (!err)
		err = rd(s, si, "struct swap_info_struct", "inuse_pages", &a->inuse_pages);
	if (!err)
		err = rd(s, si, "struct swap_info_struct", "prio", &prio);
	if (!err)
		err = rd(s, si, "struct swap_info_struct", "swap_file", &file);
	if (err)
		return kc_error_prefix(err, "swap_info_struct 0x%llx", ULL(si));
	a->pages &= 0xffffffffu; /* unsigned int */
	a->inuse_pages &= 0xffffffffu;
	a->prio = (int)(int64_t)prio;
	if (!file)
		return NULL;
	struct kc_file_info info;
	err = kc_file_info(s, file, &info);
	if (err)
		return kc_error_prefix(err, "swap_info_struct 0x%llx's swap_file", ULL(si));
	/* The block device or file: swap_file->f_mapping->host (the inode). */
	uint64_t mapping = 0;
	kc_error_destroy(rd(s, file, "struct file", "f_mapping", &mapping));
	if (mapping && !(err = rd(s, mapping, "struct address_space", "host", &inode)) && inode)
		err = rd(s, inode, "struct inode", "i_mode", &mode);
	kc_error_destroy(err);
	a->is_partition = inode ? (mode & 0170000) == 0060000 : (info.mode & 0170000) == 0060000;
	a->path = info.path;
	info.path = NULL;
	kc_file_info_fini(&info);
	return NULL;
}

struct kc_error *kc_swap_areas(struct kc_session *s, struct kc_swap_area **areas,
			       size_t *nr_areas)
{
	*areas = NULL;
	*nr_areas = 0;
	uint64_t swap_info;
	struct kc_error *err = find_swap_info(s, &swap_info);
	if (err)
		return err;
	struct kc_swap_area *out = calloc(32, sizeof(*out));
	if (!out)
		return &kc_error_nomem;
	size_t n = 0;
	for (unsigned type = 0; type < 32 && !err; type++) {
		uint64_t si, si_type, flags;
		err = kc_kernel_read_u64(s, swap_info + type * 8ull, &si);
		if (err || !si)
			break;
		/* Past the last type: another variable. */
		if (rd(s, si, "struct swap_info_struct", "type", &si_type) ||
		    (si_type & 0xff) != type)
			break;
		err = rd(s, si, "struct swap_info_struct", "flags", &flags);
		if (err || !(flags & 1)) /* SWP_USED */
			continue;
		err = fill_swap_area(s, si, type, &out[n]);
		if (!err)
			n++;
	}
	if (err) {
		kc_swap_areas_free(out, n);
		return err;
	}
	*areas = out;
	*nr_areas = n;
	return NULL;
}

void kc_swap_areas_free(struct kc_swap_area *areas, size_t nr_areas)
{
	for (size_t i = 0; i < nr_areas; i++)
		free(areas[i].path);
	free(areas);
}

/* ---- character devices ---- */

/* An array of MAJOR_HASH_SIZE chains of TYPE whose major hashes to the index. */
static struct kc_error *check_major_table(struct kc_session *s, uint64_t addr, const char *type)
{
	size_t used = 0;
	for (unsigned i = 0; i < MAJOR_HASH_SIZE; i++) {
		uint64_t entry, major;
		struct kc_error *err = kc_kernel_read_u64(s, addr + i * 8ull, &entry);
		if (err)
			return err;
		if (!entry)
			continue;
		err = rd(s, entry, type, "major", &major);
		if (err)
			return err;
		if ((major & 0xffffffffu) % MAJOR_HASH_SIZE != i)
			return kc_error_create(KC_ERR_FORMAT, "entry %u has major %llu", i, ULL(major));
		used++;
	}
	return used ? NULL : kc_error_create(KC_ERR_FORMAT, "every entry is NULL");
}

static struct kc_error *check_chrdevs(struct kc_session *s, uint64_t addr)
{
	return check_major_table(s, addr, "struct char_device_struct");
}

static struct kc_error *check_major_names(struct kc_session *s, uint64_t addr)
{
	return check_major_table(s, addr, "struct blk_major_name");
}

/* kobj_map_init() points every probes[] entry at least to the base probe. */
static struct kc_error *check_cdev_map(struct kc_session *s, uint64_t addr)
{
	uint64_t map, probes_off;
	struct kc_error *err = kc_kernel_read_u64(s, addr, &map);
	if (!err && !map)
		err = kc_error_create(KC_ERR_FORMAT, "NULL");
	if (!err)
		err = offset_of(s, "struct kobj_map", "probes", &probes_off);
	for (unsigned i = 0; !err && i < MAJOR_HASH_SIZE; i++) {
		uint64_t probe, dev;
		err = kc_kernel_read_u64(s, map + probes_off + i * 8ull, &probe);
		if (!err && !probe)
			err = kc_error_create(KC_ERR_FORMAT, "probes[%u] is NULL", i);
		if (!err)
			err = rd(s, probe, "struct probe", "dev", &dev);
	}
	return err;
}

static struct kc_error *check_blockdev_superblock(struct kc_session *s, uint64_t addr)
{
	uint64_t sb, type, name;
	char buf[16];
	struct kc_error *err = kc_kernel_read_u64(s, addr, &sb);
	if (!err)
		err = rd(s, sb, "struct super_block", "s_type", &type);
	if (!err)
		err = rd(s, type, "struct file_system_type", "name", &name);
	if (!err)
		err = kc_kernel_read_string(s, name, buf, sizeof(buf));
	if (!err && strcmp(buf, "bdev") != 0)
		err = kc_error_create(KC_ERR_FORMAT, "a super block of type %s", buf);
	return err;
}

/* The cdev cdev_map has for (MAJOR, MINOR), as crash's search_cdev_map_probes. */
static uint64_t cdev_from_map(struct kc_session *s, uint64_t map, unsigned major, unsigned minor)
{
	uint64_t probes_off, probe = 0;
	if (offset_of(s, "struct kobj_map", "probes", &probes_off) ||
	    kc_kernel_read_u64(s, map + probes_off + (major % MAJOR_HASH_SIZE) * 8ull, &probe))
		return 0; /* errors here only mean no cdev shown */
	for (unsigned steps = 0; probe && steps < 4096; steps++) {
		uint64_t dev, data, next;
		if (rd(s, probe, "struct probe", "dev", &dev) ||
		    rd(s, probe, "struct probe", "data", &data) ||
		    rd(s, probe, "struct probe", "next", &next))
			return 0;
		if ((dev >> MINORBITS & 0xfff) == major && (dev & ((1u << MINORBITS) - 1)) == minor)
			return data;
		probe = next;
	}
	return 0;
}

/*
 * The nodes of a major-number hash (chrdevs[] or major_names[], 255 chains
 * of TYPE linked by "next"), chain by chain, malloc'd. Each chain is bounded:
 * a corrupt "next" loop ends in an error naming the chain.
 */
static struct kc_error *major_hash_nodes(struct kc_session *s, uint64_t table,
					 const char *table_name, const char *type,
					 uint64_t **nodes, size_t *nr_nodes)
{
	uint64_t *out = NULL;
	size_t n = 0, cap = 0;
	struct kc_error *err = NULL;
	for (unsigned i = 0; i < MAJOR_HASH_SIZE && !err; i++) {
		uint64_t node;
		err = kc_kernel_read_u64(s, table + i * 8ull, &node);
		for (unsigned steps = 0; !err && node; steps++) {
			if (steps > 4096) {
				err = kc_error_address(KC_ERR_FORMAT, node, "%s[%u]: a chain of more than 4096 (a loop?)",
						       table_name, i);
				break;
			}
			if (n == cap) {
				size_t grown_cap = cap ? cap * 2 : 64;
				uint64_t *grown = realloc(out, grown_cap * sizeof(*grown));
				if (!grown) {
					err = &kc_error_nomem;
					break;
				}
				out = grown;
				cap = grown_cap;
			}
			out[n++] = node;
			err = rd(s, node, type, "next", &node);
			if (err)
				err = kc_error_prefix(err, "%s 0x%llx", type + strlen("struct "), ULL(out[n - 1]));
		}
	}
	if (err) {
		free(out);
		return err;
	}
	*nodes = out;
	*nr_nodes = n;
	return NULL;
}

struct kc_error *kc_chrdevs(struct kc_session *s, struct kc_chrdev **devs, size_t *nr_devs)
{
	static const char *const fns[] = {"chrdev_show", NULL};
	static const char *const map_fns[] = {"cdev_add", "chrdev_open", NULL};
	*devs = NULL;
	*nr_devs = 0;
	uint64_t chrdevs, cdev_map_var, cdev_map = 0;
	struct kc_error *err = kc_fs_global(s, "chrdevs", fns, 0, check_chrdevs, &chrdevs);
	if (err)
		return err;
	/* Without cdev_map, regions registered without a cdev show none. */
	err = kc_fs_global(s, "cdev_map", map_fns, 0, check_cdev_map, &cdev_map_var);
	if (!err)
		err = kc_kernel_read_u64(s, cdev_map_var, &cdev_map);
	kc_error_destroy(err);
	uint64_t *regions = NULL;
	size_t nr_regions = 0;
	err = major_hash_nodes(s, chrdevs, "chrdevs", "struct char_device_struct", &regions,
			       &nr_regions);
	if (err)
		return err;
	struct kc_chrdev *out = calloc(nr_regions ? nr_regions : 1, sizeof(*out));
	if (!out)
		err = &kc_error_nomem;
	size_t n = 0;
	for (size_t i = 0; i < nr_regions && !err; i++) {
		uint64_t cd = regions[i];
		struct kc_chrdev *d = &out[n];
		d->region = cd;
		uint64_t major, baseminor, minorct;
		size_t size;
		err = rd(s, cd, "struct char_device_struct", "major", &major);
		if (!err)
			err = rd(s, cd, "struct char_device_struct", "baseminor", &baseminor);
		if (!err)
			err = rd(s, cd, "struct char_device_struct", "minorct", &minorct);
		if (!err)
			err = rd(s, cd, "struct char_device_struct", "cdev", &d->cdev);
		if (!err)
			err = kc_kernel_read_member_bytes(s, cd, "struct char_device_struct", "name",
							  d->name, sizeof(d->name), &size);
		if (err) {
			err = kc_error_prefix(err, "char_device_struct 0x%llx", ULL(cd));
			break;
		}
		d->name[sizeof(d->name) - 1] = '\0';
		d->major = (unsigned)major;
		d->baseminor = (unsigned)baseminor;
		d->minorct = (unsigned)minorct;
		if (!d->cdev && cdev_map)
			d->cdev = cdev_from_map(s, cdev_map, d->major, d->baseminor);
		if (d->cdev) {
			struct kc_error *ops_err = rd(s, d->cdev, "struct cdev", "ops", &d->fops);
			if (ops_err) {
				d->fops = 0;
				kc_error_destroy(ops_err);
			}
		}
		n++;
	}
	free(regions);
	if (err) {
		free(out);
		return err;
	}
	*devs = out;
	*nr_devs = n;
	return NULL;
}

/* ---- block devices ---- */

static struct kc_error *blockdev_superblock(struct kc_session *s, uint64_t *sb)
{
	static const char *const fns[] = {"sync_bdevs", "iterate_bdevs", "bdev_alloc", "bdget",
					  NULL};
	uint64_t var;
	struct kc_error *err = kc_fs_global(s, "blockdev_superblock", fns, 0,
					    check_blockdev_superblock, &var);
	if (!err)
		err = kc_kernel_read_u64(s, var, sb);
	return err;
}

struct bdev_walk {
	struct kc_session *s;
	uint64_t list_off;   /* inode.i_sb_list */
	uint64_t inode_off;  /* bdev_inode.vfs_inode: the block_device is before it */
	uint64_t *disks;     /* bd_disk of each inode, in list order */
	size_t n;
};

static struct kc_error *see_bdev_inode(void *ctx, uint64_t node)
{
	struct bdev_walk *w = ctx;
	uint64_t bdev = node - w->list_off - w->inode_off, disk;
	struct kc_error *err = rd(w->s, bdev, "struct block_device", "bd_disk", &disk);
	if (err)
		return kc_error_prefix(err, "block_device 0x%llx", ULL(bdev));
	if (!disk)
		return NULL;
	uint64_t *grown = realloc(w->disks, (w->n + 1) * sizeof(*grown));
	if (!grown)
		return &kc_error_nomem;
	w->disks = grown;
	w->disks[w->n++] = disk;
	return NULL;
}

/* The bd_disk of every block device inode, in s_inodes order (may repeat). */
static struct kc_error *bdev_disks(struct kc_session *s, uint64_t **disks, size_t *n)
{
	uint64_t sb, s_inodes;
	struct bdev_walk w = {.s = s};
	struct kc_error *err = blockdev_superblock(s, &sb);
	if (!err)
		err = offset_of(s, "struct super_block", "s_inodes", &s_inodes);
	if (!err)
		err = offset_of(s, "struct inode", "i_sb_list", &w.list_off);
	if (!err && offset_of(s, "struct bdev_inode", "vfs_inode", &w.inode_off)) {
		kc_kernel_forget_failures(s);
		err = kc_kernel_sizeof(s, "struct block_device", &w.inode_off);
	}
	if (!err)
		err = kc_walk_list(s, sb + s_inodes, false, 1u << 20, see_bdev_inode, &w);
	if (err) {
		free(w.disks);
		return kc_error_prefix(err, "the block devices (blockdev_superblock's inodes)");
	}
	*disks = w.disks;
	*n = w.n;
	return NULL;
}

static struct kc_error *all_disks(struct kc_session *s, uint64_t **disks, size_t *n);

struct kc_error *kc_blkdevs(struct kc_session *s, struct kc_blkdev **devs, size_t *nr_devs)
{
	static const char *const fns[] = {"blkdev_show", NULL};
	*devs = NULL;
	*nr_devs = 0;
	uint64_t major_names;
	struct kc_error *err = kc_fs_global(s, "major_names", fns, 0, check_major_names,
					    &major_names);
	if (err)
		return err;
	uint64_t *disks = NULL;
	size_t nr_disks = 0;
	kc_error_destroy(all_disks(s, &disks, &nr_disks)); /* none: no GENDISK column */
	uint64_t *names = NULL;
	size_t nr_names = 0;
	err = major_hash_nodes(s, major_names, "major_names", "struct blk_major_name", &names,
			       &nr_names);
	struct kc_blkdev *out = NULL;
	if (!err && !(out = calloc(nr_names ? nr_names : 1, sizeof(*out))))
		err = &kc_error_nomem;
	size_t n = 0;
	for (size_t i = 0; i < nr_names && !err; i++) {
		uint64_t bm = names[i];
		struct kc_blkdev *d = &out[n];
		uint64_t major;
		size_t size;
		err = rd(s, bm, "struct blk_major_name", "major", &major);
		if (!err)
			err = kc_kernel_read_member_bytes(s, bm, "struct blk_major_name", "name",
							  d->name, sizeof(d->name), &size);
		if (err) {
			err = kc_error_prefix(err, "blk_major_name 0x%llx", ULL(bm));
			break;
		}
		d->name[sizeof(d->name) - 1] = '\0';
		d->major = (unsigned)major;
		/* crash's choice: the newest disk of the major (first on
		 * bdev_map's probe list, or on blockdev_superblock's inodes). */
		for (size_t k = nr_disks; k-- > 0 && !d->gendisk;) {
			uint64_t disk_major, fops;
			if (rd(s, disks[k], "struct gendisk", "major", &disk_major) ||
			    (unsigned)disk_major != d->major ||
			    rd(s, disks[k], "struct gendisk", "fops", &fops) || !fops)
				continue;
			d->gendisk = disks[k];
			d->fops = fops;
		}
		kc_kernel_forget_failures(s);
		n++;
	}
	free(names);
	free(disks);
	if (err) {
		free(out);
		return err;
	}
	*devs = out;
	*nr_devs = n;
	return NULL;
}

bool kc_disks_count_sync(struct kc_session *s)
{
	int64_t value;
	struct kc_error *err = kc_kernel_enumerator(s, "BLK_RW_SYNC", &value, NULL);
	kc_error_destroy(err);
	return err == NULL;
}

/* In-flight requests of blk-mq hardware queue HCTX that belong to queue Q. */
static struct kc_error *hctx_in_flight(struct kc_session *s, uint64_t q, uint64_t hctx,
				       struct kc_disk *d)
{
	uint64_t tags, nr_tags, rqs;
	struct kc_error *err = rd(s, hctx, "struct blk_mq_hw_ctx", "tags", &tags);
	if (!err && !tags)
		return NULL;
	if (!err)
		err = rd(s, tags, "struct blk_mq_tags", "nr_tags", &nr_tags);
	if (!err)
		err = rd(s, tags, "struct blk_mq_tags", "rqs", &rqs);
	if (!err && (nr_tags & 0xffffffffu) > 65536)
		err = kc_error_create(KC_ERR_FORMAT, "nr_tags %llu", ULL(nr_tags));
	if (err)
		return kc_error_prefix(err, "blk_mq_hw_ctx 0x%llx", ULL(hctx));
	nr_tags &= 0xffffffffu;
	for (uint64_t tag = 0; rqs && tag < nr_tags; tag++) {
		uint64_t rq, rq_q, state, cmd_flags;
		err = kc_kernel_read_u64(s, rqs + tag * 8, &rq);
		if (err)
			return kc_error_prefix(err, "blk_mq_tags 0x%llx's rqs[%llu]", ULL(tags), ULL(tag));
		if (!rq)
			continue;
		err = rd(s, rq, "struct request", "q", &rq_q);
		if (!err && rq_q == q) {
			err = rd(s, rq, "struct request", "state", &state);
			if (!err)
				err = rd(s, rq, "struct request", "cmd_flags", &cmd_flags);
			if (!err && state == 1) { /* MQ_RQ_IN_FLIGHT */
				if ((cmd_flags & 0xff) & 1)
					d->in_flight_write++;
				else
					d->in_flight_read++;
			}
		}
		if (err)
			return kc_error_prefix(err, "request 0x%llx", ULL(rq));
	}
	return NULL;
}

struct hctx_walk {
	struct kc_session *s;
	uint64_t q;
	struct kc_disk *d;
};

static struct kc_error *visit_hctx(void *ctx, const struct kc_xa_entry *e)
{
	struct hctx_walk *w = ctx;
	if (e->is_value)
		return NULL;
	return hctx_in_flight(w->s, w->q, e->entry, w->d);
}

static struct kc_error *mq_in_flight(struct kc_session *s, uint64_t q, struct kc_disk *d)
{
	if (kc_kernel_has_member(s, "struct request_queue", "hctx_table")) {
		/* v5.19+: the hardware contexts in an XArray. */
		uint64_t off;
		struct kc_error *err = offset_of(s, "struct request_queue", "hctx_table", &off);
		struct hctx_walk w = {s, q, d};
		if (!err)
			err = kc_walk_xarray(s, q + off, 4096, visit_hctx, &w);
		return err;
	}
	uint64_t nr, array;
	struct kc_error *err = rd(s, q, "struct request_queue", "nr_hw_queues", &nr);
	if (!err)
		err = rd(s, q, "struct request_queue", "queue_hw_ctx", &array);
	if (!err && (nr & 0xffffffffu) > 4096)
		err = kc_error_create(KC_ERR_FORMAT, "nr_hw_queues %llu", ULL(nr));
	for (uint64_t i = 0; !err && array && i < (nr & 0xffffffffu); i++) {
		uint64_t hctx;
		err = kc_kernel_read_u64(s, array + i * 8, &hctx);
		if (!err && hctx)
			err = hctx_in_flight(s, q, hctx, d);
	}
	return err;
}

/* A bio-based disk: the per-CPU disk_stats in_flight[2] of part0. */
static struct kc_error *stats_in_flight(struct kc_session *s, uint64_t gendisk, struct kc_disk *d)
{
	uint64_t stats;
	struct kc_error *err;
	if (kc_kernel_has_member(s, "struct block_device", "bd_stats")) {
		uint64_t part0;
		err = rd(s, gendisk, "struct gendisk", "part0", &part0); /* v5.11+: a pointer */
		if (!err)
			err = rd(s, part0, "struct block_device", "bd_stats", &stats);
	} else {
		err = rd(s, gendisk, "struct gendisk", "part0.dkstats", &stats);
	}
	uint64_t off;
	if (!err)
		err = offset_of(s, "struct disk_stats", "in_flight", &off);
	unsigned nr_cpus = kc_kernel_nr_cpus(s);
	int64_t read = 0, write = 0;
	for (unsigned cpu = 0; !err && cpu < nr_cpus; cpu++) {
		uint64_t addr, counts[2];
		err = kc_kernel_percpu(s, stats, cpu, &addr);
		if (!err)
			err = kc_kernel_read(s, addr + off, counts, sizeof(counts));
		read += (int64_t)counts[0];
		write += (int64_t)counts[1];
	}
	if (!err) {
		d->in_flight_read = read > 0 ? (unsigned)read : 0;
		d->in_flight_write = write > 0 ? (unsigned)write : 0;
	}
	return err;
}

static struct kc_error *check_block_class(struct kc_session *s, uint64_t addr)
{
	uint64_t name;
	char buf[16];
	struct kc_error *err = rd(s, addr, "struct class", "name", &name);
	if (!err)
		err = kc_kernel_read_string(s, name, buf, sizeof(buf));
	if (!err && strcmp(buf, "block") != 0)
		err = kc_error_create(KC_ERR_FORMAT, "a class named %s", buf);
	return err;
}

struct class_walk {
	struct kc_session *s;
	uint64_t node_off;   /* klist_node.n_node */
	uint64_t knode_off;  /* device_private.knode_class */
	uint64_t *disks;
	size_t n;
};

/* The gendisk of a device of the block class; 0 for a partition. */
static struct kc_error *device_gendisk(struct kc_session *s, uint64_t dev, uint64_t *disk)
{
	uint64_t type, type_name;
	char name[16] = "";
	*disk = 0;
	struct kc_error *err = rd(s, dev, "struct device", "type", &type);
	if (!err && type)
		err = rd(s, type, "struct device_type", "name", &type_name);
	if (!err && type)
		err = kc_kernel_read_string(s, type_name, name, sizeof(name));
	if (err || strcmp(name, "disk") != 0)
		return err;
	uint64_t off;
	if (kc_kernel_has_member(s, "struct block_device", "bd_device")) {
		/* v5.11+: the device is the whole-disk block_device's bd_device. */
		err = offset_of(s, "struct block_device", "bd_device", &off);
		if (!err)
			err = rd(s, dev - off, "struct block_device", "bd_disk", disk);
	} else {
		/* To v5.10: gendisk.part0 is a struct hd_struct holding __dev. */
		err = offset_of(s, "struct gendisk", "part0.__dev", &off);
		if (!err)
			*disk = dev - off;
	}
	return err;
}

static struct kc_error *see_class_device(void *ctx, uint64_t node)
{
	struct class_walk *w = ctx;
	uint64_t klist_node = node - w->node_off, n_klist, dev, disk;
	struct kc_error *err = rd(w->s, klist_node, "struct klist_node", "n_klist", &n_klist);
	if (err || (n_klist & 1)) /* a dead node, being removed */
		return err;
	err = rd(w->s, klist_node - w->knode_off, "struct device_private", "device", &dev);
	if (!err)
		err = device_gendisk(w->s, dev, &disk);
	if (err)
		return kc_error_prefix(err, "block class device 0x%llx", ULL(klist_node));
	if (!disk)
		return NULL;
	uint64_t *grown = realloc(w->disks, (w->n + 1) * sizeof(*grown));
	if (!grown)
		return &kc_error_nomem;
	w->disks = grown;
	w->disks[w->n++] = disk;
	return NULL;
}

/*
 * The disks of the block class (block_class.p->klist_devices, in
 * registration order), as crash's dev -d walks them; v6.4 dropped
 * class.p (an error then: the caller takes the block device inodes).
 */
static struct kc_error *class_disks(struct kc_session *s, uint64_t **disks, size_t *n)
{
	static const char *const fns[] = {"disk_seqf_start", "blk_lookup_devt", NULL};
	uint64_t block_class, p, klist_off, list_off;
	struct class_walk w = {.s = s};
	struct kc_error *err = kc_fs_global(s, "block_class", fns, 0, check_block_class, &block_class);
	if (!err)
		err = rd(s, block_class, "struct class", "p", &p);
	if (!err)
		err = offset_of(s, "struct subsys_private", "klist_devices", &klist_off);
	if (!err)
		err = offset_of(s, "struct klist", "k_list", &list_off);
	if (!err)
		err = offset_of(s, "struct klist_node", "n_node", &w.node_off);
	if (!err)
		err = offset_of(s, "struct device_private", "knode_class", &w.knode_off);
	if (!err)
		err = kc_walk_list(s, p + klist_off + list_off, false, 1u << 20, see_class_device, &w);
	if (err) {
		free(w.disks);
		return kc_error_prefix(err, "the block class's devices");
	}
	*disks = w.disks;
	*n = w.n;
	return NULL;
}

/* Every disk, in registration order: the block class, else the bdev inodes. */
static struct kc_error *all_disks(struct kc_session *s, uint64_t **disks, size_t *n)
{
	struct kc_error *err = class_disks(s, disks, n);
	if (!err)
		return NULL;
	struct kc_error *inode_err = bdev_disks(s, disks, n);
	if (!inode_err) {
		kc_error_destroy(err);
		kc_kernel_forget_failures(s);
		/* s_inodes has the newest first. */
		for (size_t i = 0; i < *n / 2; i++) {
			uint64_t t = (*disks)[i];
			(*disks)[i] = (*disks)[*n - 1 - i];
			(*disks)[*n - 1 - i] = t;
		}
		return NULL;
	}
	kc_error_destroy(inode_err);
	return err;
}

static int compare_disks(const void *a, const void *b)
{
	const struct kc_disk *x = a, *y = b;
	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	if (x->first_minor != y->first_minor)
		return x->first_minor < y->first_minor ? -1 : 1;
	return x->gendisk < y->gendisk ? -1 : x->gendisk > y->gendisk;
}

struct kc_error *kc_disks(struct kc_session *s, struct kc_disk **disks, size_t *nr_disks)
{
	*disks = NULL;
	*nr_disks = 0;
	uint64_t *all;
	size_t n_all;
	struct kc_error *err = all_disks(s, &all, &n_all);
	if (err)
		return err;
	struct kc_disk *out = calloc(n_all ? n_all : 1, sizeof(*out));
	if (!out) {
		free(all);
		return &kc_error_nomem;
	}
	size_t n = 0;
	for (size_t i = 0; i < n_all && !err; i++) {
		bool seen = false;
		for (size_t j = 0; j < n && !seen; j++)
			seen = out[j].gendisk == all[i];
		if (seen)
			continue;
		struct kc_disk *d = &out[n];
		d->gendisk = all[i];
		uint64_t major, first_minor, mq_ops = 0;
		size_t size;
		err = rd(s, d->gendisk, "struct gendisk", "major", &major);
		if (!err)
			err = rd(s, d->gendisk, "struct gendisk", "first_minor", &first_minor);
		if (!err)
			err = rd(s, d->gendisk, "struct gendisk", "queue", &d->queue);
		if (!err)
			err = kc_kernel_read_member_bytes(s, d->gendisk, "struct gendisk", "disk_name",
							  d->name, sizeof(d->name), &size);
		if (err) {
			err = kc_error_prefix(err, "gendisk 0x%llx", ULL(d->gendisk));
			break;
		}
		d->name[sizeof(d->name) - 1] = '\0';
		d->major = (unsigned)major;
		d->first_minor = (unsigned)first_minor;
		n++;
		if (!d->queue)
			continue;
		struct kc_error *io_err = rd(s, d->queue, "struct request_queue", "mq_ops", &mq_ops);
		d->mq = !io_err && mq_ops;
		if (!io_err)
			io_err = d->mq ? mq_in_flight(s, d->queue, d) : stats_in_flight(s, d->gendisk, d);
		if (io_err) {
			d->warning = strdup(kc_error_message(io_err));
			kc_error_destroy(io_err);
		}
		err = kc_check_interrupt();
	}
	free(all);
	if (err) {
		kc_disks_free(out, n);
		return err;
	}
	qsort(out, n, sizeof(*out), compare_disks);
	*disks = out;
	*nr_disks = n;
	return NULL;
}

void kc_disks_free(struct kc_disk *disks, size_t nr_disks)
{
	for (size_t i = 0; i < nr_disks; i++)
		free(disks[i].warning);
	free(disks);
}
