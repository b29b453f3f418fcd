#!/usr/bin/env bash
# Interop: every EAR veritee emits verifies with an independent JOSE implementation
# (Debian's `jose`, from latchset/jose) against the JWK Set `veritee keys export`
# publishes; a token whose payload or signature is altered fails both there and in
# `veritee token verify`. Covers ES256 and ES384 keys and affirming, warning and
# contraindicated results, over simulated SEV-SNP evidence and, when ../shared is
# present, a real Genoa report.
#
# usage: ear_interop.sh VERITEE_BINARY SHARED_TESTDATA_DIR
# Exit 77 (skipped) when `jose` is not installed, except under CI=true where it fails.
set -u
veritee=$1
shared=${2:-}
if ! command -v jose >/dev/null 2>&1; then
  echo "jose is not installed (apt-get install jose; scripts/setup does)"
  [ "${CI:-}" = "true" ] && exit 1
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
checked=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# Flips one base64url character of part $2 (0 header, 1 payload, 2 signature) of token $1.
alter() {
  python3 - "$1" "$2" <<'PY'
import sys
parts = sys.argv[1].split('.')
i = int(sys.argv[2])
p = parts[i]
k = len(p) // 2
parts[i] = p[:k] + ('A' if p[k] != 'A' else 'B') + p[k + 1:]
print('.'.join(parts))
PY
}

# check NAME TOKEN JWKS EXPECTED_STATUS
check() {
  local name=$1 token=$2 jwks=$3 status=$4
  checked=$((checked + 1))
  printf '%s' "$token" >"$work/t.jws"
  if ! jose jws ver -i "$work/t.jws" -k "$jwks" -O "$work/payload.json"; then
    fail "$name: jose jws ver rejects the EAR"
    return
  fi
  python3 - "$work/payload.json" "$status" <<'PY' || fail "$name: payload from jose is not the EAR"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["eat_profile"] == "tag:github.com,2023:veraison/ear", c["eat_profile"]
s = c["submods"]["cpu0"]
assert s["ear.status"] == sys.argv[2], s["ear.status"]
assert set(s["ear.trustworthiness-vector"]) == {"instance-identity", "configuration", "executables", "file-system", "hardware", "runtime-opaque", "storage-opaque", "sourced-data"}
assert isinstance(c["iat"], int) and c["exp"] > c["iat"]
PY
  "$veritee" token verify "$work/t.jws" --jwks "$jwks" --at "$AT" >/dev/null ||
    fail "$name: veritee token verify rejects the EAR"
  for part in 1 2; do
    alter "$token" $part >"$work/bad.jws"
    if jose jws ver -i "$work/bad.jws" -k "$jwks" -O /dev/null 2>/dev/null; then
      fail "$name: jose accepts the EAR with part $part altered"
    fi
    "$veritee" token verify "$work/bad.jws" --jwks "$jwks" --at "$AT" >/dev/null
    [ $? -eq 1 ] || fail "$name: veritee token verify does not reject part $part altered (exit 1)"
  done
}

AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)  # the simulator's PKI starts a day before now
"$veritee" sim snp --out "$work/sim" --rsa-bits 2048 --measurement "$(python3 -c 'print("e" * 96)')" \
  --report-data 0a0b >/dev/null || { echo "veritee sim snp failed"; exit 1; }
sim_args="$work/sim/report.bin --cert $work/sim/vcek.pem --cert $work/sim/cert_chain.pem --trust-root $work/sim/ark.pem"
M=$(python3 -c 'print("e" * 96)')
cat >"$work/affirm.json" <<JSON
{"policy_id": "interop-affirm", "sev-snp": {"appraisal": {"simulated_evidence_allowed": true,
  "reference_sets": [{"label": "sim", "claims": {"measurement": "$M"}}]}}}
JSON
cat >"$work/warn.json" <<JSON
{"sev-snp": {"appraisal": {"simulated_evidence_allowed": true,
  "recommended_tcb": {"current_tcb": {"snp": 255}}}}}
JSON
cat >"$work/contra.json" <<JSON
{"sev-snp": {"appraisal": {"simulated_evidence_allowed": true,
  "reference_sets": [{"label": "other", "claims": {"measurement": "$(python3 -c 'print("f" * 96)')"}}]}}}
JSON

for alg in ES256 ES384; do
  key="$work/key-$alg.pem"
  "$veritee" keys generate --key "$key" --alg $alg >/dev/null || { fail "keys generate $alg"; continue; }
  "$veritee" keys export --key "$key" --out "$work/jwks-$alg.json" || fail "keys export $alg"
  for policy in affirm:affirming warn:warning contra:contraindicated; do
    name=${policy%%:*}
    status=${policy#*:}
    token=$("$veritee" verify $sim_args --at "$AT" --policy "$work/$name.json" --token \
              --signing-key "$key" 2>/dev/null)
    [ -n "$token" ] || { fail "sim $alg $name: no token"; continue; }
    check "sim $alg $name" "$token" "$work/jwks-$alg.json" "$status"
  done
done

# A real Genoa report (../shared/testdata/snp), when present.
vec="$shared/snp/vectors/genoa-v3-msft-tav"
if [ -f "$vec/report.bin" ]; then
  AT=2026-11-21T00:00:00Z
  echo '{"sev-snp": {"appraisal": {"min_tcb": {"current_tcb": {"snp": 23}}}}}' >"$work/real.json"
  token=$("$veritee" verify "$vec/report.bin" --cert "$vec/vcek.pem" --at $AT \
            --policy "$work/real.json" --token --signing-key "$work/key-ES384.pem" 2>/dev/null)
  [ -n "$token" ] && check "real genoa ES384" "$token" "$work/jwks-ES384.json" affirming ||
    fail "real genoa: no token"
elif [ "${CI:-}" = "true" ]; then
  fail "shared SEV-SNP test data not found; CI=true"
fi

echo "$checked EARs checked with jose and veritee, $fails failures"
[ $fails -eq 0 ]
