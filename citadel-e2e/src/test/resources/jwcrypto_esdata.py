"""ESData from another JOSE implementation (python3-jwcrypto, Debian) for the interop test.

usage: jwcrypto_esdata.py verify CERT.pem            (stdin: a compact JWS)  -> the payload
       jwcrypto_esdata.py decrypt KEY.pem KID        (stdin: a JWE, compact or JSON) -> the payload
       jwcrypto_esdata.py sign KEY.pem KID           (stdin: the payload)    -> a compact ES256 JWS
       jwcrypto_esdata.py sign-x5c KEY.pem KID CERT.pem...  (stdin: the payload) -> the same, with x5c
       jwcrypto_esdata.py encrypt CERT.pem KID       (stdin: the payload)    -> a compact ECDH-ES+A128KW/A128GCM JWE
       jwcrypto_esdata.py encrypt-json CERT.pem KID  (stdin: the payload)    -> a general JSON JWE for KID and another
"""
import base64
import json
import sys

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from jwcrypto import jwe, jwk, jws


def cert_key(path):
    cert = x509.load_pem_x509_certificate(open(path, "rb").read())
    return jwk.JWK.from_pyca(cert.public_key())


def private_key(path):
    return jwk.JWK.from_pem(open(path, "rb").read())


def main():
    mode = sys.argv[1]
    data = sys.stdin.buffer.read()
    if mode == "verify":
        token = jws.JWS()
        token.deserialize(data.decode("ascii").strip())
        token.verify(cert_key(sys.argv[2]), alg="ES256")
        sys.stdout.buffer.write(token.payload)
    elif mode == "decrypt":
        token = jwe.JWE()
        token.deserialize(data.decode("ascii").strip(), key=private_key(sys.argv[2]))
        sys.stdout.buffer.write(token.payload)
    elif mode == "sign":
        token = jws.JWS(data)
        token.add_signature(private_key(sys.argv[2]), alg="ES256", protected=json.dumps({"alg": "ES256", "kid": sys.argv[3]}))
        sys.stdout.write(token.serialize(compact=True))
    elif mode == "sign-x5c":
        chain = [base64.b64encode(x509.load_pem_x509_certificate(open(c, "rb").read()).public_bytes(
            serialization.Encoding.DER)).decode("ascii") for c in sys.argv[4:]]
        token = jws.JWS(data)
        token.add_signature(private_key(sys.argv[2]), alg="ES256",
                            protected=json.dumps({"alg": "ES256", "kid": sys.argv[3], "x5c": chain}))
        sys.stdout.write(token.serialize(compact=True))
    elif mode == "encrypt":
        token = jwe.JWE(data, protected=json.dumps({"alg": "ECDH-ES+A128KW", "enc": "A128GCM", "kid": sys.argv[3]}))
        token.add_recipient(cert_key(sys.argv[2]))
        sys.stdout.write(token.serialize(compact=True))
    elif mode == "encrypt-json-one":
        token = jwe.JWE(data, protected=json.dumps({"enc": "A128GCM"}))
        token.add_recipient(cert_key(sys.argv[2]), header=json.dumps({"alg": "ECDH-ES+A128KW", "kid": sys.argv[3]}))
        sys.stdout.write(token.serialize())
    elif mode == "encrypt-json":
        token = jwe.JWE(data, protected=json.dumps({"enc": "A128GCM"}))
        other = jwk.JWK.generate(kty="EC", crv="P-256")
        token.add_recipient(other, header=json.dumps({"alg": "ECDH-ES+A128KW", "kid": "someone-else"}))
        token.add_recipient(cert_key(sys.argv[2]), header=json.dumps({"alg": "ECDH-ES+A128KW", "kid": sys.argv[3]}))
        sys.stdout.write(token.serialize())
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main()
