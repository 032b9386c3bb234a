#!/usr/bin/env python3
"""Added latency on one link of scripts/hosts-stack.sh (`delay A B MS`), since tc netem is not
available: runs inside host A, takes the TCP connections that an iptables REDIRECT rule of A
sends it (A's connections to B), and opens each one on to its original destination
(SO_ORIGINAL_DST). What A sends waits MS milliseconds before it goes on, in order; what B
answers passes at once. Its own connections carry the firewall mark MARK, which the REDIRECT
rule skips. One line per connection on stdout.

usage: hosts-delay-proxy.py PORT DELAY_MS MARK
"""
import asyncio
import socket
import struct
import sys

SO_ORIGINAL_DST = 80  # linux/netfilter_ipv4.h
SO_MARK = getattr(socket, "SO_MARK", 36)


def original_destination(sock):
    raw = sock.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16)
    (port,) = struct.unpack("!H", raw[2:4])
    return socket.inet_ntoa(raw[4:8]), port


async def forward(reader, writer, delay):
    """Copies reader to writer, each chunk held `delay` seconds after it arrived."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def send():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            if due > loop.time():
                await asyncio.sleep(due - loop.time())
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(send())
    try:
        while data := await reader.read(65536):
            await queue.put((loop.time() + delay, data))
    except ConnectionError:
        pass
    await queue.put((loop.time() + delay, None))
    try:
        await sender
        writer.close()
    except ConnectionError:
        pass


async def serve(delay, mark, client_reader, client_writer):
    client = client_writer.get_extra_info("socket")
    host, port = original_destination(client)
    upstream = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    upstream.setsockopt(socket.SOL_SOCKET, SO_MARK, mark)
    upstream.setblocking(False)
    try:
        await asyncio.get_running_loop().sock_connect(upstream, (host, port))
    except OSError as error:
        print(f"{client.getpeername()} -> {host}:{port}: {error}", flush=True)
        upstream.close()
        client_writer.close()
        return
    print(f"{client.getpeername()[0]} -> {host}:{port}: +{delay * 1000:.0f} ms", flush=True)
    server_reader, server_writer = await asyncio.open_connection(sock=upstream)
    await asyncio.gather(
        forward(client_reader, server_writer, delay),
        forward(server_reader, client_writer, 0),
    )


async def main():
    port, delay_ms, mark = (int(value) for value in sys.argv[1:4])
    server = await asyncio.start_server(
        lambda r, w: serve(delay_ms / 1000, mark, r, w), "127.0.0.1", port
    )
    print(f"listening on 127.0.0.1:{port}, +{delay_ms} ms", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
