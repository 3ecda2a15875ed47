/* SPDX-License-Identifier: MIT */
/*
 * Networking in a dump: the network devices of a task's network namespace
 * with their IPv4 and IPv6 addresses (what crash's `net` lists), and the
 * sockets among a task's open files (`net -s`): struct socket, struct
 * sock, family, type and the IPv4/IPv6 endpoints.
 *
 * Kernel-independent routes only: the namespace is the task's
 * nsproxy->net_ns (init_task's for the initial one, so no init_net symbol
 * is needed), a socket is an open file whose inode is S_IFSOCK, inside its
 * struct socket_alloc. Every list walk is bounded and cycle-checked.
 */
#ifndef KCRASH_NET_H
#define KCRASH_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kcrash/error.h>
#include <kcrash/session.h>

/* One IPv4 address of a device (struct in_ifaddr). */
struct kc_net_ipv4 {
	uint8_t address[4];     /* ifa_address, network order */
	unsigned prefixlen;
	char label[16];         /* ifa_label */
};

/* One IPv6 address of a device (struct inet6_ifaddr). */
struct kc_net_ipv6 {
	uint8_t address[16];
	unsigned prefixlen;
};

/* One struct net_device. */
struct kc_net_device {
	uint64_t dev;
	char name[16];
	int ifindex;
	unsigned mtu;
	unsigned flags;           /* IFF_* */
	uint8_t hwaddr[32];       /* dev_addr, addr_len bytes */
	unsigned addr_len;
	struct kc_net_ipv4 *ipv4; /* in_device's ifa_list order */
	size_t nr_ipv4;
	struct kc_net_ipv6 *ipv6; /* inet6_dev's addr_list order */
	size_t nr_ipv6;
	char *error;              /* what could not be read, or NULL */
};

struct kc_net_devices {
	uint64_t net;             /* the struct net */
	struct kc_net_device *devs; /* dev_base_head order */
	size_t nr_devs;
};

/*
 * The devices of TASK's network namespace (the struct task_struct at
 * TASK; 0 for init_task's, the initial namespace). KC_ERR_UNSUPPORTED,
 * one line, for a kernel without CONFIG_NET (the task's nsproxy->net_ns
 * is NULL).
 */
struct kc_error *kc_net_devices_read(struct kc_session *session, uint64_t task,
				     struct kc_net_devices *ret);
/* Free what kc_net_devices_read allocated. */
void kc_net_devices_free(struct kc_net_devices *devices);

/* One socket among a task's open files. */
struct kc_socket {
	int fd;
	uint64_t file;            /* struct file */
	uint64_t inode;           /* the socket's inode (in struct socket_alloc) */
	uint64_t ino;             /* its i_ino: "socket:[INO]" in /proc/PID/fd */
	uint64_t socket;          /* struct socket */
	uint64_t sock;            /* socket->sk (0 when released) */
	unsigned family;          /* AF_* */
	unsigned type;            /* SOCK_* */
	unsigned protocol;
	unsigned state;           /* skc_state (TCP_* for TCP) */
	uint8_t src4[4], dst4[4]; /* AF_INET: skc_rcv_saddr, skc_daddr */
	uint8_t src6[16], dst6[16]; /* AF_INET6: skc_v6_rcv_saddr, skc_v6_daddr */
	unsigned sport, dport;    /* host order: inet_sport, skc_dport */
	char *error;              /* what could not be read, or NULL */
};

/*
 * The sockets among the open files of the task at TASK, by fd: *SOCKETS
 * malloc'd (free with kc_sockets_free), *N their number. A task without
 * files (a kernel thread, an exited task) has none. KC_ERR_UNSUPPORTED for
 * a kernel without CONFIG_NET (no struct socket_alloc in its types).
 */
struct kc_error *kc_task_sockets(struct kc_session *session, uint64_t task,
				 struct kc_socket **sockets, size_t *n);
/* Free N sockets from kc_task_sockets. */
void kc_sockets_free(struct kc_socket *sockets, size_t n);

#endif
