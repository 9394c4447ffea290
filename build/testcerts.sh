#!/usr/bin/env bash
# Certificates for the TLS tests, made with the openssl CLI in DIR (default: created fresh):
#   ca.pem ca-key.pem                 the CA the test daemon trusts
#   server-cert.pem server-key.pem    the daemon's: IP:127.0.0.1 only (so "localhost" is a name mismatch)
#   cert.pem key.pem                  a client certificate from that CA (RSA)
#   ec/{ca,cert,key}.pem              a client certificate with an EC key, same CA
#   other/{ca,cert,key}.pem           a CA the daemon does not trust, and a client certificate from it
#   expired/{ca,cert,key}.pem         a client certificate from the trusted CA that expired in 2020
#   server-expired-{cert,key}.pem     a server certificate for 127.0.0.1 that expired in 2020
# Usage: build/testcerts.sh DIR
set -euo pipefail
dir=${1:?directory}
mkdir -p "$dir"
cd "$dir"
[ -f .complete ] && exit 0
q() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@" >&2; exit 1; }; }

ca() { # name
    q openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj "/CN=$1" -keyout "$1-key.pem" -out "$1.pem" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}
sign() { # ca csr out ext [startdate enddate]
    local ca=$1 csr=$2 out=$3 ext=$4
    if [ $# -gt 4 ]; then
        # Dates in the past need `openssl ca`; a minimal database in a temp folder.
        local db; db=$(mktemp -d)
        touch "$db/index.txt"; echo 1000 >"$db/serial"
        cat >"$db/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = $db/index.txt
serial = $db/serial
new_certs_dir = $db
default_md = sha256
policy = p
copy_extensions = none
[p]
commonName = supplied
[x]
$(printf '%b' "$ext")
CNF
        q openssl ca -batch -config "$db/ca.cnf" -cert "$ca.pem" -keyfile "$ca-key.pem" -in "$csr" -out "$out" \
            -startdate "$5" -enddate "$6" -extensions x -notext
        rm -rf "$db"
    else
        q openssl x509 -req -in "$csr" -CA "$ca.pem" -CAkey "$ca-key.pem" -CAcreateserial -days 30 -sha256 \
            -out "$out" -extfile <(printf '%b' "$ext")
    fi
}
req() { # key-out csr-out cn [ec]
    if [ "${4:-}" = ec ]; then
        q openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$3" -keyout "$1" -out "$2"
    else
        q openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$3" -keyout "$1" -out "$2"
    fi
}
server_ext='subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment'
client_ext='extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature'

ca ca
req server-key.pem server.csr server
sign ca server.csr server-cert.pem "$server_ext"
req key.pem client.csr client
sign ca client.csr cert.pem "$client_ext"
req server-expired-key.pem server-expired.csr server
sign ca server-expired.csr server-expired-cert.pem "$server_ext" 20200101000000Z 20200201000000Z

mkdir -p ec other expired
cp ca.pem ec/ca.pem; cp ca.pem expired/ca.pem
req ec/key.pem ec/client.csr client-ec ec
sign ca ec/client.csr ec/cert.pem "$client_ext"
req expired/key.pem expired/client.csr client-expired
sign ca expired/client.csr expired/cert.pem "$client_ext" 20200101000000Z 20200201000000Z
(cd other && ca other && mv other.pem ca.pem && mv other-key.pem ca-key.pem)
req other/key.pem other/client.csr client-other
sign other/ca other/client.csr other/cert.pem "$client_ext"
rm -f ./*.csr ./*/*.csr ./*.srl ./*/*.srl
chmod 600 ./*key.pem ./*/*key.pem
touch .complete
