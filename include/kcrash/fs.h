/* SPDX-License-Identifier: MIT */
/*
 * Files, paths, mounts, swap areas and devices of the dumped kernel: what
 * crash's files, mount, swap and dev commands show.
 *
 * Paths are built as the kernel's d_path() builds them (fs/d_path.c):
 * dentry names up the d_parent chain, crossing from a mount's root to the
 * dentry it is mounted on in its parent mount (struct mount's
 * mnt_mountpoint and mnt_parent), up to the mount namespace's root; a
 * dentry whose d_op has a d_dname method gets the name that method gives
 * ("socket:[INODE]", "pipe:[INODE]", "anon_inode:[eventpoll]",
 * "/memfd:NAME (deleted)"), and an unlinked dentry " (deleted)", so a path
 * reads as /proc/PID/fd and /proc/PID/maps show it. Every walk is bounded
 * and cycle-checked; every object read can fail, and the error names the
 * object and its address.
 *
 * The globals these need (chrdevs, major_names, cdev_map, block_class,
 * blockdev_superblock, swap_info) are data symbols a distro kernel's
 * kallsyms does not list: without them in the symbol source they are
 * found in the code of the kernel functions that use them (chrdev_show,
 * blkdev_show, cdev_add, disk_seqf_start, sync_bdevs or iterate_bdevs,
 * swp_swap_info), each
 * candidate checked against the kernel's types.
 */
#ifndef KCRASH_FS_H
#define KCRASH_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>
#include <kcrash/tasks.h>

/* Longest path built; longer ones are an error naming the dentry. */
#define KC_PATH_MAX 4096

/*
 * The kernel's d_path() of the struct path {VFSMOUNT, DENTRY} (VFSMOUNT a
 * struct vfsmount *, the mnt member of a struct mount) into a malloc'd
 * string *PATH (free() it). VFSMOUNT 0 builds the path from the dentry
 * names alone, up to the root of its file system.
 */
struct kc_error *kc_d_path(struct kc_session *session, uint64_t vfsmount,
			   uint64_t dentry, char **path);

/*
 * crash's four-letter type of an inode mode (S_IFMT bits): "REG ", "DIR ",
 * "LNK ", "CHR ", "BLK ", "FIFO", "SOCK", or "UNKN".
 */
const char *kc_inode_type_name(uint32_t mode);

/*
 * A kernel dev_t (major in bits 31:20, minor in 19:0) as stat(2) reports
 * it (new_encode_dev: minor 7:0 in 7:0, major in 19:8, minor 19:8 in
 * 31:20).
 */
uint32_t kc_dev_to_user(uint32_t kdev);

/* An open struct file, as much of it as could be read. */
struct kc_file_info {
	uint64_t file;       /* struct file * */
	uint64_t vfsmount;   /* f_path.mnt (struct vfsmount *) */
	uint64_t dentry;     /* f_path.dentry */
	uint64_t inode;      /* f_inode (else dentry->d_inode) */
	uint64_t sb;         /* inode->i_sb */
	uint32_t mode;       /* inode->i_mode */
	uint64_t ino;        /* inode->i_ino */
	uint32_t dev;        /* the file system's sb->s_dev (kernel dev_t) */
	uint32_t rdev;       /* inode->i_rdev, for devices */
	int64_t size;        /* inode->i_size */
	int64_t pos;         /* f_pos */
	uint32_t flags;      /* f_flags (O_*) */
	int mnt_id;          /* the struct mount's mnt_id; -1 when unknown */
	const char *type;    /* kc_inode_type_name(mode) */
	char *path;          /* kc_d_path of f_path (malloc'd; NULL if unreadable) */
	char *error;         /* why part of it could not be read (malloc'd), or NULL */
};

/*
 * Fill INFO for the struct file at FILE. Fails only when FILE itself
 * cannot be read; a dentry, inode or path that cannot be read leaves
 * INFO->error set and the rest filled. Free with kc_file_info_fini.
 */
struct kc_error *kc_file_info(struct kc_session *session, uint64_t file,
			      struct kc_file_info *info);
void kc_file_info_fini(struct kc_file_info *info);

/* One open file descriptor of a task. */
struct kc_open_file {
	int fd;
	struct kc_file_info info;
};

/* A task's root and working directories and its open files. */
struct kc_task_files {
	uint64_t fs;              /* task->fs (struct fs_struct *), 0 for none */
	uint64_t root_dentry, pwd_dentry;
	char *root, *pwd;         /* their paths (malloc'd; NULL without fs) */
	uint64_t files;           /* task->files (struct files_struct *), 0 for none */
	uint64_t fdt;             /* files->fdt */
	unsigned max_fds;         /* fdt->max_fds */
	struct kc_open_file *open; /* by fd */
	size_t nr_open;
	char **warnings;          /* fds or directories that could not be read */
	size_t nr_warnings;
};

/*
 * TASK's fs_struct (root, pwd) and every fd set in its fdtable's open_fds
 * bitmap with a non-NULL file (fdt->fd[fd]), in fd order, as crash's files
 * command walks them. A kernel thread or exiting task has neither (fs and
 * files 0, no error). An unreadable files_struct or fdtable is an error; a
 * file that cannot be read is a warning and the walk goes on. Free with
 * kc_task_files_free.
 */
struct kc_error *kc_task_files(struct kc_session *session, const struct kc_task *task,
			       struct kc_task_files *ret);
void kc_task_files_free(struct kc_task_files *files);

/* What crash's files -d shows of a dentry. */
struct kc_dentry_info {
	uint64_t dentry;
	uint64_t inode;    /* d_inode; 0 for a negative dentry */
	uint64_t sb;       /* inode->i_sb, else dentry->d_sb */
	uint32_t mode;
	uint64_t ino;
	const char *type;  /* kc_inode_type_name, or "N/A" without an inode */
	uint64_t vfsmount; /* the mount the path was built through (0: none found) */
	char *path;        /* malloc'd */
};

/*
 * The dentry at DENTRY: its inode, super block and path. The path goes
 * through the first mount (of pid 1's namespace, in mount order) of the
 * dentry's super block whose root is one of the dentry's ancestors, else
 * the dentry names alone. Free with kc_dentry_info_fini.
 */
struct kc_error *kc_dentry_info(struct kc_session *session, uint64_t dentry,
				struct kc_dentry_info *info);
void kc_dentry_info_fini(struct kc_dentry_info *info);

/* One mount of a mount namespace. */
struct kc_mount {
	uint64_t mount;      /* struct mount * */
	uint64_t vfsmount;   /* &mount->mnt */
	uint64_t sb;         /* mnt.mnt_sb */
	uint64_t root;       /* mnt.mnt_root */
	uint64_t parent;     /* mnt_parent (struct mount *) */
	int mnt_id;
	uint32_t dev;        /* sb->s_dev (kernel dev_t) */
	char type[32];       /* sb->s_type->name */
	char *devname;       /* mnt_devname (malloc'd) */
	char *dirname;       /* where it is mounted: kc_d_path of its root (malloc'd) */
};

/*
 * The mounts of the namespace of TASK (NULL: the lowest-numbered user
 * task, pid 1, as crash's mount command takes), in mount order: the
 * namespace's list (mnt_ns->list through mnt_list; the rb-tree
 * mnt_ns->mounts from v6.8). *MOUNTS is malloc'd; free with
 * kc_mounts_free.
 */
struct kc_error *kc_mounts(struct kc_session *session, const struct kc_task *task,
			   struct kc_mount **mounts, size_t *nr_mounts);
void kc_mounts_free(struct kc_mount *mounts, size_t nr_mounts);

/* One active swap area (swap_info[type] with SWP_USED). */
struct kc_swap_area {
	uint64_t swap_info;  /* struct swap_info_struct * */
	unsigned type;       /* its index in swap_info[] (the swap entry's type) */
	bool is_partition;   /* a block device, else a swap file */
	uint64_t pages;      /* usable pages (si->pages) */
	uint64_t inuse_pages;
	int prio;
	uint64_t flags;      /* SWP_* */
	char *path;          /* the swap file or device's path (malloc'd) */
};

/*
 * Every active swap area, by type. An error when swap_info cannot be
 * found (a kernel built without CONFIG_SWAP has none: the error says so).
 * Free with kc_swap_areas_free.
 */
struct kc_error *kc_swap_areas(struct kc_session *session, struct kc_swap_area **areas,
			       size_t *nr_areas);
void kc_swap_areas_free(struct kc_swap_area *areas, size_t nr_areas);

/* A character device region (struct char_device_struct). */
struct kc_chrdev {
	uint64_t region;     /* struct char_device_struct * */
	unsigned major, baseminor, minorct;
	char name[64];
	uint64_t cdev;       /* its cdev, else the one cdev_map has for (major, baseminor) */
	uint64_t fops;       /* cdev->ops; 0 when there is no cdev */
};

/*
 * Every registered character device region (chrdevs[], each hash chain in
 * order), as crash's dev lists them. *DEVS is malloc'd (free()).
 */
struct kc_error *kc_chrdevs(struct kc_session *session, struct kc_chrdev **devs,
			    size_t *nr_devs);

/* A registered block device major (struct blk_major_name). */
struct kc_blkdev {
	unsigned major;
	char name[16];
	uint64_t gendisk;    /* a disk of this major (crash's choice: the newest), or 0 */
	uint64_t fops;       /* gendisk->fops */
};

/* Every major_names[] entry, in table order (free() *DEVS). */
struct kc_error *kc_blkdevs(struct kc_session *session, struct kc_blkdev **devs,
			    size_t *nr_devs);

/* A disk (struct gendisk) and the requests its queue has in flight. */
struct kc_disk {
	uint64_t gendisk;
	unsigned major, first_minor;
	char name[32];       /* disk_name */
	uint64_t queue;      /* struct request_queue * */
	bool mq;             /* blk-mq: the counts come from the tags' requests */
	unsigned in_flight_read, in_flight_write;
	char *warning;       /* why the counts may be short (malloc'd), or NULL */
};

/*
 * Every disk: the devices of type "disk" of the block class
 * (block_class.p->klist_devices, as crash walks them), else (v6.4+, no
 * class.p) the distinct bd_disk of the block device inodes on
 * blockdev_superblock's s_inodes list; by major and first minor. For a
 * blk-mq queue (every disk since v5.0) the in-flight requests are those
 * of the hardware queues' tags (tags->rqs[]) that belong to the queue and
 * are in state MQ_RQ_IN_FLIGHT; writes are odd REQ_OP values. Free with
 * kc_disks_free.
 */
struct kc_error *kc_disks(struct kc_session *session, struct kc_disk **disks,
			  size_t *nr_disks);
void kc_disks_free(struct kc_disk *disks, size_t nr_disks);

/*
 * Whether the kernel's block layer counts requests as ASYNC/SYNC (enum
 * BLK_RW_SYNC exists, before v5.18) rather than READ/WRITE: crash's dev -d
 * names its columns by it.
 */
bool kc_disks_count_sync(struct kc_session *session);

#endif
