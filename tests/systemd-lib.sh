# shellcheck shell=bash
#
# systemd-lib.sh: a real systemd for tests on a machine whose init is not
# systemd (a container, a microVM): systemd boots as PID 1 of fresh PID,
# mount, network, UTS, IPC and cgroup namespaces, with as its root an
# overlay of the machine's own root whose writable layer is a tmpfs.  It
# sees every installed program, but whatever it or the test changes there
# (packages installed, /etc edited, /tmp cleaned at boot) is gone when it
# stops, and its services have a network namespace of their own (loopback
# only).  Only basic.target is started: none of the machine's services.
#
# The test directory is bind-mounted at the same path inside, so that
# commands run there (apt-get) find the test's files.  A service's own
# sandbox may hide it (ProtectHome=, if the tree is under /root or /home):
# what a service must share with the test goes in /run, which the test
# reaches through ofg_sd_path.
#
#   ofg_sd_boot DIR     boots it (DIR: an empty directory for its files)
#   ofg_sd CMD...       runs CMD inside, in systemd's clean environment
#   ofg_sd_path PATH    PATH inside, as the test can read and write it
#   ofg_sd_stop         stops it (also at exit: call it from the trap)

OFG_SD_PID=
OFG_SD_UNSHARE_PID=

# ofg_sd__init ROOTDIR TESTDIR: runs as PID 1 of the new namespaces and
# becomes systemd.  Mounts made here are private to those namespaces.
ofg_sd__init() {
    set -e
    local dir=$1 t=$2 root=$1/root
    mount -t tmpfs -o mode=755 ofg-sd "$dir"
    mkdir "$dir/upper" "$dir/work" "$root"
    mount -t overlay ofg-sd -o "lowerdir=/,upperdir=$dir/upper,workdir=$dir/work" "$root"
    mount -t proc proc "$root/proc"
    # A read-only /sys tells systemd it is in a container: no udev.
    mount -t sysfs -o ro sysfs "$root/sys"
    mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs -o mode=755 tmpfs "$root/run"
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
    mkdir -p "$root$t"
    mount --bind "$t" "$root$t"
    hostname ofguard-test
    export container=ofguard-test
    exec chroot "$root" /lib/systemd/systemd --system --unit=basic.target \
         --log-target=journal --show-status=false
}

# ofg_sd__listening: systemd is PID 1 there and takes systemctl's calls.
ofg_sd__listening() {
    OFG_SD_PID=$(pgrep -P "$OFG_SD_UNSHARE_PID" | head -n 1)
    [ -n "$OFG_SD_PID" ] &&
        [ "$(cat "/proc/$OFG_SD_PID/comm" 2>/dev/null)" = systemd ] &&
        test -S "$(ofg_sd_path /run/systemd/private)"
}

# ofg_sd_boot DIR: boots and waits until systemd reports it is running.
ofg_sd_boot() {
    local dir=$1 state
    mkdir -p "$dir"
    unshare --pid --fork --mount --net --uts --ipc --cgroup \
            --propagation private \
            bash -c "$(declare -f ofg_sd__init); ofg_sd__init \"\$@\"" \
            ofg_sd__init "$dir" "$OFG_TEST_DIR" \
            > "$dir.console" 2>&1 &
    OFG_SD_UNSHARE_PID=$!
    if ! ofg_sb__wait 20 ofg_sd__listening; then
        echo "systemd did not start; its console:"
        cat "$dir.console"
        return 1
    fi
    # For run.sh's sweep, should the test be killed before ofg_sd_stop.
    echo "$OFG_SD_PID" > "$OFG_TEST_DIR/systemd.pid"
    # "starting" until basic.target is reached; "degraded" if a unit
    # failed, which the caller's checks show.
    state=$(ofg_sd timeout 60 systemctl is-system-running --wait 2>&1) ||
        true
    echo "systemd in the namespaces: pid $OFG_SD_PID, $state"
    [ "$state" = running ] || [ "$state" = degraded ]
}

ofg_sd() {
    nsenter -t "$OFG_SD_PID" -a -r -w \
            env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C container=ofguard-test \
            "$@"
}

ofg_sd_path() {
    echo "/proc/$OFG_SD_PID/root$1"
}

# ofg_sd_stop: SIGKILL to PID 1 ends the whole PID namespace, and the last
# process's exit removes the mounts.
ofg_sd_stop() {
    if [ -n "$OFG_SD_PID" ]; then
        kill -KILL "$OFG_SD_PID" 2>/dev/null || true
        OFG_SD_PID=
        rm -f "$OFG_TEST_DIR/systemd.pid"
    fi
    if [ -n "$OFG_SD_UNSHARE_PID" ]; then
        wait "$OFG_SD_UNSHARE_PID" 2>/dev/null || true
        OFG_SD_UNSHARE_PID=
    fi
}
