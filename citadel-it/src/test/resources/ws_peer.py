"""A third-party oneM2M WebSocket peer (Debian's python3-websockets) for the integration tests.

usage: ws_peer.py URL SUBPROTOCOL STEPS_JSON [CAFILE CERTFILE KEYFILE SERVERNAME]
STEPS_JSON is a list of primitives (dicts) or raw strings; each is sent as one message, then messages are
read until the response with the same rqi (or, for a raw string, any response) arrives. Requests from the
CSE (notifications) are answered with rsc 2000. Every message received is printed as one JSON line.
"""
import asyncio, json, re, ssl, sys
import websockets

def parse(text, subprotocol):
    if not subprotocol.endswith("xml"):
        return json.loads(text)
    message = {"xml": text}
    rsc, rqi = re.search(r"<rsc>(\d+)</rsc>", text), re.search(r"<rqi>([^<]*)</rqi>", text)
    if rsc:
        message["rsc"] = int(rsc.group(1))
    else:
        message["op"] = 5
    if rqi:
        message["rqi"] = rqi.group(1)
    return message

async def main():
    url, subprotocol, steps = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    context = None
    if len(sys.argv) > 4:
        context = ssl.create_default_context(cafile=sys.argv[4])
        context.load_cert_chain(sys.argv[5], sys.argv[6])
        server_hostname = sys.argv[7]
    kwargs = {"ssl": context, "server_hostname": server_hostname} if context else {}
    async with websockets.connect(url, subprotocols=[subprotocol], max_size=None, **kwargs) as ws:
        print(json.dumps({"subprotocol": ws.subprotocol}), flush=True)
        for step in steps:
            await ws.send(step if isinstance(step, str) else json.dumps(step))
            want = None if isinstance(step, str) else step.get("rqi")
            while True:
                try:
                    text = await asyncio.wait_for(ws.recv(), 10)
                except asyncio.TimeoutError:
                    print(json.dumps({"timeout": want}), flush=True)
                    return
                message = parse(text, subprotocol)
                print(json.dumps(message), flush=True)
                if "op" in message:
                    await ws.send(json.dumps({"rsc": 2000, "rqi": message.get("rqi"), "rvi": "3"}))
                    continue
                if want is None or message.get("rqi") == want:
                    break

try:
    asyncio.run(main())
except websockets.exceptions.ConnectionClosed as e:
    print(json.dumps({"closed": e.code if hasattr(e, "code") else None, "rcvd": getattr(e.rcvd, "code", None)}), flush=True)
