/* SPDX-License-Identifier: MIT */
/*
 * net: the network devices in crash's layout (crash net.c
 * show_net_devices_v3: NET_DEVICE NAME IP ADDRESS(ES), IPv4 then IPv6
 * addresses, of the current context's network namespace), and net -s,
 * a task's sockets (dump_sockets_workhorse, sym_socket_dump, get_sock_info:
 * FD SOCKET SOCK FAMILY:TYPE SOURCE-PORT DESTINATION-PORT).
 */
#include "command.h"
#include "btfmt.h"
#include "json.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/net.h>
#include <kcrash/tasks.h>

/* AF_* and SOCK_* as crash names them (include/linux/socket.h, linux/net.h). */
static const char *family_name(unsigned family, char *buf, size_t len)
{
	static const char *const names[] = {
		[0] = "UNSPEC", [1] = "UNIX", [2] = "INET", [3] = "AX25", [4] = "IPX",
		[5] = "APPLETALK", [6] = "NETROM", [7] = "BRIDGE", [8] = "ATMPVC", [9] = "X25",
		[10] = "INET6", [11] = "ROSE", [12] = "DECnet", [13] = "NETBEUI",
		[14] = "SECURITY/KEY", [16] = "NETLINK/ROUTE", [17] = "PACKET", [18] = "ASH",
		[19] = "ECONET", [20] = "ATMSVC", [22] = "SNA", [23] = "IRDA", [24] = "PPPOX",
	};
	if (family < sizeof(names) / sizeof(names[0]) && names[family])
		return names[family];
	snprintf(buf, len, "%u", family);
	return buf;
}

static const char *type_name(unsigned type, char *buf, size_t len)
{
	switch (type) {
	case 1: return "STREAM";
	case 2: return "DGRAM ";
	case 3: return "RAW";
	case 4: return "RDM";
	case 5: return "SEQPACKET";
	case 10: return "PACKET";
	default:
		snprintf(buf, len, "%u", type);
		return buf;
	}
}

static void ipv6_text(const uint8_t addr[16], char *buf, size_t len)
{
	if (!inet_ntop(AF_INET6, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

/* crash's dump_in6_addr_port: eight %x groups and the port. */
static int in6_port(const uint8_t a[16], unsigned port, char *buf, size_t len)
{
	return snprintf(buf, len, "%x:%x:%x:%x:%x:%x:%x:%x-%u", a[0] << 8 | a[1], a[2] << 8 | a[3],
			a[4] << 8 | a[5], a[6] << 8 | a[7], a[8] << 8 | a[9], a[10] << 8 | a[11],
			a[12] << 8 | a[13], a[14] << 8 | a[15], port);
}

static void print_devices(const struct kc_net_devices *devs, FILE *out)
{
	fprintf(out, "   NET_DEVICE     NAME       IP ADDRESS(ES)\n");
	for (size_t i = 0; i < devs->nr_devs; i++) {
		const struct kc_net_device *d = &devs->devs[i];
		fprintf(out, "%16llx  %-10s ", (unsigned long long)d->dev, d->name);
		size_t shown = 0;
		for (size_t k = 0; k < d->nr_ipv4; k++)
			fprintf(out, "%s%u.%u.%u.%u", shown++ ? ", " : "", d->ipv4[k].address[0],
				d->ipv4[k].address[1], d->ipv4[k].address[2], d->ipv4[k].address[3]);
		for (size_t k = 0; k < d->nr_ipv6; k++) {
			char text[64];
			ipv6_text(d->ipv6[k].address, text, sizeof(text));
			fprintf(out, "%s%s", shown++ ? ", " : "", text);
		}
		fputc('\n', out);
		if (d->error)
			fprintf(out, "WARNING: %s: %s\n", d->name, d->error);
	}
}

static void json_devices(const struct kc_net_devices *devs, FILE *out)
{
	fprintf(out, "{\"net\": \"0x%llx\", \"devices\": [", (unsigned long long)devs->net);
	for (size_t i = 0; i < devs->nr_devs; i++) {
		const struct kc_net_device *d = &devs->devs[i];
		fprintf(out, "%s\n  {\"net_device\": \"0x%llx\", \"name\": ", i ? "," : "",
			(unsigned long long)d->dev);
		kc_json_string(out, d->name);
		fprintf(out, ", \"ifindex\": %d, \"mtu\": %u, \"flags\": %u, \"address\": \"", d->ifindex,
			d->mtu, d->flags);
		for (unsigned k = 0; k < d->addr_len; k++)
			fprintf(out, "%s%02x", k ? ":" : "", d->hwaddr[k]);
		fputs("\", \"ipv4\": [", out);
		for (size_t k = 0; k < d->nr_ipv4; k++) {
			fprintf(out, "%s{\"address\": \"%u.%u.%u.%u\", \"prefixlen\": %u, \"label\": ",
				k ? ", " : "", d->ipv4[k].address[0], d->ipv4[k].address[1],
				d->ipv4[k].address[2], d->ipv4[k].address[3], d->ipv4[k].prefixlen);
			kc_json_string(out, d->ipv4[k].label);
			fputc('}', out);
		}
		fputs("], \"ipv6\": [", out);
		for (size_t k = 0; k < d->nr_ipv6; k++) {
			char text[64];
			ipv6_text(d->ipv6[k].address, text, sizeof(text));
			fprintf(out, "%s{\"address\": \"%s\", \"prefixlen\": %u}", k ? ", " : "", text,
				d->ipv6[k].prefixlen);
		}
		fputs("], \"error\": ", out);
		kc_json_string(out, d->error);
		fputc('}', out);
	}
	fputs(devs->nr_devs ? "\n]}\n" : "]}\n", out);
}

static void print_socket(const struct kc_socket *s, FILE *out)
{
	char fbuf[16], tbuf[16];
	fprintf(out, "%2d %16llx %16llx %s:%s ", s->fd, (unsigned long long)s->socket,
		(unsigned long long)s->sock, family_name(s->family, fbuf, sizeof(fbuf)),
		type_name(s->type, tbuf, sizeof(tbuf)));
	if (s->family == 2) {
		fprintf(out, " %u.%u.%u.%u-%u ", s->src4[0], s->src4[1], s->src4[2], s->src4[3],
			s->sport);
		fprintf(out, "%u.%u.%u.%u-%u", s->dst4[0], s->dst4[1], s->dst4[2], s->dst4[3],
			s->dport);
	} else if (s->family == 10) {
		char src[64], dst[64];
		int len = in6_port(s->src6, s->sport, src, sizeof(src));
		int dlen = in6_port(s->dst6, s->dport, dst, sizeof(dst));
		fprintf(out, "%12s ", src);
		/* crash centres the destination in the source's width. */
		int extra = len > dlen ? len - dlen : 0;
		fprintf(out, "%*s%s%*s", extra / 2, "", dst, extra - extra / 2, "");
	}
	fputc('\n', out);
	if (s->error)
		fprintf(out, "WARNING: fd %d: %s\n", s->fd, s->error);
}

static void json_socket(const struct kc_socket *s, bool first, FILE *out)
{
	char fbuf[16], tbuf[16];
	fprintf(out, "%s{\"fd\": %d, \"file\": \"0x%llx\", \"inode\": %llu, \"socket\": \"0x%llx\", "
		"\"sock\": \"0x%llx\", \"family\": %u, \"family_name\": ", first ? "" : ", ", s->fd,
		(unsigned long long)s->file, (unsigned long long)s->ino,
		(unsigned long long)s->socket, (unsigned long long)s->sock, s->family);
	kc_json_string(out, family_name(s->family, fbuf, sizeof(fbuf)));
	const char *type = type_name(s->type, tbuf, sizeof(tbuf));
	fprintf(out, ", \"type\": %u, \"type_name\": \"%.*s\", \"protocol\": %u, \"state\": %u",
		s->type, (int)strcspn(type, " "), type, s->protocol, s->state);
	if (s->family == 2)
		fprintf(out, ", \"source\": \"%u.%u.%u.%u\", \"destination\": \"%u.%u.%u.%u\"",
			s->src4[0], s->src4[1], s->src4[2], s->src4[3], s->dst4[0], s->dst4[1],
			s->dst4[2], s->dst4[3]);
	if (s->family == 10) {
		char src[64], dst[64];
		ipv6_text(s->src6, src, sizeof(src));
		ipv6_text(s->dst6, dst, sizeof(dst));
		fprintf(out, ", \"source\": \"%s\", \"destination\": \"%s\"", src, dst);
	}
	if (s->family == 2 || s->family == 10)
		fprintf(out, ", \"source_port\": %u, \"destination_port\": %u", s->sport, s->dport);
	fputs(", \"error\": ", out);
	kc_json_string(out, s->error);
	fputc('}', out);
}

static struct kc_error *show_sockets(struct kc_session *session, const struct kc_task *t,
				     bool json, bool first, FILE *out)
{
	struct kc_socket *socks;
	size_t n;
	struct kc_error *err = kc_task_sockets(session, t->task, &socks, &n);
	if (err)
		return err;
	if (json) {
		fprintf(out, "%s\n  {\"pid\": %d, \"task\": \"0x%llx\", \"comm\": ", first ? "" : ",",
			t->pid, (unsigned long long)t->task);
		kc_json_string(out, t->comm);
		fputs(", \"sockets\": [", out);
		for (size_t i = 0; i < n; i++)
			json_socket(&socks[i], i == 0, out);
		fputs("]}", out);
	} else {
		if (!first)
			fputc('\n', out);
		kc_bt_print_header(t, out);
		if (!n)
			fputs("No open sockets.\n", out);
		else
			fputs("FD      SOCKET            SOCK       FAMILY:TYPE SOURCE-PORT DESTINATION-PORT\n",
			      out);
		for (size_t i = 0; i < n; i++)
			print_socket(&socks[i], out);
	}
	kc_sockets_free(socks, n);
	return NULL;
}

static struct kc_error *cmd_net(struct kc_session *session, int argc, char **argv, FILE *out)
{
	bool json = false, sockets = false;
	const char *ns_task = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "-s"))
			sockets = true;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			ns_task = argv[++i];
		else
			return kc_usage_error(&kc_cmd_net);
	}
	if (!sockets && i < argc)
		return kc_usage_error(&kc_cmd_net);
	const struct kc_task *t;
	struct kc_error *err;
	if (!sockets) {
		err = ns_task ? kc_task_lookup(session, ns_task, &t) : kc_session_context(session, &t);
		if (err)
			return err;
		struct kc_net_devices devs;
		err = kc_net_devices_read(session, t->task, &devs);
		if (err)
			return err;
		if (json)
			json_devices(&devs, out);
		else
			print_devices(&devs, out);
		kc_net_devices_free(&devs);
		return NULL;
	}
	if (json)
		fputc('[', out);
	if (i == argc) {
		err = kc_session_context(session, &t);
		if (!err)
			err = show_sockets(session, t, json, true, out);
	} else {
		const struct kc_task_list *list;
		err = kc_tasks(session, &list);
		bool first = true;
		for (; !err && i < argc; i++) {
			/* A pid names every thread of that pid (crash's STR_PID). */
			err = kc_task_lookup(session, argv[i], &t);
			if (!err)
				err = show_sockets(session, t, json, first, out);
			first = false;
		}
	}
	if (json && !err)
		fputs("\n]\n", out);
	return err;
}

const struct kc_command kc_cmd_net = {
	.name = "net",
	.summary = "network devices and sockets",
	.usage = "net [-n PID|TASK] [--json] | net -s [--json] [PID|TASK]...",
	.help = "The network devices of the current context's network namespace\n"
		"(task->nsproxy->net_ns; -n: another task's) as crash lists them: the\n"
		"struct net_device, its name and its IPv4 addresses (in_device's ifa_list)\n"
		"then its IPv6 ones (inet6_dev's addr_list).\n"
		"  -s        a task's sockets instead (the current context's without an\n"
		"            argument): each open file whose inode is a socket, as FD,\n"
		"            struct socket, struct sock, FAMILY:TYPE and, for INET and\n"
		"            INET6, the local and remote ADDRESS-PORT\n"
		"  --json    devices: {net, devices [{net_device, name, ifindex, mtu,\n"
		"            flags, address (the hardware address), ipv4 [{address,\n"
		"            prefixlen, label}], ipv6 [{address, prefixlen}], error}]};\n"
		"            -s: [{pid, task, comm, sockets [{fd, file, inode (i_ino,\n"
		"            /proc's socket:[N]), socket, sock, family, family_name, type,\n"
		"            type_name, protocol, state, source, destination, source_port,\n"
		"            destination_port, error}]}]\n",
	.needs_dump = true,
	.run = cmd_net,
};
