/*
 * kc_user: the user-space side of two crash fixtures (bench/debian-dump/make.sh
 * CRASH=OOM and CRASH=INIT_KILL), a freestanding static arm64 program (raw system calls,
 * no libc), built on the host as kc_workload.c is:
 *   clang --target=aarch64-linux-gnu -ffreestanding -nostdlib -static -fuse-ld=lld -O2
 *
 *   kc_user oom    allocates anonymous memory 4 MiB at a time and touches every page,
 *                  until the OOM killer (vm.panic_on_oom=1: the kernel panics)
 *   kc_user segv   stores to address 0x10 (SIGSEGV): init execs it, so PID 1 dies of
 *                  the signal: "Attempted to kill init! exitcode=0x0000000b"
 */
typedef unsigned long u64;

enum { NR_write = 64, NR_exit_group = 94, NR_mmap = 222 };

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory", "cc");
	return x0;
}

static u64 slen(const char *s)
{
	u64 n = 0;
	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	sys6(NR_write, 2, (long)s, (long)slen(s), 0, 0, 0);
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static void oom(void)
{
	const u64 chunk = 4ul << 20;

	say("kc_user: allocating until OOM\n");
	for (;;) {
		/* PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS */
		long p = sys6(NR_mmap, 0, (long)chunk, 3, 0x22, -1, 0);
		volatile char *c;
		u64 i;

		if (p < 0 && p > -4096) {
			say("kc_user: mmap failed\n");
			continue;
		}
		c = (volatile char *)p;
		for (i = 0; i < chunk; i += 4096)
			c[i] = (char)(i >> 12) | 1;
	}
}

__attribute__((noinline)) static void segv(void)
{
	say("kc_user: storing to address 0x10\n");
	*(volatile int *)0x10 = 1;
}

void _start_c(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);

	if (argc > 1 && streq(argv[1], "oom"))
		oom();
	else if (argc > 1 && streq(argv[1], "segv"))
		segv();
	else
		say("usage: kc_user oom|segv\n");
	sys6(NR_exit_group, 1, 0, 0, 0, 0, 0);
}

__asm__(".globl _start\n"
	"_start:\n"
	"	mov x0, sp\n"
	"	bl _start_c\n");
