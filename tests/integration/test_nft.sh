#!/bin/sh
# ward auth scan --apply against a real nftables, inside a network namespace
# of its own so that the machine's firewall is never touched. Needs root,
# nft and ip netns; skips (77) where they are missing.
# Usage: test_nft.sh WARD SRCDIR
set -u
ward=$1
src=$2
ns=wardtest$$
if [ "$(id -u)" -ne 0 ] || ! command -v nft >/dev/null || ! command -v ip >/dev/null; then
	echo "SKIP: needs root, nft and ip"
	exit 77
fi
if ! ip netns add "$ns" 2>/dev/null; then
	echo "SKIP: cannot create a network namespace here"
	exit 77
fi
trap 'ip netns del "$ns" 2>/dev/null' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

ip netns exec "$ns" nft add table inet filter
ip netns exec "$ns" nft add set inet filter ward_block4 '{ type ipv4_addr; }'
ip netns exec "$ns" nft add set inet filter ward_block6 '{ type ipv6_addr; }'

# The spray source is in a never-block network here; the brute force is not.
ip netns exec "$ns" "$ward" auth scan --apply --set 'auth.never_block=203.0.113.0/24' \
	-f json "$src/examples/bastion-auth.log" >/dev/null 2>&1
rc=$?
[ $rc -eq 1 ] && ok "apply run exits 1 (attacks found)" || bad "apply run exit $rc"
set4=$(ip netns exec "$ns" nft list set inet filter ward_block4)
echo "$set4" | grep -q '198.51.100.23' && ok "attacker blocked in the set" || bad "attacker not in the set: $set4"
echo "$set4" | grep -q '203.0.113.45' && bad "never-block network was blocked" || ok "never-block network left alone"

# A dry run changes nothing.
ip netns exec "$ns" nft flush set inet filter ward_block4
ip netns exec "$ns" "$ward" auth scan --block "$src/examples/bastion-auth.log" >/dev/null 2>&1
set4=$(ip netns exec "$ns" nft list set inet filter ward_block4)
echo "$set4" | grep -q '198.51.100.23' && bad "dry run blocked" || ok "dry run blocks nothing"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
