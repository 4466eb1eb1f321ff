#!/usr/bin/env bash
# The real-engine lane's second line of defence (the first is the API server's egress proxy): an OUTPUT chain
# that drops every packet to a private range (10/8, 172.16/12, 192.168/16) while the lane runs, after accepting
# DNS to the resolvers of /etc/resolv.conf (which may lie inside 10/8: dropping it would break every name
# lookup). Its DROP counters must stay at zero: `count` prints the packets dropped.
#
#   tests/engine/guard.sh up | count | down
set -euo pipefail
chain=OBSERVER_LANE_GUARD
case "${1:-}" in
  up)
    command -v iptables >/dev/null 2>&1 || { echo "iptables is needed for the lane's network guard (apt-get install iptables)" >&2; exit 1; }
    iptables -N "$chain" 2>/dev/null || iptables -F "$chain"
    for ns in $(awk '/^nameserver/ {print $2}' /etc/resolv.conf | grep -E '^[0-9.]+$' || true); do
      iptables -A "$chain" -d "$ns" -p udp --dport 53 -j ACCEPT
      iptables -A "$chain" -d "$ns" -p tcp --dport 53 -j ACCEPT
    done
    for cidr in 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16; do iptables -A "$chain" -d "$cidr" -j DROP; done
    iptables -C OUTPUT -j "$chain" 2>/dev/null || iptables -I OUTPUT 1 -j "$chain"
    ;;
  count)
    iptables -L "$chain" -v -n -x | awk '$3 == "DROP" {n += $1} END {print n + 0}'
    ;;
  down)
    iptables -D OUTPUT -j "$chain" 2>/dev/null || true
    iptables -F "$chain" 2>/dev/null || true
    iptables -X "$chain" 2>/dev/null || true
    ;;
  *) echo "usage: $0 up|count|down" >&2; exit 2 ;;
esac
