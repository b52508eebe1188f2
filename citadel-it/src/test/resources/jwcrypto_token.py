"""Tokens from another JOSE implementation (python3-jwcrypto, Debian) for the interop test.

usage: jwcrypto_token.py keygen KEYFILE          -> prints the public JWK
       jwcrypto_token.py sign KEYFILE HOLDER RESOURCE AUDIENCE  -> prints a signed oneM2M token
"""
import json
import os
import sys
import time

from jwcrypto import jwk, jwt

mode, keyfile = sys.argv[1], sys.argv[2]
if mode == "keygen":
    key = jwk.JWK.generate(kty="EC", crv="P-256", kid="py-1")
    fd = os.open(keyfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key.export_private())
    print(key.export_public())
else:
    holder, resource, audience = sys.argv[3], sys.argv[4], sys.argv[5]
    with open(keyfile) as f:
        key = jwk.JWK.from_json(f.read())
    now = int(time.time())
    claims = {"jti": "py%d@py.example" % now, "iss": "/id-py", "azp": holder, "nbf": now - 5,
              "exp": now + 3600, "aud": [audience], "tkvr": "1",
              "tkps": {"pm": [{"ris": [resource], "pv": {"acr": [{"acor": [holder], "acop": 2}]}}]}}
    token = jwt.JWT(header={"alg": "ES256", "typ": "JWT", "kid": "py-1"}, claims=claims)
    token.make_signed_token(key)
    print(token.serialize())
