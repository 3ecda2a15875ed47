/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the BTF type source (libbpf's parser, kcrash's name index and type
 * operations, the C printer) with BTF as a dump would hold it: untrusted.
 */
#include <stdint.h>
#include <stdio.h>

#include "../btf_walk.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	if (!sink)
		sink = fopen("/dev/null", "w");
	(void)kc_btf_blob_size(data, size);
	struct kc_btf *btf;
	struct kc_error *err = kc_btf_open_data(data, size, NULL, "fuzz", &btf);
	if (err) {
		fuzz_drop_error(err);
		return 0;
	}
	kc_btf_walk_all(btf, sink);
	static const char *const names[] = {
		"struct task_struct", "struct sample_task", "int", "unsigned long",
		"union sample_u", "enum sample_color", "sample_u32",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct kc_type type;
		struct kc_member member;
		err = kc_btf_find_type(btf, names[i], &type);
		if (!err)
			err = kc_type_member(&type, "thread.cpu_context.sp", &member);
		fuzz_drop_error(err);
	}
	int64_t value;
	struct kc_variable var;
	static const char *const members[] = {"seq", "timekeeper", NULL};
	struct kc_type anon;
	fuzz_drop_error(kc_btf_find_enumerator(btf, "SAMPLE_BLUE", &value, NULL));
	fuzz_drop_error(kc_btf_find_percpu_variable(btf, "runqueues", &var));
	fuzz_drop_error(kc_btf_find_anonymous_struct(btf, members, &anon));
	kc_btf_close(btf);
	return 0;
}
