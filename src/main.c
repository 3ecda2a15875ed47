/* SPDX-License-Identifier: MIT */
/*
 * kcrash: command line, then the shell or batch loop.
 *
 * Exit status (documented in kcrash(1)):
 *   0  every command succeeded
 *   1  at least one command failed (batch mode goes on to the next one)
 *   2  usage error, or the dump or vmlinux could not be opened
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds/command.h"
#include "session.h"
#include "shell.h"

#define EXIT_COMMAND_FAILED 1
#define EXIT_USAGE 2

static void usage(FILE *out)
{
	fprintf(out,
		"usage: kcrash [OPTIONS] [VMLINUX] DUMPFILE [DUMPFILE...]\n"
		"\n"
		"Analyze an arm64 Linux kernel crash dump (ELF /proc/vmcore copy,\n"
		"makedumpfile kdump-compressed, flattened or split, QEMU dump-guest-memory).\n"
		"VMLINUX and the dump may come in either order; several dump files are\n"
		"opened together as a makedumpfile --split set.\n"
		"\n"
		"options:\n"
		"  -i FILE        run the commands in FILE, then exit unless standard\n"
		"                 input is a terminal (then the shell follows)\n"
		"  -c 'CMD; CMD'  run these commands and exit\n"
		"  -s             no banner\n"
		"  --cache MB     size of the decompressed-page cache (default %u)\n"
		"  --force        open even when the vmlinux does not match the dump\n"
		"  --btf FILE     kernel types from BTF: a raw blob (/sys/kernel/btf/vmlinux)\n"
		"                 or an ELF file's .BTF section\n"
		"  --types SRC    where kernel types come from: auto (default: the vmlinux's\n"
		"                 DWARF, else BTF), dwarf, or btf\n"
		"  --triage       print what happened (the triage command) and exit\n"
		"  --json         with --triage: the versioned JSON document instead\n"
		"  -h, --help     this text\n"
		"  -v, --version  print the version\n"
		"\n"
		"exit status: 0 all commands succeeded, 1 a command failed,\n"
		"2 usage error or a file could not be opened.\n",
		KC_DUMP_DEFAULT_CACHE_BYTES >> 20);
}

struct cli {
	const char *script;
	const char *commands;
	bool silent;
	bool force;
	bool triage;  /* --triage: run "triage" and exit */
	bool json;    /* --json with --triage */
	const char *btf;
	enum kc_types_preference types;
	size_t cache_bytes;
	const char *vmlinux;
	const char **dumps;
	size_t nr_dumps;
};

static int parse_cli(int argc, char **argv, struct cli *cli)
{
	static const struct option long_opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'v'},
		{"cache", required_argument, NULL, 'C'},
		{"force", no_argument, NULL, 'F'},
		{"triage", no_argument, NULL, 'T'},
		{"json", no_argument, NULL, 'J'},
		{"btf", required_argument, NULL, 'B'},
		{"types", required_argument, NULL, 'Y'},
		{NULL, 0, NULL, 0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "+i:c:svh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			cli->script = optarg;
			break;
		case 'c':
			cli->commands = optarg;
			break;
		case 's':
			cli->silent = true;
			break;
		case 'C': {
			char *end;
			unsigned long long mb = strtoull(optarg, &end, 10);
			if (*end || mb == 0 || mb > (1ull << 20)) {
				fprintf(stderr, "kcrash: --cache %s: expected a size in MB from 1 to 1048576\n",
					optarg);
				return EXIT_USAGE;
			}
			cli->cache_bytes = (size_t)(mb << 20);
			break;
		}
		case 'F':
			cli->force = true;
			break;
		case 'T':
			cli->triage = true;
			break;
		case 'J':
			cli->json = true;
			break;
		case 'B':
			cli->btf = optarg;
			break;
		case 'Y':
			if (strcmp(optarg, "auto") == 0) {
				cli->types = KC_TYPES_AUTO;
			} else if (strcmp(optarg, "dwarf") == 0) {
				cli->types = KC_TYPES_DWARF;
			} else if (strcmp(optarg, "btf") == 0) {
				cli->types = KC_TYPES_BTF;
			} else {
				fprintf(stderr, "kcrash: --types %s: expected auto, dwarf or btf\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'v':
			printf("kcrash %s\n", KCRASH_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	cli->dumps = calloc((size_t)argc, sizeof(*cli->dumps));
	if (!cli->dumps) {
		fprintf(stderr, "kcrash: out of memory\n");
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		enum kc_file_kind kind;
		struct kc_error *err = kc_classify_file(argv[i], &kind);
		if (err) {
			fprintf(stderr, "kcrash: %s\n", kc_error_message(err));
			kc_error_destroy(err);
			return EXIT_USAGE;
		}
		if (kind == KC_FILE_VMLINUX) {
			if (cli->vmlinux) {
				fprintf(stderr, "kcrash: %s: a second kernel image (already have %s)\n",
					argv[i], cli->vmlinux);
				return EXIT_USAGE;
			}
			cli->vmlinux = argv[i];
		} else if (kind == KC_FILE_DUMP) {
			cli->dumps[cli->nr_dumps++] = argv[i];
		} else {
			fprintf(stderr, "kcrash: %s: offset 0x0: neither a kernel image (ELF executable) nor a dump (ELF core, \"KDUMP   \" or flattened \"makedumpfile\" header)\n",
				argv[i]);
			return EXIT_USAGE;
		}
	}
	if (cli->json && !cli->triage) {
		fprintf(stderr, "kcrash: --json goes with --triage (commands take --json themselves)\n");
		return EXIT_USAGE;
	}
	if (cli->triage) {
		if (cli->script || cli->commands) {
			fprintf(stderr, "kcrash: --triage runs alone, without -i or -c\n");
			return EXIT_USAGE;
		}
		cli->commands = cli->json ? "triage --json" : "triage";
		cli->silent = true;
	}
	if (cli->nr_dumps == 0) {
		fprintf(stderr, "kcrash: no dump file given\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	int rc = parse_cli(argc, argv, &cli);
	if (rc) {
		free(cli.dumps);
		return rc;
	}
	struct kc_session_options opts = {
		.vmlinux_path = cli.vmlinux,
		.dump_paths = cli.dumps,
		.nr_dump_paths = cli.nr_dumps,
		.cache_bytes = cli.cache_bytes,
		.force = cli.force,
		.types_preference = cli.types,
		.btf_path = cli.btf,
	};
	struct kc_session *session;
	struct kc_error *err = kc_session_open(&opts, &session);
	free(cli.dumps);
	if (err) {
		fprintf(stderr, "kcrash: %s\n", kc_error_message(err));
		kc_error_destroy(err);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < session->dump->nr_warnings; i++)
		fprintf(stderr, "kcrash: warning: %s\n", session->dump->warnings[i]);
	for (size_t i = 0; i < session->nr_open_warnings; i++)
		fprintf(stderr, "kcrash: warning: %s\n", session->open_warnings[i]);

	struct kc_shell_stats stats = {0};
	if (!cli.silent) {
		printf("kcrash %s: arm64 kernel crash dump analyzer\n\n", KCRASH_VERSION);
		struct kc_shell_stats banner = {0};
		kc_shell_run_line(session, "sys", &banner);
		printf("\n");
		fflush(stdout);
	}
	bool interactive = isatty(STDIN_FILENO);
	if (cli.script) {
		FILE *in = fopen(cli.script, "r");
		if (!in) {
			perror(cli.script);
			kc_session_destroy(session);
			return EXIT_USAGE;
		}
		kc_shell_run_stream(session, in, &stats);
		fclose(in);
	}
	if (cli.commands && !stats.quit)
		kc_shell_run_line(session, cli.commands, &stats);
	if (!cli.commands && !stats.quit) {
		if (interactive)
			kc_shell_interactive(session, &stats);
		else if (!cli.script)
			kc_shell_run_stream(session, stdin, &stats);
	}
	kc_session_destroy(session);
	fflush(stdout);
	return stats.failed ? EXIT_COMMAND_FAILED : 0;
}
