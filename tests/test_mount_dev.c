// SPDX-License-Identifier: MIT
/*
 * Mounts, swap areas and devices (include/kcrash/fs.h; the mount, swap
 * and dev commands).
 *
 * The Debian workload dumps (6.1.0-57 and 5.10.0-30, opened alone: their
 * kallsyms has no data symbols, so chrdevs, major_names, cdev_map,
 * blockdev_superblock and swap_info are found through the code that uses
 * them) against the guest's /proc just before the crash: the mounts
 * against /proc/mounts (device name, mount point, type, in order) and
 * /proc/1/mountinfo (mount id, parent's id, major:minor), the swap file
 * against /proc/swaps (name, type, size, priority exactly; used within a
 * page of what /proc said, nothing swaps in or out of a blocked task),
 * the character and block majors against /proc/devices, the disks
 * against /proc/diskstats (name, major, minor, and the in-flight count,
 * 0 on an idle system). On the four fixtures: the mounts against the
 * kdump-time /proc/mounts, the disks vda and vdb, and swap: no areas on
 * 5.10, and on 6.1 (built without CONFIG_SWAP) an error saying so.
 */
#include <stdlib.h>
#include <string.h>

#include <kcrash/commands.h>
#include <kcrash/kcrash.h>

#include "harness.h"

static char *read_text(const char *dir, const char *name)
{
	char path[4600];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *text = kc_test_read_file(path, NULL);
	CHECK_MSG(text != NULL, "cannot read %s", path);
	return text;
}

/* /proc/mounts (and mountinfo when given) against kc_mounts; the count compared. */
static size_t check_mounts(struct kc_session *session, char *mounts_txt, char *mountinfo,
			   const char *label)
{
	struct kc_mount *m;
	size_t n;
	struct kc_error *err = kc_mounts(session, NULL, &m, &n);
	if (!CHECK_MSG(!err, "%s: %s", label, err ? kc_error_message(err) : "")) {
		kc_error_destroy(err);
		return 0;
	}
	size_t k = 0;
	for (char *line = strtok(mounts_txt, "\n"); line; line = strtok(NULL, "\n"), k++) {
		char dev[256], dir[512], type[64];
		if (sscanf(line, "%255s %511s %63s", dev, dir, type) != 3)
			continue;
		if (!CHECK_MSG(k < n, "%s: /proc/mounts has more than %zu mounts", label, n))
			break;
		CHECK_STR(m[k].devname, dev);
		CHECK_STR(m[k].dirname, dir);
		CHECK_STR(m[k].type, type);
	}
	CHECK_MSG(k == n, "%s: %zu mounts, /proc/mounts %zu", label, n, k);
	for (char *line = mountinfo ? strtok(mountinfo, "\n") : NULL; line; line = strtok(NULL, "\n")) {
		int id, parent;
		unsigned major, minor;
		char dir[512];
		if (sscanf(line, "%d %d %u:%u %*s %511s", &id, &parent, &major, &minor, dir) != 5)
			continue;
		const struct kc_mount *found = NULL;
		for (size_t i = 0; i < n && !found; i++)
			if (m[i].mnt_id == id)
				found = &m[i];
		if (!CHECK_MSG(found != NULL, "%s: no mount %d (%s)", label, id, dir))
			continue;
		CHECK_STR(found->dirname, dir);
		CHECK_MSG(found->dev >> 20 == major && (found->dev & 0xfffff) == minor,
			  "%s: mount %d dev %u:%u, mountinfo %u:%u", label, id, found->dev >> 20,
			  found->dev & 0xfffff, major, minor);
		const struct kc_mount *up = NULL;
		for (size_t i = 0; i < n && !up; i++)
			if (m[i].mount == found->parent)
				up = &m[i];
		/* The namespace's root mount is its own parent (mountinfo says 1 1). */
		CHECK_MSG(up && up->mnt_id == parent, "%s: mount %d's parent %d, mountinfo %d", label,
			  id, up ? up->mnt_id : -1, parent);
	}
	kc_mounts_free(m, n);
	return n;
}

static void check_swap(struct kc_session *session, char *swaps, const char *label)
{
	struct kc_swap_area *a;
	size_t n;
	struct kc_error *err = kc_swap_areas(session, &a, &n);
	if (!CHECK_MSG(!err, "%s: %s", label, err ? kc_error_message(err) : "")) {
		kc_error_destroy(err);
		return;
	}
	size_t k = 0;
	for (char *line = strtok(swaps, "\n"); line; line = strtok(NULL, "\n")) {
		char name[512], type[32];
		unsigned long long size, used;
		int prio;
		if (sscanf(line, "%511s %31s %llu %llu %d", name, type, &size, &used, &prio) != 5)
			continue;
		if (!CHECK_MSG(k < n, "%s: %s not found", label, name))
			break;
		CHECK_STR(a[k].path, name);
		CHECK_MSG(a[k].is_partition == !strcmp(type, "partition"), "%s: %s is a %s", label, name, type);
		CHECK_EQ_U64(a[k].pages * 4, size);
		CHECK_MSG(a[k].inuse_pages * 4 + 4 >= used && a[k].inuse_pages * 4 <= used + 4,
			  "%s: %llu kB used, /proc/swaps %llu", label,
			  (unsigned long long)a[k].inuse_pages * 4, used);
		CHECK_EQ_U64((uint64_t)(int64_t)a[k].prio, (uint64_t)(int64_t)prio);
		CHECK_EQ_U64(a[k].type, k);
		k++;
	}
	CHECK_MSG(k == n && n == 1, "%s: %zu swap areas, /proc/swaps %zu", label, n, k);
	kc_swap_areas_free(a, n);
}

/* /proc/devices' two lists against kc_chrdevs and kc_blkdevs (as sets of major+name). */
static void check_devices(struct kc_session *session, char *devices, const char *label)
{
	struct kc_chrdev *chr;
	struct kc_blkdev *blk;
	size_t nr_chr, nr_blk;
	REQUIRE_OK(kc_chrdevs(session, &chr, &nr_chr));
	REQUIRE_OK(kc_blkdevs(session, &blk, &nr_blk));
	bool block = false;
	size_t seen_chr = 0, seen_blk = 0, with_fops = 0;
	for (char *line = strtok(devices, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strncmp(line, "Block devices", 13))
			block = true;
		unsigned major;
		char name[128];
		if (sscanf(line, "%u %127[^\n]", &major, name) != 2)
			continue;
		bool found = false;
		if (!block) {
			/* chrdev_show lists the regions of each major in chain order. */
			for (size_t i = 0; i < nr_chr && !found; i++)
				found = chr[i].major == major && !strcmp(chr[i].name, name);
			seen_chr++;
		} else {
			for (size_t i = 0; i < nr_blk && !found; i++)
				found = blk[i].major == major && !strcmp(blk[i].name, name);
			seen_blk++;
		}
		CHECK_MSG(found, "%s: %s device %u %s not found", label, block ? "block" : "character",
			  major, name);
	}
	CHECK_MSG(seen_chr == nr_chr && seen_blk == nr_blk && nr_chr > 20,
		  "%s: %zu character and %zu block regions, /proc/devices %zu and %zu", label, nr_chr,
		  nr_blk, seen_chr, seen_blk);
	for (size_t i = 0; i < nr_chr; i++)
		with_fops += chr[i].fops != 0;
	/* mem, tty, misc, ...: the cdevs registered with their regions or in cdev_map. */
	CHECK_MSG(with_fops >= 10, "%s: only %zu character devices with operations", label, with_fops);
	bool virtblk = false;
	for (size_t i = 0; i < nr_blk; i++)
		virtblk |= !strcmp(blk[i].name, "virtblk") && blk[i].gendisk && blk[i].fops;
	CHECK_MSG(virtblk, "%s: no gendisk for virtblk", label);
	free(chr);
	free(blk);
}

static void check_disks(struct kc_session *session, char *diskstats, const char *label)
{
	struct kc_disk *d;
	size_t n;
	REQUIRE_OK(kc_disks(session, &d, &n));
	size_t k = 0;
	for (char *line = strtok(diskstats, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned major, minor, in_flight;
		char name[64];
		if (sscanf(line, "%u %u %63s %*u %*u %*u %*u %*u %*u %*u %*u %u", &major, &minor, name,
			   &in_flight) != 4)
			continue;
		bool found = false;
		for (size_t i = 0; i < n && !found; i++) {
			if (strcmp(d[i].name, name) != 0)
				continue;
			found = true;
			CHECK(d[i].major == major && d[i].first_minor == minor);
			CHECK_EQ_U64(d[i].in_flight_read + d[i].in_flight_write, in_flight);
			CHECK(d[i].mq && !d[i].warning);
		}
		CHECK_MSG(found, "%s: disk %s not found", label, name);
		k++;
	}
	CHECK_MSG(k == n && n == 3, "%s: %zu disks, diskstats %zu", label, n, k);
	kc_disks_free(d, n);
}

static void check_workload(const char *name, bool sync_counts)
{
	char truth[4096];
	struct kc_session *session = kc_test_open_debian_alone(name, truth, sizeof(truth));
	if (!session)
		return;
	char *mounts = read_text(truth, "proc/mounts.txt"), *info = read_text(truth, "proc/1-mountinfo.txt");
	if (mounts && info)
		CHECK_EQ_U64(check_mounts(session, mounts, info, name), 11);
	char *swaps = read_text(truth, "proc/swaps.txt");
	if (swaps)
		check_swap(session, swaps, name);
	char *devices = read_text(truth, "proc/devices.txt");
	if (devices)
		check_devices(session, devices, name);
	char *diskstats = read_text(truth, "proc/diskstats.txt");
	if (diskstats)
		check_disks(session, diskstats, name);
	CHECK(kc_disks_count_sync(session) == sync_counts);
	free(mounts);
	free(info);
	free(swaps);
	free(devices);
	free(diskstats);
	kc_session_destroy(session);
}

KC_TEST(mount_dev_debian_6_1_workload) { check_workload("debian-6.1-arm64-workload", false); }
KC_TEST(mount_dev_debian_5_10_workload) { check_workload("debian-5.10-arm64-workload", true); }

KC_TEST(mount_dev_fixtures)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s/ground-truth/kdump-snapshot/mounts.txt",
			 kc_test_fixtures_dir(), fixture);
		char *mounts = kc_test_read_file(path, NULL);
		if (CHECK_MSG(mounts != NULL, "cannot read %s", path))
			CHECK(check_mounts(session, mounts, NULL, fixture) >= 5);
		free(mounts);
		struct kc_swap_area *a;
		size_t n;
		struct kc_error *err = kc_swap_areas(session, &a, &n);
		/* The 5.10 fixture's kernel has CONFIG_SWAP and no swap on; the 6.1 ones none. */
		char config[4096];
		snprintf(config, sizeof(config), "%s/%s/config-%s", kc_test_fixtures_dir(), fixture,
			 kc_session_release(session));
		char *text = kc_test_read_file(config, NULL);
		if (CHECK_MSG(text != NULL, "cannot read %s", config) && strstr(text, "\nCONFIG_SWAP=y\n"))
			CHECK_MSG(!err && n == 0, "%s: %s", fixture, err ? kc_error_message(err) : "swap areas");
		else
			CHECK(err && err->code == KC_ERR_UNSUPPORTED &&
			      strstr(kc_error_message(err), "CONFIG_SWAP"));
		free(text);
		if (!err)
			kc_swap_areas_free(a, n);
		kc_error_destroy(err);
		struct kc_disk *d;
		REQUIRE_OK(kc_disks(session, &d, &n));
		CHECK(n == 2 && !strcmp(d[0].name, "vda") && !strcmp(d[1].name, "vdb"));
		kc_disks_free(d, n);
		kc_session_destroy(session);
	}
}

KC_TEST(mount_dev_commands)
{
	char truth[4096];
	struct kc_session *session = kc_test_open_debian_alone("debian-6.1-arm64-workload", truth, sizeof(truth));
	if (!session)
		return;
	static const char *const commands[] = {"mount", "mount /swap", "swap", "dev", "dev -d", "dev -D",
					       "mount --json", "swap --json", "dev --json", "dev -d --json"};
	char *out = kc_test_run_commands(session, commands, 10);
	REQUIRE(out != NULL);
	CHECK(strstr(out, "     MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME\n") != NULL);
	CHECK(strstr(out, " rootfs rootfs    /         \n") != NULL);
	CHECK(strstr(out, " devtmpfs devtmpfs /dev      \n") != NULL);
	CHECK(strstr(out, " debugfs debugfs  /sys/kernel/debug\n") != NULL);
	CHECK(strstr(out, "kcrash> mount /swap\n     MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME\n"
			  "ffff50f8c4282c80 ffff50f8c3cfe000 ext2   /dev/vdc  /swap     \nkcrash> ") != NULL);
	CHECK(strstr(out, "SWAP_INFO_STRUCT    TYPE       SIZE       USED     PCT  PRI  FILENAME\n"
			  "ffff50f8c83e7600    FILE      65532k      4120k     6%   -2  /swap/swapfile\n") != NULL);
	CHECK(strstr(out, "CHRDEV    NAME                 CDEV        OPERATIONS      \n"
			  "   1      mem            ffff50f8c2c0bd00  ffffcf886049ed00\n") != NULL);
	CHECK(strstr(out, "  13      input               (none)     \n") != NULL);
	CHECK(strstr(out, "BLKDEV    NAME                GENDISK      OPERATIONS      \n"
			  " 259      blkext              (none)     \n") != NULL);
	CHECK(strstr(out, "MAJOR GENDISK            NAME       REQUEST_QUEUE      TOTAL  READ WRITE \n"
			  "  254 ffff50f8c3c2a800   vda        ffff50f8c3c35e40       0     0     0 \n") != NULL);
	CHECK(strstr(out, "kcrash> dev -D\nMAJOR GENDISK            NAME       REQUEST_QUEUE      TOTAL  READ WRITE \nkcrash> ") != NULL);
	free(out);
	/* Each JSON form parses. */
	static const char *const json_commands[] = {"mount --json", "swap --json", "dev --json", "dev -d --json"};
	for (size_t i = 0; i < 4; i++) {
		char *json = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&json, &len);
		REQUIRE_OK(kc_session_run_line(session, json_commands[i], mem));
		fclose(mem);
		char path[4096], cmd[4300];
		snprintf(path, sizeof(path), "%s/mount-dev-%zu.json", kc_test_scratch_dir(), i);
		FILE *f = fopen(path, "w");
		REQUIRE(f != NULL);
		fputs(json, f);
		fclose(f);
		snprintf(cmd, sizeof(cmd), "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' '%s'", path);
		CHECK_MSG(system(cmd) == 0, "%s: %.200s", json_commands[i], json);
		free(json);
	}
	kc_session_destroy(session);
}
