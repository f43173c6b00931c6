#!/usr/bin/env python3
"""The forged-packet benchmark's attacker, run inside its own namespace (ll-fatk) by forged.py.

  attacker.py capture --dev eth0 --port 694 --seconds 3 --out FILE
      records genuine heartbeat datagrams seen on the bridge (AF_PACKET): source, destination,
      payload, as JSON lines.
  attacker.py send --kind KIND --count N --rate R --capture FILE --dst ADDR --port 694 --seed S
      sends N datagrams of one kind at about R per second and prints a JSON summary. Kinds:
        random     random bytes, 1-1472 of them, from this host
        truncated  a captured datagram cut short, from this host
        bitflip    a captured datagram with 1-3 bits flipped, from this host
        hugelen    a captured datagram with 0x7FFFFFF0 written over a 4-byte field in its first
                   64 bytes (wherever a length may be announced), from this host
        replay     a captured datagram, byte for byte, sent with its original source address
                   and port (raw socket), so that it looks exactly like the genuine one
Standard library only. Every loop is bounded by --count and by --max-seconds.
"""

import argparse
import base64
import json
import random
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800


def capture(args):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
    s.bind((args.dev, 0))
    s.settimeout(0.2)
    end = time.monotonic() + args.seconds
    n = 0
    with open(args.out, "w") as out:
        while time.monotonic() < end and n < args.max_packets:
            try:
                pkt = s.recv(65535)
            except socket.timeout:
                continue
            if len(pkt) < 28 or pkt[9] != 17:  # IPv4 UDP only
                continue
            ihl = (pkt[0] & 0x0F) * 4
            sport, dport, ulen = struct.unpack("!HHH", pkt[ihl:ihl + 6])
            if dport != args.port:
                continue
            payload = pkt[ihl + 8:ihl + ulen]
            out.write(json.dumps({"src": socket.inet_ntoa(pkt[12:16]), "dst": socket.inet_ntoa(pkt[16:20]),
                                  "sport": sport, "dport": dport,
                                  "payload": base64.b64encode(payload).decode()}) + "\n")
            n += 1
    print(json.dumps({"captured": n}))


def load_capture(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def raw_udp(src, sport, dst, dport, payload):
    """An IPv4 header plus UDP, for a raw socket with IP_HDRINCL (the kernel fills id/checksum)."""
    ulen = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, ulen)
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    csum = checksum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", csum) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 0, 0, 64, 17, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return ip + udp


def send(args):
    rng = random.Random(args.seed)
    cap = load_capture(args.capture) if args.capture else []
    if args.kind != "random" and not cap:
        sys.exit("attacker.py: this kind needs a capture")
    plain = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    plain.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    raw = None
    if args.kind == "replay":
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    sent = 0
    by_src = {}
    errors = 0
    start = time.monotonic()
    end = start + args.max_seconds
    batch = max(1, args.rate // 100)  # pace in 10 ms slices
    while sent < args.count and time.monotonic() < end:
        slice_start = time.monotonic()
        for _ in range(min(batch, args.count - sent)):
            try:
                if args.kind == "random":
                    data = rng.randbytes(rng.randint(1, 1472))
                    plain.sendto(data, (args.dst, args.port))
                    src = "attacker"
                else:
                    c = cap[rng.randrange(len(cap))]
                    p = base64.b64decode(c["payload"])
                    if args.kind == "truncated":
                        data = p[:rng.randrange(len(p))] if len(p) > 1 else b""
                    elif args.kind == "bitflip":
                        b = bytearray(p)
                        for _ in range(rng.randint(1, 3)):
                            i = rng.randrange(len(b) * 8)
                            b[i // 8] ^= 1 << (i % 8)
                        data = bytes(b)
                    elif args.kind == "hugelen":
                        b = bytearray(p)
                        off = rng.randrange(0, max(1, min(64, len(b) - 3)))
                        b[off:off + 4] = b"\x7f\xff\xff\xf0"
                        data = bytes(b)
                    else:
                        data = p
                    if args.kind == "replay":
                        raw.sendto(raw_udp(c["src"], c["sport"], c["dst"], c["dport"], data), (c["dst"], 0))
                        src = c["src"]
                    else:
                        plain.sendto(data, (args.dst, args.port))
                        src = "attacker"
                sent += 1
                by_src[src] = by_src.get(src, 0) + 1
            except OSError:
                errors += 1
                sent += 1
        spent = time.monotonic() - slice_start
        if spent < 0.01:
            time.sleep(0.01 - spent)
    print(json.dumps({"kind": args.kind, "sent": sent, "send_errors": errors, "by_source": by_src,
                      "seconds": round(time.monotonic() - start, 2)}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("--dev", default="eth0")
    c.add_argument("--port", type=int, default=694)
    c.add_argument("--seconds", type=float, default=3)
    c.add_argument("--max-packets", type=int, default=5000)
    c.add_argument("--out", required=True)
    s = sub.add_parser("send")
    s.add_argument("--kind", required=True, choices=["random", "truncated", "bitflip", "hugelen", "replay"])
    s.add_argument("--count", type=int, default=200000)
    s.add_argument("--rate", type=int, default=10000)
    s.add_argument("--capture")
    s.add_argument("--dst", default="198.51.100.127")
    s.add_argument("--port", type=int, default=694)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--max-seconds", type=float, default=120)
    a = ap.parse_args()
    capture(a) if a.cmd == "capture" else send(a)


if __name__ == "__main__":
    main()
