"""ESPrim objects from another JOSE implementation (python3-jwcrypto, Debian) for the interop test.

usage: jwcrypto_esprim.py open KEYHEX            (the compact JWE on stdin) -> prints the header JSON, a line, the plaintext
       jwcrypto_esprim.py seal KEYHEX HEADERJSON (the plaintext on stdin)  -> prints the compact JWE
The key is the session key (direct mode, alg dir).
"""
import json
import sys

from jwcrypto import jwe, jwk
from jwcrypto.common import base64url_encode


def key(hexkey):
    return jwk.JWK(kty="oct", k=base64url_encode(bytes.fromhex(hexkey)))


def main():
    mode, hexkey = sys.argv[1], sys.argv[2]
    if mode == "open":
        token = jwe.JWE()
        token.deserialize(sys.stdin.read().strip(), key=key(hexkey))
        sys.stdout.write(json.dumps(token.jose_header, sort_keys=True) + "\n")
        sys.stdout.write(token.payload.decode("utf-8"))
    elif mode == "seal":
        header = json.loads(sys.argv[3])
        token = jwe.JWE(sys.stdin.buffer.read(), protected=json.dumps(header))
        token.add_recipient(key(hexkey))
        sys.stdout.write(token.serialize(compact=True))
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main()
