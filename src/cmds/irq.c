/* SPDX-License-Identifier: MIT */
/*
 * irq: the IRQ descriptors in crash's layout (crash kernel.c
 * generic_dump_irq, irq_desc_format_v2): " IRQ  IRQ_DESC/_DATA  IRQACTION
 * NAME", one line per IRQ from 0 to nr_irqs - 1 ("(unused)" where there
 * is no descriptor or action), one more line per chained action; -s the
 * per-CPU counts as /proc/interrupts has them (generic_show_interrupts).
 */
#include "command.h"
#include "json.h"
#include "object.h"

#include <stdlib.h>
#include <string.h>

#include <kcrash/sched.h>

/* crash's mkstring(CENTER): centred in WIDTH, the odd space on the side JUSTIFY_RIGHT says. */
static void centered(FILE *out, const char *text, int width, bool justify_right)
{
	int len = (int)strlen(text);
	int extra = width > len ? width - len : 0;
	int left = extra / 2, right = extra / 2;
	if (extra % 2) {
		if (justify_right)
			left++;
		else
			right++;
	}
	fprintf(out, "%*s%s%*s", left, "", text, right, "");
}

static const struct kc_irq *find_irq(const struct kc_irqs *irqs, unsigned irq)
{
	size_t lo = 0, hi = irqs->nr_irqs_found;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (irqs->irqs[mid].irq == irq)
			return &irqs->irqs[mid];
		if (irqs->irqs[mid].irq < irq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void print_header(FILE *out)
{
	fputs(" IRQ  ", out);
	centered(out, "IRQ_DESC/_DATA", 16, false);
	fputs("  ", out);
	centered(out, "IRQACTION", 16, false);
	fputs("  NAME\n", out);
}

static void print_irq(const struct kc_irqs *irqs, unsigned n, bool in_use_only, FILE *out)
{
	const struct kc_irq *irq = find_irq(irqs, n);
	if (in_use_only && (!irq || !irq->nr_actions))
		return;
	char number[16], addr[32];
	snprintf(number, sizeof(number), "%u", n);
	centered(out, number, 4, true);
	fputs("  ", out);
	if (irq) {
		snprintf(addr, sizeof(addr), "%llx", (unsigned long long)irq->desc);
		centered(out, addr, 16, false);
	} else {
		centered(out, "(unused)", 16, false);
	}
	fputs("  ", out);
	if (!irq || !irq->nr_actions) {
		centered(out, "(unused)", 16, false);
		fputs("  \n", out);
		return;
	}
	for (size_t i = 0; i < irq->nr_actions; i++) {
		if (i)
			fprintf(out, "\n%*s", 4 + 2 + 16 + 2, "");
		snprintf(addr, sizeof(addr), "%llx", (unsigned long long)irq->actions[i].action);
		centered(out, addr, 16, false);
		fprintf(out, "  \"%s\"", irq->actions[i].name);
	}
	fputc('\n', out);
	if (irq->error)
		fprintf(out, "WARNING: IRQ %u: %s\n", n, irq->error);
}

static void print_counts(const struct kc_irqs *irqs, const bool *cpus, FILE *out)
{
	fputs("     ", out);
	for (unsigned cpu = 0; cpu < irqs->nr_cpus; cpu++) {
		if (!cpus[cpu])
			continue;
		char name[16];
		snprintf(name, sizeof(name), "CPU%u", cpu);
		fprintf(out, "%10s ", name);
	}
	fputc('\n', out);
	for (size_t i = 0; i < irqs->nr_irqs_found; i++) {
		const struct kc_irq *irq = &irqs->irqs[i];
		if (!irq->nr_actions)
			continue;
		fprintf(out, "%3u: ", irq->irq);
		for (unsigned cpu = 0; cpu < irqs->nr_cpus; cpu++)
			if (cpus[cpu])
				fprintf(out, "%10u ", irq->has_counts ? irq->counts[cpu] : 0);
		fputc(' ', out);
		for (size_t k = 0; k < irq->nr_actions; k++)
			fprintf(out, "%s%s", k ? "," : "", irq->actions[k].name);
		fputc('\n', out);
	}
}

static void print_json(const struct kc_irqs *irqs, FILE *out)
{
	fprintf(out, "{\"nr_irqs\": %u, \"tree\": \"0x%llx\", \"tree_name\": ", irqs->nr_irqs,
		(unsigned long long)irqs->tree);
	kc_json_string(out, irqs->tree_name);
	fputs(", \"tree_source\": ", out);
	kc_json_string(out, irqs->tree_source);
	fputs(", \"irqs\": [", out);
	for (size_t i = 0; i < irqs->nr_irqs_found; i++) {
		const struct kc_irq *irq = &irqs->irqs[i];
		fprintf(out, "%s\n  {\"irq\": %u, \"irq_desc\": \"0x%llx\", \"hwirq\": %llu, \"chip\": ",
			i ? "," : "", irq->irq, (unsigned long long)irq->desc,
			(unsigned long long)irq->hwirq);
		kc_json_string(out, irq->chip);
		fputs(", \"actions\": [", out);
		for (size_t k = 0; k < irq->nr_actions; k++) {
			fprintf(out, "%s{\"irqaction\": \"0x%llx\", \"handler\": \"0x%llx\", \"name\": ",
				k ? ", " : "", (unsigned long long)irq->actions[k].action,
				(unsigned long long)irq->actions[k].handler);
			kc_json_string(out, irq->actions[k].name);
			fputc('}', out);
		}
		fputs("], \"counts\": ", out);
		if (irq->has_counts) {
			fputc('[', out);
			for (unsigned cpu = 0; cpu < irqs->nr_cpus; cpu++)
				fprintf(out, "%s%u", cpu ? ", " : "", irq->counts[cpu]);
			fputc(']', out);
		} else {
			fputs("null", out);
		}
		fputs(", \"error\": ", out);
		kc_json_string(out, irq->error);
		fputc('}', out);
	}
	fputs(irqs->nr_irqs_found ? "\n]}\n" : "]}\n", out);
}

static struct kc_error *cmd_irq(struct kc_session *session, int argc, char **argv, FILE *out)
{
	bool json = false, counts = false, in_use = false;
	const char *cpuspec = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-s"))
			counts = true;
		else if (!strcmp(argv[i], "-u"))
			in_use = true;
		else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			cpuspec = argv[++i];
		else
			return kc_usage_error(&kc_cmd_irq);
	}
	struct kc_irqs irqs;
	struct kc_error *err = kc_irqs_read(session, &irqs);
	if (err)
		return err;
	bool *cpus = calloc(irqs.nr_cpus, sizeof(bool));
	if (!cpus) {
		kc_irqs_free(&irqs);
		return &kc_error_nomem;
	}
	if (cpuspec)
		err = kc_parse_cpuspec(cpuspec, irqs.nr_cpus, cpus);
	else
		for (unsigned cpu = 0; cpu < irqs.nr_cpus; cpu++)
			cpus[cpu] = true;
	if (err) {
	} else if (json) {
		print_json(&irqs, out);
	} else if (counts) {
		print_counts(&irqs, cpus, out);
	} else if (i < argc) {
		print_header(out);
		for (; !err && i < argc; i++) {
			uint64_t n;
			err = kc_parse_number(argv[i], &n);
			if (!err && n >= irqs.nr_irqs)
				err = kc_error_create(KC_ERR_INVALID_ARG, "invalid IRQ value: %llu  (%u max)",
						      (unsigned long long)n, irqs.nr_irqs - 1);
			if (!err)
				print_irq(&irqs, (unsigned)n, false, out);
		}
	} else {
		print_header(out);
		for (unsigned n = 0; n < irqs.nr_irqs; n++)
			print_irq(&irqs, n, in_use, out);
	}
	free(cpus);
	kc_irqs_free(&irqs);
	return err;
}

const struct kc_command kc_cmd_irq = {
	.name = "irq",
	.summary = "IRQ data",
	.usage = "irq [-u] [IRQ...] | irq -s [-c CPUS] | irq --json",
	.help = "The IRQ descriptors (irq_desc_tree, v4.20-v6.4; sparse_irqs, v6.5+) as\n"
		"crash prints them: for each IRQ from 0 to nr_irqs - 1, its struct\n"
		"irq_desc, its struct irqaction and the action's name; \"(unused)\" where\n"
		"there is no descriptor or no action; chained actions on more lines.\n"
		"Without data symbols (a distro kernel) the tree is found in\n"
		"irq_to_desc()'s code and checked: every descriptor must be its index's.\n"
		"  IRQ...    only these IRQs\n"
		"  -u        only the IRQs with an action\n"
		"  -s        the per-CPU counts of each IRQ with an action, as\n"
		"            /proc/interrupts has them (kstat_irqs), and the action names\n"
		"  -c CPUS   with -s: only these CPUs' columns\n"
		"  --json    one object: nr_irqs, tree, tree_name, tree_source, and irqs,\n"
		"            an array of {irq, irq_desc, hwirq, chip, actions [{irqaction,\n"
		"            handler, name}], counts (per CPU, or null), error}\n",
	.needs_dump = true,
	.run = cmd_irq,
};
