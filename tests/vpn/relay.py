#!/usr/bin/env python3
"""A UDP relay that delays and drops packets: the slow, lossy WAN between a
cinema and central's VPN endpoint, in user space (this kernel has no netem).

    relay.py LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS LOSS_PERCENT [SEED]

Packets from the first client to reach LISTEN go to TARGET after DELAY_MS,
and TARGET's answers back to that client after DELAY_MS, each dropped with
probability LOSS_PERCENT (a seeded generator, so a run is repeatable). The
round trip is therefore 2 x DELAY_MS plus the hosts' own time. SIGUSR1 cuts
the link (every packet dropped), SIGUSR2 heals it.
"""
import asyncio
import random
import signal
import sys


def main() -> None:
    listen_host, listen_port, target_host, target_port = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    delay = float(sys.argv[5]) / 1000.0
    loss = float(sys.argv[6]) / 100.0
    rng = random.Random(int(sys.argv[7]) if len(sys.argv) > 7 else 1)
    state = {"cut": False, "client": None}

    loop = asyncio.new_event_loop()

    class Upstream(asyncio.DatagramProtocol):
        def connection_made(self, transport):
            self.transport = transport

        def datagram_received(self, data, addr):
            forward(front, data, state["client"])

    class Front(asyncio.DatagramProtocol):
        def connection_made(self, transport):
            self.transport = transport

        def datagram_received(self, data, addr):
            state["client"] = addr
            forward(upstream, data, None)

    def forward(proto, data, addr):
        if state["cut"] or rng.random() < loss:
            return
        loop.call_later(delay, lambda: proto.transport.sendto(data, addr) if addr else proto.transport.sendto(data))

    front_t, front = loop.run_until_complete(
        loop.create_datagram_endpoint(Front, local_addr=(listen_host, listen_port)))
    up_t, upstream = loop.run_until_complete(
        loop.create_datagram_endpoint(Upstream, remote_addr=(target_host, target_port)))
    loop.add_signal_handler(signal.SIGUSR1, lambda: state.update(cut=True))
    loop.add_signal_handler(signal.SIGUSR2, lambda: state.update(cut=False))
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    print("relay ready", flush=True)
    loop.run_forever()


if __name__ == "__main__":
    main()
