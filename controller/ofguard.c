/* Copyright (c) 2026 The ofguard authors.
 *
 * Licensed under the Apache License, Version 2.0. */

/* ofguard: an OpenFlow 1.3 controller that keeps every container on an Open
 * vSwitch bridge from spoofing, poisoning or sniffing its neighbours.
 *
 * This file holds the daemon's I/O: options, listeners, the main loop,
 * signals and control commands.  The policy itself is pure code under
 * config/ and flows/; switch connections are in ofg-switch.c. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "command-line.h"
#include "config/ofg-config.h"
#include "config/ofg-config-watch.h"
#include "controller/ofg-graph.h"
#include "controller/ofg-ha.h"
#include "controller/ofg-identity.h"
#include "controller/ofg-import.h"
#include "controller/ofg-mac.h"
#include "controller/ofg-metrics.h"
#include "controller/ofg-switch.h"
#include "controller/ofg-violations.h"
#include "hash.h"
#include "daemon.h"
#include "dirs.h"
#include "fatal-signal.h"
#include "flow.h"
#include "flows/ofg-flow-table.h"
#include "flows/ofg-flows.h"
#include "latch.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "signals.h"
#include "simap.h"
#include "socket-util.h"
#include "stream-ssl.h"
#include "stream.h"
#include "svec.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ofguard);

/* The running configuration, replaced only by a reload that validated. */
static struct ofg_config *config;
static char *config_file;

/* The drop-in directory's changes, so that a reload looks only at the files
 * that changed.  Started before the first read, so that it misses
 * nothing. */
static struct ofg_config_watch *config_watch;

/* Reloads, for metrics.  'config_time' is when the configuration in force
 * was read (wall clock, ms). */
static unsigned long long int n_reloads, n_reload_failures;
static bool last_reload_ok = true;
static long long int config_time;
static long long int start_time;

/* Listeners and switches. */
static struct pvconn **listeners;
static size_t n_listeners;
static struct ofg_sw **switches;
static size_t n_switches, allocated_switches;

/* The counters of switch connections that have closed, so that the totals
 * in the metrics never go down. */
static struct ofg_sw_counters closed_counters;

/* Exit status when the configuration cannot be read at start (sysexits.h's
 * EX_CONFIG, which systemd also names), so that a script or a supervisor
 * can tell it from other failures. */
#define OFG_EXIT_CONFIG 78

/* "--metrics-file": rewritten every 'metrics_interval' seconds and after
 * each reload, at 'metrics_file_at' (monotonic ms). */
#define OFG_METRICS_INTERVAL 10
static char *metrics_file;
static int metrics_interval = OFG_METRICS_INTERVAL;
static long long int metrics_file_at;
static struct vlog_rate_limit metrics_rl = VLOG_RATE_LIMIT_INIT(1, 5);

/* File descriptors that switch connections leave free (at most half of the
 * limit): ofguard's own files (log, pidfile, control socket, pipes: about
 * 16), "ovs-appctl" connections and the config file read on reload.  Without
 * them, connections that never speak (each is dropped after a second, but
 * an attacker opens the next at once) would leave none for a reload. */
#define OFG_FD_RESERVE 32

/* After accept() fails for want of descriptors or memory, the listeners
 * rest this long: the connection stays pending, so waiting on the listener
 * would wake the main loop at once, and it would spin. */
#define OFG_ACCEPT_BACKOFF_MS 250

static long long int accept_resume_at;  /* No accept() before (msec). */
static struct vlog_rate_limit accept_rl = VLOG_RATE_LIMIT_INIT(12, 5);

/* Set from the SIGHUP handler, polled by the main loop. */
static struct latch reload_latch;

static bool exiting;

/* A "flows" command waiting for its switches' answers. */
struct flows_request {
    struct unixctl_conn *conn;
    struct ds reply;
    size_t n_pending;
    bool failed;
};

static void parse_options(int argc, char *argv[], struct svec *listens,
                          struct svec *connects);
static const char *parse_listen(const char *);
static const char *parse_connect(const char *);
static int parse_probe_interval(const char *);
static int parse_int_option(const char *option, const char *arg, int min,
                            int max, const char *unit);
static void usage(void) OVS_NO_RETURN;
static int check_main(const char *file);
static int graph_main(const char *file);
static int compile_main(const char *file, const char *switch_name,
                        int argc, char *argv[]);
static void watch_config(void);
static char *reload(void) OVS_WARN_UNUSED_RESULT;
static void daemon_main(const char *file, const struct svec *listens,
                        const struct svec *connects);
static void install_signal_handlers(void);
static void start_identity(void);
static struct unixctl_server *start_unixctl(void);
static void open_switches(const struct svec *listens,
                          const struct svec *connects);
static void raise_fd_limit(void);
static size_t max_switches(void);
static void accept_switches(void);
static void accept_wait(void);
static void run_switches(void);
static void close_switches(void);
static void run_ha(void);
static const struct ofg_container *find_by_cookie(uint64_t cookie);
static void clear_cookie_index(void);
static void container_violations(const struct ofg_container *,
                                 unsigned long long int *count,
                                 long long int *last);
static void add_switch(struct ofg_sw *);
static void sighup_handler(int signr);
static unixctl_cb_func ofguard_exit;
static unixctl_cb_func ofguard_reload;
static unixctl_cb_func ofguard_status;
static unixctl_cb_func ofguard_audit;
static unixctl_cb_func ofguard_violations;
static unixctl_cb_func ofguard_flows;
static unixctl_cb_func ofguard_metrics;
static void format_metrics(struct ds *);
static void run_metrics_file(void);
static void metrics_file_wait(void);
static int write_file_atomically(const char *file_name, const char *data,
                                 size_t size);
static unixctl_cb_func ofguard_graph;

/* Modes other than the daemon. */
static enum {
    MODE_DAEMON, MODE_CHECK, MODE_COMPILE, MODE_GRAPH, MODE_GEN_MAC,
    MODE_IMPORT_LXC
} mode = MODE_DAEMON;
static const char *mac_prefix;
static const char *compile_switch;
static const char *unixctl_path;

/* Seconds of silence after which a switch is probed ("--probe-interval"). */
static int probe_interval = OFG_SW_PROBE_INTERVAL;

/* Seconds between audits of a switch's flows ("--audit-interval"). */
static int audit_interval = OFG_SW_AUDIT_INTERVAL;

/* Violation counters ("--violation-interval") and samples
 * ("--sample-rate"). */
static int violation_interval = OFG_SW_VIOLATION_INTERVAL;
static int sample_rate = OFG_SW_SAMPLE_RATE;
static int quarantine_rate = OFG_SW_QUARANTINE_RATE;
static int quarantine_time = OFG_SW_QUARANTINE_TIME;

/* High availability ("--ha-lock"): NULL when this is the only instance.
 * 'role' and 'generation' are what every switch is told. */
/* The default switch database ("--ovsdb"), for the containers selected by
 * identity. */
static const char *ovsdb_remote;

static const char *ha_remote;
static const char *ha_lock_name = "ofguard";
static struct ofg_ha *ha;
static enum ofg_sw_role role = OFG_SW_EQUAL;
static uint64_t generation;

int
main(int argc, char *argv[])
{
    struct svec listens = SVEC_EMPTY_INITIALIZER;
    struct svec connects = SVEC_EMPTY_INITIALIZER;

    /* Not set_program_name(), which would make "ovs-appctl version" report
     * OVS's version as ofguard's. */
    ovs_set_program_name(argv[0], OFGUARD_VERSION);
    service_start(&argc, &argv);
    parse_options(argc, argv, &listens, &connects);
    argc -= optind;
    argv += optind;

    if (mode == MODE_CHECK) {
        if (argc != 1) {
            ovs_fatal(0, "--check takes exactly one config file "
                      "(use --help for help)");
        }
        return check_main(argv[0]);
    } else if (mode == MODE_GRAPH) {
        if (argc != 1) {
            ovs_fatal(0, "--graph takes exactly one config file "
                      "(use --help for help)");
        }
        return graph_main(argv[0]);
    } else if (mode == MODE_COMPILE) {
        if (argc < 1) {
            ovs_fatal(0, "--compile needs a config file "
                      "(use --help for help)");
        }
        return compile_main(argv[0], compile_switch, argc - 1, argv + 1);
    } else if (mode == MODE_GEN_MAC) {
        if (argc < 1 || argc > 2) {
            ovs_fatal(0, "--gen-mac takes an IPv4 address or a name, and "
                      "optionally a config (use --help for help)");
        }
        return ofg_mac_main(mac_prefix, argv[0], argc > 1 ? argv[1] : NULL);
    } else if (mode == MODE_IMPORT_LXC) {
        if (argc != 1) {
            ovs_fatal(0, "--import-lxc takes exactly one directory, "
                      "e.g. /var/lib/lxc (use --help for help)");
        }
        return ofg_import_lxc_main(argv[0]);
    }

    if (argc != 1) {
        ovs_fatal(0, "exactly one config file argument is required "
                  "(use --help for help)");
    }
    daemon_main(argv[0], &listens, &connects);
    svec_destroy(&listens);
    svec_destroy(&connects);
    service_stop();
    return 0;
}

/* Runs the daemon with configuration file 'file' until it is told to exit,
 * listening on 'listens' and dialing 'connects'. */
static void
daemon_main(const char *file, const struct svec *listens,
            const struct svec *connects)
{
    /* A daemon's working directory becomes "/" (unless --no-chdir), where
     * a relative name would no longer find the file to reload. */
    config_file = get_detach() ? abs_file_name(NULL, file) : xstrdup(file);
    if (!config_file) {
        ovs_fatal(errno, "%s: cannot make the name absolute", file);
    }

    /* A bad config at startup is fatal: there is no running policy to keep,
     * and starting without one would look like protection but be none. */
    char *error = ofg_config_read(config_file, &config);
    if (error) {
        fputs(error, stderr);
        free(error);
        fprintf(stderr, "%s: %s: invalid configuration, not starting\n",
                program_name, config_file);
        exit(OFG_EXIT_CONFIG);
    }
    start_time = config_time = time_wall_msec();

    install_signal_handlers();
    raise_fd_limit();
    daemonize_start(false);
    watch_config();
    struct unixctl_server *unixctl = start_unixctl();
    if (ha_remote) {
        /* Secondary until the lock says otherwise. */
        ha = ofg_ha_create(ha_remote, ha_lock_name);
        role = OFG_SW_SECONDARY;
    }
    start_identity();
    open_switches(listens, connects);
    daemonize_complete();
    VLOG_INFO("ofguard %s started with %s: %"PRIuSIZE" containers",
              OFGUARD_VERSION, config_file, config->n_containers);

    while (!exiting) {
        accept_switches();
        if (latch_poll(&reload_latch)) {
            free(reload());
        }
        run_ha();
        ofg_identity_run(switches, n_switches);
        run_switches();
        unixctl_server_run(unixctl);
        if (exiting) {
            break;
        }
        run_metrics_file();

        accept_wait();
        for (size_t i = 0; i < n_switches; i++) {
            ofg_sw_wait(switches[i]);
        }
        if (ha) {
            ofg_ha_wait(ha);
        }
        ofg_identity_wait();
        latch_wait(&reload_latch);
        unixctl_server_wait(unixctl);
        metrics_file_wait();
        poll_block();
    }

    /* Leaving does not touch the switches' flows: with fail-mode=secure
     * they stay in force until ofguard comes back. */
    close_switches();
    ofg_identity_destroy();
    ofg_ha_destroy(ha);
    unixctl_server_destroy(unixctl);
    clear_cookie_index();
    ofg_config_destroy(config);
    ofg_config_watch_destroy(config_watch);
    free(config_file);
    free(metrics_file);
    latch_destroy(&reload_latch);
}

/* Containers selected by identity are found in the switch's OVSDB: by
 * default, the local one, beside which ofguard usually runs. */
static void
start_identity(void)
{
    char *local = xasprintf("unix:%s/db.sock", ovs_rundir());
    ofg_identity_init(ovsdb_remote ? ovsdb_remote : local, ovsdb_remote);
    free(local);
    ofg_identity_set_config(config);
}

static void
install_signal_handlers(void)
{
    /* A switch that resets its connection makes the next write fail with
     * EPIPE, which must be an error on that connection, not SIGPIPE. */
    fatal_ignore_sigpipe();

    /* OVS makes SIGHUP fatal; ofguard wants it to mean "reload", so it
     * installs its own handler after OVS's. */
    fatal_signal_init();
    latch_init(&reload_latch);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = sighup_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    xsigaction(SIGHUP, &sa, NULL);
}

static struct unixctl_server *
start_unixctl(void)
{
    struct unixctl_server *unixctl;
    if (unixctl_server_create(unixctl_path, &unixctl)) {
        exit(EXIT_FAILURE);
    }
    unixctl_command_register("exit", "", 0, 0, ofguard_exit, NULL);
    unixctl_command_register("reload", "", 0, 0, ofguard_reload, NULL);
    unixctl_command_register("status", "", 0, 0, ofguard_status, NULL);
    unixctl_command_register("audit", "", 0, 0, ofguard_audit, NULL);
    unixctl_command_register("violations", "[CONTAINER]", 0, 1,
                             ofguard_violations, NULL);
    unixctl_command_register("flows", "CONTAINER", 1, 1, ofguard_flows,
                             NULL);
    unixctl_command_register("metrics", "", 0, 0, ofguard_metrics, NULL);
    unixctl_command_register("graph", "", 0, 0, ofguard_graph, NULL);
    return unixctl;
}

/* Opens the listeners in 'listens' (ptcp:6653 if there are none and no
 * 'connects' either) and a switch connection for each of 'connects'. */
static void
open_switches(const struct svec *listens, const struct svec *connects)
{
    static const char *const default_listen[] = { "ptcp:6653" };
    const char *const *names = (const char *const *) listens->names;
    size_t n = listens->n;
    if (!listens->n && !connects->n) {
        names = default_listen;
        n = 1;
    }

    listeners = xcalloc(n, sizeof *listeners);
    for (size_t i = 0; i < n; i++) {
        struct pvconn *pvconn;
        int retval = pvconn_open(names[i], 1u << OFP13_VERSION, 0, &pvconn);
        if (retval) {
            ovs_fatal(retval, "%s: listen failed", names[i]);
        }
        VLOG_INFO("listening on %s", pvconn_get_name(pvconn));
        listeners[n_listeners++] = pvconn;
    }
    for (size_t i = 0; i < connects->n; i++) {
        add_switch(ofg_sw_create_active(connects->names[i], config,
                                        probe_interval));
    }
}

/* Switch connections are one descriptor each: a soft limit below the hard
 * one (1,024 by default under systemd) would hold ofguard to fewer switches
 * than the host allows. */
static void
raise_fd_limit(void)
{
    struct rlimit r;
    if (!getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &r)) {
            VLOG_WARN("cannot raise the limit of open files to %llu (%s)",
                      (unsigned long long int) r.rlim_max,
                      ovs_strerror(errno));
        }
    }
}

/* How many switch connections the limit of open files allows, keeping
 * OFG_FD_RESERVE descriptors (at most half of them) for everything else. */
static size_t
max_switches(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) || r.rlim_cur == RLIM_INFINITY
        || r.rlim_cur > SIZE_MAX) {
        return SIZE_MAX;
    }
    size_t limit = r.rlim_cur;
    return limit - MIN(OFG_FD_RESERVE, limit / 2);
}

static void
accept_switches(void)
{
    if (time_msec() < accept_resume_at) {
        return;
    }
    size_t max = max_switches();
    for (size_t i = 0; i < n_listeners; i++) {
        /* Several per iteration: OVS listens with a backlog of 10, and
         * hundreds of switches reconnecting at once (after a restart of
         * ofguard) would otherwise overflow it.  Bounded, so that a flood
         * of connections cannot starve the switches. */
        for (int j = 0; j < 64; j++) {
            if (n_switches >= max) {
                VLOG_WARN_RL(&accept_rl, "%"PRIuSIZE" switch connections, "
                             "as many as the limit of open files allows: "
                             "accepting no more until one closes",
                             n_switches);
                return;
            }
            struct vconn *vconn;
            int retval = pvconn_accept(listeners[i], &vconn);
            if (retval) {
                if (retval == EMFILE || retval == ENFILE
                    || retval == ENOBUFS || retval == ENOMEM) {
                    VLOG_WARN_RL(&accept_rl, "%s: accept failed (%s), "
                                 "not accepting for %d ms",
                                 pvconn_get_name(listeners[i]),
                                 ovs_strerror(retval),
                                 OFG_ACCEPT_BACKOFF_MS);
                    accept_resume_at = time_msec() + OFG_ACCEPT_BACKOFF_MS;
                    return;
                } else if (retval != EAGAIN) {
                    VLOG_WARN_RL(&accept_rl, "%s: accept failed (%s)",
                                 pvconn_get_name(listeners[i]),
                                 ovs_strerror(retval));
                }
                break;
            }
            /* For pssl: the TLS handshake is still to come, so this is not
             * yet a switch ofguard trusts. */
            VLOG_INFO("%s: connection accepted", vconn_get_name(vconn));
            add_switch(ofg_sw_create_passive(vconn, config, probe_interval));
        }
    }
}

/* Wakes the main loop for a connection to accept, unless accept_switches()
 * would not take it now.  At the limit of switches, a switch going away
 * wakes the loop anyway. */
static void
accept_wait(void)
{
    if (time_msec() < accept_resume_at) {
        poll_timer_wait_until(accept_resume_at);
    } else if (n_switches < max_switches()) {
        for (size_t i = 0; i < n_listeners; i++) {
            pvconn_wait(listeners[i]);
        }
    }
}

/* Runs every switch connection and forgets those that are gone. */
static void
run_switches(void)
{
    for (size_t i = 0; i < n_switches; ) {
        ofg_sw_run(switches[i]);
        if (!ofg_sw_is_alive(switches[i])) {
            struct ofg_sw_stats stats;
            ofg_sw_get_stats(switches[i], &stats);
            ofg_metrics_add_counters(&closed_counters, &stats.counters);
            ofg_sw_destroy(switches[i]);
            switches[i] = switches[--n_switches];
        } else {
            i++;
        }
    }
}

/* Follows the lock: every switch gets the new role (a new generation is a
 * new claim). */
static void
run_ha(void)
{
    if (!ha) {
        return;
    }
    ofg_ha_run(ha);
    if (role == OFG_SW_PRIMARY) {
        for (size_t i = 0; i < n_switches; i++) {
            uint64_t switch_gen;
            if (ofg_sw_primary_refused(switches[i], &switch_gen)) {
                ofg_ha_raise_past(ha, switch_gen);
            }
        }
    }
    uint64_t gen = 0;
    enum ofg_sw_role new_role = (ofg_ha_is_primary(ha, &gen)
                                 ? OFG_SW_PRIMARY : OFG_SW_SECONDARY);
    if (new_role != role || gen != generation) {
        role = new_role;
        generation = gen;
        for (size_t i = 0; i < n_switches; i++) {
            ofg_sw_set_role(switches[i], role, generation);
        }
    }
}

static void
close_switches(void)
{
    for (size_t i = 0; i < n_switches; i++) {
        ofg_sw_destroy(switches[i]);
    }
    free(switches);
    for (size_t i = 0; i < n_listeners; i++) {
        pvconn_close(listeners[i]);
    }
    free(listeners);
}

static void
add_switch(struct ofg_sw *sw)
{
    if (n_switches >= allocated_switches) {
        switches = x2nrealloc(switches, &allocated_switches,
                              sizeof *switches);
    }
    switches[n_switches++] = sw;
    ofg_sw_set_audit_interval(sw, audit_interval);
    ofg_sw_set_violation_options(sw, violation_interval, sample_rate);
    ofg_sw_set_quarantine(sw, quarantine_rate, quarantine_time);
    ofg_sw_set_role(sw, role, generation);
}

/* Starts watching the configuration's drop-ins, then reads the files
 * again, so that the watch misses nothing.  This runs in the daemon
 * itself, after daemonize_start(): a daemon that --monitor restarts after a
 * crash starts from there with the configuration read at the first start,
 * and the files may have changed since (the crashed daemon had read the
 * events about them).  Only the changed files are parsed. */
static void
watch_config(void)
{
    config_watch = ofg_config_watch_create();
    struct ofg_config *new_config;
    char *error = ofg_config_reload(config_file, config, config_watch,
                                    &new_config);
    if (error) {
        VLOG_ERR("%s: invalid now, keeping the configuration read at "
                 "start:\n%s", config_file, error);
        free(error);
        return;
    }
    if (new_config->n_parsed) {
        VLOG_INFO("%s: %"PRIuSIZE" files changed since start", config_file,
                  new_config->n_parsed);
    }
    ofg_config_destroy(config);
    config = new_config;
}

/* Reads the config file again.  Returns NULL on success; otherwise the
 * errors (which the caller must free), with the running policy untouched. */
static char *
reload(void)
{
    /* Whatever the outcome, the metrics file shows it at once. */
    metrics_file_at = 0;

    struct ofg_config *new_config;
    char *error = ofg_config_reload(config_file, config, config_watch,
                                    &new_config);
    if (error) {
        VLOG_ERR("%s: reload refused, keeping the running policy:\n%s",
                 config_file, error);
        n_reload_failures++;
        last_reload_ok = false;
        return error;
    }
    n_reloads++;
    last_reload_ok = true;
    config_time = time_wall_msec();

    for (size_t i = 0; i < n_switches; i++) {
        ofg_sw_set_config(switches[i], new_config);
    }
    ofg_identity_set_config(new_config);
    ofg_config_destroy(config);
    config = new_config;
    /* Also when the new config has the old one's address. */
    clear_cookie_index();
    VLOG_INFO("%s: reloaded, %"PRIuSIZE" containers from %"PRIuSIZE
              " files, %"PRIuSIZE" of them changed", config_file,
              config->n_containers, config->n_parts, config->n_parsed);
    return NULL;
}

static void
sighup_handler(int signr OVS_UNUSED)
{
    /* latch_set() only writes to a pipe, which is async-signal-safe. */
    latch_set(&reload_latch);
}

static void
ofguard_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
             const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    exiting = true;
    unixctl_command_reply(conn, NULL);
}

static void
ofguard_reload(struct unixctl_conn *conn, int argc OVS_UNUSED,
               const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    char *error = reload();
    if (error) {
        struct ds s = DS_EMPTY_INITIALIZER;
        ds_put_format(&s, "reload refused, running policy kept:\n%s", error);
        ds_chomp(&s, '\n');
        unixctl_command_reply_error(conn, ds_cstr(&s));
        ds_destroy(&s);
        free(error);
    } else {
        struct ds s = DS_EMPTY_INITIALIZER;
        ds_put_format(&s, "reloaded %s: %"PRIuSIZE" containers from "
                      "%"PRIuSIZE" files, %"PRIuSIZE" changed", config_file,
                      config->n_containers, config->n_parts,
                      config->n_parsed);
        unixctl_command_reply(conn, ds_cstr(&s));
        ds_destroy(&s);
    }
}

static void
ofguard_status(struct unixctl_conn *conn, int argc OVS_UNUSED,
               const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "config %s: %"PRIuSIZE" containers, %"PRIuSIZE
                  " networks\n", config_file, config->n_containers,
                  config->n_networks);
    if (ha) {
        ofg_ha_format_status(ha, &s);
        ds_put_char(&s, '\n');
    }
    for (size_t i = 0; i < n_listeners; i++) {
        ds_put_format(&s, "listening on %s\n",
                      pvconn_get_name(listeners[i]));
    }
    for (size_t i = 0; i < n_switches; i++) {
        ofg_sw_format_status(switches[i], &s);
        ds_put_char(&s, '\n');
    }
    ds_chomp(&s, '\n');
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
put_wall_time(struct ds *s, const char *key, long long int msec)
{
    ds_put_format(s, " %s=", key);
    ds_put_strftime_msec(s, "%Y-%m-%dT%H:%M:%S.###Z", msec, true);
}

/* One line per container, class and switch with a nonzero counter: the
 * count, when it first and last grew. */
static void
ofguard_violations(struct unixctl_conn *conn, int argc, const char *argv[],
                   void *aux OVS_UNUSED)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    if (only && !ofg_config_find_container(config, only)) {
        unixctl_command_reply_error(conn, "no such container");
        return;
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n_switches; i++) {
        const struct ofg_violations *v = ofg_sw_violations(switches[i]);
        const struct ofg_violation_counter *c;
        HMAP_FOR_EACH (c, node, &v->counters) {
            const struct ofg_container *ct = find_by_cookie(c->cookie);
            if (only && (!ct || strcmp(ct->name, only))) {
                continue;
            }
            ds_put_format(&s, "%s %s %"PRIu64" switch=%s",
                          ct ? ct->name : "-", ofg_violation_name(c->class),
                          ofg_violation_counter_total(c),
                          ofg_sw_get_name(switches[i]));
            put_wall_time(&s, "first", c->first_seen);
            put_wall_time(&s, "last", c->last_grew);
            ds_put_char(&s, '\n');
        }
    }
    ds_chomp(&s, '\n');
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* The violations of container 'c' on every switch, and the last time
 * their count grew. */
static void
container_violations(const struct ofg_container *c,
                     unsigned long long int *count, long long int *last)
{
    uint64_t cookie = ofg_flows_container_cookie(c);
    *count = 0;
    *last = 0;
    for (size_t i = 0; i < n_switches; i++) {
        const struct ofg_violation_counter *vc;
        HMAP_FOR_EACH (vc, node, &ofg_sw_violations(switches[i])->counters) {
            if (vc->cookie == cookie) {
                *count += ofg_violation_counter_total(vc);
                *last = MAX(*last, vc->last_grew);
            }
        }
    }
}

/* Containers by the cookie of their flows, for 'cookie_index_config':
 * violation counters name containers by cookie, and there may be a
 * counter for each container and class. */
struct cookie_entry {
    struct hmap_node node;
    const struct ofg_container *container;
};
static struct hmap cookie_index = HMAP_INITIALIZER(&cookie_index);
static const struct ofg_config *cookie_index_config;

static void
clear_cookie_index(void)
{
    struct cookie_entry *e;
    HMAP_FOR_EACH_POP (e, node, &cookie_index) {
        free(e);
    }
    cookie_index_config = NULL;
}

/* The container whose flows carry 'cookie', or NULL.  The index is rebuilt
 * when the config has changed (a reload). */
static const struct ofg_container *
find_by_cookie(uint64_t cookie)
{
    struct cookie_entry *e;
    if (cookie_index_config != config) {
        clear_cookie_index();
        for (size_t i = 0; i < config->n_containers; i++) {
            e = xmalloc(sizeof *e);
            e->container = &config->containers[i];
            hmap_insert(&cookie_index, &e->node, hash_uint64(
                            ofg_flows_container_cookie(e->container)));
        }
        cookie_index_config = config;
    }
    HMAP_FOR_EACH_WITH_HASH (e, node, hash_uint64(cookie), &cookie_index) {
        if (ofg_flows_container_cookie(e->container) == cookie) {
            return e->container;
        }
    }
    return NULL;
}

/* Asks every switch for an audit now; "status" counts them as they end. */
static void
ofguard_audit(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    for (size_t i = 0; i < n_switches; i++) {
        ofg_sw_request_audit(switches[i]);
    }
    char *reply = xasprintf("audit requested on %"PRIuSIZE" switches",
                            n_switches);
    unixctl_command_reply(conn, reply);
    free(reply);
}

static void
flows_request_done(struct flows_request *req)
{
    ds_chomp(&req->reply, '\n');
    if (req->failed) {
        unixctl_command_reply_error(req->conn, ds_cstr(&req->reply));
    } else {
        unixctl_command_reply(req->conn, ds_cstr(&req->reply));
    }
    ds_destroy(&req->reply);
    free(req);
}

static void
flows_request_cb(const char *switch_name, const char *flows,
                 const char *error, void *req_)
{
    struct flows_request *req = req_;
    ds_put_format(&req->reply, "switch %s:\n", switch_name);
    if (error) {
        ds_put_format(&req->reply, " error: %s\n", error);
        req->failed = true;
    } else {
        ds_put_cstr(&req->reply, flows);
    }
    if (!--req->n_pending) {
        flows_request_done(req);
    }
}

static void
ofguard_flows(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[], void *aux OVS_UNUSED)
{
    const char *name = argv[1];
    if (!ofg_config_find_container(config, name)) {
        unixctl_command_reply_error(conn, "no such container in the config");
        return;
    }

    struct flows_request *req = xzalloc(sizeof *req);
    req->conn = conn;
    ds_init(&req->reply);
    /* Counted up front, so that a switch answering at once (it cannot, but
     * a disconnect can call back) does not finish the request early. */
    req->n_pending = 1;
    for (size_t i = 0; i < n_switches; i++) {
        if (ofg_sw_query_flows(switches[i], name, flows_request_cb, req)) {
            req->n_pending++;
        }
    }
    if (req->n_pending == 1) {
        free(req->reply.string);
        free(req);
        unixctl_command_reply_error(conn, "the container is not on any "
                                    "connected switch");
        return;
    }
    if (!--req->n_pending) {
        flows_request_done(req);
    }
}

static void
ofguard_metrics(struct unixctl_conn *conn, int argc OVS_UNUSED,
                const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    format_metrics(&s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* Appends the metrics, in Prometheus' text format, to 's'. */
static void
format_metrics(struct ds *s)
{
    struct ofg_metrics m = {
        .version = OFGUARD_VERSION,
        .ovs_version = VERSION,
        .start_time = start_time,
        .config_file = config_file,
        .config_sha256 = ofg_config_sha256(config),
        .n_containers = config->n_containers,
        .n_networks = config->n_networks,
        .n_config_switches = config->n_switches,
        .n_reloads = n_reloads,
        .n_reload_failures = n_reload_failures,
        .last_reload_ok = last_reload_ok,
        .config_time = config_time,
        .n_switches = n_switches,
        .totals = closed_counters,
    };
    size_t n_v = 0, allocated_v = 0;
    struct ofg_metrics_violation *v = NULL;
    for (size_t i = 0; i < n_switches; i++) {
        const struct ofg_violation_counter *c;
        HMAP_FOR_EACH (c, node, &ofg_sw_violations(switches[i])->counters) {
            const struct ofg_container *ct = find_by_cookie(c->cookie);
            if (n_v >= allocated_v) {
                v = x2nrealloc(v, &allocated_v, sizeof *v);
            }
            v[n_v++] = (struct ofg_metrics_violation) {
                .container = ct ? ct->name : "",
                .class_name = ofg_violation_name(c->class),
                .count = ofg_violation_counter_total(c),
                .last_time = c->last_grew,
            };
        }
    }
    m.violations = v;
    m.n_violations = n_v;
    struct ofg_sw_stats *stats = xmalloc(MAX(n_switches, 1) * sizeof *stats);
    for (size_t i = 0; i < n_switches; i++) {
        ofg_sw_get_stats(switches[i], &stats[i]);
        ofg_metrics_add_counters(&m.totals, &stats[i].counters);
    }
    m.switches = stats;
    ofg_metrics_format(&m, s);
    free(stats);
    free(v);
}

/* Rewrites the metrics file when it is due. */
static void
run_metrics_file(void)
{
    if (!metrics_file || time_msec() < metrics_file_at) {
        return;
    }
    metrics_file_at = time_msec() + metrics_interval * 1000LL;

    struct ds s = DS_EMPTY_INITIALIZER;
    format_metrics(&s);
    int error = write_file_atomically(metrics_file, s.string, s.length);
    if (error) {
        VLOG_WARN_RL(&metrics_rl, "%s: cannot write the metrics (%s), "
                     "trying again in %d s", metrics_file,
                     ovs_strerror(error), metrics_interval);
    }
    ds_destroy(&s);
}

static void
metrics_file_wait(void)
{
    if (metrics_file) {
        poll_timer_wait_until(metrics_file_at);
    }
}

/* Replaces 'file_name' by the 'size' bytes at 'data' so that a reader (node
 * exporter, at any moment) sees either the old contents or the new, never
 * a part: they go to FILE_NAME.tmp in the same directory (the textfile
 * collector reads only "*.prom"), on disk before a rename() puts them in
 * place.  Returns 0 or an errno value. */
static int
write_file_atomically(const char *file_name, const char *data, size_t size)
{
    char *tmp_name = xasprintf("%s.tmp", file_name);
    int error = 0;
    int fd = open(tmp_name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = errno;
    } else {
        size_t written;
        error = write_fully(fd, data, size, &written);
        if (!error && fsync(fd)) {
            error = errno;
        }
        if (close(fd) && !error) {
            error = errno;
        }
        if (!error && rename(tmp_name, file_name)) {
            error = errno;
        }
        if (error) {
            unlink(tmp_name);
        }
    }
    free(tmp_name);
    return error;
}

/* The page of the picture of the boundaries, drawn with what the switches
 * say now: which are connected, and on which each container's port is. */
static void
ofguard_graph(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ofg_graph_live live = {
        .now = time_wall_msec(),
        .switches = xcalloc(n_switches, sizeof *live.switches),
        .n_switches = n_switches,
        .containers = xcalloc(config->n_containers, sizeof *live.containers),
        .n_containers = config->n_containers,
    };
    for (size_t i = 0; i < n_switches; i++) {
        const struct ofg_sw *sw = switches[i];
        live.switches[i] = (struct ofg_graph_switch) {
            .name = ofg_sw_get_name(sw),
            .configured = ofg_sw_is_configured(sw),
            .connected = ofg_sw_is_connected(sw),
            .synced = ofg_sw_is_synced(sw),
            .role = ofg_sw_role_name(sw),
        };
    }
    for (size_t i = 0; i < config->n_containers; i++) {
        struct ofg_graph_container *lc = &live.containers[i];
        lc->name = config->containers[i].name;
        container_violations(&config->containers[i], &lc->violations,
                             &lc->last_violation);
        for (size_t j = 0; j < n_switches && !lc->port_present; j++) {
            if (ofg_sw_has_container(switches[j], lc->name)) {
                lc->switch_name = ofg_sw_get_name(switches[j]);
                lc->port_present = true;
            }
        }
    }

    struct ds page = DS_EMPTY_INITIALIZER;
    ofg_graph_write(config, &live, &page);
    unixctl_command_reply(conn, ds_cstr(&page));
    ds_destroy(&page);
    free(live.switches);
    free(live.containers);
}

static int
check_main(const char *file)
{
    struct ofg_config *cfg;
    char *error = ofg_config_read(file, &cfg);
    if (error) {
        fputs(error, stderr);
        free(error);
        return 1;
    }
    printf("%s: OK: %"PRIuSIZE" networks, %"PRIuSIZE" switches, %"PRIuSIZE
           " containers", file, cfg->n_networks, cfg->n_switches,
           cfg->n_containers);
    if (cfg->n_parts > 1) {
        printf(" from %"PRIuSIZE" files", cfg->n_parts);
    }
    putchar('\n');
    ofg_config_destroy(cfg);
    return 0;
}

/* Prints the picture of the boundaries that 'file' draws, as an HTML page,
 * without live state. */
static int
graph_main(const char *file)
{
    struct ofg_config *cfg;
    char *error = ofg_config_read(file, &cfg);
    if (error) {
        fputs(error, stderr);
        free(error);
        return 1;
    }
    struct ds page = DS_EMPTY_INITIALIZER;
    ofg_graph_write(cfg, NULL, &page);
    fputs(ds_cstr(&page), stdout);
    ds_destroy(&page);
    ofg_config_destroy(cfg);
    if (fflush(stdout) || ferror(stdout)) {
        ovs_fatal(errno, "writing the page failed");
    }
    return 0;
}

/* Prints the flows that 'file' wants on switch 'switch_name' (or on a switch
 * not in the config), in ovs-ofctl add-flows syntax.
 *
 * With no NAME=NUMBER arguments, every port the config names is taken to be
 * present and flows name ports by name, which "ovs-ofctl add-flows BRIDGE"
 * resolves.  With them, only those ports exist and flows use numbers. */
static int
compile_main(const char *file, const char *switch_name, int argc,
             char *argv[])
{
    struct ofg_config *cfg;
    char *error = ofg_config_read(file, &cfg);
    if (error) {
        fputs(error, stderr);
        free(error);
        return 1;
    }

    const struct ofg_switch *sw = NULL;
    if (switch_name) {
        sw = ofg_config_find_switch(cfg, switch_name);
        if (!sw) {
            ovs_fatal(0, "%s: no switch named \"%s\"", file, switch_name);
        }
    } else if (cfg->n_switches == 1) {
        sw = &cfg->switches[0];
    }

    struct simap ports = SIMAP_INITIALIZER(&ports);
    bool by_number = argc > 0;
    for (int i = 0; i < argc; i++) {
        char *name = xstrdup(argv[i]);
        char *eq = strchr(name, '=');
        unsigned int number;
        if (!eq || eq == name || !str_to_uint(eq + 1, 10, &number)
            || !number || number >= ofp_to_u16(OFPP_MAX)) {
            ovs_fatal(0, "\"%s\": expected PORT=NUMBER with NUMBER from 1 "
                      "to %d", argv[i], ofp_to_u16(OFPP_MAX) - 1);
        }
        *eq = '\0';
        simap_put(&ports, name, number);
        free(name);
    }
    if (!by_number) {
        unsigned int next = 1;
        for (size_t i = 0; i < cfg->n_containers; i++) {
            const struct ofg_container *c = &cfg->containers[i];
            if (c->port && !simap_contains(&ports, c->port)) {
                simap_put(&ports, c->port, next++);
            }
        }
        for (size_t i = 0; sw && i < sw->n_trusted_ports; i++) {
            const char *name = sw->trusted_ports[i];
            if (strcmp(name, "LOCAL") && !simap_contains(&ports, name)) {
                simap_put(&ports, name, next++);
            }
        }
    }

    struct ofg_flow_table flows;
    ofg_flow_table_init(&flows);
    ofg_flows_compile(cfg, sw, &ports, &flows);
    size_t n_by_id = 0;
    for (size_t i = 0; i < cfg->n_containers; i++) {
        n_by_id += cfg->containers[i].n_ids > 0;
    }
    if (n_by_id) {
        fprintf(stderr, "%s: %"PRIuSIZE" containers selected by identity "
                "(iface_id, external_ids) left out: only the switch's OVSDB "
                "knows their ports\n", file, n_by_id);
    }

    /* Port names in the output unless numbers were given. */
    struct ofputil_port_map map = OFPUTIL_PORT_MAP_INITIALIZER(&map);
    struct simap_node *node;
    SIMAP_FOR_EACH (node, &ports) {
        ofputil_port_map_put(&map, u16_to_ofp(node->data), node->name);
    }

    /* Sorted output, so that a review or a diff of two runs is readable. */
    struct svec lines = SVEC_EMPTY_INITIALIZER;
    const struct ofg_flow *flow;
    HMAP_FOR_EACH (flow, node, &flows.flows) {
        struct ds s = DS_EMPTY_INITIALIZER;
        ofg_flow_format(flow, by_number ? NULL : &map, &s);
        svec_add_nocopy(&lines, ds_steal_cstr(&s));
    }
    svec_sort(&lines);
    for (size_t i = 0; i < lines.n; i++) {
        puts(lines.names[i]);
    }
    svec_destroy(&lines);
    ofg_flow_table_destroy(&flows);
    ofputil_port_map_destroy(&map);
    simap_destroy(&ports);
    ofg_config_destroy(cfg);
    return 0;
}

static void
parse_options(int argc, char *argv[], struct svec *listens,
              struct svec *connects)
{
    enum {
        OPT_LISTEN = UCHAR_MAX + 1,
        OPT_CONNECT,
        OPT_CHECK,
        OPT_COMPILE,
        OPT_GRAPH,
        OPT_SWITCH,
        OPT_UNIXCTL,
        OPT_PROBE_INTERVAL,
        OPT_AUDIT_INTERVAL,
        OPT_HA_LOCK,
        OPT_VIOLATION_INTERVAL,
        OPT_SAMPLE_RATE,
        OPT_HA_LOCK_NAME,
        OPT_METRICS_FILE,
        OPT_METRICS_INTERVAL,
        OPT_VIOLATION_LOG,
        OPT_OVSDB,
        OPT_QUARANTINE_RATE,
        OPT_QUARANTINE_TIME,
        OPT_GEN_MAC,
        OPT_MAC_PREFIX,
        OPT_IMPORT_LXC,
        DAEMON_OPTION_ENUMS,
        VLOG_OPTION_ENUMS,
        SSL_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"connect", required_argument, NULL, OPT_CONNECT},
        {"check", no_argument, NULL, OPT_CHECK},
        {"compile", no_argument, NULL, OPT_COMPILE},
        {"graph", no_argument, NULL, OPT_GRAPH},
        {"switch", required_argument, NULL, OPT_SWITCH},
        {"gen-mac", no_argument, NULL, OPT_GEN_MAC},
        {"mac-prefix", required_argument, NULL, OPT_MAC_PREFIX},
        {"import-lxc", no_argument, NULL, OPT_IMPORT_LXC},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"probe-interval", required_argument, NULL, OPT_PROBE_INTERVAL},
        {"audit-interval", required_argument, NULL, OPT_AUDIT_INTERVAL},
        {"ha-lock", required_argument, NULL, OPT_HA_LOCK},
        {"violation-interval", required_argument, NULL,
         OPT_VIOLATION_INTERVAL},
        {"sample-rate", required_argument, NULL, OPT_SAMPLE_RATE},
        {"violation-log", required_argument, NULL, OPT_VIOLATION_LOG},
        {"ovsdb", required_argument, NULL, OPT_OVSDB},
        {"quarantine-rate", required_argument, NULL, OPT_QUARANTINE_RATE},
        {"quarantine-time", required_argument, NULL, OPT_QUARANTINE_TIME},
        {"ha-lock-name", required_argument, NULL, OPT_HA_LOCK_NAME},
        {"metrics-file", required_argument, NULL, OPT_METRICS_FILE},
        {"metrics-interval", required_argument, NULL, OPT_METRICS_INTERVAL},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        DAEMON_LONG_OPTIONS,
        VLOG_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        switch (c) {
        case OPT_LISTEN:
            svec_add(listens, parse_listen(optarg));
            break;

        case OPT_CONNECT:
            svec_add(connects, parse_connect(optarg));
            break;

        case OPT_CHECK:
            mode = MODE_CHECK;
            break;

        case OPT_COMPILE:
            mode = MODE_COMPILE;
            break;

        case OPT_GRAPH:
            mode = MODE_GRAPH;
            break;

        case OPT_SWITCH:
            compile_switch = optarg;
            break;

        case OPT_GEN_MAC:
            mode = MODE_GEN_MAC;
            break;

        case OPT_MAC_PREFIX:
            mac_prefix = optarg;
            break;

        case OPT_IMPORT_LXC:
            mode = MODE_IMPORT_LXC;
            break;

        case OPT_UNIXCTL:
            unixctl_path = optarg;
            break;

        case OPT_PROBE_INTERVAL:
            probe_interval = parse_probe_interval(optarg);
            break;

        case OPT_HA_LOCK:
            ha_remote = optarg;
            break;

        case OPT_VIOLATION_INTERVAL:
            violation_interval = parse_int_option("violation-interval",
                                                  optarg, 0, 3600,
                                                  "seconds (0: never)");
            break;

        case OPT_SAMPLE_RATE:
            sample_rate = parse_int_option("sample-rate", optarg, 1, 10000,
                                           "frames per second");
            break;

        case OPT_QUARANTINE_RATE:
            quarantine_rate = parse_int_option("quarantine-rate", optarg, 0,
                                               10000000,
                                               "forged frames a second "
                                               "(0: never)");
            break;

        case OPT_QUARANTINE_TIME:
            quarantine_time = parse_int_option("quarantine-time", optarg, 1,
                                               86400, "seconds");
            break;

        case OPT_OVSDB:
            if (strncmp(optarg, "unix:", 5) && strncmp(optarg, "tcp:", 4)
                && strncmp(optarg, "ssl:", 4)) {
                ovs_fatal(0, "--ovsdb=%s: expected unix:FILE, tcp:IP[:PORT] "
                          "or ssl:IP[:PORT]", optarg);
            }
            ovsdb_remote = optarg;
            break;

        case OPT_VIOLATION_LOG:
            if (!strcmp(optarg, "json") || !strcmp(optarg, "kv")) {
                ofg_violations_set_json(!strcmp(optarg, "json"));
            } else {
                ovs_fatal(0, "--violation-log=%s: expected \"kv\" "
                          "(key=value) or \"json\"", optarg);
            }
            break;

        case OPT_HA_LOCK_NAME:
            if (!optarg[0] || strspn(optarg, "abcdefghijklmnopqrstuvwxyz"
                                     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                     "_-") != strlen(optarg)) {
                ovs_fatal(0, "--ha-lock-name=%s: expected letters, digits, "
                          "'_' and '-'", optarg);
            }
            ha_lock_name = optarg;
            break;

        case OPT_AUDIT_INTERVAL:
            audit_interval = parse_int_option("audit-interval", optarg, 0,
                                              86400, "seconds (0: never)");
            break;

        case OPT_METRICS_FILE:
            /* Absolute: --detach changes the working directory. */
            free(metrics_file);
            metrics_file = abs_file_name(NULL, optarg);
            if (!metrics_file) {
                ovs_fatal(errno, "--metrics-file=%s", optarg);
            }
            break;

        case OPT_METRICS_INTERVAL:
            metrics_interval = parse_int_option("metrics-interval", optarg, 1,
                                                86400, "seconds");
            break;

        case 'h':
            usage();

        case 'V':
            printf("ofguard %s (Open vSwitch library %s)\n", OFGUARD_VERSION,
                   VERSION);
            exit(EXIT_SUCCESS);

        /* VLOG_OPTION_HANDLERS, but with the log file's name made absolute:
         * "vlog/reopen" (logrotate) opens it again by name, after --detach
         * made "/" the working directory. */
        case 'v':
            vlog_set_verbosity(optarg);
            break;

        case OPT_LOG_FILE: {
            char *log_file = optarg ? abs_file_name(NULL, optarg) : NULL;
            if (optarg && !log_file) {
                ovs_fatal(errno, "--log-file=%s", optarg);
            }
            int error = vlog_set_log_file(log_file);
            free(log_file);
            if (error && optarg) {
                exit(EXIT_FAILURE);
            }
            break;
        }

        case OPT_SYSLOG_IMPL:
            vlog_set_syslog_method(optarg);
            break;

        case OPT_SYSLOG_TARGET:
            vlog_set_syslog_target(optarg);
            break;

        DAEMON_OPTION_HANDLERS
        STREAM_SSL_OPTION_HANDLERS

        case '?':
            exit(EXIT_FAILURE);

        default:
            abort();
        }
    }
    free(short_options);
}

/* Returns 'arg', the argument of --listen, or exits with an error. */
static const char *
parse_listen(const char *arg)
{
    if ((strncmp(arg, "ptcp:", 5) && strncmp(arg, "pssl:", 5)
         && strncmp(arg, "punix:", 6))
        || pvconn_verify_name(arg)) {
        ovs_fatal(0, "--listen=%s: expected ptcp:[PORT][:IP], "
                  "pssl:[PORT][:IP] or punix:FILE", arg);
    }
    return arg;
}

/* Returns 'arg', the argument of --connect, or exits with an error. */
static const char *
parse_connect(const char *arg)
{
    if ((strncmp(arg, "tcp:", 4) && strncmp(arg, "ssl:", 4)
         && strncmp(arg, "unix:", 5))
        || vconn_verify_name(arg)) {
        ovs_fatal(0, "--connect=%s: expected tcp:IP[:PORT], "
                  "ssl:IP[:PORT] or unix:FILE", arg);
    }
    return arg;
}

/* Parses the argument 'arg' of --'option', an integer from 'min' to 'max'
 * counting 'unit', or exits with an error that says so. */
static int
parse_int_option(const char *option, const char *arg, int min, int max,
                 const char *unit)
{
    int value;
    if (!str_to_int(arg, 10, &value) || value < min || value > max) {
        ovs_fatal(0, "--%s=%s: expected %d to %d %s", option, arg, min, max,
                  unit);
    }
    return value;
}

/* Parses the argument of --probe-interval: 0 (off), or at least 5 seconds,
 * rconn's minimum. */
static int
parse_probe_interval(const char *arg)
{
    int secs;
    if (!str_to_int(arg, 10, &secs) || secs < 0 || (secs > 0 && secs < 5)) {
        ovs_fatal(0, "--probe-interval=%s: expected 0 (off) or a number of "
                  "seconds, at least 5", arg);
    }
    return secs;
}

static void
usage(void)
{
    printf("%s: OpenFlow 1.3 anti-spoofing controller for Open vSwitch\n"
           "usage: %s [OPTIONS] CONFIG\n"
           "       %s --check CONFIG\n"
           "       %s --compile [--switch=NAME] CONFIG [PORT=NUMBER]...\n"
           "       %s --graph CONFIG > boundaries.html\n"
           "       %s --gen-mac [--mac-prefix=02:00] IPV4|NAME [CONFIG]\n"
           "       %s --import-lxc DIR > containers.json\n"
           "CONFIG is a JSON file, or a directory of ofguard.json and\n"
           "containers.d/*.json (drop-in files of containers).\n"
           "\nSwitch connections (repeatable; default --listen=ptcp:6653):\n"
           "  --listen=ptcp:[PORT][:IP] | pssl:[PORT][:IP] | punix:FILE\n"
           "                          accept switches (set-controller)\n"
           "  --connect=tcp:IP[:PORT] | ssl:IP[:PORT] | unix:FILE\n"
           "                          dial a switch (e.g. its br0.mgmt)\n"
           "  --probe-interval=SECS   probe a silent switch after SECS\n"
           "                          (default %d, 0 = never)\n"
           "  --audit-interval=SECS   read back each switch's flows every\n"
           "                          SECS to find changes by others\n"
           "                          (default %d, 0 = never)\n"
           "  --violation-interval=SECS  read violation counters every\n"
           "                          SECS (default %d, 0 = never)\n"
           "  --sample-rate=N         dropped frames a switch sends to be\n"
           "                          logged, per second (default %d)\n"
           "  --quarantine-rate=N     drop the whole port of a container\n"
           "                          that sends N forged frames a second\n"
           "                          or more (default %d, 0 = never)...\n"
           "  --quarantine-time=SECS  ...until SECS after the flood stops\n"
           "                          (default %d)\n"
           "  --violation-log=kv|json log each violation as key=value\n"
           "                          pairs (default) or a JSON object\n"
           "\nContainers selected by identity (iface_id, external_ids):\n"
           "  --ovsdb=unix:FILE | tcp:IP:PORT | ssl:IP:PORT\n"
           "                          the switches' OVSDB, unless the\n"
           "                          config names one per switch (default\n"
           "                          unix:%s/db.sock)\n"
           "\nHigh availability (several instances, one writes):\n"
           "  --ha-lock=unix:FILE | tcp:IP:PORT | ssl:IP:PORT\n"
           "                          ovsdb-server whose lock picks the\n"
           "                          primary (Open_vSwitch schema)\n"
           "  --ha-lock-name=NAME     the lock's name (default ofguard)\n"
           "\nMetrics (Prometheus text format, also ovs-appctl metrics):\n"
           "  --metrics-file=PATH     rewrite PATH atomically, e.g. for\n"
           "                          node_exporter's textfile collector\n"
           "  --metrics-interval=SECS every SECS (default %d) and after\n"
           "                          each reload\n"
           "\nOther modes:\n"
           "  --check                 validate CONFIG, print every error\n"
           "  --compile               print the flows CONFIG wants, in\n"
           "                          ovs-ofctl add-flows syntax\n"
           "  --switch=NAME           the switch to compile for\n"
           "  --graph                 print a picture of the boundaries\n"
           "                          CONFIG draws: one HTML page\n"
           "  --gen-mac               print a MAC for a container: PREFIX\n"
           "                          then its IPv4 address or a hash of\n"
           "                          its name; refused if CONFIG uses it\n"
           "  --mac-prefix=PREFIX     1 to 5 octets, locally administered\n"
           "                          (default %s)\n"
           "  --import-lxc            print entries for the LXC containers\n"
           "                          in DIR (DIR/NAME/config), for review\n"
           "\nControl (ovs-appctl -t ofguard COMMAND): reload, status,\n"
           "flows CONTAINER, violations [CONTAINER], graph, audit, metrics,\n"
           "exit.  SIGHUP also reloads.\n",
           program_name, program_name, program_name, program_name,
           program_name, program_name, program_name,
           OFG_SW_PROBE_INTERVAL, OFG_SW_AUDIT_INTERVAL,
           OFG_SW_VIOLATION_INTERVAL, OFG_SW_SAMPLE_RATE,
           OFG_SW_QUARANTINE_RATE, OFG_SW_QUARANTINE_TIME, ovs_rundir(),
           OFG_METRICS_INTERVAL, OFG_MAC_DEFAULT_PREFIX);
    stream_usage("switch", true, true, false);
    daemon_usage();
    vlog_usage();
    printf("\nOther options:\n"
           "  -h, --help              display this help message\n"
           "  -V, --version           display version information\n");
    exit(EXIT_SUCCESS);
}
