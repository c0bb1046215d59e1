"""An independent RADIUS client (Debian's python3-pyrad) for the interoperability tests.

Usage: pyrad_client.py SERVER AUTH_PORT ACCT_PORT SECRET MODE USER PASSWORD
MODE: pap | chap | acct-start-stop. Prints one JSON object: the reply codes and attributes.
"""
import hashlib
import hmac
import json
import os
import sys

from pyrad import packet
from pyrad.client import Client
from pyrad.dictionary import Dictionary

server, auth_port, acct_port, secret, mode, user, password = sys.argv[1:8]
here = os.path.dirname(os.path.abspath(__file__))
client = Client(server=server, authport=int(auth_port), acctport=int(acct_port), secret=secret.encode(),
                dict=Dictionary(os.path.join(here, "fixtures", "pyrad.dictionary")))
client.timeout = 2
client.retries = 1


def attrs(reply):
    out = {}
    for key in reply.keys():
        values = reply[key]
        out[str(key)] = [v.hex() if isinstance(v, bytes) else v for v in values]
    return out


if mode in ("pap", "chap"):
    req = client.CreateAuthPacket(code=packet.AccessRequest, User_Name=user)
    if mode == "pap":
        req["User-Password"] = req.PwCrypt(password)
    else:
        ident = b"\x2a"
        challenge = os.urandom(16)
        req["CHAP-Challenge"] = challenge
        req["CHAP-Password"] = ident + hashlib.md5(ident + password.encode() + challenge).digest()
    # pyrad 2.1 predates Message-Authenticator (RFC 3579 §3.2): compute it over the
    # packet with a zeroed value; re-encoding keeps the same Request Authenticator.
    req["Message-Authenticator"] = bytes(16)
    req["Message-Authenticator"] = hmac.new(secret.encode(), req.RequestPacket(), hashlib.md5).digest()
    reply = client.SendPacket(req)
    print(json.dumps({"code": reply.code, "attributes": attrs(reply)}))
else:
    codes = []
    for status, extra in ((1, {}), (2, {"Acct-Session-Time": 90, "Acct-Input-Octets": 1234, "Acct-Output-Octets": 5678, "Acct-Terminate-Cause": 1})):
        req = client.CreateAcctPacket(User_Name=user)
        req["Acct-Status-Type"] = status
        req["Acct-Session-Id"] = "pyrad-1"
        for k, v in extra.items():
            req[k] = v
        codes.append(client.SendPacket(req).code)
    print(json.dumps({"codes": codes}))
