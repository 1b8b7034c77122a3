#!/bin/busybox sh
# init of the test guest. Everything the tests look for is a line on the
# serial console starting with OPENCLAWD-. Kernel command line:
#   openclawd.role=gogcli|openclaw   which guest to play
#   openclawd.ip=A.B.C.D             eth0's address (/24, gateway .1)
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
ip=
for arg in $(cat /proc/cmdline); do
  case $arg in
    openclawd.role=*) role=${arg#openclawd.role=} ;;
    openclawd.ip=*) ip=${arg#openclawd.ip=} ;;
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

case $role in
  gogcli) nc -lk -p 22 -e echo gogcli >/dev/null 2>&1 & ;;
  openclaw) ;;
esac
echo "OPENCLAWD-READY role=$role"
while :; do sleep 3600; done
