/* SPDX-License-Identifier: MIT */
/*
 * kcrash: command line, then the shell or batch loop.
 *
 * Exit status (documented in kcrash(1)):
 *   0  every command succeeded
 *   1  at least one command failed (batch mode goes on to the next one)
 *   2  usage error, or the dump or vmlinux could not be opened
 */
#include <ctype.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "reportfmt.h"
#include <kcrash/memory.h>
#include <kcrash/modules.h>
#include <kcrash/session.h>
#include <kcrash/types.h>
#include "pyplugin.h"
#include "shell.h"

#define EXIT_COMMAND_FAILED 1
#define EXIT_USAGE 2

static void usage(FILE *out)
{
	fprintf(out,
		"usage: kcrash [OPTIONS] [VMLINUX] DUMPFILE [DUMPFILE...]\n"
		"       kcrash --console LOG [--json] [VMLINUX]\n"
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
		"  -x FILE        run the Python script FILE (the py command) and exit\n"
		"  -s             no banner, nor the line naming the vmlinux found\n"
		"  --cache MB     size of the decompressed-page cache (default %u)\n"
		"  --force        open even when the vmlinux does not match the dump\n"
		"  --symbols FILE without VMLINUX: kernel symbols from a System.map or a\n"
		"                 copy of the crashed boot's /proc/kallsyms (default: the\n"
		"                 dump's own kallsyms tables)\n"
		"  --verify-symbols  find each data symbol kallsyms lacks by both routes\n"
		"                 (the code that uses it, the image's content) and compare\n"
		"  --btf FILE     kernel types from BTF: a raw blob (/sys/kernel/btf/vmlinux)\n"
		"                 or an ELF file's .BTF section\n"
		"  --types SRC    where kernel types come from: auto (default: the vmlinux's\n"
		"                 .BTF, else its DWARF, else the dump's BTF), dwarf, or btf\n"
		"  --debug-dir DIR  without VMLINUX, look for the dump's vmlinux in DIR\n"
		"                 (laid out like /usr/lib/debug) first; repeatable\n"
		"  --no-debuginfod  do not ask debuginfod servers (DEBUGINFOD_URLS)\n"
		"  --triage       print what happened (the triage command) and exit\n"
		"  --json         with --triage: the versioned JSON document instead\n"
		"  --console LOG  triage a serial console or dmesg capture, no dump (with\n"
		"                 VMLINUX: raw addresses named, culprit file:line)\n"
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
	const char *python;  /* -x FILE */
	bool silent;
	bool force;
	bool triage;  /* --triage: run "triage" and exit */
	bool json;    /* --json with --triage */
	const char *console; /* --console LOG: triage a log alone */
	const char *btf;
	const char *symbols;
	bool verify_symbols;
	enum kc_types_preference types;
	size_t cache_bytes;
	const char *vmlinux;
	const char **debug_dirs; /* --debug-dir, in order */
	size_t nr_debug_dirs;
	bool no_debuginfod;
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
		{"console", required_argument, NULL, 'L'},
		{"btf", required_argument, NULL, 'B'},
		{"symbols", required_argument, NULL, 'S'},
		{"verify-symbols", no_argument, NULL, 'V'},
		{"types", required_argument, NULL, 'Y'},
		{"debug-dir", required_argument, NULL, 'D'},
		{"no-debuginfod", no_argument, NULL, 'N'},
		{NULL, 0, NULL, 0},
	};
	cli->debug_dirs = calloc((size_t)argc, sizeof(*cli->debug_dirs));
	if (!cli->debug_dirs) {
		fprintf(stderr, "kcrash: out of memory\n");
		return EXIT_USAGE;
	}
	int opt;
	/* Options may follow the files too: kcrash DUMP --debug-dir DIR. */
	while ((opt = getopt_long(argc, argv, "i:c:x:svh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			cli->script = optarg;
			break;
		case 'c':
			cli->commands = optarg;
			break;
		case 'x':
			cli->python = optarg;
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
		case 'L':
			cli->console = optarg;
			break;
		case 'B':
			cli->btf = optarg;
			break;
		case 'S':
			cli->symbols = optarg;
			break;
		case 'V':
			cli->verify_symbols = true;
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
		case 'D':
			cli->debug_dirs[cli->nr_debug_dirs++] = optarg;
			break;
		case 'N':
			cli->no_debuginfod = true;
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
		} else if (kind == KC_FILE_BOOT_IMAGE) {
			fprintf(stderr, "kcrash: %s: offset 0x38: an arm64 boot Image (a vmlinuz), which has no symbols: give the debug vmlinux (linux-image-*-dbg), or the dump alone (its own kallsyms and BTF)\n",
				argv[i]);
			return EXIT_USAGE;
		} else if (kind == KC_FILE_COMPRESSED) {
			fprintf(stderr, "kcrash: %s: offset 0x0: gzip, xz or zstd data: decompress it first (a compressed vmlinuz has no symbols: then open the dump alone)\n",
				argv[i]);
			return EXIT_USAGE;
		} else {
			fprintf(stderr, "kcrash: %s: offset 0x0: neither a kernel image (ELF executable) nor a dump (ELF core, \"KDUMP   \" or flattened \"makedumpfile\" header)\n",
				argv[i]);
			return EXIT_USAGE;
		}
	}
	if (cli->console) {
		if (cli->nr_dumps || cli->triage || cli->script || cli->commands || cli->python) {
			fprintf(stderr, "kcrash: --console LOG takes only --json and a VMLINUX\n");
			return EXIT_USAGE;
		}
		return 0;
	}
	if (cli->json && !cli->triage) {
		fprintf(stderr, "kcrash: --json goes with --triage (commands take --json themselves)\n");
		return EXIT_USAGE;
	}
	if (cli->triage) {
		if (cli->script || cli->commands || cli->python) {
			fprintf(stderr, "kcrash: --triage runs alone, without -i, -c or -x\n");
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

/*
 * A download at startup (debuginfod): a progress line on a terminal, one
 * line otherwise; Ctrl-C cancels it and kcrash opens the dump alone.
 */
struct download_display {
	bool started;   /* a debuginfod query began: Ctrl-C is caught */
	bool announced; /* a server answered: the download was shown */
	bool tty;
	long shown_tenths; /* when the line was last drawn, in 0.1 s */
	struct sigaction old_sigint;
};

static int show_download(void *arg, const struct kc_debuginfo_progress *progress)
{
	struct download_display *display = arg;
	if (!display->started) {
		display->started = true;
		display->tty = isatty(STDERR_FILENO);
		display->shown_tenths = -1;
		kc_interrupt_flag = 0;
		kc_shell_catch_sigint(&display->old_sigint);
	}
	if (kc_interrupt_flag)
		return 1;
	if (!progress->url)
		return 0; /* no server has answered yet */
	if (!display->announced) {
		display->announced = true;
		if (!display->tty)
			fprintf(stderr, "downloading vmlinux %s from %s\n",
				progress->build_id, progress->url);
	}
	/* One terminal line, redrawn at most ten times a second. */
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long tenths = now.tv_sec * 10 + now.tv_nsec / 100000000;
	bool last = progress->total > 0 && progress->done >= progress->total;
	if (display->tty && (tenths != display->shown_tenths || last)) {
		display->shown_tenths = tenths;
		/* scheme://host[:port] of the URL: the whole of it would wrap. */
		const char *host = strstr(progress->url, "://");
		host = host ? host + 3 : progress->url;
		fprintf(stderr, "\rdownloading vmlinux %.12s from %.*s: %.1f MB",
			progress->build_id, (int)strcspn(host, "/"), host,
			progress->done / 1e6);
		if (progress->total > 0)
			fprintf(stderr, " of %.1f MB (%ld%%)", progress->total / 1e6,
				(long)(progress->done * 100.0 / progress->total));
		fputs("\033[K", stderr);
	}
	return 0;
}

static void end_download(struct download_display *display)
{
	if (!display->started)
		return;
	if (display->tty && display->announced)
		fputc('\n', stderr);
	sigaction(SIGINT, &display->old_sigint, NULL);
	kc_interrupt_flag = 0; /* a cancelled download does not stop the commands */
}

/* What the search for the vmlinux found, or that it found none. */
static void report_vmlinux_search(const struct kc_session *session, bool silent,
				  const struct download_display *display)
{
	const struct kc_debuginfo_result *search = kc_session_vmlinux_search(session);
	if (!search || (silent && !display->announced))
		return;
	for (size_t i = 0; i < search->nr_notes; i++)
		fprintf(stderr, "vmlinux: %s\n", search->notes[i]);
	if (kc_session_vmlinux_path(session))
		fprintf(stderr, "vmlinux: %s\n", search->summary);
	else
		fprintf(stderr, "vmlinux: %s; opening the dump alone\n", search->summary);
}

/*
 * Without a vmlinux named on the command line: one line saying where the
 * symbols and the types come from (or why there are none).
 */
static void report_sources(struct kc_session *session, bool silent)
{
	const char *vmlinux_source = kc_session_vmlinux_source(session);
	if (silent || (vmlinux_source && strcmp(vmlinux_source, "command line") == 0))
		return;
	size_t nr_symbols;
	const char *origin = kc_session_symbols_origin(session, &nr_symbols);
	const struct kc_error *symbols_error = kc_session_symbols_error(session);
	if (origin)
		fprintf(stderr, "symbols: %s, %zu symbols", origin, nr_symbols);
	else
		fprintf(stderr, "symbols: none (%s)", symbols_error ?
			kc_error_message(symbols_error) : "no vmlinux");
	struct kc_types *types;
	struct kc_error *err = kc_session_types(session, &types);
	if (err) {
		fprintf(stderr, "; types: none (%s)\n", kc_error_message(err));
		kc_error_destroy(err);
		return;
	}
	fprintf(stderr, "; types: %s", kc_types_description(types));
	/* Modules' split BTF, from the dump's btf_modules list. */
	const struct kc_module_btfs *modules;
	err = kc_types_btf(types) ? kc_module_btfs_get(session, &modules) : NULL;
	if (kc_types_btf(types) && !err) {
		size_t read = 0;
		for (size_t i = 0; i < modules->nr_modules; i++)
			read += modules->modules[i].btf != NULL;
		fprintf(stderr, ", BTF of %zu of %zu modules", read, modules->nr_modules);
	} else if (err) {
		fprintf(stderr, ", no modules' BTF (%s)", kc_error_message(err));
	}
	kc_error_destroy(err);
	fputc('\n', stderr);
}

/* -x FILE: the line "py FILE", FILE's bytes escaped from the shell's syntax. */
static void run_python_script(struct kc_session *session, const char *path,
			      struct kc_shell_stats *stats)
{
	size_t len = strlen(path);
	char *line = malloc(3 + 2 * len + 1);
	if (!line) {
		fprintf(stderr, "kcrash: out of memory\n");
		stats->failed++;
		return;
	}
	char *p = stpcpy(line, "py ");
	for (const char *c = path; *c; c++) {
		if (!isalnum((unsigned char)*c) && !strchr("/._-+,=@", *c))
			*p++ = '\\';
		*p++ = *c;
	}
	*p = '\0';
	kc_shell_run_line(session, line, stats);
	free(line);
}

int main(int argc, char **argv)
{
	kc_pyplugin_register();
	struct cli cli = {0};
	int rc = parse_cli(argc, argv, &cli);
	if (rc) {
		free(cli.dumps);
		free(cli.debug_dirs);
		return rc;
	}
	if (cli.console) {
		free(cli.dumps);
		free(cli.debug_dirs);
		return kc_console_triage(cli.console, cli.vmlinux, cli.json, stdout, stderr);
	}
	struct download_display display = {0};
	struct kc_session_options opts = {
		.vmlinux_path = cli.vmlinux,
		.dump_paths = cli.dumps,
		.nr_dump_paths = cli.nr_dumps,
		.cache_bytes = cli.cache_bytes,
		.force = cli.force,
		.types_preference = cli.types,
		.btf_path = cli.btf,
		.symbols_path = cli.symbols,
		.verify_data_symbols = cli.verify_symbols,
		.find_vmlinux = !cli.vmlinux,
		.debug_dirs = cli.debug_dirs,
		.nr_debug_dirs = cli.nr_debug_dirs,
		.no_debuginfod = cli.no_debuginfod,
		.download_progress = show_download,
		.download_progress_arg = &display,
	};
	struct kc_session *session;
	struct kc_error *err = kc_session_open(&opts, &session);
	end_download(&display);
	free(cli.dumps);
	free(cli.debug_dirs);
	if (err) {
		fprintf(stderr, "kcrash: %s\n", kc_error_message(err));
		kc_error_destroy(err);
		return EXIT_USAGE;
	}
	report_vmlinux_search(session, cli.silent, &display);
	report_sources(session, cli.silent);
	const char *warning;
	for (size_t i = 0; (warning = kc_session_warning(session, i)); i++)
		fprintf(stderr, "kcrash: warning: %s\n", warning);

	struct kc_shell_stats stats = {0};
	if (!cli.silent && !cli.python) {
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
	if (cli.python && !stats.quit)
		run_python_script(session, cli.python, &stats);
	if (!cli.commands && !cli.python && !stats.quit) {
		if (interactive)
			kc_shell_interactive(session, &stats);
		else if (!cli.script)
			kc_shell_run_stream(session, stdin, &stats);
	}
	kc_session_destroy(session);
	fflush(stdout);
	return stats.failed ? EXIT_COMMAND_FAILED : 0;
}
