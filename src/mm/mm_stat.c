// SPDX-License-Identifier: MIT
/*
 * The vm_stat counters (include/kcrash/mm.h): per zone (zone->vm_stat),
 * per node (pglist_data->vm_stat), global (vm_zone_stat, vm_node_stat,
 * vm_numa_stat/vm_numa_event) and the per-CPU event counters
 * (vm_event_states), named by the kernel's own enums.
 */
#include "mm_internal.h"

#include <stdlib.h>
#include <string.h>

struct group_desc {
	const char *enum_name;
	const char *count_names[2];   /* the NR_* enumerator giving the count */
	const char *globals[2];       /* the global array */
	const char *local_type;       /* the struct holding a vm_stat[] */
};

static const struct group_desc groups[] = {
	[KC_MM_STAT_ZONE] = {"enum zone_stat_item", {"NR_VM_ZONE_STAT_ITEMS", NULL},
			     {"vm_zone_stat", NULL}, "struct zone"},
	[KC_MM_STAT_NODE] = {"enum node_stat_item", {"NR_VM_NODE_STAT_ITEMS", NULL},
			     {"vm_node_stat", NULL}, "struct pglist_data"},
	/* vm_numa_stat (v4.14..v5.13), vm_numa_event (v5.14+). */
	[KC_MM_STAT_NUMA] = {"enum numa_stat_item",
			     {"NR_VM_NUMA_EVENT_ITEMS", "NR_VM_NUMA_STAT_ITEMS"},
			     {"vm_numa_event", "vm_numa_stat"}, NULL},
	[KC_MM_STAT_EVENT] = {"enum vm_event_item", {"NR_VM_EVENT_ITEMS", NULL},
			      {"vm_event_states", NULL}, NULL},
};

/* The names of GROUP's counters, by index. */
static struct kc_error *stat_names(struct kc_session *session, enum kc_mm_stat_group group,
				   struct kc_mm_stat **stats, size_t *n)
{
	const struct group_desc *g = &groups[group];
	int64_t count = -1;
	for (int i = 0; i < 2 && count < 0 && g->count_names[i]; i++)
		count = kc_mm_enum_or(session, g->count_names[i], -1);
	if (count < 0 || count > 4096)
		return kc_error_create(KC_ERR_LOOKUP, "%s: no %s in the types", g->enum_name,
				       g->count_names[0]);
	struct kc_type type;
	struct kc_error *err = kc_kernel_type(session, g->enum_name, &type);
	if (err)
		return err;
	*stats = calloc((size_t)count + 1, sizeof(**stats));
	if (!*stats)
		return &kc_error_nomem;
	*n = (size_t)count;
	struct kc_enumerator_iter it;
	kc_enumerator_iter_init(&it, &type);
	for (;;) {
		const char *name;
		int64_t value;
		bool done;
		err = kc_enumerator_iter_next(&it, &name, &value, &done);
		if (err || done)
			break;
		/* Of aliases (NR_ZONE_LRU_BASE = NR_ZONE_INACTIVE_ANON) the last, as crash names them. */
		if (value >= 0 && value < count)
			(*stats)[value].name = name;
	}
	for (size_t i = 0; !err && i < *n; i++)
		if (!(*stats)[i].name)
			(*stats)[i].name = "?";
	if (err) {
		free(*stats);
		*stats = NULL;
	}
	return err;
}

static struct kc_error *read_array(struct kc_session *session, uint64_t addr,
				   struct kc_mm_stat *stats, size_t n, bool add)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		struct kc_error *err = kc_kernel_read_u64(session, addr + 8 * i, &v);
		if (err)
			return err;
		stats[i].value = add ? stats[i].value + (int64_t)v : (int64_t)v;
	}
	return NULL;
}

/* Events: per-CPU vm_event_states.event[] summed over the CPUs (all_vm_events). */
static struct kc_error *read_events(struct kc_session *session, struct kc_mm_stat *stats,
				    size_t n)
{
	uint64_t var;
	struct kc_error *err = kc_mm_global(session, "vm_event_states", &var);
	if (err) {
		/* BTF lists per-CPU variables with their offsets. */
		struct kc_variable v;
		struct kc_error *err2 = kc_kernel_variable(session, "vm_event_states", &v);
		if (err2 || !v.has_address || !v.is_percpu) {
			kc_error_destroy(err2);
			return err;
		}
		kc_error_destroy(err);
		var = v.address;
	}
	uint64_t off = kc_mm_offset_or_none(session, "struct vm_event_state", "event");
	if (off == UINT64_MAX)
		off = 0;
	unsigned cpus = kc_kernel_nr_cpus(session);
	for (unsigned cpu = 0; cpu < cpus; cpu++) {
		uint64_t addr;
		err = kc_kernel_percpu(session, var, cpu, &addr);
		if (!err)
			err = read_array(session, addr + off, stats, n, true);
		if (err)
			return kc_error_prefix(err, "vm_event_states of CPU %u", cpu);
	}
	return NULL;
}

struct kc_error *kc_mm_vm_stats(struct kc_session *session, enum kc_mm_stat_group group,
				uint64_t where, struct kc_mm_stat **stats, size_t *n)
{
	*stats = NULL;
	*n = 0;
	if ((unsigned)group > KC_MM_STAT_EVENT)
		return kc_error_create(KC_ERR_INVALID_ARG, "vm_stat group %d", (int)group);
	const struct group_desc *g = &groups[group];
	struct kc_error *err = stat_names(session, group, stats, n);
	if (err)
		return err;
	if (group == KC_MM_STAT_EVENT) {
		err = read_events(session, *stats, *n);
	} else if (where) {
		uint64_t off = 0;
		err = g->local_type ? kc_mm_offset(session, g->local_type, "vm_stat", &off)
				    : kc_error_create(KC_ERR_INVALID_ARG, "%s has no per-zone counters",
						      g->enum_name);
		if (!err)
			err = read_array(session, where + off, *stats, *n, false);
	} else {
		uint64_t addr = 0;
		err = kc_error_create(KC_ERR_LOOKUP, "no global %s", g->globals[0]);
		for (int i = 0; i < 2 && err && g->globals[i]; i++) {
			kc_error_destroy(err);
			err = kc_mm_global(session, g->globals[i], &addr);
		}
		if (!err) {
			err = read_array(session, addr, *stats, *n, false);
		} else if (g->local_type) {
			/* No symbol (no CONFIG_KALLSYMS_ALL): the kernel adds every change to
			 * both the zone's (node's) and the global array, so sum them. */
			kc_error_destroy(err);
			err = NULL;
			if (group == KC_MM_STAT_ZONE) {
				struct kc_mm_zone *zones;
				size_t nz;
				err = kc_mm_zones(session, &zones, &nz);
				uint64_t off = 0;
				if (!err)
					err = kc_mm_offset(session, "struct zone", "vm_stat", &off);
				for (size_t i = 0; !err && i < nz; i++)
					err = read_array(session, zones[i].addr + off, *stats, *n, true);
				free(zones);
			} else {
				struct kc_mm_node *nodes;
				size_t nn;
				err = kc_mm_nodes(session, &nodes, &nn);
				uint64_t off = 0;
				if (!err)
					err = kc_mm_offset(session, "struct pglist_data", "vm_stat", &off);
				for (size_t i = 0; !err && i < nn; i++)
					err = read_array(session, nodes[i].pgdat + off, *stats, *n, true);
				free(nodes);
			}
		}
	}
	if (err) {
		free(*stats);
		*stats = NULL;
		*n = 0;
	}
	return err;
}

struct kc_error *kc_mm_vm_stat(struct kc_session *session, const char *name,
			       int64_t *value)
{
	static const enum kc_mm_stat_group order[] = {KC_MM_STAT_ZONE, KC_MM_STAT_NODE};
	for (size_t g = 0; g < 2; g++) {
		struct kc_type type;
		int64_t idx;
		struct kc_error *err = kc_kernel_enumerator(session, name, &idx, &type);
		if (err)
			return err;
		const char *type_name = kc_type_name(&type);
		if (!type_name || strcmp(type_name, groups[order[g]].enum_name + 5) != 0)
			continue;
		struct kc_mm_stat *stats;
		size_t n;
		err = kc_mm_vm_stats(session, order[g], 0, &stats, &n);
		if (err)
			return err;
		if (idx < 0 || (size_t)idx >= n) {
			free(stats);
			return kc_error_create(KC_ERR_LOOKUP, "%s = %lld is past the counters",
					       name, (long long)idx);
		}
		*value = stats[idx].value;
		free(stats);
		return NULL;
	}
	return kc_error_create(KC_ERR_LOOKUP, "%s is no zone or node vm_stat item", name);
}
