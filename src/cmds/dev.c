/* SPDX-License-Identifier: MIT */
/*
 * dev: character and block device majors in crash's layout (crash dev.c
 * dump_chrdevs and dump_blkdevs_v3: the major in 3 after a space, the
 * name in 13, the cdev or gendisk in 16 and the operations' symbol, or
 * "(none)" centred), and dev -d: each disk's requests in flight
 * (display_all_diskio: MAJOR in 5, GENDISK, NAME in 10, REQUEST_QUEUE,
 * TOTAL, then READ/WRITE, or ASYNC/SYNC on kernels before v5.18).
 */
#include "command.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/fs.h>
#include <kcrash/symbols.h>

#define ULL(x) ((unsigned long long)(x))

/* The symbol at ADDR (crash's value_to_symstr); "" when none starts there. */
static void symstr(struct kc_session *session, uint64_t addr, char *buf, size_t len)
{
	struct kc_symbolized sym;
	struct kc_error *err = kc_symbolize(session, addr, &sym);
	/*
	 * Operations tables are objects of their own: an offset into another
	 * symbol is kallsyms without the data symbols (no CONFIG_KALLSYMS_ALL)
	 * naming the nearest function, not the table.
	 */
	if (err || sym.offset) {
		kc_error_destroy(err);
		buf[0] = '\0';
	} else {
		snprintf(buf, len, "%s", sym.name);
	}
}

static void print_major_row(struct kc_session *session, unsigned major, const char *name,
			    uint64_t object, uint64_t fops, FILE *out)
{
	fprintf(out, " %3u      %-13s ", major, name[0] ? name : "(unknown)");
	if (!fops) {
		fputs("      (none)     \n", out);
		return;
	}
	char sym[256];
	symstr(session, fops, sym, sizeof(sym));
	if (sym[0])
		fprintf(out, " %16llx  %s\n", ULL(object), sym);
	else
		fprintf(out, " %16llx  %llx\n", ULL(object), ULL(fops));
}

static void json_major(struct kc_session *session, const char *object_key, unsigned major,
		       unsigned baseminor, unsigned minorct, bool with_minors, const char *name,
		       uint64_t object, uint64_t fops, bool first, FILE *out)
{
	fprintf(out, "%s\n    {\"major\": %u, ", first ? "" : ",", major);
	if (with_minors)
		fprintf(out, "\"baseminor\": %u, \"minorct\": %u, ", baseminor, minorct);
	fputs("\"name\": ", out);
	kc_json_string(out, name);
	fprintf(out, ", \"%s\": ", object_key);
	if (object)
		fprintf(out, "\"0x%llx\"", ULL(object));
	else
		fputs("null", out);
	fputs(", \"operations\": ", out);
	if (fops) {
		char sym[256];
		symstr(session, fops, sym, sizeof(sym));
		fprintf(out, "\"0x%llx\", \"operations_symbol\": ", ULL(fops));
		kc_json_string(out, sym[0] ? sym : NULL);
	} else {
		fputs("null, \"operations_symbol\": null", out);
	}
	fputc('}', out);
}

static struct kc_error *show_devices(struct kc_session *session, bool json, FILE *out)
{
	struct kc_chrdev *chr;
	size_t nr_chr;
	struct kc_error *err = kc_chrdevs(session, &chr, &nr_chr);
	if (err)
		return err;
	struct kc_blkdev *blk = NULL;
	size_t nr_blk = 0;
	struct kc_error *blk_err = kc_blkdevs(session, &blk, &nr_blk);
	if (json) {
		fputs("{\"chrdevs\": [", out);
		for (size_t i = 0; i < nr_chr; i++)
			json_major(session, "cdev", chr[i].major, chr[i].baseminor, chr[i].minorct, true,
				   chr[i].name, chr[i].cdev, chr[i].fops, i == 0, out);
		fputs(nr_chr ? "\n  ], \"blkdevs\": [" : "], \"blkdevs\": [", out);
		for (size_t i = 0; i < nr_blk; i++)
			json_major(session, "gendisk", blk[i].major, 0, 0, false, blk[i].name,
				   blk[i].gendisk, blk[i].fops, i == 0, out);
		fputs(nr_blk ? "\n  ]" : "]", out);
		if (blk_err) {
			fputs(", \"blkdevs_error\": ", out);
			kc_json_string(out, kc_error_message(blk_err));
		}
		fputs("}\n", out);
	} else {
		fputs("CHRDEV    NAME                 CDEV        OPERATIONS      \n", out);
		for (size_t i = 0; i < nr_chr; i++)
			print_major_row(session, chr[i].major, chr[i].name, chr[i].cdev, chr[i].fops, out);
		fputs("\nBLKDEV    NAME                GENDISK      OPERATIONS      \n", out);
		for (size_t i = 0; i < nr_blk; i++)
			print_major_row(session, blk[i].major, blk[i].name, blk[i].gendisk, blk[i].fops,
					out);
		if (blk_err)
			fprintf(out, "dev: block devices: %s\n", kc_error_message(blk_err));
	}
	kc_error_destroy(blk_err);
	free(chr);
	free(blk);
	return NULL;
}

static struct kc_error *show_disk_io(struct kc_session *session, bool json, bool nonzero,
				     FILE *out)
{
	struct kc_disk *disks;
	size_t n;
	struct kc_error *err = kc_disks(session, &disks, &n);
	if (err)
		return err;
	bool sync = kc_disks_count_sync(session);
	if (json)
		fputc('[', out);
	else
		fprintf(out, "MAJOR GENDISK            NAME       REQUEST_QUEUE      TOTAL %5s %5s \n",
			sync ? "ASYNC" : "READ", sync ? "SYNC" : "WRITE");
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		const struct kc_disk *d = &disks[i];
		unsigned total = d->in_flight_read + d->in_flight_write;
		if (nonzero && !total)
			continue;
		if (json) {
			fprintf(out, "%s\n  {\"major\": %u, \"first_minor\": %u, \"gendisk\": \"0x%llx\", "
				"\"name\": ", first ? "" : ",", d->major, d->first_minor, ULL(d->gendisk));
			kc_json_string(out, d->name);
			fprintf(out, ", \"request_queue\": \"0x%llx\", \"mq\": %s, \"total\": %u, "
				"\"%s\": %u, \"%s\": %u", ULL(d->queue), d->mq ? "true" : "false", total,
				sync ? "async" : "read", d->in_flight_read, sync ? "sync" : "write",
				d->in_flight_write);
			if (d->warning) {
				fputs(", \"warning\": ", out);
				kc_json_string(out, d->warning);
			}
			fputc('}', out);
		} else {
			fprintf(out, "%5u %-16llx   %-10s %-16llx   %5u %5u %5u \n", d->major, ULL(d->gendisk),
				d->name, ULL(d->queue), total, d->in_flight_read, d->in_flight_write);
		}
		first = false;
	}
	if (json) {
		fputs(first ? "]\n" : "\n]\n", out);
	} else {
		for (size_t i = 0; i < n; i++)
			if (disks[i].warning)
				fprintf(out, "WARNING: %s: %s\n", disks[i].name, disks[i].warning);
	}
	kc_disks_free(disks, n);
	return NULL;
}

static struct kc_error *cmd_dev(struct kc_session *session, int argc, char **argv, FILE *out)
{
	bool json = false, disks = false, nonzero = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-d"))
			disks = true;
		else if (!strcmp(argv[i], "-D"))
			disks = nonzero = true;
		else
			return kc_usage_error(&kc_cmd_dev);
	}
	return disks ? show_disk_io(session, json, nonzero, out) : show_devices(session, json, out);
}

const struct kc_command kc_cmd_dev = {
	.name = "dev",
	.summary = "character and block devices, disk I/O in flight",
	.usage = "dev [-d|-D] [--json]",
	.help =
		"Lists the character device regions (chrdevs[], as /proc/devices'\n"
		"\"Character devices\") with the cdev of each (its own, else the one\n"
		"cdev_map holds for its first minor) and the cdev's file operations,\n"
		"then the block majors (major_names[], /proc/devices' \"Block devices\")\n"
		"with a gendisk of that major and its block_device_operations, in\n"
		"crash's layout:\n"
		"  CHRDEV    NAME                 CDEV        OPERATIONS\n"
		"     1      mem            ffff3fc1409df000  memory_fops\n"
		"  BLKDEV    NAME                GENDISK      OPERATIONS\n"
		"   254      virtblk        ffff3fc140850800  virtblk_fops\n"
		"  -d      each disk (the gendisks of blockdev_superblock's block\n"
		"          devices, by major and minor) with its request queue and the\n"
		"          requests in flight: TOTAL, then READ and WRITE (ASYNC and\n"
		"          SYNC before v5.18, as crash names them); for blk-mq queues,\n"
		"          the hardware queues' tagged requests in MQ_RQ_IN_FLIGHT\n"
		"  -D      the same, only disks with requests in flight\n"
		"  --json  {chrdevs: [major, baseminor, minorct, name, cdev,\n"
		"          operations, operations_symbol], blkdevs: [major, name,\n"
		"          gendisk, operations, operations_symbol]}; with -d an array:\n"
		"          major, first_minor, gendisk, name, request_queue, mq, total,\n"
		"          read and write (async and sync)\n",
	.needs_dump = true,
	.run = cmd_dev,
};
