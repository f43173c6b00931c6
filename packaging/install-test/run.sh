#!/usr/bin/env bash
# Install test of the Debian package on a brand-new Debian 12 (README.md beside this file).
#
#   packaging/install-test/run.sh [path/to/lifeline_VERSION_all.deb]
#
# Builds a minimal Debian 12 chroot with debootstrap (from deb.debian.org), without Java, and
# in it: apt-get install ./lifeline_*.deb (must pull the Java runtime), hactl --version,
# man -w hactl ha.cf, every man page rendered by man -l without warnings, bash completion
# present and loadable in bash and (through bashcompinit) zsh, hactl check-config on the
# installed examples, an admin's edit of a conffile kept across a reinstall, then remove and
# purge, and a list of every file the package leaves behind (the test fails if there is any).
# Also: the Debian changelog is installed, and an upgrade to a newer version (this package with
# a higher version number) keeps an admin's conffile edit, the key and /var/lib/lifeline.
#
# Needs root (debootstrap, chroot), debootstrap, network access to the Debian mirror, ~1 GB in
# /tmp and about 5 minutes. Not part of CI (.ci/run must stay well under its time budget).
# No service starts: policy-rc.d in the chroot refuses every start and systemd is not running
# there. All mounts are made inside a private mount namespace (unshare -m), so they vanish
# with it; the chroot (/tmp/ll-db-chroot.*) is deleted at exit.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
deb=${1:-$(ls "$top"/target/lifeline_*_all.deb 2>/dev/null | head -n 1 || true)}
mirror=${MIRROR:-http://deb.debian.org/debian}
if [ "$(id -u)" -ne 0 ]; then
  echo "install-test: run as root (debootstrap and chroot)" >&2
  exit 1
fi
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
  echo "install-test: no package; build it first: mvn -B -ntp -q package -DskipTests" >&2
  exit 1
fi
for tool in debootstrap unshare chroot; do
  if ! command -v "$tool" >/dev/null; then
    echo "install-test: $tool is missing (apt-get install debootstrap util-linux)" >&2
    exit 1
  fi
done

root=$(mktemp -d /tmp/ll-db-chroot.XXXXXX)
cleanup() {
  # The mounts live in the unshared namespaces, which are gone by now; refuse to delete
  # anything if one is still visible here (rm -rf would walk into /proc or /dev).
  if grep -q " $root" /proc/self/mounts; then
    echo "install-test: mounts still present under $root; not deleting it" >&2
    return
  fi
  rm -rf "$root"
}
trap cleanup EXIT
start=$(date +%s)

echo "== debootstrap bookworm (minbase) into $root"
unshare -m --propagation private \
  debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.debootstrap.log" 2>&1 || {
  tail -20 "$root.debootstrap.log" >&2
  exit 1
}
rm -f "$root.debootstrap.log"
printf '#!/bin/sh\n# install test: no service starts in this chroot\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
cp "$deb" "$root/root/"
cp "$(dirname "$0")/in-chroot.sh" "$root/root/in-chroot.sh"

echo "== test in the chroot"
unshare -m --propagation private bash -c '
  set -e
  root=$1
  mount -t proc proc "$root/proc"
  mount -t sysfs sysfs "$root/sys"
  mount --bind /dev "$root/dev"
  exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive bash /root/in-chroot.sh "/root/$2"
' install-test "$root" "$(basename "$deb")"
echo "== install test passed in $(( $(date +%s) - start )) s"
