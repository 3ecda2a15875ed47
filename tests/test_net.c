// SPDX-License-Identifier: MIT
/*
 * Network devices and sockets (include/kcrash/net.h, the net command) on
 * the Debian workload dumps, against the guest's own views of them, all
 * exact (nothing is configured or opened between the snapshot and the
 * crash): `ip addr` and /sys/class/net (net.txt: index, name, MTU, flags,
 * MAC, IPv4 and IPv6 addresses with prefixes), /proc/net/if_inet6, every
 * process's socket fds (fd-all.txt's socket:[INODE]), and /proc/net/tcp,
 * udp, unix and packet (kptr_restrict=1 prints the real struct sock
 * addresses): each socket's sock, inode, ports and addresses. The shared
 * fixtures' kernels have no networking (CONFIG_NET=n).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

static const struct kc_net_device *device_named(const struct kc_net_devices *devs,
						const char *name)
{
	for (size_t i = 0; i < devs->nr_devs; i++)
		if (!strcmp(devs->devs[i].name, name))
			return &devs->devs[i];
	return NULL;
}

/* net.txt's "== ip addr" section and /sys/class/net flags, against DEVS. */
static size_t check_ip_addr(const char *label, const struct kc_net_devices *devs, char *text)
{
	const char *section = strstr(text, "== ip addr\n");
	if (!CHECK_MSG(section, "%s: no ip addr section", label))
		return 0;
	const struct kc_net_device *d = NULL;
	size_t checked = 0, ipv4 = 0, ipv6 = 0;
	char *copy = strdup(section + 11);
	for (char *line = strtok(copy, "\n"); line && strncmp(line, "==", 2); line = strtok(NULL, "\n")) {
		int index, mtu;
		char name[32], mac[32], addr[64];
		unsigned prefix;
		if (sscanf(line, "%d: %31[^:]: <%*[^>]> mtu %d", &index, name, &mtu) == 3) {
			if (d)
				CHECK_MSG(ipv4 == d->nr_ipv4 && ipv6 == d->nr_ipv6, "%s: %s: %zu+%zu addresses, dump %zu+%zu",
					  label, d->name, ipv4, ipv6, d->nr_ipv4, d->nr_ipv6);
			d = device_named(devs, name);
			ipv4 = ipv6 = 0;
			if (!CHECK_MSG(d, "%s: device %s is not in the dump", label, name))
				continue;
			CHECK_EQ_U64(d->ifindex, index);
			CHECK_EQ_U64(d->mtu, mtu);
			checked++;
		} else if (d && sscanf(line, " link/%*s %31s", mac) == 1) {
			char dump_mac[64] = "";
			for (unsigned k = 0; k < d->addr_len; k++)
				snprintf(dump_mac + strlen(dump_mac), sizeof(dump_mac) - strlen(dump_mac),
					 "%s%02x", k ? ":" : "", d->hwaddr[k]);
			CHECK_MSG(!strcmp(dump_mac, mac), "%s: %s MAC %s, ip %s", label, d->name, dump_mac, mac);
		} else if (d && strstr(line, "inet ") && sscanf(line, " inet %63[^/]/%u", addr, &prefix) == 2) {
			uint8_t bytes[4];
			CHECK(inet_pton(AF_INET, addr, bytes) == 1);
			CHECK_MSG(ipv4 < d->nr_ipv4 && !memcmp(d->ipv4[ipv4].address, bytes, 4) &&
					  d->ipv4[ipv4].prefixlen == prefix,
				  "%s: %s's IPv4 address %zu is not %s/%u", label, d->name, ipv4, addr, prefix);
			ipv4++;
		} else if (d && sscanf(line, " inet6 %63[^/]/%u", addr, &prefix) == 2) {
			uint8_t bytes[16];
			CHECK(inet_pton(AF_INET6, addr, bytes) == 1);
			bool found = false;
			for (size_t k = 0; k < d->nr_ipv6; k++)
				found |= !memcmp(d->ipv6[k].address, bytes, 16) && d->ipv6[k].prefixlen == prefix;
			CHECK_MSG(found, "%s: %s has no IPv6 address %s/%u", label, d->name, addr, prefix);
			ipv6++;
		}
	}
	if (d)
		CHECK(ipv4 == d->nr_ipv4 && ipv6 == d->nr_ipv6);
	free(copy);
	/* /sys/class/net/NAME/flags. */
	for (size_t i = 0; i < devs->nr_devs; i++) {
		char key[64];
		snprintf(key, sizeof(key), "== /sys/class/net/%s\n", devs->devs[i].name);
		const char *p = strstr(text, key);
		const char *flags = p ? strstr(p, "\nflags 0x") : NULL;
		if (CHECK_MSG(flags, "%s: no /sys/class/net/%s flags", label, devs->devs[i].name))
			CHECK_EQ_U64(devs->devs[i].flags, strtoul(flags + 7, NULL, 16));
	}
	return checked;
}

/* Every task's sockets, and the lookup of one by inode. */
struct all_sockets {
	struct kc_socket *socks[512];
	size_t nr[512];
	int pid[512];
	size_t nr_tasks;
};

static const struct kc_socket *socket_by_ino(const struct all_sockets *all, uint64_t ino)
{
	for (size_t t = 0; t < all->nr_tasks; t++)
		for (size_t i = 0; i < all->nr[t]; i++)
			if (all->socks[t][i].ino == ino)
				return &all->socks[t][i];
	return NULL;
}

/* fd-all.txt's socket:[INO] fds of every process in the dump. */
static size_t check_fds(const char *label, const struct kc_task_list *list,
			const struct all_sockets *all, char *text)
{
	size_t checked = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		int pid, fd;
		char comm[64];
		unsigned long long ino;
		if (sscanf(line, "%d %63s fd %d socket:[%llu]", &pid, comm, &fd, &ino) != 4)
			continue;
		const struct kc_task *t = kc_task_by_pid(list, pid);
		if (!t || strcmp(t->comm, comm))
			continue;  /* the snapshot's own processes */
		const struct kc_socket *s = NULL;
		for (size_t k = 0; k < all->nr_tasks && !s; k++)
			if (all->pid[k] == pid)
				for (size_t i = 0; i < all->nr[k]; i++)
					if (all->socks[k][i].fd == fd)
						s = &all->socks[k][i];
		CHECK_MSG(s && s->ino == ino, "%s: pid %d fd %d: socket:[%llu] in /proc, %s", label, pid,
			  fd, ino, s ? "another inode in the dump" : "no socket in the dump");
		checked++;
	}
	return checked;
}

/* /proc/net/tcp and udp: "sl: LOCAL REMOTE st ... inode X pointer". */
static size_t check_inet(const char *label, const struct all_sockets *all, char *text,
			 unsigned type)
{
	size_t checked = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned laddr, lport, raddr, rport, state;
		unsigned long long ino, ref, pointer;
		if (sscanf(line, " %*u: %8x:%4x %8x:%4x %2x %*s %*s %*s %*s %*s %llu %llu %llx",
			   &laddr, &lport, &raddr, &rport, &state, &ino, &ref, &pointer) != 8)
			continue;
		const struct kc_socket *s = socket_by_ino(all, ino);
		if (!CHECK_MSG(s, "%s: socket inode %llu of /proc/net is in no task", label, ino))
			continue;
		/* The kernel prints the __be32 as a host-order (little-endian) word. */
		uint32_t src, dst;
		memcpy(&src, s->src4, 4);
		memcpy(&dst, s->dst4, 4);
		CHECK_MSG(s->sock == pointer && s->family == 2 && s->type == type && src == laddr &&
				  dst == raddr && s->sport == lport && s->dport == rport && s->state == state,
			  "%s: inode %llu: sock 0x%llx %08x:%u %08x:%u st %u, /proc 0x%llx %08x:%u %08x:%u st %u",
			  label, ino, (unsigned long long)s->sock, src, s->sport, dst, s->dport, s->state,
			  pointer, laddr, lport, raddr, rport, state);
		checked++;
	}
	return checked;
}

/* /proc/net/unix: "Num RefCount Protocol Flags Type St Inode Path". */
static size_t check_unix(const char *label, const struct all_sockets *all, char *text)
{
	size_t checked = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long long num, ino;
		unsigned type;
		if (sscanf(line, "%llx: %*x %*x %*x %x %*x %llu", &num, &type, &ino) != 3)
			continue;
		const struct kc_socket *s = socket_by_ino(all, ino);
		if (!s)
			continue;  /* a socket no task holds (a listener's queued connection) */
		CHECK_MSG(s->sock == num && s->family == 1 && s->type == type,
			  "%s: unix inode %llu: sock 0x%llx type %u, /proc 0x%llx type %u", label, ino,
			  (unsigned long long)s->sock, s->type, num, type);
		checked++;
	}
	return checked;
}

/* /proc/net/packet: "sk RefCnt Type Proto Iface R Rmem User Inode". */
static size_t check_packet(const char *label, const struct all_sockets *all, char *text)
{
	size_t checked = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long long sk, ino;
		unsigned type;
		if (sscanf(line, "%llx %*d %u %*x %*d %*d %*u %*u %llu", &sk, &type, &ino) != 3)
			continue;
		const struct kc_socket *s = socket_by_ino(all, ino);
		CHECK_MSG(s && s->sock == sk && s->family == 17 && s->type == type,
			  "%s: packet socket inode %llu", label, ino);
		checked++;
	}
	return checked;
}

KC_TEST(net_workload)
{
	for (size_t w = 0; w < NR_WORKLOADS; w++) {
		struct kc_session *session = open_workload(&workloads[w]);
		if (!session)
			continue;
		const char *label = workloads[w].name;
		struct kc_net_devices devs;
		REQUIRE_OK(kc_net_devices_read(session, 0, &devs));
		CHECK_EQ_U64(devs.nr_devs, 2);
		char *text = workload_file(&workloads[w], "net.txt");
		size_t devices = text ? check_ip_addr(label, &devs, text) : 0;
		CHECK_EQ_U64(devices, 2);
		free(text);
		const struct kc_net_device *eth0 = device_named(&devs, "eth0");
		REQUIRE(eth0 && eth0->nr_ipv4 == 1);
		CHECK(!memcmp(eth0->ipv4[0].address, "\x0a\x00\x02\x0f", 4));
		CHECK_STR(eth0->ipv4[0].label, "eth0");
		/* A task's namespace: init's is the initial one here. */
		const struct kc_task_list *list;
		REQUIRE_OK(kc_tasks(session, &list));
		struct kc_net_devices init_devs;
		REQUIRE_OK(kc_net_devices_read(session, kc_task_by_pid(list, 1)->task, &init_devs));
		CHECK_EQ_U64(init_devs.net, devs.net);
		kc_net_devices_free(&init_devs);

		static struct all_sockets all;
		memset(&all, 0, sizeof(all));
		size_t total = 0;
		for (size_t i = 0; i < list->nr_tasks && all.nr_tasks < 512; i++) {
			const struct kc_task *t = &list->tasks[i];
			if (t->is_kernel_thread || t->pid != t->tgid)
				continue;
			size_t k = all.nr_tasks++;
			all.pid[k] = t->pid;
			REQUIRE_OK(kc_task_sockets(session, t->task, &all.socks[k], &all.nr[k]));
			for (size_t s = 0; s < all.nr[k]; s++)
				CHECK_MSG(!all.socks[k][s].error, "%s: pid %d: %s", label, t->pid,
					  all.socks[k][s].error);
			total += all.nr[k];
		}
		text = workload_file(&workloads[w], "fd-all.txt");
		size_t fds = text ? check_fds(label, list, &all, text) : 0;
		free(text);
		CHECK_EQ_U64(fds, total);
		text = workload_file(&workloads[w], "proc/net-tcp.txt");
		size_t tcp = text ? check_inet(label, &all, text, 1) : 0;
		free(text);
		text = workload_file(&workloads[w], "proc/net-udp.txt");
		size_t udp = text ? check_inet(label, &all, text, 2) : 0;
		free(text);
		text = workload_file(&workloads[w], "proc/net-unix.txt");
		size_t unx = text ? check_unix(label, &all, text) : 0;
		free(text);
		text = workload_file(&workloads[w], "proc/net-packet.txt");
		size_t packet = text ? check_packet(label, &all, text) : 0;
		free(text);
		CHECK(tcp >= 4 && udp >= 2 && unx >= 6 && packet == 1);
		printf("    %s: %zu devices, %zu sockets equal fd-all.txt; /proc/net: %zu tcp, %zu udp, %zu unix, %zu packet\n",
		       label, devices, total, tcp, udp, unx, packet);
		for (size_t k = 0; k < all.nr_tasks; k++)
			kc_sockets_free(all.socks[k], all.nr[k]);

		/* The commands. */
		char *out = run_command(session, "net");
		char want[256];
		snprintf(want, sizeof(want), "%16llx  eth0       10.0.2.15, fe80::5054:ff:fe12:3456\n",
			 (unsigned long long)eth0->dev);
		CHECK(out && !strncmp(out, "   NET_DEVICE     NAME       IP ADDRESS(ES)\n", 44));
		CHECK_MSG(out && strstr(out, want), "%s: net: %s", label, out ? out : "");
		free(out);
		int holder = workload_pid(&workloads[w], "kc_workload");
		char line[64];
		snprintf(line, sizeof(line), "net -s %d", holder);
		out = run_command(session, line);
		CHECK(out && strstr(out, "FD      SOCKET            SOCK       FAMILY:TYPE SOURCE-PORT DESTINATION-PORT\n"));
		CHECK(out && strstr(out, " INET:STREAM  127.0.0.1-7777 0.0.0.0-0\n"));
		CHECK(out && strstr(out, " INET:DGRAM   127.0.0.1-7778 0.0.0.0-0\n"));
		CHECK(out && strstr(out, " UNIX:STREAM \n") && strstr(out, " PACKET:DGRAM  \n"));
		free(out);
		out = run_command(session, "net -s 2");
		CHECK(out && strstr(out, "No open sockets.\n"));
		free(out);
		char *answer = json_query(session, "net --json", "print([x[\"name\"] + \" \" + x[\"address\"] for x in d[\"devices\"]])");
		CHECK_STR(answer, "['lo 00:00:00:00:00:00', 'eth0 52:54:00:12:34:56']\n");
		free(answer);
		snprintf(line, sizeof(line), "net -s --json %d", holder);
		answer = json_query(session, line,
				    "print(sorted(s[\"source_port\"] for s in d[0][\"sockets\"] if s[\"family\"] == 2 and s[\"type\"] == 1))");
		CHECK(answer && strstr(answer, "7777, 7777"));
		free(answer);
		kc_net_devices_free(&devs);
		kc_session_destroy(session);
	}
}

/*
 * The shared fixtures' kernels have no CONFIG_NET: net and net -s say so in
 * one line (an UNSUPPORTED error from the library), for every task.
 */
KC_TEST(net_without_config_net_every_fixture)
{
	for (size_t f = 0; f < kc_test_nr_fixtures; f++) {
		const char *fixture = kc_test_fixture_names[f];
		struct kc_session *session = kc_test_open_session(fixture, "vmcore.kdump-zlib");
		if (!session)
			return;
		const struct kc_task_list *list;
		REQUIRE_OK(kc_tasks(session, &list));
		REQUIRE(list->panic_task);
		struct kc_net_devices devs;
		struct kc_error *err = kc_net_devices_read(session, list->panic_task, &devs);
		const struct kc_task *panic = NULL;
		for (size_t i = 0; i < list->nr_tasks; i++)
			if (list->tasks[i].task == list->panic_task)
				panic = &list->tasks[i];
		REQUIRE(panic);
		char want[200];
		snprintf(want, sizeof(want),
			 "no network namespace: the kernel was built without CONFIG_NET (task %d's "
			 "nsproxy->net_ns is NULL)", panic->pid);
		CHECK_MSG(err && err->code == KC_ERR_UNSUPPORTED && !strcmp(kc_error_message(err), want),
			  "%s: %s", fixture, err ? kc_error_message(err) : "no error");
		kc_error_destroy(err);
		err = kc_net_devices_read(session, 0, &devs);
		CHECK(err && strstr(kc_error_message(err), "(task 0's nsproxy->net_ns is NULL)"));
		kc_error_destroy(err);
		struct kc_socket *socks;
		size_t n;
		err = kc_task_sockets(session, list->panic_task, &socks, &n);
		CHECK(err && err->code == KC_ERR_UNSUPPORTED &&
		      strstr(kc_error_message(err), "without CONFIG_NET"));
		kc_error_destroy(err);
		static const char *const net[] = {"net"}, *const net_n[] = {"net -n 1"},
					 *const net_s[] = {"net -s"};
		char *out = kc_test_run_commands(session, net, 1);
		char line[256];
		snprintf(line, sizeof(line), "error: net: %s\n", want);
		CHECK_MSG(out && strstr(out, line) && !strstr(out, "0x90"), "%s: net: %s", fixture,
			  out ? out : "");
		free(out);
		out = kc_test_run_commands(session, net_n, 1);
		CHECK(out && strstr(out, "(task 1's nsproxy->net_ns is NULL)\n"));
		free(out);
		out = kc_test_run_commands(session, net_s, 1);
		CHECK(out && strstr(out, "error: net: no sockets: the kernel was built without CONFIG_NET"));
		free(out);
		printf("    %s: %s\n", fixture, want);
		kc_session_destroy(session);
	}
}
