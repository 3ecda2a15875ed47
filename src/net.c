/* SPDX-License-Identifier: MIT */
/*
 * Network devices and a task's sockets (include/kcrash/net.h).
 *
 * Layouts, v5.10 to v6.12 (offsets from the session's types): struct
 * nsproxy's net_ns; struct net's dev_base_head, a list of struct
 * net_device dev_list (include/linux/netdevice.h: name, ifindex, mtu,
 * flags, dev_addr, addr_len, ip_ptr, ip6_ptr); struct in_device's ifa_list
 * of struct in_ifaddr chained by ifa_next (include/linux/inetdevice.h);
 * struct inet6_dev's addr_list of struct inet6_ifaddr if_list
 * (include/net/if_inet6.h); struct files_struct's fdt (max_fds, fd,
 * open_fds; include/linux/fdtable.h); struct socket_alloc {socket,
 * vfs_inode} (include/net/sock.h); struct sock_common's skc_family,
 * skc_state, skc_rcv_saddr, skc_daddr, skc_dport, skc_v6_*; struct
 * inet_sock's inet_sport (include/net/inet_sock.h).
 */
#include <kcrash/net.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kcrash/memory.h>
#include <kcrash/walk.h>

#include "schedutil.h"

#define ULL(x) ((unsigned long long)(x))

#define MAX_DEVICES 65536
#define MAX_ADDRESSES 4096
#define MAX_FDS (1u << 20)

/* S_IFMT and S_IFSOCK: include/uapi/linux/stat.h. */
#define KC_S_IFMT 0170000
#define KC_S_IFSOCK 0140000
/* AF_INET, AF_INET6: include/linux/socket.h. */
#define KC_AF_INET 2
#define KC_AF_INET6 10

static struct kc_error *read_bytes(struct kc_session *session, uint64_t obj, const char *type,
				   const char *member, void *buf, size_t len)
{
	size_t size;
	return kc_kernel_read_member_bytes(session, obj, type, member, buf, len, &size);
}

static struct kc_error *task_net(struct kc_session *session, uint64_t task, uint64_t *net)
{
	uint64_t nsproxy;
	struct kc_error *err = NULL;
	if (!task)
		err = kc_kernel_symbol(session, "init_task", &task);
	if (!err)
		err = kc_su_read(session, task, "struct task_struct", "nsproxy", &nsproxy);
	if (!err && !nsproxy)
		err = kc_error_address(KC_ERR_INVALID_ARG, task,
				       "task 0x%llx has no nsproxy (it has exited)", ULL(task));
	if (err)
		return err;
	/*
	 * kernel/nsproxy.c (v5.10..v6.12) sets init_nsproxy.net_ns to &init_net
	 * only with CONFIG_NET, and without it copy_net_ns() passes the NULL
	 * on; with CONFIG_NET a live nsproxy always has a namespace.
	 */
	if (!kc_kernel_has_member(session, "struct nsproxy", "net_ns"))
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "no network namespace: struct nsproxy has no net_ns");
	err = kc_su_read(session, nsproxy, "struct nsproxy", "net_ns", net);
	if (!err && !*net) {
		uint64_t pid = 0;
		kc_error_destroy(kc_su_read(session, task, "struct task_struct", "pid", &pid));
		return kc_error_address(KC_ERR_UNSUPPORTED, task,
					"no network namespace: the kernel was built without CONFIG_NET "
					"(task %llu's nsproxy->net_ns is NULL)", ULL(pid));
	}
	return err;
}

static void read_ipv4(struct kc_session *session, struct kc_net_device *d)
{
	uint64_t in_dev = 0, ifa = 0;
	struct kc_error *err = kc_su_read(session, d->dev, "struct net_device", "ip_ptr", &in_dev);
	if (!err && in_dev)
		err = kc_su_read(session, in_dev, "struct in_device", "ifa_list", &ifa);
	while (!err && ifa) {
		if (d->nr_ipv4 >= 64) {
			err = kc_error_create(KC_ERR_FORMAT, "more than 64 IPv4 addresses (a loop?)");
			break;
		}
		struct kc_net_ipv4 *grown = realloc(d->ipv4, (d->nr_ipv4 + 1) * sizeof(*grown));
		if (!grown) {
			err = &kc_error_nomem;
			break;
		}
		d->ipv4 = grown;
		struct kc_net_ipv4 *a = &d->ipv4[d->nr_ipv4];
		memset(a, 0, sizeof(*a));
		uint64_t prefixlen = 0;
		err = read_bytes(session, ifa, "struct in_ifaddr", "ifa_address", a->address, 4);
		if (!err)
			err = kc_su_read(session, ifa, "struct in_ifaddr", "ifa_prefixlen", &prefixlen);
		if (!err)
			err = read_bytes(session, ifa, "struct in_ifaddr", "ifa_label", a->label,
					 sizeof(a->label));
		a->label[sizeof(a->label) - 1] = '\0';
		a->prefixlen = (unsigned)prefixlen;
		if (!err)
			d->nr_ipv4++;
		if (!err)
			err = kc_su_read(session, ifa, "struct in_ifaddr", "ifa_next", &ifa);
	}
	if (err)
		kc_su_note(&d->error, kc_error_prefix(err, "%s's IPv4 addresses", d->name));
}

static void read_ipv6(struct kc_session *session, struct kc_net_device *d)
{
	uint64_t in6_dev = 0, head_off, link_off;
	struct kc_error *err = kc_su_read(session, d->dev, "struct net_device", "ip6_ptr", &in6_dev);
	if (err || !in6_dev) {
		/* A kernel without IPv6 has no ip6_ptr: nothing to say. */
		kc_error_destroy(err);
		return;
	}
	err = kc_su_offset(session, "struct inet6_dev", "addr_list", &head_off);
	if (!err)
		err = kc_su_offset(session, "struct inet6_ifaddr", "if_list", &link_off);
	uint64_t *nodes = NULL;
	size_t n = 0;
	if (!err)
		err = kc_walk_list_collect(session, in6_dev + head_off, false, MAX_ADDRESSES, &nodes, &n);
	d->ipv6 = n ? calloc(n, sizeof(*d->ipv6)) : NULL;
	for (size_t i = 0; d->ipv6 && i < n && !err; i++) {
		uint64_t ifa = nodes[i] - link_off, prefixlen = 0;
		struct kc_net_ipv6 *a = &d->ipv6[d->nr_ipv6];
		err = read_bytes(session, ifa, "struct inet6_ifaddr", "addr", a->address, 16);
		if (!err)
			err = kc_su_read(session, ifa, "struct inet6_ifaddr", "prefix_len", &prefixlen);
		a->prefixlen = (unsigned)prefixlen;
		if (!err)
			d->nr_ipv6++;
	}
	free(nodes);
	if (err)
		kc_su_note(&d->error, kc_error_prefix(err, "%s's IPv6 addresses", d->name));
}

static void read_device(struct kc_session *session, struct kc_net_device *d)
{
	uint64_t v, addr = 0;
	struct kc_error *err = read_bytes(session, d->dev, "struct net_device", "name", d->name,
					  sizeof(d->name));
	d->name[sizeof(d->name) - 1] = '\0';
	kc_su_note(&d->error, err);
	if (!(err = kc_su_read(session, d->dev, "struct net_device", "ifindex", &v)))
		d->ifindex = (int)v;
	kc_su_note(&d->error, err);
	if (!(err = kc_su_read(session, d->dev, "struct net_device", "mtu", &v)))
		d->mtu = (unsigned)v;
	kc_su_note(&d->error, err);
	if (!(err = kc_su_read(session, d->dev, "struct net_device", "flags", &v)))
		d->flags = (unsigned)v;
	kc_su_note(&d->error, err);
	err = kc_su_read(session, d->dev, "struct net_device", "addr_len", &v);
	if (!err) {
		d->addr_len = v > sizeof(d->hwaddr) ? sizeof(d->hwaddr) : (unsigned)v;
		err = kc_su_read(session, d->dev, "struct net_device", "dev_addr", &addr);
	}
	if (!err && addr && d->addr_len)
		err = kc_kernel_read(session, addr, d->hwaddr, d->addr_len);
	kc_su_note(&d->error, err);
	read_ipv4(session, d);
	read_ipv6(session, d);
}

struct kc_error *kc_net_devices_read(struct kc_session *session, uint64_t task,
				     struct kc_net_devices *ret)
{
	memset(ret, 0, sizeof(*ret));
	uint64_t head_off, link_off;
	struct kc_error *err = task_net(session, task, &ret->net);
	if (err)
		return err->code == KC_ERR_UNSUPPORTED ? err : kc_error_prefix(err, "network namespace");
	err = kc_su_offset(session, "struct net", "dev_base_head", &head_off);
	if (!err) err = kc_su_offset(session, "struct net_device", "dev_list", &link_off);
	if (err)
		return kc_error_prefix(err, "network namespace");
	uint64_t *nodes = NULL;
	size_t n = 0;
	err = kc_walk_list_collect(session, ret->net + head_off, false, MAX_DEVICES, &nodes, &n);
	if (err) {
		free(nodes);
		return kc_error_prefix(err, "struct net 0x%llx's devices", ULL(ret->net));
	}
	ret->devs = n ? calloc(n, sizeof(*ret->devs)) : NULL;
	if (n && !ret->devs) {
		free(nodes);
		return &kc_error_nomem;
	}
	ret->nr_devs = n;
	for (size_t i = 0; i < n; i++) {
		ret->devs[i].dev = nodes[i] - link_off;
		read_device(session, &ret->devs[i]);
	}
	free(nodes);
	return NULL;
}

void kc_net_devices_free(struct kc_net_devices *devices)
{
	for (size_t i = 0; devices->devs && i < devices->nr_devs; i++) {
		free(devices->devs[i].ipv4);
		free(devices->devs[i].ipv6);
		free(devices->devs[i].error);
	}
	free(devices->devs);
	memset(devices, 0, sizeof(*devices));
}

/* ---- sockets ---- */

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void read_sock(struct kc_session *session, struct kc_socket *s)
{
	const char *sc = "struct sock";
	uint64_t v;
	struct kc_error *err = kc_su_read(session, s->sock, sc, "__sk_common.skc_family", &v);
	if (!err) {
		s->family = (unsigned)v;
		err = kc_su_read(session, s->sock, sc, "sk_type", &v);
	}
	if (!err) {
		s->type = (unsigned)v;
		err = kc_su_read(session, s->sock, sc, "sk_protocol", &v);
	}
	if (!err) {
		s->protocol = (unsigned)v;
		err = kc_su_read(session, s->sock, sc, "__sk_common.skc_state", &v);
	}
	if (!err)
		s->state = (unsigned)v;
	uint8_t port[2];
	if (!err && (s->family == KC_AF_INET || s->family == KC_AF_INET6)) {
		err = read_bytes(session, s->sock, "struct inet_sock", "inet_sport", port, 2);
		if (!err) {
			s->sport = be16(port);
			err = read_bytes(session, s->sock, sc, "__sk_common.skc_dport", port, 2);
		}
		if (!err)
			s->dport = be16(port);
	}
	if (!err && s->family == KC_AF_INET) {
		err = read_bytes(session, s->sock, sc, "__sk_common.skc_rcv_saddr", s->src4, 4);
		if (!err)
			err = read_bytes(session, s->sock, sc, "__sk_common.skc_daddr", s->dst4, 4);
	}
	if (!err && s->family == KC_AF_INET6) {
		err = read_bytes(session, s->sock, sc, "__sk_common.skc_v6_rcv_saddr", s->src6, 16);
		if (!err)
			err = read_bytes(session, s->sock, sc, "__sk_common.skc_v6_daddr", s->dst6, 16);
	}
	if (err)
		kc_su_note(&s->error, kc_error_prefix(err, "sock 0x%llx", ULL(s->sock)));
}

struct kc_error *kc_task_sockets(struct kc_session *session, uint64_t task,
				 struct kc_socket **sockets, size_t *n)
{
	*sockets = NULL;
	*n = 0;
	uint64_t files = 0, fdt = 0, max_fds = 0, fd_array = 0, open_fds = 0, vfs_inode_off,
		 socket_off;
	uint64_t socket_alloc_size;
	struct kc_error *err = kc_kernel_sizeof(session, "struct socket_alloc", &socket_alloc_size);
	if (err) {
		/* include/net/sock.h: only a kernel with CONFIG_NET has sockets. */
		kc_error_destroy(err);
		return kc_error_create(KC_ERR_UNSUPPORTED,
				       "no sockets: the kernel was built without CONFIG_NET "
				       "(its types have no struct socket_alloc)");
	}
	err = kc_su_read(session, task, "struct task_struct", "files", &files);
	if (err || !files)
		return err;
	err = kc_su_read(session, files, "struct files_struct", "fdt", &fdt);
	if (!err) err = kc_su_read(session, fdt, "struct fdtable", "max_fds", &max_fds);
	if (!err) err = kc_su_read(session, fdt, "struct fdtable", "fd", &fd_array);
	if (!err) err = kc_su_read(session, fdt, "struct fdtable", "open_fds", &open_fds);
	if (!err) err = kc_su_offset(session, "struct socket_alloc", "vfs_inode", &vfs_inode_off);
	if (!err) err = kc_su_offset(session, "struct socket_alloc", "socket", &socket_off);
	if (!err && (max_fds > MAX_FDS || max_fds % 64))
		err = kc_error_address(KC_ERR_FORMAT, fdt, "fdtable 0x%llx: max_fds %llu",
				       ULL(fdt), ULL(max_fds));
	if (err)
		return kc_error_prefix(err, "task 0x%llx's files", ULL(task));
	size_t cap = 0;
	for (uint64_t word = 0; word < max_fds / 64; word++) {
		uint64_t bits;
		err = kc_kernel_read_u64(session, open_fds + word * 8, &bits);
		if (err)
			break;
		for (unsigned bit = 0; bits && bit < 64; bit++) {
			if (!(bits >> bit & 1))
				continue;
			uint64_t fd = word * 64 + bit, file = 0, inode = 0, mode = 0;
			err = kc_kernel_read_u64(session, fd_array + fd * 8, &file);
			if (!err && file)
				err = kc_su_read(session, file, "struct file", "f_inode", &inode);
			if (!err && inode)
				err = kc_su_read(session, inode, "struct inode", "i_mode", &mode);
			if (err)
				break;
			if (!inode || (mode & KC_S_IFMT) != KC_S_IFSOCK)
				continue;
			if (*n == cap) {
				cap = cap ? 2 * cap : 16;
				struct kc_socket *grown = realloc(*sockets, cap * sizeof(*grown));
				if (!grown) {
					err = &kc_error_nomem;
					break;
				}
				*sockets = grown;
			}
			struct kc_socket *s = &(*sockets)[(*n)++];
			memset(s, 0, sizeof(*s));
			s->fd = (int)fd;
			s->file = file;
			s->inode = inode;
			s->socket = inode - vfs_inode_off + socket_off;
			struct kc_error *e = kc_su_read(session, inode, "struct inode", "i_ino", &s->ino);
			if (!e)
				e = kc_su_read(session, s->socket, "struct socket", "sk", &s->sock);
			if (e)
				kc_su_note(&s->error, e);
			else if (s->sock)
				read_sock(session, s);
		}
		if (err)
			break;
	}
	if (err) {
		kc_sockets_free(*sockets, *n);
		*sockets = NULL;
		*n = 0;
		return kc_error_prefix(err, "task 0x%llx's open files", ULL(task));
	}
	return NULL;
}

void kc_sockets_free(struct kc_socket *sockets, size_t n)
{
	for (size_t i = 0; sockets && i < n; i++)
		free(sockets[i].error);
	free(sockets);
}
