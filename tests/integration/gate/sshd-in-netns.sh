#!/bin/sh
# Runs inside the test's network namespace, in a private mount namespace:
# gives sshd a passwd entry for the throwaway `gogcli` user, a privilege
# separation directory and a /dev/log that is the test's syslog collector,
# without touching the host's files. Usage: sshd-in-netns.sh TESTDIR
set -eu
dir=$1
mount --make-rprivate /
mount --bind "$dir/etc/passwd" /etc/passwd
mount --bind "$dir/etc/shadow" /etc/shadow
mount --bind "$dir/etc/group" /etc/group
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -m 0755 /run/sshd
for node in null zero random urandom tty; do
  : >"$dir/dev/$node"
  mount --bind "/dev/$node" "$dir/dev/$node"
done
mount --rbind "$dir/dev" /dev
exec /usr/sbin/sshd -D -e -f "$dir/sshd_config"
