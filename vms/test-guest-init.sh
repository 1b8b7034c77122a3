#!/bin/busybox sh
# init of the test guest. Everything the tests look for is a line on the
# serial console starting with OPENCLAWD-. Kernel command line:
#   openclawd.role=gogcli|openclaw   which guest to play
#   openclawd.ip=A.B.C.D             eth0's address (/24, gateway .1)
#   openclawd.probe=IP:PORT[,IP:PORT] try these TCP connections every 2 s (60
#                                    rounds) and print what happened, so tests
#                                    see which flows the host's rules allow
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1

while read -r module; do
  insmod "/lib/modules/$module.ko" 2>/dev/null
done </lib/modules/order

role=none
probes=
ip=
for arg in $(cat /proc/cmdline); do
  case $arg in
    openclawd.role=*) role=${arg#openclawd.role=} ;;
    openclawd.ip=*) ip=${arg#openclawd.ip=} ;;
    openclawd.probe=*) probes=${arg#openclawd.probe=} ;;
  esac
done
echo "OPENCLAWD-BOOT role=$role"

mkdir -p /run/secrets
if mount -t virtiofs -o ro secrets /run/secrets; then
  echo "OPENCLAWD-SECRETS mounted"
  if [ -f /run/secrets/gateway-token ]; then
    echo "OPENCLAWD-TOKEN-SHA256 $(sha256sum /run/secrets/gateway-token | cut -d' ' -f1)"
  fi
  if touch /run/secrets/write-probe 2>/dev/null; then
    echo "OPENCLAWD-SECRETS writable"
  else
    echo "OPENCLAWD-SECRETS read-only"
  fi
else
  echo "OPENCLAWD-SECRETS missing"
fi

if [ -n "$ip" ] && ip link set eth0 up 2>/dev/null; then
  ip addr add "$ip/24" dev eth0
  ip route add default via "${ip%.*}.1"
  echo "OPENCLAWD-NET eth0 $ip"
fi

# Every guest answers on tcp/22 with its role, so a probe that gets a reply
# proves packets went both ways.
nc -ll -p 22 -e echo "$role" >/dev/null 2>&1 &

if [ -n "$probes" ]; then
  (
    round=0
    while [ $round -lt 60 ]; do
      round=$((round + 1))
      for target in $(echo "$probes" | tr , ' '); do
        reply=$(nc -w 2 "${target%:*}" "${target#*:}" </dev/null 2>/dev/null)
        if [ -n "$reply" ]; then
          echo "OPENCLAWD-PROBE $round $target open $reply"
        else
          echo "OPENCLAWD-PROBE $round $target closed"
        fi
      done
      sleep 2
    done
  ) &
fi
echo "OPENCLAWD-READY role=$role"
while :; do sleep 3600; done
