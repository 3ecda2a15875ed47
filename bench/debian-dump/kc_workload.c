/*
 * kc_workload: the workload of the Debian-kernel dump maker's WORKLOAD=1 runs (see make.sh
 * and init), a freestanding static arm64 program (raw system calls, no libc), built on the
 * host with
 *   clang --target=aarch64-linux-gnu -ffreestanding -nostdlib -static -fuse-ld=lld -O2
 * so that no arm64 C library or cross gcc is needed.
 *
 *   kc_workload spin NAME            comm NAME, nice 19, spins forever (init pins it
 *                                    with taskset)
 *   kc_workload main INFO DIR EXT    the fd/mmap/signal/thread holder: opens files in DIR
 *                                    (a tmpfs) and EXT (a file on ext2), sockets, pipes,
 *                                    ..., maps files and memory, starts threads and a
 *                                    child, queues signals, writes what it did to INFO
 *                                    (then INFO.done), and waits in epoll_pwait forever
 *
 * INFO lines are "key value..." (see info_*): the ground truth of the files, vm, sig,
 * waitq, net and kmem ADDR tests, read with the guest's /proc snapshot.
 */
typedef unsigned long u64;
typedef long s64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

/* arm64 (asm-generic) system call numbers */
enum {
	NR_eventfd2 = 19, NR_epoll_create1 = 20, NR_epoll_ctl = 21, NR_epoll_pwait = 22,
	NR_fcntl = 25, NR_inotify_init1 = 26, NR_inotify_add_watch = 27, NR_flock = 32,
	NR_ftruncate = 46, NR_openat = 56, NR_close = 57, NR_pipe2 = 59, NR_read = 63,
	NR_write = 64, NR_pread64 = 67, NR_signalfd4 = 74, NR_fsync = 82,
	NR_timerfd_create = 85, NR_timerfd_settime = 86, NR_exit = 93, NR_exit_group = 94,
	NR_futex = 98, NR_nanosleep = 101, NR_setitimer = 103, NR_sched_setscheduler = 119,
	NR_sched_setaffinity = 122, NR_setpriority = 140, NR_kill = 129, NR_tgkill = 131, NR_rt_sigaction = 134,
	NR_rt_sigprocmask = 135, NR_prctl = 167, NR_getpid = 172, NR_gettid = 178,
	NR_socket = 198, NR_socketpair = 199, NR_bind = 200, NR_listen = 201, NR_accept = 202,
	NR_connect = 203, NR_sendto = 206, NR_setsockopt = 208, NR_munmap = 215,
	NR_clone = 220, NR_mmap = 222, NR_madvise = 233, NR_mincore = 232, NR_rt_tgsigqueueinfo = 240,
	NR_renameat = 38, NR_memfd_create = 279,
};

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
#define S(n, ...) sys_(n, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define sys_(n, a, b, c, d, e, f, ...) sys6(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* volatile: no loop-idiom rewrite of these into calls to themselves */
void *memset(void *d, int c, u64 n)
{
	volatile u8 *p = d;
	while (n--)
		*p++ = (u8)c;
	return d;
}
void *memcpy(void *d, const void *s, u64 n)
{
	volatile u8 *p = d;
	const u8 *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}
static u64 slen(const char *s)
{
	u64 n = 0;
	while (s[n])
		n++;
	return n;
}
static int seq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* ---- output: a buffer flushed to one fd ---- */
static char obuf[65536];
static u64 olen;
static void out_s(const char *s)
{
	u64 n = slen(s);
	if (olen + n < sizeof(obuf)) {
		memcpy(obuf + olen, s, n);
		olen += n;
	}
}
static void out_u(u64 v)
{
	char b[24];
	int i = 23;
	b[i] = 0;
	do
		b[--i] = (char)('0' + v % 10);
	while (v /= 10);
	out_s(b + i);
}
static void out_i(s64 v)
{
	if (v < 0) {
		out_s("-");
		v = -v;
	}
	out_u((u64)v);
}
static void out_x(u64 v)
{
	char b[24];
	int i = 23;
	b[i] = 0;
	do
		b[--i] = "0123456789abcdef"[v & 15];
	while (v >>= 4);
	b[--i] = 'x';
	b[--i] = '0';
	out_s(b + i);
}
static void out_kv(const char *k, s64 v)
{
	out_s(k);
	out_s(" ");
	out_i(v);
	out_s("\n");
}
static void out_kx(const char *k, u64 v)
{
	out_s(k);
	out_s(" ");
	out_x(v);
	out_s("\n");
}

static u64 page_size = 4096;

/* ---- threads: clone(CLONE_VM|...|CLONE_THREAD) with a stack of our own ---- */
long kc_clone(long flags, void *stack, int (*fn)(void *), void *arg);
__asm__(".text\n.global kc_clone\nkc_clone:\n"
	"	stp x2, x3, [x1, #-16]!\n"     /* fn, arg on the child's stack */
	"	mov x8, #220\n"                /* clone(flags, newsp, ptid, tls, ctid) */
	"	mov x2, xzr\n	mov x3, xzr\n	mov x4, xzr\n"
	"	svc 0\n"
	"	cbnz x0, 1f\n"
	"	ldp x2, x0, [sp], #16\n"
	"	blr x2\n"
	"	mov x8, #93\n	svc 0\n"        /* exit(fn's value) */
	"1:	ret\n");

#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_THREAD 0x10000
#define CLONE_SYSVSEM 0x40000
#define SIGCHLD 17

static void *map_anon(u64 len, int prot, int extra)
{
	long r = S(NR_mmap, 0, len, prot, 0x22 | extra, -1, 0); /* MAP_PRIVATE|MAP_ANONYMOUS */
	return r < 0 && r > -4096 ? (void *)0 : (void *)r;
}

static long start_thread(int (*fn)(void *), void *arg)
{
	char *stk = map_anon(65536, 3, 0x20000); /* MAP_STACK */
	if (!stk)
		return -12;
	return kc_clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM,
			stk + 65536, fn, arg);
}

static void set_name(const char *n)
{
	S(NR_prctl, 15, n); /* PR_SET_NAME */
}

struct timespec {
	s64 sec, nsec;
};

static int fd_pipe_empty_rd;
static volatile int futex_word;

static int th_futex(void *a)
{
	(void)a;
	set_name("kc_futex");
	for (;;)
		S(NR_futex, &futex_word, 0 /* FUTEX_WAIT */ | 128 /* PRIVATE */, 0, 0);
	return 0;
}
static int th_nanosleep(void *a)
{
	(void)a;
	set_name("kc_nanosleep");
	struct {
		int prio;
	} sp = {10};
	S(NR_sched_setscheduler, 0, 1 /* SCHED_FIFO */, &sp);
	struct timespec ts = {100000, 0};
	for (;;)
		S(NR_nanosleep, &ts, 0);
	return 0;
}
static int th_piperd(void *a)
{
	(void)a;
	set_name("kc_piperd");
	char c;
	for (;;)
		S(NR_read, fd_pipe_empty_rd, &c, 1);
	return 0;
}

/* ---- sockets ---- */
struct sockaddr_in {
	u16 family, port;
	u32 addr;
	u8 zero[8];
};
struct sockaddr_un {
	u16 family;
	char path[108];
};
static u16 htons(u16 v) { return (u16)((v << 8) | (v >> 8)); }
static u32 ip4(int a, int b, int c, int d) { return (u32)(a | b << 8 | c << 16 | d << 24); }

static void fd_line(const char *what, long fd, const char *detail)
{
	out_s("fd ");
	out_i(fd);
	out_s(" ");
	out_s(what);
	if (detail) {
		out_s(" ");
		out_s(detail);
	}
	out_s("\n");
}

/* pagemap, kpageflags and kpagecount of one page of ours */
static void page_line(const char *what, const void *va)
{
	u64 ent = 0, flags = 0, count = 0;
	long fd = S(NR_openat, -100, "/proc/self/pagemap", 0);
	if (fd >= 0) {
		S(NR_pread64, fd, &ent, 8, ((u64)va / page_size) * 8);
		S(NR_close, fd);
	}
	out_s("page ");
	out_s(what);
	out_s(" va ");
	out_x((u64)va);
	out_s(" pagemap ");
	out_x(ent);
	if (ent >> 63) { /* present */
		u64 pfn = ent & ((1UL << 55) - 1);
		fd = S(NR_openat, -100, "/proc/kpageflags", 0);
		if (fd >= 0) {
			S(NR_pread64, fd, &flags, 8, pfn * 8);
			S(NR_close, fd);
		}
		fd = S(NR_openat, -100, "/proc/kpagecount", 0);
		if (fd >= 0) {
			S(NR_pread64, fd, &count, 8, pfn * 8);
			S(NR_close, fd);
		}
		out_s(" pfn ");
		out_x(pfn);
		out_s(" pa ");
		out_x(pfn * page_size);
		out_s(" kpageflags ");
		out_x(flags);
		out_s(" kpagecount ");
		out_u(count);
	} else if ((ent >> 62) & 1) { /* swapped: bits 0-4 type, 5-54 offset */
		out_s(" swap_type ");
		out_u(ent & 31);
		out_s(" swap_offset ");
		out_x((ent >> 5) & ((1UL << 50) - 1));
	}
	out_s("\n");
}

static void map_line(const char *what, const void *va, u64 len, const char *detail)
{
	out_s("map ");
	out_s(what);
	out_s(" ");
	out_x((u64)va);
	out_s("-");
	out_x((u64)va + len);
	out_s(" ");
	out_s(detail);
	out_s("\n");
}

static char magic_pipe[] = "KCFX-PIPE-MAGIC-5f3c9a7e1d2b4680 unread in a pipe buffer page\n";
static char magic_unix[] = "KCFX-UNIX-MAGIC-0b8e6d4c2a19f357 unread in a unix socket skb\n";
static char magic_tcp[] = "KCFX-TCP-MAGIC-7c1a3e5f9b2d4068 unread in a TCP receive queue\n";
static char magic_udp[] = "KCFX-UDP-MAGIC-3d5f7b9e1c2a4608 unread in a UDP receive queue\n";

static void sig_handler(int s) { (void)s; }

struct ksigaction {
	void (*handler)(int);
	u64 flags;
	void (*restorer)(void);
	u64 mask;
};
static void sigact(int sig, void (*h)(int), u64 flags)
{
	struct ksigaction sa = {h, flags, 0, 0};
	S(NR_rt_sigaction, sig, &sa, 0, 8);
}

static int do_main(char **argv)
{
	const char *info = argv[2], *dir = argv[3], *ext = argv[4];
	char path[256], tmp[300];
	long pid = S(NR_getpid, 0);
	set_name("kc_workload");
	out_kv("pid", pid);
	out_kv("page_size", (s64)page_size);

	/* signals: SIGHUP ignored, SIGTERM and SIGINT caught, USR1/USR2/RT 40 blocked
	 * (before the threads start, so that they inherit the mask) */
	sigact(1, (void (*)(int))1, 0);          /* SIG_IGN */
	sigact(15, sig_handler, 0x10000000);     /* SA_RESTART */
	sigact(2, sig_handler, 0x80000000);      /* SA_RESETHAND */
	u64 block = (1UL << (10 - 1)) | (1UL << (12 - 1)) | (1UL << (40 - 1));
	S(NR_rt_sigprocmask, 0 /* SIG_BLOCK */, &block, 0, 8);
	out_kx("sig_blocked_mask", block);
	out_s("sig_ignored 1 (SIGHUP)\nsig_caught 2 (SIGINT, SA_RESETHAND) 15 (SIGTERM, SA_RESTART)\n");

	/* files */
	long fd_ext = S(NR_openat, -100, ext, 0 /* O_RDONLY */);
	fd_line("ext2-file", fd_ext, ext);
	memcpy(path, dir, slen(dir) + 1);
	memcpy(path + slen(dir), "/kc-tmpfs-file", 15);
	long fd_tmp = S(NR_openat, -100, path, 2 | 0100 | 01000 /* O_RDWR|O_CREAT|O_TRUNC */, 0644);
	fd_line("tmpfs-file", fd_tmp, path);
	static char page[4096];
	for (int i = 0; i < 16; i++) {
		memset(page, 'a' + i, sizeof(page));
		memcpy(page, "KCFX-TMPFS-PAGE ", 16);
		page[16] = (char)('A' + i);
		S(NR_write, fd_tmp, page, sizeof(page));
	}
	long fd_dir = S(NR_openat, -100, argv[5] ? argv[5] : dir, 040000 /* O_DIRECTORY (arm64) */);
	fd_line("directory", fd_dir, argv[5] ? argv[5] : dir);
	int pe[2], pf[2];
	S(NR_pipe2, pe, 0);
	fd_pipe_empty_rd = pe[0];
	fd_line("pipe-empty-read", pe[0], "(readers wait here: thread kc_piperd, child kc_piperd2)");
	fd_line("pipe-empty-write", pe[1], 0);
	S(NR_pipe2, pf, 0);
	S(NR_write, pf[1], magic_pipe, sizeof(magic_pipe) - 1);
	fd_line("pipe-full-read", pf[0], "(holds magic_pipe, unread)");
	fd_line("pipe-full-write", pf[1], 0);
	long fd_null = S(NR_openat, -100, "/dev/null", 2);
	fd_line("dev-null", fd_null, "/dev/null");
	int usp[2];
	S(NR_socketpair, 1 /* AF_UNIX */, 1 /* SOCK_STREAM */, 0, usp);
	S(NR_write, usp[0], magic_unix, sizeof(magic_unix) - 1);
	fd_line("unix-socketpair-0", usp[0], "(wrote magic_unix)");
	fd_line("unix-socketpair-1", usp[1], "(magic_unix unread)");
	struct sockaddr_un sun = {1, {0}};
	memcpy(sun.path, dir, slen(dir));
	memcpy(sun.path + slen(dir), "/kc.sock", 9);
	long ul = S(NR_socket, 1, 1, 0);
	S(NR_bind, ul, &sun, sizeof(sun));
	S(NR_listen, ul, 4);
	fd_line("unix-listen", ul, sun.path);
	long uc = S(NR_socket, 1, 1, 0);
	S(NR_connect, uc, &sun, sizeof(sun));
	long ua = S(NR_accept, ul, 0, 0);
	fd_line("unix-client", uc, sun.path);
	fd_line("unix-accepted", ua, sun.path);
	long ud = S(NR_socket, 1, 2 /* SOCK_DGRAM */, 0);
	fd_line("unix-dgram-unbound", ud, 0);

	int one = 1;
	struct sockaddr_in lo = {2, htons(7777), ip4(127, 0, 0, 1), {0}};
	long tl = S(NR_socket, 2, 1, 0);
	S(NR_setsockopt, tl, 1 /* SOL_SOCKET */, 2 /* SO_REUSEADDR */, &one, 4);
	S(NR_bind, tl, &lo, sizeof(lo));
	S(NR_listen, tl, 8);
	fd_line("tcp-listen", tl, "127.0.0.1:7777");
	long tc = S(NR_socket, 2, 1, 0);
	S(NR_setsockopt, tc, 1, 9 /* SO_KEEPALIVE */, &one, 4);
	long rc = S(NR_connect, tc, &lo, sizeof(lo));
	long ta = S(NR_accept, tl, 0, 0);
	S(NR_write, tc, magic_tcp, sizeof(magic_tcp) - 1);
	fd_line("tcp-client", tc, rc == 0 ? "127.0.0.1:? -> 127.0.0.1:7777 ESTABLISHED, SO_KEEPALIVE, wrote magic_tcp" : "connect failed");
	fd_line("tcp-accepted", ta, "127.0.0.1:7777 <- client, magic_tcp unread");
	struct sockaddr_in ulo = {2, htons(7778), ip4(127, 0, 0, 1), {0}};
	long us = S(NR_socket, 2, 2, 0);
	S(NR_bind, us, &ulo, sizeof(ulo));
	fd_line("udp-bound", us, "127.0.0.1:7778 (magic_udp unread)");
	long usend = S(NR_socket, 2, 2, 0);
	S(NR_sendto, usend, magic_udp, sizeof(magic_udp) - 1, 0, &ulo, sizeof(ulo));
	struct sockaddr_in ext_peer = {2, htons(9), ip4(10, 0, 2, 2), {0}};
	for (int i = 0; i < 3; i++) /* out through eth0 when it exists (TX counters) */
		S(NR_sendto, usend, magic_udp, sizeof(magic_udp) - 1, 0, &ext_peer, sizeof(ext_peer));
	fd_line("udp-sender", usend, "sent magic_udp to 127.0.0.1:7778 and 3x to 10.0.2.2:9");
	long u6 = S(NR_socket, 10 /* AF_INET6 */, 2, 0);
	fd_line("udp6-unbound", u6, 0);
	long pk = S(NR_socket, 17 /* AF_PACKET */, 2 /* SOCK_DGRAM */, htons(0x0003));
	fd_line("packet", pk, "AF_PACKET SOCK_DGRAM ETH_P_ALL");

	long ep = S(NR_epoll_create1, 0);
	struct {
		u32 events;
		u32 pad;
		u64 data;
	} __attribute__((packed)) ev;
	long tfd = S(NR_timerfd_create, 1 /* CLOCK_MONOTONIC */, 0);
	/* nothing it watches is ready: the main thread sleeps in epoll_pwait */
	long watched[] = {tl, tfd, pe[0], ul};
	for (int i = 0; i < 4; i++) {
		ev.events = 1; /* EPOLLIN */
		ev.pad = 0;
		ev.data = (u64)watched[i];
		S(NR_epoll_ctl, ep, 1 /* ADD */, watched[i], &ev);
	}
	fd_line("epoll", ep, "watches tcp-listen, timerfd, pipe-empty-read, unix-listen");
	long efd = S(NR_eventfd2, 5, 0);
	fd_line("eventfd", efd, "count 5");
	struct {
		struct timespec interval, value;
	} its = {{0, 0}, {7200, 0}};
	S(NR_timerfd_settime, tfd, 0, &its, 0);
	fd_line("timerfd", tfd, "CLOCK_MONOTONIC, 7200 s, one shot");
	long ifd = S(NR_inotify_init1, 0);
	S(NR_inotify_add_watch, ifd, dir, 0x100 | 0x200 /* IN_CREATE|IN_DELETE */);
	fd_line("inotify", ifd, dir);
	u64 sfmask = 1UL << (10 - 1);
	long sfd = S(NR_signalfd4, -1, &sfmask, 8, 0);
	fd_line("signalfd", sfd, "SIGUSR1");
	long mfd = S(NR_memfd_create, "kc-memfd", 0);
	S(NR_write, mfd, page, 8192);
	fd_line("memfd", mfd, "kc-memfd, 8192 bytes");

	/* locks: flock on the tmpfs file, a POSIX read lock on the ext2 file */
	S(NR_flock, fd_tmp, 2 /* LOCK_EX */);
	struct {
		short type, whence;
		s64 start, len;
		int pid;
	} fl = {0 /* F_RDLCK */, 0, 0, 4096, 0};
	long lrc = S(NR_fcntl, fd_ext, 6 /* F_SETLK */, &fl);
	out_s("lock flock LOCK_EX on tmpfs-file\n");
	out_kv("lock posix F_RDLCK 0-4095 on ext2-file rc", lrc);

	/* mappings */
	u8 *m_ext = (u8 *)S(NR_mmap, 0, 4 * page_size, 1 /* PROT_READ */, 1 /* MAP_SHARED */, fd_ext, 0);
	volatile u8 sink = 0;
	for (int i = 0; i < 4; i++)
		sink += m_ext[i * page_size];
	map_line("ext2-file-shared-ro", m_ext, 4 * page_size, ext);
	/* the ext2 file's page cache: mincore over the whole file (files -p, tree -t xarray) */
	struct {
		u64 dev, ino;
		u32 mode, nlink, uid, gid;
		u64 rdev, pad1;
		s64 size;
		int blksize, pad2;
		s64 blocks;
		s64 times[6];
		u32 unused[2];
	} st;
	S(79 /* newfstatat */, fd_ext, "", &st, 0x1000 /* AT_EMPTY_PATH */);
	u64 ext_pages = ((u64)st.size + page_size - 1) / page_size;
	u8 *m_whole = (u8 *)S(NR_mmap, 0, ext_pages * page_size, 1, 1, fd_ext, 0);
	static u8 vec[4096];
	if (ext_pages <= sizeof(vec) && S(NR_mincore, m_whole, ext_pages * page_size, vec) == 0) {
		out_s("pagecache ext2-file ino ");
		out_u(st.ino);
		out_s(" size ");
		out_i(st.size);
		out_s(" pages ");
		out_u(ext_pages);
		out_s(" resident ");
		for (u64 i = 0; i < ext_pages; i++)
			out_s(vec[i] & 1 ? "1" : "0");
		out_s("\n");
	}
	S(NR_munmap, m_whole, ext_pages * page_size);
	u8 *m_tmp = (u8 *)S(NR_mmap, 0, 16 * 4096, 3, 1, fd_tmp, 0);
	for (int i = 0; i < 16; i++)
		m_tmp[i * 4096 + 20] = 'W';
	map_line("tmpfs-file-shared-rw", m_tmp, 16 * 4096, path);
	u8 *m_priv = (u8 *)S(NR_mmap, 0, 4 * 4096, 3, 2 /* MAP_PRIVATE */, fd_tmp, 0);
	sink += m_priv[4096];     /* page 1: the page cache page */
	m_priv[0] = 'C';          /* page 0: a private (COW) copy */
	map_line("tmpfs-file-private", m_priv, 4 * 4096, path);
	u64 anon_len = 8UL << 20;
	u8 *m_anon = map_anon(anon_len, 3, 0);
	for (u64 off = 0; off < anon_len; off += page_size) {
		memcpy(m_anon + off, "KCFX-ANON-PAGE  ", 16);
		*(u64 *)(m_anon + off + 16) = off / page_size;
	}
	long pgo = S(NR_madvise, m_anon, anon_len / 2, 21 /* MADV_PAGEOUT */);
	map_line("anon-8M", m_anon, anon_len, "first half MADV_PAGEOUT (to swap), second half resident");
	out_kv("madvise_pageout_rc", pgo);
	u8 *m_huge = map_anon(2UL << 20, 3, 0x40000 /* MAP_HUGETLB */);
	if (m_huge) {
		m_huge[0] = 1;
		map_line("hugetlb-2M", m_huge, 2UL << 20, "MAP_HUGETLB, touched");
	} else {
		out_s("map hugetlb-2M failed\n");
	}
	u8 *m_none = map_anon(1UL << 20, 0, 0);
	map_line("anon-prot-none", m_none, 1UL << 20, "PROT_NONE, never touched");
	u8 *m_mfd = (u8 *)S(NR_mmap, 0, 8192, 3, 1, mfd, 0);
	m_mfd[0] = 'M';
	map_line("memfd-shared", m_mfd, 8192, "/memfd:kc-memfd");

	/* timers */
	struct {
		struct timespec interval, value;
	} itv = {{0, 0}, {3600, 0}};
	/* setitimer takes struct timeval (sec, usec): the same layout */
	S(NR_setitimer, 0 /* ITIMER_REAL */, &itv, 0);
	out_s("timer ITIMER_REAL 3600 s (hrtimer it_real_fn)\ntimer timerfd 7200 s (hrtimer timerfd_tmrproc)\n");
	out_s("timer kc_nanosleep 100000 s (hrtimer hrtimer_wakeup)\ntimer tcp-client SO_KEEPALIVE (timer wheel, keepalive 7200 s)\n");

	/* threads and a child, all blocking */
	long t1 = start_thread(th_futex, 0);
	long t2 = start_thread(th_nanosleep, 0);
	long t3 = start_thread(th_piperd, 0);
	out_kv("thread kc_futex", t1);
	out_kv("thread kc_nanosleep", t2);
	out_kv("thread kc_piperd", t3);
	out_kx("futex_word_va", (u64)&futex_word);
	long child = S(NR_clone, SIGCHLD, 0, 0, 0, 0); /* fork: the child runs on a copy of this stack */
	if (child == 0) {
		set_name("kc_piperd2");
		char c;
		for (;;)
			S(NR_read, pe[0], &c, 1);
	}
	out_kv("child kc_piperd2", child);

	/* signals: shared pending USR1 (kill), private pending USR2 (tgkill) on the main
	 * thread, two queued RT 40 on kc_futex (rt_tgsigqueueinfo) */
	S(NR_kill, pid, 10);
	S(NR_tgkill, pid, pid, 12);
	for (int i = 0; i < 2; i++) {
		struct {
			int signo, err, code, pad;
			int pid, uid;
			s64 value;
			char rest[128 - 32];
		} si;
		memset(&si, 0, sizeof(si));
		si.signo = 40;
		si.code = -1; /* SI_QUEUE */
		si.pid = (int)pid;
		si.value = 0x4b434658 + i;
		S(NR_rt_tgsigqueueinfo, pid, t1, 40, &si);
	}
	out_s("sig shared-pending SIGUSR1 (kill to the process; every thread blocks it)\n");
	out_s("sig main-thread-pending SIGUSR2 (tgkill)\n");
	out_s("sig kc_futex-pending RT40 x2 (rt_tgsigqueueinfo, si_value 0x4b434658, 0x4b434659)\n");

	/* give the threads time to block, then the pages */
	struct timespec ts = {1, 0};
	S(NR_nanosleep, &ts, 0);
	page_line("ext2-file-shared-ro", m_ext);
	page_line("tmpfs-file-shared-rw", m_tmp);
	page_line("tmpfs-file-private-cow", m_priv);
	page_line("tmpfs-file-private-cache", m_priv + 4096);
	page_line("anon-swapped", m_anon);
	page_line("anon-swapped+1", m_anon + page_size);
	page_line("anon-resident", m_anon + anon_len / 2);
	page_line("anon-resident+1", m_anon + anon_len / 2 + page_size);
	if (m_huge)
		page_line("hugetlb", m_huge);
	page_line("memfd", m_mfd);
	page_line("stack", &ts);
	page_line("text", (void *)do_main);
	page_line("bss", (const void *)&futex_word);
	out_s("magic ");
	out_s(magic_pipe);
	out_s("magic ");
	out_s(magic_unix);
	out_s("magic ");
	out_s(magic_tcp);
	out_s("magic ");
	out_s(magic_udp);
	(void)sink;

	memcpy(tmp, info, slen(info) + 1);
	long of = S(NR_openat, -100, info, 1 | 0100 | 01000, 0644);
	S(NR_write, of, obuf, olen);
	S(NR_fsync, of);
	S(NR_close, of);
	memcpy(tmp + slen(info), ".done", 6);
	of = S(NR_openat, -100, tmp, 1 | 0100 | 01000, 0644);
	S(NR_close, of);

	struct {
		u32 events;
		u32 pad;
		u64 data;
	} __attribute__((packed)) evs[8];
	for (;;)
		S(NR_epoll_pwait, ep, evs, 8, -1, 0, 8);
	return 0;
}

static int do_spin(char **argv)
{
	set_name(argv[2] ? argv[2] : "kc_spin");
	S(NR_setpriority, 0 /* PRIO_PROCESS */, 0, 19); /* nice 19: the shell keeps its CPU */
	volatile u64 n = 0;
	for (;;)
		n++;
	return 0;
}

int cmain(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	while (*envp)
		envp++;
	for (u64 *aux = (u64 *)(envp + 1); aux[0]; aux += 2)
		if (aux[0] == 6) /* AT_PAGESZ */
			page_size = aux[1];
	if (argc >= 3 && seq(argv[1], "spin"))
		return do_spin(argv);
	if (argc >= 5 && seq(argv[1], "main"))
		return do_main(argv);
	static const char usage[] = "usage: kc_workload spin NAME | main INFO DIR EXTFILE [DIRFD-PATH]\n";
	S(NR_write, 2, usage, sizeof(usage) - 1);
	return 2;
}

__asm__(".text\n.global _start\n_start:\n"
	"	mov x0, sp\n	bl cmain\n"
	"	mov x8, #94\n	svc 0\n");
