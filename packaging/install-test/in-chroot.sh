#!/usr/bin/env bash
# The install test's steps, run by run.sh inside the fresh Debian 12 chroot. $1: the .deb.
set -euo pipefail
deb=$1
step() { echo "-- $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
quiet() { "$@" > /tmp/step.log 2>&1 || { cat /tmp/step.log >&2; fail "$*"; }; }

# Every file outside the pseudo file systems and apt's/dpkg's own bookkeeping.
snapshot() {
  find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /tmp -o -path /var/cache/apt \
    -o -path /var/lib/apt/lists -o -path /var/log -o -path /var/cache/debconf -o -path /var/cache/man \
    -o -path /var/lib/dpkg \) -prune -o -print | sort
}

step "no Java on the new system"
if command -v java >/dev/null; then fail "java is already installed"; fi
quiet apt-get update
# man-db and zsh stand for what an admin's system has; neither brings Java
quiet apt-get install -y --no-install-recommends man-db zsh bash-completion
if command -v java >/dev/null; then fail "java came with man-db/zsh"; fi
snapshot > /tmp/before.txt
dpkg-query -W -f '${Package}\n' | sort > /tmp/packages-before.txt

step "apt-get install ./$(basename "$deb") (pulls the Java runtime)"
quiet apt-get install -y "$deb"
grep -E "^(Setting up|lifeline:)" /tmp/step.log | grep -iE "lifeline|jre|jdk" || true
java -version 2>&1 | head -n 1

step "hactl --version"
hactl --version

step "man -w hactl ha.cf haresources authkeys; every page renders without warnings"
man -w hactl ha.cf haresources authkeys
for page in /usr/share/man/man8/hactl.8.gz /usr/share/man/man5/ha.cf.5.gz \
    /usr/share/man/man5/haresources.5.gz /usr/share/man/man5/authkeys.5.gz; do
  warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  [ -z "$warnings" ] || fail "$page: $warnings"
  lines=$(MANWIDTH=80 man -l "$page" 2>/dev/null | wc -l)
  echo "$page: $lines lines"
done
MANWIDTH=80 man -l /usr/share/man/man8/hactl.8.gz | grep -q "hactl check-config" || fail "hactl(8) lacks check-config"

step "shell completion"
completion=/usr/share/bash-completion/completions/hactl
[ -f "$completion" ] || fail "$completion missing"
bash -c "source $completion && complete -p hactl"
# bash: what completing 'hactl che<TAB>' offers
bash -c "source $completion; COMP_WORDS=(hactl che); COMP_CWORD=1; COMP_LINE='hactl che'; COMP_POINT=9;
  _complete_hactl; echo \"bash offers: \${COMPREPLY[*]}\"; [ \"\${COMPREPLY[*]}\" = check-config ]" \
  || fail "bash completion does not complete check-config"
# zsh: the same script through bashcompinit
zsh -c "autoload -U +X compinit && compinit -u && autoload -U +X bashcompinit && bashcompinit &&
  source $completion && print -r -- \"zsh: hactl completes with \${_comps[hactl]}\" && [[ -n \${_comps[hactl]} ]]" \
  || fail "zsh cannot load the completion"

step "hactl check-config on the installed examples"
ls -l /etc/ha.d
hactl check-config

step "the unit and the launcher agree"
grep -q "^ExecStart=/usr/bin/hactl daemon" /lib/systemd/system/lifeline.service || fail "ExecStart is not /usr/bin/hactl"
[ -x /usr/bin/hactl ] || fail "/usr/bin/hactl missing"
[ ! -e /etc/systemd/system/multi-user.target.wants/lifeline.service ] || fail "the unit was enabled on install"

step "an admin's edit of a conffile survives a reinstall"
echo "# edited by the admin" >> /etc/ha.d/ha.cf
quiet apt-get install -y --reinstall "$deb"
tail -n 1 /etc/ha.d/ha.cf | grep -q "edited by the admin" || fail "the reinstall overwrote ha.cf"
[ -f /etc/ha.d/authkeys ] || fail "authkeys missing"
echo "kept; authkeys kept too: $(stat -c '%a %U' /etc/ha.d/authkeys)"

step "the Debian changelog is installed"
zcat /usr/share/doc/lifeline/changelog.gz | head -n 1
zcat /usr/share/doc/lifeline/changelog.gz | head -n 1 | grep -q "^lifeline (" || fail "no Debian changelog"

step "upgrade to a newer version: the admin's files, the key and the state are kept"
# There is no earlier release to upgrade from, so the newer version is this package with a higher
# version number (dpkg-deb rebuilds it): what is tested is the upgrade path of the maintainer
# scripts and of dpkg's conffile handling, not a change between two real releases.
old_version=$(dpkg-query -W -f '${Version}' lifeline)
new_version="${old_version}+upgradetest1"
rm -rf /tmp/upgrade && mkdir -p /tmp/upgrade
dpkg-deb -R "$deb" /tmp/upgrade/tree
sed -i "s/^Version: .*/Version: $new_version/" /tmp/upgrade/tree/DEBIAN/control
quiet dpkg-deb -b /tmp/upgrade/tree /tmp/upgrade/lifeline_upgrade_all.deb
echo "# edited by the admin before the upgrade" >> /etc/ha.d/haresources
keysum=$(sha256sum /etc/ha.d/authkeys)
echo "state kept" > /var/lib/lifeline/upgrade-marker
quiet apt-get install -y /tmp/upgrade/lifeline_upgrade_all.deb
grep -E "^(Preparing to unpack|Unpacking|Setting up) lifeline" /tmp/step.log || true
[ "$(dpkg-query -W -f '${Version}' lifeline)" = "$new_version" ] || fail "not upgraded to $new_version"
tail -n 1 /etc/ha.d/haresources | grep -q "edited by the admin before the upgrade" || fail "the upgrade overwrote haresources"
[ "$(sha256sum /etc/ha.d/authkeys)" = "$keysum" ] || fail "the upgrade changed authkeys"
[ -f /var/lib/lifeline/upgrade-marker ] || fail "the upgrade lost /var/lib/lifeline"
[ ! -e /etc/systemd/system/multi-user.target.wants/lifeline.service ] || fail "the upgrade enabled the unit"
hactl --version
hactl check-config
rm -f /var/lib/lifeline/upgrade-marker
rm -rf /tmp/upgrade
echo "upgraded $old_version -> $new_version; haresources edit, authkeys and state kept"

step "apt-get remove: conffiles stay (Debian policy), the rest goes"
quiet apt-get remove -y lifeline
{ find /etc/ha.d /etc/logrotate.d/lifeline /usr/share/lifeline /usr/bin/hactl 2>/dev/null || true; } \
  | sed 's/^/  left after remove: /'
[ ! -e /usr/share/lifeline ] && [ ! -e /usr/bin/hactl ] || fail "remove left the program behind"

step "apt-get purge, then autoremove the Java runtime it pulled"
quiet apt-get purge -y lifeline
quiet apt-get autoremove --purge -y
if command -v java >/dev/null; then echo "  note: java still installed"; fi
snapshot > /tmp/after.txt
# Informational: what the runtime's dependencies leave is theirs, not the package's. Packages
# still installed that were not before, then added files that no installed package owns.
dpkg-query -W -f '${Package}\n' | sort > /tmp/packages-after.txt
echo "packages installed since before the install (kept by apt as dependencies of others, or not auto-removable):"
comm -13 /tmp/packages-before.txt /tmp/packages-after.txt | sed 's/^/  + /'
echo "files added since before the install that no package owns:"
cat /var/lib/dpkg/info/*.list | sort -u > /tmp/owned.txt
comm -13 /tmp/before.txt /tmp/after.txt | comm -23 - /tmp/owned.txt | sed -E 's#^/etc/ssl/certs/.*#/etc/ssl/certs/* (update-ca-certificates links)#' | uniq | sed 's/^/  + /'
echo "files gone since before the install:"
comm -23 /tmp/before.txt /tmp/after.txt | sed 's/^/  - /'
leftover=$(find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /root \) -prune -o \
  \( -iname '*lifeline*' -o -name 'ha.d' -o -name 'hactl*' \) -print || true)
[ -z "$leftover" ] || fail "left behind: $leftover"
comm -13 /tmp/before.txt /tmp/after.txt | grep -iE "lifeline|ha\.d|hactl" && fail "files left behind (above)"
echo "nothing left behind"
