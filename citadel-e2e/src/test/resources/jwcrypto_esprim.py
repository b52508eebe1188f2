"""ESPrim objects from another JOSE implementation (python3-jwcrypto, Debian) for the interop test.

usage: jwcrypto_esprim.py open            (stdin: the key in hex, a line, the compact JWE) -> the header JSON, a line, the plaintext
       jwcrypto_esprim.py seal HEADERJSON (stdin: the key in hex, a line, the plaintext)    -> the compact JWE
The key is the session key (direct mode, alg dir); it comes on stdin so that no process listing shows it.
"""
import json
import sys

from jwcrypto import jwe, jwk
from jwcrypto.common import base64url_encode


def key(hexkey):
    return jwk.JWK(kty="oct", k=base64url_encode(bytes.fromhex(hexkey)))


def main():
    mode = sys.argv[1]
    hexkey = sys.stdin.buffer.readline().decode("ascii").strip()
    if mode == "open":
        token = jwe.JWE()
        token.deserialize(sys.stdin.buffer.read().decode("ascii").strip(), key=key(hexkey))
        sys.stdout.write(json.dumps(token.jose_header, sort_keys=True) + "\n")
        sys.stdout.write(token.payload.decode("utf-8"))
    elif mode == "seal":
        header = json.loads(sys.argv[2])
        token = jwe.JWE(sys.stdin.buffer.read(), protected=json.dumps(header))
        token.add_recipient(key(hexkey))
        sys.stdout.write(token.serialize(compact=True))
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main()
